#pragma once
// Fires stored timers when they fall due, as synthetic events through the dispatcher: dialog
// time-outs now, reminders and escalations later. One steady_timer sleeps until the earliest
// due time; a decision that arms an earlier timer wakes it. Timers that fell due while the
// service was down fire as soon as it starts.

#include <cstdint>
#include <memory>

#include <boost/asio/io_context.hpp>

#include "bot/clock.hpp"
#include "bot/dispatcher.hpp"
#include "bot/log.hpp"
#include "dialogs/ports.hpp"

namespace linli {

class Scheduler {
 public:
  Scheduler(boost::asio::io_context& io, Store& store, const Clock& clock, Dispatcher& dispatcher,
            Logger& log);
  ~Scheduler();
  void start();
  void stop();
  void wake(std::int64_t due_at);
  // Fires every timer due now; returns how many fired. For tests that move a manual clock: the
  // loop fires them in batches, serving the io_context's other work in between.
  int run_due();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace linli
