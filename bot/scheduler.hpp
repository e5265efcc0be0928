#pragma once
// Fires stored timers when they fall due, as synthetic events through the dispatcher: dialog
// time-outs now, reminders and escalations later. One steady_timer sleeps until the earliest
// due time; a decision that arms an earlier timer wakes it. Timers that fell due while the
// service was down fire as soon as it starts.
//
// On PostgreSQL (use_pool, issue 13) the due timers are read, and each is fired, in units of work
// on the pool's workers, never on the io_context thread; taking a timer from the table is part
// of its firing transaction, so it fires once however many instances look. Another instance
// may arm a timer this one never hears of: the loop looks at the table at least every
// kPostgresLookMs, so such a timer fires at most that late.

#include <cstdint>
#include <memory>

#include <boost/asio/io_context.hpp>

#include "bot/clock.hpp"
#include "bot/dispatcher.hpp"
#include "bot/log.hpp"
#include "dialogs/ports.hpp"

namespace linli {

class PgRuntime;

class Scheduler {
 public:
  static constexpr std::int64_t kPostgresLookMs = 5'000;

  Scheduler(boost::asio::io_context& io, Store& store, const Clock& clock, Dispatcher& dispatcher,
            Logger& log);
  ~Scheduler();
  // Timers through `pg`'s pool from now on. Set once, before start().
  void use_pool(PgRuntime& pg);
  void start();
  void stop();
  void wake(std::int64_t due_at);
  // Fires every timer due now; returns how many fired. For tests that move a manual clock: the
  // loop fires them in batches, serving the io_context's other work in between. On PostgreSQL
  // it waits for the pool, blocking the calling thread: for tests only.
  int run_due();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace linli
