#pragma once
// The SQLite connection: WAL mode, numbered migrations applied at start-up, and the units of
// work of the decisions. Owned by main; used from the io_context thread only.
//
// Group commit (README, "How it works"): while the runtime holds a batch open (open_batch), a
// unit of work is a SAVEPOINT inside it, released when the decision is done and rolled back alone
// when it fails; the batch's one COMMIT (commit_batch) makes all of them durable at once. Without
// a batch a unit of work is its own BEGIN IMMEDIATE ... COMMIT, as at start-up and in tests that
// decide without the runtime.

#include <cstdint>
#include <memory>
#include <string>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "dialogs/ports.hpp"
#include "storage/batches.hpp"

namespace linli::storage {

class Database final : public Transactions, public Batches {
 public:
  // `synchronous` is "normal" (WAL: durable against process crashes) or "full" (also power loss).
  Database(const std::string& path, const std::string& synchronous);

  SQLite::Database& sql() { return db_; }
  int schema_version();

  // The unit of work of one decision, prepared once: BEGIN IMMEDIATE, COMMIT, ROLLBACK on its
  // own; SAVEPOINT, RELEASE, ROLLBACK TO inside a batch or another unit of work.
  void begin() override;
  void commit() override;
  void rollback() noexcept override;
  static int latest_schema_version();

  // Batches (storage/batches.hpp).
  void open_batch() override;
  void commit_batch() override;
  void abandon_batch() noexcept override;
  bool batch_open() const override { return batch_; }
  // Transactions this connection committed, each COMMIT once (SQLite's commit hook): a batch
  // of many decisions counts one. What tests and the benchmark count fsyncs by.
  std::uint64_t commits() const override { return commits_; }
  // Pages this connection wrote to the WAL (SQLite's SQLITE_DBSTATUS_CACHE_WRITE): with
  // commits(), what the benchmark counts the write cost of a decision by.
  std::uint64_t wal_pages();

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
  SQLite::Statement savepoint_;
  SQLite::Statement release_;
  SQLite::Statement rollback_to_;
  int depth_ = 0;  // units of work open
  bool batch_ = false;
  std::uint64_t commits_ = 0;
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
