#pragma once
// What the runtime's group commit (bot/group_commit.hpp) needs from a storage engine: one
// transaction that the decisions taken meanwhile share, each of them a unit of work nested in it
// (Transactions, dialogs/ports.hpp), so that the fsync is paid once per batch, not once per
// decision. The domain never sees it: a decision's unit of work is atomic whether or not a batch
// is open. SQLite implements it in Database; a PostgreSQL engine would with one transaction and
// a SAVEPOINT per unit of work the same way.

#include <cstdint>

namespace linli::storage {

class Batches {
 public:
  virtual ~Batches() = default;
  // Opens the batch's transaction: the units of work begun until it is committed are nested in it.
  virtual void open_batch() = 0;
  // Commits the batch durably (as the engine's synchronous setting makes commits durable). When
  // it throws, the whole batch was rolled back and no batch is open.
  virtual void commit_batch() = 0;
  // Rolls the whole batch back (its commit cannot be tried, e.g. the process is stopping).
  virtual void abandon_batch() noexcept = 0;
  virtual bool batch_open() const = 0;
  // Transactions committed so far.
  virtual std::uint64_t commits() const = 0;
};

}  // namespace linli::storage
