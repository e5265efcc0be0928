#include "bot/scheduler.hpp"

#include <algorithm>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

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

  net::io_context& io;
  Store& store;
  const Clock& clock;
  Dispatcher& dispatcher;
  Logger& log;
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

net::awaitable<void> Scheduler::Impl::loop() {
  int store_failures = 0;  // passes in a row on which the store failed
  while (!stopped) {
    std::int64_t wait = kMaxSleepMs;
    bool more = false;
    try {
      more = fire_batch().more;
      if (!more) {
        std::int64_t now = clock.now_ms();
        auto next = store.timers.next_due();
        // A timer still due after the last batch failed to fire: try again in a second.
        wait = !next ? kMaxSleepMs : *next <= now ? 1000 : std::min(*next - now, kMaxSleepMs);
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
