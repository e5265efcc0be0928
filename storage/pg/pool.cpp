#include "storage/pg/pool.hpp"

#include <algorithm>
#include <chrono>
#include <random>
#include <stdexcept>
#include <thread>

namespace linli::storage::pg {
namespace {
// Serializable, as PgTransactions (storage/pg/store.hpp) says why: the decisions' counting rules
// hold across instances, and what breaks them is a 40001 that run() answers by running again.
constexpr const char* kBegin = "BEGIN ISOLATION LEVEL SERIALIZABLE";

// Before running a unit again: a random wait of up to 1, 2, 4 ... 64 ms. Units that failed
// together (several instances taking the last places of one call) would otherwise meet again
// at once and fail again; spread out, each runs on a snapshot the others have committed to.
// A worker thread waits here, never the io thread.
void backoff(int attempt) {
  thread_local std::minstd_rand random{std::random_device{}()};
  const int most_us = 1000 << std::min(attempt - 1, 6);
  std::this_thread::sleep_for(
      std::chrono::microseconds(std::uniform_int_distribution<int>(0, most_us)(random)));
}
}  // namespace

Pool::Pool(const std::string& conninfo, int size, std::chrono::milliseconds stop_grace)
    : stop_grace_(stop_grace) {
  if (size < 1) throw std::invalid_argument("a pool needs at least one connection");
  for (int i = 0; i < size; ++i) connections_.push_back(std::make_unique<Connection>(conninfo));
  busy_.assign(connections_.size(), false);
  for (std::size_t i = 0; i < connections_.size(); ++i)
    workers_.emplace_back([this, i] { serve(i); });
}

Pool::~Pool() {
  stop();
  stopper_.join();
  for (auto& w : workers_) w.join();
}

void Pool::stop() {
  std::deque<Job> left;
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) stopper_ = std::thread([this] { end_running_units(); });
    stopping_ = true;
    left.swap(queue_);
  }
  ready_.notify_all();
  for (auto& job : left) {
    job.done(std::make_exception_ptr(PgError("57P01", "the database pool stopped")));
  }
}

void Pool::submit(Work work, Done done, bool transaction) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back(Job{std::move(work), std::move(done), transaction});
      ready_.notify_one();
      return;
    }
  }
  // Stopped (shutting down): the unit fails as queued ones do. Not thrown: transact() calls
  // submit inside Asio's noexcept await_suspend, where a throw would terminate the process.
  done(std::make_exception_ptr(PgError("57P01", "the database pool stopped")));
}

std::uint64_t Pool::retries() const {
  std::lock_guard lock(mutex_);
  return retries_;
}

std::uint64_t Pool::cancels() const {
  std::lock_guard lock(mutex_);
  return cancels_;
}

void Pool::end_running_units() {
  auto none_running = [this] {
    return std::none_of(busy_.begin(), busy_.end(), [](bool b) { return b; });
  };
  std::unique_lock lock(mutex_);
  if (finished_.wait_for(lock, stop_grace_, none_running)) return;
  // A unit may be between two statements when its cancel arrives (nothing to cancel) and then
  // start waiting again: asked again until it ends.
  while (!none_running()) {
    std::vector<std::size_t> running;
    for (std::size_t i = 0; i < busy_.size(); ++i) {
      if (busy_[i]) running.push_back(i);
    }
    cancels_ += running.size();
    lock.unlock();  // PQcancel opens a connection of its own: not under the pool's mutex
    for (std::size_t i : running) connections_[i]->cancel();
    lock.lock();
    finished_.wait_for(lock, std::chrono::milliseconds(100), none_running);
  }
}

void Pool::serve(std::size_t worker) {
  Connection& connection = *connections_[worker];
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;  // stop() completed what was queued
      job = std::move(queue_.front());
      queue_.pop_front();
      busy_[worker] = true;
    }
    std::exception_ptr outcome = run(connection, job);
    // A unit that left a transaction open (one run without a transaction that began one and
    // threw, or that committed or rolled back by itself) must not hand it to the next unit.
    if (connection.ok() && !connection.idle()) {
      try {
        connection.exec("ROLLBACK");
      } catch (const PgError&) {
        try {
          connection.reset();
        } catch (const PgError&) {  // no server now: the next unit connects again or says so
        }
      }
    }
    {
      std::lock_guard lock(mutex_);
      busy_[worker] = false;
    }
    finished_.notify_all();
    job.done(outcome);
  }
}

std::exception_ptr Pool::run(Connection& connection, Job& job) {
  for (int attempt = 1;; ++attempt) {
    bool begun = false;
    try {
      // Broken by a restart of the server or a network cut since the last unit of work: nothing
      // of this one has happened yet, so connecting again is safe.
      if (!connection.ok()) connection.reset();
      if (job.transaction) {
        try {
          connection.exec(kBegin);
        } catch (const PgError&) {
          if (connection.ok()) throw;
          connection.reset();  // it broke under BEGIN: still nothing done
          connection.exec(kBegin);
        }
        begun = true;
      }
      job.work(connection);
      if (job.transaction) {
        // COMMIT of a transaction that an error aborted (one the work caught and went on
        // from) answers ROLLBACK, not an error: the work's changes are gone, so say so.
        if (connection.exec("COMMIT").command() != "COMMIT") {
          begun = false;
          throw PgError("25P02", "the transaction was rolled back by an earlier error");
        }
      }
      return nullptr;
    } catch (const PgError& e) {
      if (begun && connection.ok()) {
        try {
          connection.exec("ROLLBACK");
        } catch (const PgError&) {  // the connection broke: the server rolls back by itself
        }
      }
      if (job.transaction && e.retryable() && attempt < kAttempts) {
        {
          std::lock_guard lock(mutex_);
          if (stopping_) return std::current_exception();  // shutting down: told, not run again
          ++retries_;
        }
        backoff(attempt);
        continue;
      }
      return std::current_exception();
    } catch (...) {
      if (begun && connection.ok()) {
        try {
          connection.exec("ROLLBACK");
        } catch (const PgError&) {
        }
      }
      return std::current_exception();
    }
  }
}

}  // namespace linli::storage::pg
