#include "storage/database.hpp"

#include "storage/migrations.hpp"

namespace linli::storage {

Database::Database(const std::string& path, const std::string& synchronous)
    : db_(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE),
      begin_(db_, "BEGIN IMMEDIATE"),
      commit_(db_, "COMMIT"),
      rollback_(db_, "ROLLBACK") {
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

void Database::begin() {
  Use(begin_)->exec();
}

void Database::commit() {
  Use(commit_)->exec();
}

void Database::rollback() noexcept {
  try {
    Use(rollback_)->exec();
  } catch (...) {  // SQLite may have rolled back already (e.g. after SQLITE_FULL)
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
