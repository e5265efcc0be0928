#include "storage/database.hpp"

#include <stdexcept>

#include <sqlite3.h>

#include "storage/migrations.hpp"

namespace linli::storage {

namespace {

int count_commit(void* commits) {
  ++*static_cast<std::uint64_t*>(commits);
  return 0;  // go on with the commit
}

// SQLite rolls a whole transaction back by itself after some errors (a full disk, an I/O error,
// out of memory): then the connection is in autocommit mode again although a batch was open.
bool transaction_gone(SQLite::Database& db) {
  return sqlite3_get_autocommit(db.getHandle()) != 0;
}

}  // namespace

Database::Database(const std::string& path, const std::string& synchronous)
    : db_(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE),
      begin_(db_, "BEGIN IMMEDIATE"),
      commit_(db_, "COMMIT"),
      rollback_(db_, "ROLLBACK"),
      savepoint_(db_, "SAVEPOINT unit_of_work"),
      release_(db_, "RELEASE unit_of_work"),
      rollback_to_(db_, "ROLLBACK TO unit_of_work") {
  sqlite3_commit_hook(db_.getHandle(), &count_commit, &commits_);
  db_.exec("PRAGMA journal_mode = WAL");
  db_.exec(synchronous == "full" ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
  db_.exec("PRAGMA foreign_keys = ON");
  db_.exec("PRAGMA temp_store = MEMORY");
  // Deleted content is zeroed, so an ended dialog's answers or a purged address do not linger
  // in a page's free space. Debian's SQLite is built with it on; other builds are not.
  db_.exec("PRAGMA secure_delete = ON");
  // Another process (an operator's sqlite3 shell, a backup) may hold the lock for a moment.
  db_.setBusyTimeout(5000);
  migrate();
}

int Database::schema_version() {
  SQLite::Statement q(db_, "PRAGMA user_version");
  q.executeStep();
  return q.getColumn(0).getInt();
}

std::uint64_t Database::wal_pages() {
  int current = 0;
  int highwater = 0;
  sqlite3_db_status(db_.getHandle(), SQLITE_DBSTATUS_CACHE_WRITE, &current, &highwater, 0);
  return static_cast<std::uint64_t>(static_cast<unsigned>(current));
}

int Database::latest_schema_version() {
  return static_cast<int>(migrations().size());
}

void Database::migrate() {
  auto all = migrations();
  for (int v = schema_version(); v < static_cast<int>(all.size()); ++v) {
    Transaction txn(*this);
    db_.exec(std::string(all[v]));
    db_.exec("PRAGMA user_version = " + std::to_string(v + 1));
    txn.commit();
  }
}

// A unit of work nested in a batch or in another one is a savepoint: released into the enclosing
// transaction when it commits, rolled back alone when it fails.
void Database::begin() {
  if (depth_ == 0 && !batch_) {
    Use(begin_)->exec();
  } else {
    if (transaction_gone(db_)) {
      throw std::runtime_error("the open batch was rolled back by an earlier error");
    }
    Use(savepoint_)->exec();
  }
  ++depth_;
}

void Database::commit() {
  if (depth_ == 1 && !batch_) {
    Use(commit_)->exec();
  } else {
    if (transaction_gone(db_)) {
      throw std::runtime_error("the open batch was rolled back by an earlier error");
    }
    Use(release_)->exec();
  }
  --depth_;
}

void Database::rollback() noexcept {
  bool outermost = depth_ == 1 && !batch_;
  --depth_;
  try {
    if (outermost) {
      Use(rollback_)->exec();
    } else if (!transaction_gone(db_)) {
      Use(rollback_to_)->exec();
      Use(release_)->exec();
    }
  } catch (...) {  // SQLite may have rolled back already (e.g. after SQLITE_FULL)
  }
}

void Database::open_batch() {
  if (batch_ || depth_ != 0) throw std::logic_error("open_batch: a transaction is open");
  Use(begin_)->exec();
  batch_ = true;
}

void Database::commit_batch() {
  if (!batch_) return;
  batch_ = false;
  if (transaction_gone(db_)) {
    throw std::runtime_error("the batch was rolled back by an error before its commit");
  }
  try {
    Use(commit_)->exec();
  } catch (...) {
    // A COMMIT that fails (SQLITE_BUSY, SQLITE_FULL, an I/O error) may leave the transaction
    // open: nothing of the batch is kept.
    try {
      if (!transaction_gone(db_)) Use(rollback_)->exec();
    } catch (...) {
    }
    throw;
  }
}

void Database::abandon_batch() noexcept {
  if (!batch_) return;
  batch_ = false;
  try {
    if (!transaction_gone(db_)) Use(rollback_)->exec();
  } catch (...) {
  }
}

Database::Transaction::Transaction(Database& db) : db_(db) {
  db_.begin();
}

Database::Transaction::~Transaction() {
  if (!done_) db_.rollback();
}

void Database::Transaction::commit() {
  db_.commit();
  done_ = true;
}

}  // namespace linli::storage
