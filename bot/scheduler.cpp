#include "bot/scheduler.hpp"

#include <algorithm>
#include <map>

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
  std::map<std::string, int> failures;  // timers whose decision failed, and how often
};

// Timers fired in one go. After downtime thousands may be due: between batches the loop lets the
// io_context serve webhooks and sends.
constexpr int kFireBatch = 100;

// A timer whose decision fails this often is dropped.
constexpr int kMaxTimerFailures = 6;

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
    try {
      dispatcher.fire(t);
      ++b.fired;
    } catch (const std::exception& e) {
      // Nothing of the failed decision was committed. The timer is tried again later, with a
      // growing delay, so that one broken timer does not hold up all those behind it; after
      // a few failures it is dropped (the log says which).
      int n = ++failures[t.key];
      log.error("timer_failed",
                {{"key", t.key}, {"kind", t.kind}, {"failures", n}, {"error", e.what()}});
      try {
        if (n >= kMaxTimerFailures) {
          store.timers.disarm(t.key);
          failures.erase(t.key);
        } else {
          store.timers.arm(t.key, clock.now_ms() + (1000LL << std::min(n, 16)), t.kind, t.payload);
        }
      } catch (const std::exception& again) {
        log.error("timer_failed", {{"key", t.key}, {"error", again.what()}});
        return b;  // the store itself is failing: try again on the next pass
      }
    }
  }
  b.more = due.size() == static_cast<std::size_t>(kFireBatch);
  return b;
}

net::awaitable<void> Scheduler::Impl::loop() {
  while (!stopped) {
    if (fire_batch().more) {
      co_await net::post(io, net::use_awaitable);
      continue;
    }
    std::int64_t now = clock.now_ms();
    auto next = store.timers.next_due();
    // A timer still due after the last batch failed to fire: try again in a second, not at once.
    std::int64_t wait = !next          ? kMaxSleepMs
                        : *next <= now ? 1000
                                       : std::min(*next - now, kMaxSleepMs);
    sleeping_until = now + wait;
    timer.expires_after(std::chrono::milliseconds(wait));
    boost::system::error_code ec;
    co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
    sleeping_until = 0;
  }
}

}  // namespace linli
