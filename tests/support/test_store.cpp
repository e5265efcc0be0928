#include "tests/support/test_store.hpp"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

#include "storage/directory_rows.hpp"
#include "storage/pg/connection.hpp"
#include "storage/pg/directory_rows.hpp"
#include "storage/pg/store.hpp"
#include "storage/store.hpp"
#include "tests/support/postgres.hpp"

namespace linli::test {

TestEngine test_engine() {
  const char* e = std::getenv("LINLI_TEST_ENGINE");
  const std::string name = e == nullptr ? "" : e;
  if (name.empty() || name == "sqlite") return TestEngine::sqlite;
  if (name == "postgres") return TestEngine::postgres;
  throw std::invalid_argument("LINLI_TEST_ENGINE: \"" + name +
                              "\" is neither \"sqlite\" nor \"postgres\"");
}

const char* engine_name(TestEngine e) {
  return e == TestEngine::postgres ? "postgres" : "sqlite";
}

std::string TestStore::value(const std::string& sql) {
  auto all = rows(sql);
  return all.empty() || all[0].empty() ? "" : all[0][0];
}

std::string TestStore::snapshot(const std::vector<std::string>& except) {
  std::string all;
  for (const auto& table : tables()) {
    if (std::find(except.begin(), except.end(), table) != except.end()) continue;
    std::vector<std::string> lines;
    for (const auto& row : rows("SELECT * FROM \"" + table + "\"")) {
      std::string line;
      for (const auto& v : row) line += v + "|";
      lines.push_back(std::move(line));
    }
    std::sort(lines.begin(), lines.end());
    all += table + ":\n";
    for (const auto& l : lines) all += l + "\n";
  }
  return all;
}

namespace {

class SqliteTestStore final : public TestStore {
 public:
  SqliteTestStore(const std::string& path, const storage::FieldCipher* cipher)
      : db_(path, "normal"), store_(db_, cipher) {}

  TestEngine engine() const override { return TestEngine::sqlite; }
  Store& ports() override { return store_.ports; }
  void save_directory(const Directory& dir) override { storage::save_directory(db_, dir); }
  std::vector<std::vector<std::string>> rows(const std::string& sql) override {
    SQLite::Statement q(db_.sql(), sql);
    std::vector<std::vector<std::string>> out;
    while (q.executeStep()) {
      auto& row = out.emplace_back();
      for (int i = 0; i < q.getColumnCount(); ++i) {
        row.push_back(q.getColumn(i).isNull() ? "" : q.getColumn(i).getString());
      }
    }
    return out;
  }
  void exec(const std::string& sql) override { db_.sql().exec(sql); }
  std::vector<std::string> tables() override {
    std::vector<std::string> names;
    for (auto& row : rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                          "'sqlite\\_%' ESCAPE '\\' ORDER BY name")) {
      names.push_back(row[0]);
    }
    return names;
  }
  storage::Database* sqlite_database() override { return &db_; }
  storage::SqliteStore* sqlite_store() override { return &store_; }

 private:
  storage::Database db_;
  storage::SqliteStore store_;
};

// One database and one connection for every PostgreSQL store of a test binary, emptied before
// each: a fresh database per test (CREATE DATABASE from the migrated template) and a new
// connection, whose first statements fill the server's caches for a new database, cost about
// half a second a test, and left the server's folder gigabytes large after dialogs_tests.
// Emptying takes milliseconds: every table's rows deleted (the foreign keys' triggers off for
// it, as superuser) and every identity restarted at 1, so that ids are as in a new database.
class SharedPgDatabase {
 public:
  static SharedPgDatabase& get() {
    static SharedPgDatabase shared(PostgresServer::shared().migrated_database());
    return shared;
  }

  // The connection, with no transaction open and every table empty.
  storage::pg::Connection& emptied() {
    if (!c_.ok()) c_.reset();
    if (!c_.idle()) c_.exec("ROLLBACK");  // a test that failed inside a unit of work
    c_.run_script(empty_);
    return c_;
  }

 private:
  explicit SharedPgDatabase(const std::string& conninfo) : c_(conninfo) {
    std::string deletes;
    storage::pg::Result tables = c_.exec(
        "SELECT quote_ident(table_name) FROM information_schema.tables WHERE table_schema = "
        "'public' AND table_type = 'BASE TABLE' AND table_name <> 'schema_version'");
    for (int i = 0; i < tables.rows(); ++i) {
      deletes += "DELETE FROM " + std::string(tables.text(i, 0)) + ";\n";
    }
    std::string restarts;
    storage::pg::Result ids = c_.exec(
        "SELECT pg_get_serial_sequence(quote_ident(table_name), column_name) FROM "
        "information_schema.columns WHERE table_schema = 'public' AND is_identity = 'YES'");
    for (int i = 0; i < ids.rows(); ++i) {
      restarts += (restarts.empty() ? "SELECT " : ", ") + std::string("setval('") +
                  std::string(ids.text(i, 0)) + "', 1, false)";
    }
    empty_ = "BEGIN;\nSET LOCAL session_replication_role = replica;\n" + deletes + "COMMIT;\n" +
             restarts + ";\n";
  }

  storage::pg::Connection c_;
  std::string empty_;  // the script that empties the database
};

class PgTestStore final : public TestStore {
 public:
  explicit PgTestStore(const storage::FieldCipher* cipher)
      : c_(SharedPgDatabase::get().emptied()), store_(c_, cipher) {}

  TestEngine engine() const override { return TestEngine::postgres; }
  Store& ports() override { return store_.ports; }

  // What `linli serve` writes at start-up on PostgreSQL (storage/pg/directory_rows.hpp).
  void save_directory(const Directory& dir) override {
    UnitOfWork u(store_.ports);
    storage::pg::save_directory(c_, dir);
    u.commit();
  }
  std::vector<std::vector<std::string>> rows(const std::string& sql) override {
    storage::pg::Result r = c_.exec(sql);
    std::vector<std::vector<std::string>> out;
    for (int i = 0; i < r.rows(); ++i) {
      auto& row = out.emplace_back();
      for (int j = 0; j < r.columns(); ++j) {
        row.push_back(r.is_null(i, j) ? "" : std::string(r.text(i, j)));
      }
    }
    return out;
  }
  void exec(const std::string& sql) override { c_.run_script(sql); }
  std::vector<std::string> tables() override {
    std::vector<std::string> names;
    for (auto& row : rows("SELECT table_name FROM information_schema.tables WHERE table_schema = "
                          "'public' AND table_type = 'BASE TABLE' ORDER BY table_name")) {
      names.push_back(row[0]);
    }
    return names;
  }

 private:
  storage::pg::Connection& c_;
  storage::pg::PgStore store_;
};

}  // namespace

std::unique_ptr<TestStore> TestStore::open(TestEngine engine, const std::string& sqlite_path,
                                           const storage::FieldCipher* cipher) {
  if (engine == TestEngine::postgres) {
    return std::make_unique<PgTestStore>(cipher);
  }
  return std::make_unique<SqliteTestStore>(sqlite_path, cipher);
}

}  // namespace linli::test
