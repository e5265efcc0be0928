#pragma once
// The domain's ports (dialogs/ports.hpp) on one connection of either storage engine, for the
// tests that run the same cases on both (tests/storage/ports_test.cpp, tests/storage/pg/
// leases_test.cpp): a SqliteStore on a database file, or a PgStore on a connection of its own.
// Several sessions on one database are what several Linli instances would hold.

#include <memory>
#include <string>

#include "storage/field_cipher.hpp"
#include "storage/pg/connection.hpp"
#include "storage/pg/store.hpp"
#include "storage/store.hpp"

namespace linli::test {

class StoreSession {
 public:
  virtual ~StoreSession() = default;
  virtual Store& ports() = 0;
  // One value read straight from the tables (to see what is stored, e.g. that a column is
  // sealed), and rows written as they are (what the ports do not write): SQL both engines take.
  virtual std::string stored(const std::string& sql) = 0;
  virtual void seed(const std::string& sql) = 0;
};

class SqliteSession final : public StoreSession {
 public:
  SqliteSession(const std::string& path, const storage::FieldCipher* cipher)
      : db_(path, "normal"), store_(db_, cipher) {}
  Store& ports() override { return store_.ports; }
  std::string stored(const std::string& sql) override {
    return db_.sql().execAndGet(sql).getString();
  }
  void seed(const std::string& sql) override { db_.sql().exec(sql); }

 private:
  storage::Database db_;
  storage::SqliteStore store_;
};

class PgSession final : public StoreSession {
 public:
  PgSession(const std::string& conninfo, const storage::FieldCipher* cipher)
      : c_(conninfo), store_(c_, cipher) {}
  Store& ports() override { return store_.ports; }
  std::string stored(const std::string& sql) override {
    return std::string(c_.exec(sql).text(0, 0));
  }
  void seed(const std::string& sql) override { c_.run_script(sql); }
  storage::pg::Connection& connection() { return c_; }

 private:
  storage::pg::Connection c_;
  storage::pg::PgStore store_;
};

}  // namespace linli::test
