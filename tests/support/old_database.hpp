#pragma once
// A database file as an older release left it, for migration tests: the first `version`
// migrations applied, community 'sc' with people 1..`people`, and `rows` (SQL statements)
// written, before the current code opens it and applies the rest.

#include <initializer_list>
#include <string>

#include <SQLiteCpp/Database.h>

#include "storage/migrations.hpp"
#include "tests/support/temp_dir.hpp"

namespace linli::test {

class OldDatabase {
 public:
  OldDatabase(int version, int people, std::initializer_list<const char*> rows)
      : path_(dir_.path() + "/linli.db") {
    SQLite::Database old(path_, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    for (int v = 0; v < version; ++v) old.exec(std::string(storage::migrations()[v]));
    old.exec("PRAGMA user_version = " + std::to_string(version));
    old.exec("INSERT INTO communities VALUES ('sc', 'x', 'zh')");
    for (int id = 1; id <= people; ++id)
      old.exec("INSERT INTO people (id, created_at) VALUES (" + std::to_string(id) + ", 1)");
    for (const char* sql : rows) old.exec(sql);
  }

  const std::string& path() const { return path_; }

 private:
  TempDir dir_;
  std::string path_;
};

}  // namespace linli::test
