#pragma once
// Group commit (DESIGN.md §4 "Commits", README "How it works"): the decisions, the timers fired,
// the dead letters and the sender's bookkeeping written while one batch is open share its one
// commit, so the fsync is paid once per batch instead of once per update. Each decision stays a
// unit of work of its own inside the batch (a savepoint, storage/batches.hpp): one that fails
// rolls back alone. Nothing that depends on a decision leaves the process before the batch that
// holds it is durable: webhooks are answered after durable(), and outcomes are handed to the
// sender from after_commit().
//
// The commit runs on the io_context thread, in a handler posted when the batch opens: it runs
// behind the handlers that were ready then (other sessions' requests, sends that came back), so
// what arrives together is committed together, and the loop is blocked by the fsync only once
// per batch. Why not a thread of its own: SQLite's WAL keeps the write lock through the commit's
// fsync, so the next decisions could not be written meanwhile anyway, and the connection would
// have to be handed over and back for every batch (measured in bench/README.md).
// One object per App; used on the io_context thread only.

#include <cstdint>
#include <functional>
#include <memory>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include "bot/log.hpp"
#include "storage/batches.hpp"

namespace linli {

class GroupCommit {
 public:
  GroupCommit(boost::asio::io_context& io, storage::Batches& store, Logger& log);
  ~GroupCommit();
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // Makes sure a batch is open, opening one (and posting its commit) when none is: what is
  // written until that commit goes into it. Throws when the store cannot begin one.
  void join();
  // Runs `f` after the commit of the open batch: with true once it is durable, with false when
  // it failed and nothing of the batch was kept. Without an open batch, at once with true.
  // `f` must not throw.
  void after_commit(std::function<void(bool durable)> f);
  // As after_commit, but after every callback given to after_commit for the same batch: for a
  // reader of what the batch wrote (the sender's backlog), which must come after the outcomes
  // of the batch were handed on in memory, or it would queue their messages a second time.
  void after_commit_last(std::function<void(bool durable)> f);
  // Resolves after the commit of the batch open now (at once when none is): true when durable.
  boost::asio::awaitable<bool> durable();
  // Commits the open batch now, unless held (the posted handler; and shutdown, after the last
  // writes).
  void flush();

  // Test hook: batches are not committed until release(); decisions go on joining the open one.
  void hold();
  void release();

  bool open() const;              // a batch is open: what is read now may not be durable yet
  std::uint64_t batches() const;  // batches committed durably
  std::uint64_t failed() const;   // batches whose commit failed

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace linli
