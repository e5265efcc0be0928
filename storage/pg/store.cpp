#include "storage/pg/store.hpp"

#include <string>

namespace linli::storage::pg {
namespace {
std::string savepoint_name(std::size_t depth) {
  return "unit_of_work_" + std::to_string(depth);
}
}  // namespace

PgTransactions::~PgTransactions() {
  // A unit left open (its owner threw past it without UnitOfWork) must not be left to the next
  // user of the connection.
  while (!savepoint_.empty()) rollback();
}

void PgTransactions::begin() {
  if (c_.idle()) {
    // Opened by us: whatever a unit that threw left behind was rolled back with it.
    savepoint_.clear();
    c_.exec("BEGIN ISOLATION LEVEL SERIALIZABLE");
    savepoint_.push_back(false);
  } else {
    c_.exec("SAVEPOINT " + savepoint_name(savepoint_.size()));
    savepoint_.push_back(true);
  }
}

void PgTransactions::commit() {
  if (savepoint_.empty()) throw PgError("25000", "commit without a unit of work");
  const bool savepoint = savepoint_.back();
  savepoint_.pop_back();
  if (savepoint) {
    c_.exec("RELEASE SAVEPOINT " + savepoint_name(savepoint_.size()));
    return;
  }
  if (c_.exec("COMMIT").command() != "COMMIT") {
    throw PgError("25P02", "the transaction was rolled back by an earlier error");
  }
}

void PgTransactions::rollback() noexcept {
  if (savepoint_.empty()) return;
  const bool savepoint = savepoint_.back();
  savepoint_.pop_back();
  try {
    if (!c_.ok()) return;  // the server rolled it back when the connection broke
    if (savepoint) {
      const std::string name = savepoint_name(savepoint_.size());
      c_.exec("ROLLBACK TO SAVEPOINT " + name);
      c_.exec("RELEASE SAVEPOINT " + name);
    } else {
      c_.exec("ROLLBACK");
    }
  } catch (const PgError&) {
    // An aborted enclosing transaction refuses even this; it is rolled back by its owner.
  }
}

}  // namespace linli::storage::pg
