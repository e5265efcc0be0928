#pragma once
// The SQLite connection: WAL mode, numbered migrations applied at start-up, and the one
// transaction per decision. Owned by main; used from the io_context thread only.

#include <memory>
#include <string>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "dialogs/ports.hpp"

namespace linli::storage {

class Database final : public Transactions {
 public:
  // `synchronous` is "normal" (WAL: durable against process crashes) or "full" (also power loss).
  Database(const std::string& path, const std::string& synchronous);

  SQLite::Database& sql() { return db_; }
  int schema_version();

  // The unit of work of one decision: BEGIN IMMEDIATE, COMMIT, ROLLBACK, prepared once.
  void begin() override;
  void commit() override;
  void rollback() noexcept override;
  static int latest_schema_version();

  // BEGIN IMMEDIATE ... COMMIT with prepared statements; rolls back unless committed.
  class Transaction {
   public:
    explicit Transaction(Database& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

   private:
    Database& db_;
    bool done_ = false;
  };

 private:
  void migrate();

  SQLite::Database db_;
  SQLite::Statement begin_;
  SQLite::Statement commit_;
  SQLite::Statement rollback_;
};

// Runs a prepared statement and always resets it afterwards, so a half-stepped statement never
// keeps a read snapshot open (SQLiteCpp resets only on the next bind/exec).
class Use {
 public:
  explicit Use(SQLite::Statement& s) : s_(s) {}
  ~Use() {
    s_.tryReset();
    try {
      s_.clearBindings();
    } catch (...) {  // cannot fail on a valid statement; a destructor must not throw
    }
  }
  Use(const Use&) = delete;
  Use& operator=(const Use&) = delete;
  SQLite::Statement* operator->() { return &s_; }
  SQLite::Statement& operator*() { return s_; }

 private:
  SQLite::Statement& s_;
};

}  // namespace linli::storage
