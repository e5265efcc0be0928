// The pool that keeps database work off the io thread: a unit of work waits on the database
// while the io_context goes on; outcomes come back on the io thread; a failed unit leaves
// nothing; a deadlock's victim runs again; a dropped connection is made again.

#include "storage/pg/pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <latch>
#include <stdexcept>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "storage/pg/await.hpp"
#include "tests/support/postgres.hpp"

namespace linli::storage::pg {
namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;

// Runs `body`, a function returning a coroutine, on an io_context on this thread until it is
// done (at most 60 s).
template <typename F>
void run_on_io(F body) {
  net::io_context io;
  net::co_spawn(io, std::move(body), net::detached);
  io.run_for(60s);
}

class PgPool : public ::testing::Test {
 protected:
  void SetUp() override {
    LINLI_REQUIRE_POSTGRES();
    conninfo_ = test::PostgresServer::shared().fresh_database();
    Connection c(conninfo_);
    c.run_script("CREATE TABLE rows (id bigint PRIMARY KEY, v text NOT NULL DEFAULT '')");
  }
  std::int64_t count() {
    Connection c(conninfo_);
    return c.exec("SELECT count(*) FROM rows").integer(0, 0);
  }
  std::string conninfo_;
};

// The unit of work waits for an advisory lock that only a handler on the io thread releases:
// if the work ran on the io thread, that handler could never run and io.run_for would end
// with the coroutine unfinished.
TEST_F(PgPool, TheIoThreadServesWhileAUnitOfWorkWaitsOnTheDatabase) {
  Connection holder(conninfo_);
  holder.exec("SELECT pg_advisory_lock(7)");
  Pool pool(conninfo_, 2);
  const auto io_thread = std::this_thread::get_id();
  std::thread::id worker, resumed;
  std::vector<std::string> order;
  net::io_context io;
  net::co_spawn(
      io,
      [&]() -> net::awaitable<void> {
        worker = co_await transact(pool, [](Connection& c) {
          c.exec("SELECT pg_advisory_xact_lock(7)");
          c.exec("INSERT INTO rows (id) VALUES (1)");
          return std::this_thread::get_id();
        });
        resumed = std::this_thread::get_id();
        order.push_back("work done");
      },
      net::detached);
  net::post(io, [&] {
    order.push_back("io served");
    holder.exec("SELECT pg_advisory_unlock(7)");
  });
  io.run_for(30s);
  ASSERT_EQ(order, (std::vector<std::string>{"io served", "work done"}));
  EXPECT_NE(worker, io_thread);
  EXPECT_EQ(resumed, io_thread);
  EXPECT_EQ(count(), 1);
}

TEST_F(PgPool, AUnitOfWorkThatThrowsLeavesNothingAndTheCallerGetsItsError) {
  Pool pool(conninfo_, 1);
  std::string caught;
  run_on_io([&]() -> net::awaitable<void> {
    try {
      co_await transact(pool, [](Connection& c) {
        c.exec("INSERT INTO rows (id) VALUES (1)");
        throw std::runtime_error("the decision failed");
      });
    } catch (const std::runtime_error& e) {
      caught = e.what();
    }
    // A database error comes back as PgError with its SQLSTATE, after the rollback.
    try {
      co_await transact(pool, [](Connection& c) {
        c.exec("INSERT INTO rows (id) VALUES (2)");
        c.exec("INSERT INTO rows (id) VALUES (2)");
      });
    } catch (const PgError& e) {
      caught += " / " + e.sqlstate();
    }
  });
  EXPECT_EQ(caught, "the decision failed / 23505");
  EXPECT_EQ(count(), 0);
}

// COMMIT of a transaction an error aborted answers ROLLBACK: the work swallowed the error, but
// its changes are gone and the caller must hear it.
TEST_F(PgPool, AnErrorTheWorkSwallowedStillFailsTheUnit) {
  Pool pool(conninfo_, 1);
  std::string state;
  run_on_io([&]() -> net::awaitable<void> {
    try {
      co_await transact(pool, [](Connection& c) {
        c.exec("INSERT INTO rows (id) VALUES (1)");
        try {
          c.exec("INSERT INTO rows (id) VALUES (1)");
        } catch (const PgError&) {
        }
      });
    } catch (const PgError& e) {
      state = e.sqlstate();
    }
  });
  EXPECT_EQ(state, "25P02");
  EXPECT_EQ(count(), 0);
}

// Two units take two rows in opposite orders: PostgreSQL aborts one (40P01), the pool runs it
// again, and both end done.
TEST_F(PgPool, TheVictimOfADeadlockRunsAgain) {
  {
    Connection c(conninfo_);
    c.exec("INSERT INTO rows (id) VALUES (1), (2)");
  }
  Pool pool(conninfo_, 2);
  std::latch both_hold_one(2);
  std::atomic<int> runs{0};
  auto unit = [&](int first, int second) {
    return [&, first, second](Connection& c) {
      bool first_run = runs.fetch_add(1) < 2;
      c.exec("UPDATE rows SET v = v || 'x' WHERE id = $1", {first});
      if (first_run) both_hold_one.arrive_and_wait();
      c.exec("UPDATE rows SET v = v || 'y' WHERE id = $1", {second});
    };
  };
  net::io_context io;
  int done = 0;
  std::string error;
  for (auto order : {std::pair{1, 2}, std::pair{2, 1}}) {
    net::co_spawn(
        io,
        [&, order]() -> net::awaitable<void> {
          try {
            co_await transact(pool, unit(order.first, order.second));
            ++done;
          } catch (const std::exception& e) {
            error = e.what();
          }
        },
        net::detached);
  }
  io.run_for(60s);
  EXPECT_EQ(error, "");
  EXPECT_EQ(done, 2);
  EXPECT_GE(pool.retries(), 1u);
  Connection c(conninfo_);
  // Each unit's two changes once: one 'x' and one 'y' per row, in the order the units committed.
  for (int id : {1, 2}) {
    std::string v(c.exec("SELECT v FROM rows WHERE id = $1", {id}).text(0, 0));
    EXPECT_TRUE(v == "xy" || v == "yx") << "row " << id << ": " << v;
  }
}

// A restart of the server or a cut connection: the next unit of work connects again before it
// begins, and runs.
TEST_F(PgPool, AUnitOfWorkAfterTheConnectionWasDroppedConnectsAgainAndRuns) {
  Pool pool(conninfo_, 1);
  int first = 0, second = 0;
  Connection admin(conninfo_);
  run_on_io([&]() -> net::awaitable<void> {
    first = co_await transact(pool, [](Connection& c) { return c.backend_pid(); });
    // Waits until that server process is gone (PostgreSQL 14 and later).
    admin.exec("SELECT pg_terminate_backend($1::integer, 10000)", {first});
    second = co_await transact(pool, [](Connection& c) {
      c.exec("INSERT INTO rows (id) VALUES (1)");
      return c.backend_pid();
    });
  });
  EXPECT_NE(first, 0);
  EXPECT_NE(second, 0);
  EXPECT_NE(first, second);
  EXPECT_EQ(count(), 1);
}

TEST_F(PgPool, AnUnreachableServerStopsStartUpWithTheReason) {
  try {
    Pool pool("host=127.0.0.1 port=1 dbname=linli connect_timeout=2", 2);
    FAIL() << "a pool without a server";
  } catch (const PgError& e) {
    EXPECT_EQ(e.sqlstate(), "08001");
  }
}

TEST_F(PgPool, WorkStillQueuedWhenThePoolStopsIsToldSo) {
  Connection holder(conninfo_);
  holder.exec("SELECT pg_advisory_lock(9)");
  std::atomic<int> stopped{0}, ran{0};
  std::latch started(1);
  {
    Pool pool(conninfo_, 1);
    pool.submit(
        [&](Connection& c) {
          started.count_down();
          c.exec("SELECT pg_advisory_xact_lock(9)");
        },
        [&](std::exception_ptr e) { ran += e ? 0 : 1; });
    pool.submit([](Connection&) {},
                [&](std::exception_ptr e) {
                  try {
                    if (e) std::rethrow_exception(e);
                  } catch (const PgError& error) {
                    if (error.sqlstate() == "57P01") ++stopped;
                  }
                });
    started.wait();
    pool.stop();  // the first unit holds the only worker: the second has not started
    EXPECT_EQ(stopped, 1);
    // Submitted after the stop (a coroutine reaching the database during shutdown): told at
    // once, not thrown (inside transact() a throw would terminate the process).
    pool.submit([](Connection&) { ADD_FAILURE() << "ran after stop"; },
                [&](std::exception_ptr e) {
                  try {
                    if (e) std::rethrow_exception(e);
                  } catch (const PgError& error) {
                    if (error.sqlstate() == "57P01") ++stopped;
                  }
                });
    EXPECT_EQ(stopped, 2);
    holder.exec("SELECT pg_advisory_unlock(9)");
  }  // the destructor waits for the first unit
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(stopped, 2);
}

// A unit run without a transaction that begins one and throws must not leave it open for the
// next unit on the same connection: the next unit's COMMIT would commit the failed one's rows.
TEST_F(PgPool, ATransactionAUnitLeftOpenIsRolledBackBeforeTheNextUnit) {
  Pool pool(conninfo_, 1);
  std::latch first(1), second(1);
  pool.submit(
      [](Connection& c) {
        c.exec("BEGIN");
        c.exec("INSERT INTO rows (id) VALUES (1)");
        throw std::runtime_error("failed half-way");
      },
      [&](std::exception_ptr) { first.count_down(); }, false);
  first.wait();
  pool.submit([](Connection& c) { c.exec("INSERT INTO rows (id) VALUES (2)"); },
              [&](std::exception_ptr) { second.count_down(); });
  second.wait();
  EXPECT_EQ(count(), 1);
  Connection c(conninfo_);
  EXPECT_EQ(c.exec("SELECT id FROM rows").integer(0, 0), 2);
}

// The shutdown of an instance while one of its decisions waits on a row another instance holds:
// the pool must not wait for that other instance. lock_timeout is off for this pool (an
// operator's choice) so that only the cancel can end the wait.
TEST_F(PgPool, StopEndsAUnitWaitingOnARowLockAnotherConnectionHolds) {
  Connection holder(conninfo_);
  holder.exec("INSERT INTO rows (id) VALUES (1)");
  holder.exec("BEGIN");
  holder.exec("SELECT id FROM rows WHERE id = 1 FOR UPDATE");
  auto pool = std::make_unique<Pool>(conninfo_ + " options='-c lock_timeout=0'", 1, 200ms);
  std::promise<std::string> outcome;
  pool->submit([](Connection& c) { c.exec("UPDATE rows SET v = 'late' WHERE id = 1"); },
               [&](std::exception_ptr e) {
                 try {
                   if (e) std::rethrow_exception(e);
                   outcome.set_value("done");
                 } catch (const PgError& error) {
                   outcome.set_value(error.sqlstate());
                 }
               });
  Connection admin(conninfo_);
  ASSERT_TRUE(test::someone_waits_on_a_lock(admin));
  auto stopped = std::async(std::launch::async, [&] {
    pool->stop();
    pool.reset();  // the destructor: returns once the unit has ended
  });
  const bool in_time = stopped.wait_for(60s) == std::future_status::ready;
  if (!in_time) holder.exec("ROLLBACK");  // let the test end, failed
  ASSERT_TRUE(in_time) << "the pool waited for the other connection's lock";
  stopped.get();
  EXPECT_EQ(outcome.get_future().get(), "57014");  // query_canceled
  holder.exec("COMMIT");
  EXPECT_EQ(Connection(conninfo_).exec("SELECT v FROM rows WHERE id = 1").text(0, 0), "");
}

// A decision that waits for a row longer than lock_timeout fails with 55P03, once: the pool does
// not run it again (pool.hpp says why).
TEST_F(PgPool, ALockWaitLongerThanLockTimeoutFailsTheUnitOnceWith55P03) {
  Connection holder(conninfo_);
  holder.exec("INSERT INTO rows (id) VALUES (1)");
  holder.exec("BEGIN");
  holder.exec("SELECT id FROM rows WHERE id = 1 FOR UPDATE");
  Pool pool(conninfo_ + " options='-c lock_timeout=300ms'", 1);
  std::atomic<int> runs{0};
  std::string state;
  run_on_io([&]() -> net::awaitable<void> {
    try {
      co_await transact(pool, [&](Connection& c) {
        ++runs;
        c.exec("UPDATE rows SET v = 'x' WHERE id = 1");
      });
    } catch (const PgError& e) {
      state = e.sqlstate();
    }
  });
  holder.exec("COMMIT");
  EXPECT_EQ(state, "55P03");  // lock_not_available
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(pool.retries(), 0u);
}

}  // namespace
}  // namespace linli::storage::pg
