#include "bot/scheduler.hpp"

#include <algorithm>
#include <future>
#include <optional>
#include <shared_mutex>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "bot/pg_runtime.hpp"
#include "storage/pg/await.hpp"

namespace linli {

namespace net = boost::asio;

struct Scheduler::Impl {
  Impl(net::io_context& io, Store& s, const Clock& c, Dispatcher& d, Logger& l)
      : io(io), store(s), clock(c), dispatcher(d), log(l), timer(io) {}

  struct Batch {
    int fired = 0;
    bool more = false;  // the batch was full: more timers may be due
  };

  net::awaitable<void> loop();
  Batch fire_batch();
  // PostgreSQL: the same steps as units of work on the pool (see the class comment).
  net::awaitable<Batch> fire_batch_on_pool();
  net::awaitable<std::optional<std::int64_t>> next_due_on_pool();
  std::vector<TimerRecord> due_on(storage::pg::Connection& c, std::int64_t now);
  Dispatcher::Decided fire_on(storage::pg::Connection& c, const TimerRecord& t, std::int64_t now);
  int run_due_blocking();

  net::io_context& io;
  Store& store;
  const Clock& clock;
  Dispatcher& dispatcher;
  Logger& log;
  PgRuntime* pg = nullptr;
  net::steady_timer timer;
  std::int64_t sleeping_until = 0;  // wall-clock ms the loop sleeps until; 0 while awake
  bool stopped = false;
};

// Timers fired in one go. After downtime thousands may be due: between batches the loop lets the
// io_context serve webhooks and sends.
constexpr int kFireBatch = 100;

// The loop never sleeps longer than this, so a clock that jumps is noticed.
constexpr std::int64_t kMaxSleepMs = 30'000;

Scheduler::Scheduler(net::io_context& io, Store& store, const Clock& clock, Dispatcher& dispatcher,
                     Logger& log)
    : impl_(std::make_unique<Impl>(io, store, clock, dispatcher, log)) {
  dispatcher.on_timer_armed = [this](std::int64_t due) { wake(due); };
}

Scheduler::~Scheduler() {
  impl_->dispatcher.on_timer_armed = nullptr;
}

void Scheduler::use_pool(PgRuntime& pg) {
  impl_->pg = &pg;
}

void Scheduler::start() {
  net::co_spawn(impl_->io, impl_->loop(), net::detached);
}

void Scheduler::stop() {
  impl_->stopped = true;
  impl_->timer.cancel();
}

void Scheduler::wake(std::int64_t due_at) {
  if (impl_->sleeping_until != 0 && due_at < impl_->sleeping_until) impl_->timer.cancel();
}

int Scheduler::run_due() {
  if (impl_->pg) return impl_->run_due_blocking();
  int fired = 0;
  for (;;) {
    Impl::Batch b = impl_->fire_batch();
    fired += b.fired;
    if (!b.more) return fired;
  }
}

Scheduler::Impl::Batch Scheduler::Impl::fire_batch() {
  Batch b;
  auto due = store.timers.due(clock.now_ms(), kFireBatch);
  for (const auto& t : due) {
    // A timer whose decision fails is put back later or parked by the dispatcher, so that it
    // does not hold up those behind it; fire() throws only when the store itself is failing.
    if (dispatcher.fire(t) == Dispatcher::Fired::fired) ++b.fired;
  }
  b.more = due.size() == static_cast<std::size_t>(kFireBatch);
  return b;
}

std::vector<TimerRecord> Scheduler::Impl::due_on(storage::pg::Connection& c, std::int64_t now) {
  return pg->worker(c).store.ports.timers.due(now, kFireBatch);
}

Dispatcher::Decided Scheduler::Impl::fire_on(storage::pg::Connection& c, const TimerRecord& t,
                                             std::int64_t now) {
  PgRuntime::Worker& w = pg->worker(c);
  std::shared_lock lock(pg->directory());
  return dispatcher.fire_in(w.store.ports, w.engine, t, now);
}

net::awaitable<Scheduler::Impl::Batch> Scheduler::Impl::fire_batch_on_pool() {
  Batch b;
  std::int64_t now = clock.now_ms();
  // The units' functions are named locals: GCC 12 destroys a temporary with captures in a
  // co_await expression twice.
  auto read = [this, now](storage::pg::Connection& c) { return due_on(c, now); };
  auto due = co_await storage::pg::transact(pg->pool(), read);
  for (const TimerRecord& t : due) {
    if (stopped) break;
    std::int64_t at = clock.now_ms();
    auto fire = [this, t, at](storage::pg::Connection& c) { return fire_on(c, t, at); };
    Dispatcher::Decided d = co_await storage::pg::transact(pg->pool(), fire);
    if (d.kind == Dispatcher::Decided::Kind::fired) ++b.fired;
    dispatcher.committed(d);
  }
  b.more = due.size() == static_cast<std::size_t>(kFireBatch);
  co_return b;
}

net::awaitable<std::optional<std::int64_t>> Scheduler::Impl::next_due_on_pool() {
  auto read = [this](storage::pg::Connection& c) {
    return pg->worker(c).store.ports.timers.next_due();
  };
  auto next = co_await storage::pg::transact(pg->pool(), read);
  co_return next;
}

// For tests: the pool's units, waited for here; their outcome handed on from here too.
int Scheduler::Impl::run_due_blocking() {
  int fired = 0;
  for (;;) {
    std::int64_t now = clock.now_ms();
    auto due = std::make_shared<std::vector<TimerRecord>>();
    std::promise<void> read;
    auto read_done = read.get_future();
    pg->pool().submit([this, now, due](storage::pg::Connection& c) { *due = due_on(c, now); },
                      [&read](std::exception_ptr e) {
                        if (e) {
                          read.set_exception(e);
                        } else {
                          read.set_value();
                        }
                      });
    read_done.get();
    for (const auto& t : *due) {
      auto d = std::make_shared<Dispatcher::Decided>();
      std::promise<void> done;
      auto fire_done = done.get_future();
      pg->pool().submit([this, t, now, d](storage::pg::Connection& c) { *d = fire_on(c, t, now); },
                        [&done](std::exception_ptr e) {
                          if (e) {
                            done.set_exception(e);
                          } else {
                            done.set_value();
                          }
                        });
      fire_done.get();
      if (d->kind == Dispatcher::Decided::Kind::fired) ++fired;
      dispatcher.committed(*d);
    }
    if (due->size() < static_cast<std::size_t>(kFireBatch)) return fired;
  }
}

net::awaitable<void> Scheduler::Impl::loop() {
  int store_failures = 0;  // passes in a row on which the store failed
  while (!stopped) {
    std::int64_t wait = kMaxSleepMs;
    bool more = false;
    try {
      more = pg ? (co_await fire_batch_on_pool()).more : fire_batch().more;
      if (!more) {
        auto next = pg ? co_await next_due_on_pool() : store.timers.next_due();
        std::int64_t now = clock.now_ms();
        // A timer still due after the last batch failed to fire: try again in a second.
        wait = !next ? kMaxSleepMs : *next <= now ? 1000 : std::min(*next - now, kMaxSleepMs);
        // Timers other instances armed are seen here only (see the class comment).
        if (pg) wait = std::min(wait, kPostgresLookMs);
      }
      store_failures = 0;
    } catch (const std::exception& e) {
      // The store itself failed (a full disk, a database locked for too long): the timers are
      // still armed, nothing is lost. The process goes on; the next pass comes later each time.
      ++store_failures;
      wait = std::min(std::int64_t{1000} << std::min(store_failures - 1, 5), kMaxSleepMs);
      log.error("timers_failed", {{"error", e.what()}, {"retry_in_ms", wait}});
    }
    if (more) {
      co_await net::post(io, net::use_awaitable);
      continue;
    }
    sleeping_until = clock.now_ms() + wait;
    timer.expires_after(std::chrono::milliseconds(wait));
    boost::system::error_code ec;
    co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
    sleeping_until = 0;
  }
}

}  // namespace linli
