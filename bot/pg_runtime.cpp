#include "bot/pg_runtime.hpp"

#include <future>
#include <optional>
#include <stdexcept>

#include "storage/pg/directory_rows.hpp"
#include "storage/pg/migrations.hpp"

namespace linli {

namespace pg = storage::pg;

PgRuntime::PgRuntime(const Config& config, const storage::FieldCipher* cipher, Logger& log)
    : config_(config),
      cipher_(cipher),
      log_(log),
      pool_(std::make_unique<pg::Pool>(config.postgres.conninfo, config.postgres.connections)) {
  // Outside a transaction: migrate() takes the advisory lock and runs each migration in a
  // transaction of its own.
  std::promise<pg::MigrationOutcome> migrated;
  auto result = migrated.get_future();
  auto outcome = std::make_shared<pg::MigrationOutcome>();
  pool_->submit([outcome](pg::Connection& c) { *outcome = pg::migrate(c); },
                [&migrated, outcome](std::exception_ptr e) {
                  if (e) {
                    migrated.set_exception(e);
                  } else {
                    migrated.set_value(*outcome);
                  }
                },
                false);
  pg::MigrationOutcome m;
  try {
    m = result.get();
  } catch (const pg::WrongCollation& e) {
    // The operator's to fix, like a bad config value: its message names database.postgres.
    throw ConfigError(e.what());
  }
  if (m.after != m.before) {
    log_.info("migrated", {{"engine", "postgres"}, {"from", m.before}, {"to", m.after}});
  }
  io_connection_ = std::make_unique<pg::Connection>(config.postgres.conninfo);
  io_store_ = std::make_unique<pg::PgStore>(*io_connection_, cipher_);
}

PgRuntime::~PgRuntime() {
  // The workers end before the stores and engines they use.
  pool_.reset();
}

void PgRuntime::run_now(const std::function<void(pg::PgStore&)>& f) {
  std::promise<void> done;
  auto result = done.get_future();
  pool_->submit(
      [this, &f](pg::Connection& c) {
        pg::PgStore store(c, cipher_);
        f(store);
      },
      [&done](std::exception_ptr e) {
        if (e) {
          done.set_exception(e);
        } else {
          done.set_value();
        }
      });
  result.get();
}

Directory PgRuntime::make_directory(std::int64_t now) {
  std::optional<Directory> dir;
  run_now([&](pg::PgStore& store) {
    dir.reset();  // a rerun after a conflict starts over
    dir.emplace(config_, store.ports.people, now, pg::load_chat_moves(store.connection));
    pg::save_directory(store.connection, *dir);
  });
  return std::move(*dir);
}

PgRuntime::Worker& PgRuntime::worker(pg::Connection& c) {
  if (dir_ == nullptr) throw std::logic_error("PgRuntime: no directory to decide with yet");
  std::lock_guard lock(workers_mutex_);
  auto& w = workers_[&c];
  if (!w) {
    w = std::make_unique<Worker>(c, cipher_, config_, *dir_);
    // The operator's secret lives in the repository (the database's is read at each use).
    w->store.certificates.use_secret(config_.certificates.secret);
  }
  return *w;
}

}  // namespace linli
