#include "bot/migrate_command.hpp"

#include <filesystem>
#include <optional>
#include <string>

#include <SQLiteCpp/Database.h>

#include "storage/database.hpp"
#include "storage/pg/connection.hpp"
#include "storage/pg/migrations.hpp"

namespace linli {
namespace {

void report(std::ostream& out, const std::string& what, int before, int after) {
  out << "migrated " << what << ": schema version " << before << " -> " << after
      << (before == after ? " (already up to date)" : "") << "\n";
}

int migrate_sqlite(const Config& config, std::ostream& out, std::ostream& err) {
  const int latest = storage::Database::latest_schema_version();
  int before = 0;
  std::error_code ec;
  if (config.database != ":memory:" && std::filesystem::exists(config.database, ec)) {
    before =
        SQLite::Database(config.database, SQLite::OPEN_READONLY).execAndGet("PRAGMA user_version");
  }
  if (before > latest) {
    err << "linli migrate: the database " << config.database << " has schema version " << before
        << ", newer than this linli knows (" << latest
        << "): run a linli as new as the one that migrated it\n";
    return 1;
  }
  storage::Database db(config.database, config.synchronous);  // migrates as it opens
  report(out, "SQLite " + config.database, before, db.schema_version());
  return 0;
}

int migrate_postgres(const Config& config, std::ostream& out, std::ostream& err) {
  std::string error;
  std::string described = describe_database(config, error).value_or("PostgreSQL");
  try {
    storage::pg::Connection connection(config.postgres.conninfo);
    storage::pg::MigrationOutcome m = storage::pg::migrate(connection);
    report(out, described, m.before, m.after);
    return 0;
  } catch (const storage::pg::PgError& e) {
    err << "linli migrate: " << e.what() << " (SQLSTATE " << e.sqlstate() << ")\n";
  } catch (const storage::pg::SchemaTooNew& e) {
    err << "linli migrate: " << e.what() << "\n";
  }
  return 1;
}

}  // namespace

std::optional<std::string> describe_database(const Config& config, std::string& error) {
  if (config.engine == DatabaseEngine::sqlite) return "SQLite " + config.database;
  auto options = storage::pg::describe_conninfo(config.postgres.conninfo, error);
  if (!options) return std::nullopt;
  return "PostgreSQL " + *options;
}

int migrate_command(const Config& config, std::ostream& out, std::ostream& err) {
  try {
    return config.engine == DatabaseEngine::postgres ? migrate_postgres(config, out, err)
                                                     : migrate_sqlite(config, out, err);
  } catch (const std::exception& e) {
    err << "linli migrate: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace linli
