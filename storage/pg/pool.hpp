#pragma once
// Database work off the io_context thread, for the PostgreSQL engine (issue 13).
//
// The decision, and why: a small pool of worker threads, each owning one libpq connection, runs
// whole units of work (one decision, one transaction) and hands the outcome back to the caller's
// executor (storage/pg/await.hpp), rather than driving libpq's non-blocking API from Asio.
// The domain's ports (dialogs/ports.hpp) are synchronous calls made one after another inside
// one decision (dialogs/turn.*): a decision reads, decides and writes through them without ever
// yielding, and it needs one connection, inside one transaction, for its whole duration. With
// libpq's non-blocking API every port call would have to become a suspension point of a
// coroutine, which would change every dialog and put the io thread back in the middle of each
// decision (and hold a connection across those suspensions anyway). A worker thread can call
// the same synchronous ports the SQLite engine serves, on its own connection, while the io
// thread keeps serving webhooks; several decisions run at once on several connections, and
// PostgreSQL, not a thread model, keeps them apart (the invariants are conditional statements).
// The price is a hand-off per decision between the io thread and a worker, small beside a round
// trip to the database.
//
// Shutdown: stop() takes no more work and gives the units running a grace (kStopGrace) to end;
// then a unit still waiting on the server (a row lock another connection holds, a slow
// statement) has its statement cancelled (PQcancel, again every 100 ms until the unit ends), and
// completes with PgError 57014. The destructor returns when every unit has ended.
//
// Errors that are not run again: 55P03 (lock_not_available: lock_timeout, 5 s, ran out,
// storage/pg/connection.hpp) is told to the caller, not retried like 40001/40P01. A decision
// that waited 5 s for a row has already outlasted the platform's patience; waiting up to
// kAttempts times as long would hold a worker for a minute while the platform sends the webhook
// again anyway (and the inbox makes that second delivery the only one handled).
//
// Thread rule: submit() may be called from any thread; `work` runs on a worker with that worker's
// connection; `done` runs on that worker too, and is where the caller posts back to its own
// executor. A connection never changes threads while a unit of work uses it.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/pg/connection.hpp"

namespace linli::storage::pg {

class Pool {
 public:
  // A unit of work on one connection. In a transaction it may run again after a serialization
  // failure or a deadlock (PgError::retryable), so it must change nothing outside the database
  // except what it hands back when it returns.
  using Work = std::function<void(Connection&)>;
  // The outcome: nullptr, or what the work (or BEGIN/COMMIT) threw.
  using Done = std::function<void(std::exception_ptr)>;

  // Runs of a unit of work that keeps meeting 40001/40P01, a random back-off growing up to 64 ms
  // between them: 15 units taking the places of one call at once on 4 workers met 40001 more
  // than 5 times in a row without it (ports_test, PgStoreOnThePool).
  static constexpr int kAttempts = 10;
  // How long stop() lets running units end by themselves before cancelling their statements:
  // a decision takes milliseconds; one that needs longer is waiting on something.
  static constexpr std::chrono::milliseconds kStopGrace{2000};

  // Connects `size` connections from this thread, before any worker starts: a bad connection
  // string or an unreachable server stops start-up with PgError (08001). Then starts a worker
  // thread per connection.
  Pool(const std::string& conninfo, int size, std::chrono::milliseconds stop_grace = kStopGrace);
  // stop(), then waits for the units of work that are running (cancelled after the grace).
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // Runs `work` on the next free worker: between BEGIN (SERIALIZABLE) and COMMIT when
  // `transaction` (ROLLBACK if it throws), else as it is. A connection found broken is connected
  // again before BEGIN.
  void submit(Work work, Done done, bool transaction = true);
  // Takes no more work: units not yet started complete at once with PgError 57P01 ("the
  // database pool stopped"), those running go on for the grace and are then cancelled (see
  // above); none runs again after a serialization failure. Returns without waiting for them.
  void stop();

  int size() const { return static_cast<int>(workers_.size()); }
  // Units of work run again after a serialization failure or a deadlock (for /metrics).
  std::uint64_t retries() const;
  // Cancel requests sent to units still running after stop()'s grace.
  std::uint64_t cancels() const;

 private:
  struct Job {
    Work work;
    Done done;
    bool transaction = true;
  };

  void serve(std::size_t worker);
  std::exception_ptr run(Connection& connection, Job& job);
  // The thread stop() starts: waits the grace, then cancels what still runs until nothing does.
  void end_running_units();

  const std::chrono::milliseconds stop_grace_;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::vector<std::thread> workers_;
  std::thread stopper_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::condition_variable finished_;  // a worker finished a unit
  std::deque<Job> queue_;
  std::vector<bool> busy_;  // per worker: a unit is running on it
  bool stopping_ = false;
  std::uint64_t retries_ = 0;
  std::uint64_t cancels_ = 0;
};

}  // namespace linli::storage::pg
