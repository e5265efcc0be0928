#pragma once
// The store a test decides on, on either engine (issue 13: every dialog test runs on both). The
// engine is chosen per run of a test binary by the environment variable LINLI_TEST_ENGINE:
// unset or "sqlite" (SQLite, as the tests always ran), or "postgres" (the binary's PostgreSQL
// test server, tests/support/postgres.hpp: one migrated database, emptied for each new store, so
// one PostgreSQL store at a time). ctest runs the same dialogs_tests binary both ways; no second
// build.
//
// Besides the domain's ports, a TestStore reads and writes rows directly for what the ports do
// not show (a log a decision must write, a row a test seeds or tampers with): the SQL given must
// be text both engines accept, or be chosen by `engine()`.

#include <memory>
#include <string>
#include <vector>

#include "dialogs/directory.hpp"
#include "dialogs/ports.hpp"
#include "storage/field_cipher.hpp"
#include "storage/store.hpp"

namespace linli::test {

enum class TestEngine { sqlite, postgres };

// LINLI_TEST_ENGINE's engine; throws std::invalid_argument naming the variable for another value.
TestEngine test_engine();
const char* engine_name(TestEngine e);

class TestStore {
 public:
  // `sqlite_path` is SQLite's database (":memory:" or a file); on PostgreSQL the binary's one
  // database, emptied (tables without rows, ids from 1), as new as a fresh one. `cipher` (may be
  // null) must outlive the store.
  static std::unique_ptr<TestStore> open(TestEngine engine, const std::string& sqlite_path,
                                         const storage::FieldCipher* cipher);
  virtual ~TestStore() = default;

  virtual TestEngine engine() const = 0;
  virtual Store& ports() = 0;
  // The directory's communities, groups and coordinators as rows, as the runtime writes them at
  // start-up (storage/directory_rows.hpp on SQLite).
  virtual void save_directory(const Directory& dir) = 0;
  // Every row `sql` returns, each value as text ("" for NULL).
  virtual std::vector<std::vector<std::string>> rows(const std::string& sql) = 0;
  // One or more statements without results.
  virtual void exec(const std::string& sql) = 0;
  // The names of the schema's tables, sorted.
  virtual std::vector<std::string> tables() = 0;
  // SQLite's objects, for the tests that are about SQLite itself; null on PostgreSQL.
  virtual storage::Database* sqlite_database() { return nullptr; }
  virtual storage::SqliteStore* sqlite_store() { return nullptr; }

  // The first value of the first row `sql` returns ("" when it returns none).
  std::string value(const std::string& sql);
  // Every row of every table but `except`, each table's rows sorted: what "nothing changed"
  // compares (PostgreSQL moves a row it updated, even to the same values, so rows are sorted).
  std::string snapshot(const std::vector<std::string>& except);
};

}  // namespace linli::test
