#pragma once
// The straight line of DESIGN.md §4 for one event: de-duplicate, decide, commit, then hand the
// decided messages to the outbox sender. Synchronous on the io_context thread, so one person's
// events are decided one after the other, in the order they arrive, without locks. An event or
// a timer whose decision keeps failing is parked after dispatcher.max_event_attempts tries.

#include <functional>
#include <string>

#include "bot/clock.hpp"
#include "bot/flood_guard.hpp"
#include "bot/log.hpp"
#include "config/config.hpp"
#include "dialogs/engine.hpp"
#include "dialogs/message.hpp"
#include "dialogs/ports.hpp"

namespace linli {

class OutboxSender;

struct DispatchStats {
  std::uint64_t handled = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t flooded = 0;  // events dropped from people told to slow down
  std::uint64_t parked = 0;   // events given up on after their last failed try
  std::uint64_t timers = 0;
  std::uint64_t timers_parked = 0;
};

class Dispatcher {
 public:
  Dispatcher(Store& store, Engine& engine, const Clock& clock, OutboxSender& sender,
             const FloodConfig& flood, const DispatcherConfig& config, Logger& log);

  enum class Result { handled, duplicate, flooded, parked };
  // Decides one inbound event in one transaction. Throws when the decision or its commit fails:
  // then nothing of the event was committed, the failure is counted, and the webhook must not be
  // acknowledged, so that the platform tries again. The last try that may fail parks the event
  // instead (`parked`: acknowledge it). Once committed, nothing throws.
  Result dispatch(const InboundEvent& ev);

  enum class Fired { fired, gone, retry, parked };
  // Fires one due timer, once: taking it from the timers table is part of the transaction, and
  // nothing after the commit throws, so a timer that fired is never tried again. A decision
  // that fails is counted on the timer, which is tried again later with a growing delay
  // (`retry`) or parked after the last try (`parked`); `gone`: re-armed or fired meanwhile.
  // Throws only when the store cannot record even that.
  Fired fire(const TimerRecord& timer);

  // A message the sender gave up on, marked dead (or held) in the transaction that decides whom
  // to tell (see Engine::undeliverable). Throws when that fails: then neither happened.
  void undeliverable(const OutboxRow& row, bool forbidden, const std::string& error);

  // Told the due time of every timer a decision armed, to wake the scheduler.
  std::function<void(std::int64_t)> on_timer_armed;
  const DispatchStats& stats() const { return stats_; }

 private:
  Result decide(const InboundEvent& ev, std::int64_t now, Outcome& out);
  bool park_if_last_try(const InboundEvent& ev, const std::string& error, std::int64_t now);
  Fired timer_failed(const TimerRecord& timer, const std::string& error, std::int64_t now);
  // Gives a committed outcome to the sender and the scheduler. Never throws: the decision is
  // committed whatever happens here.
  void hand_on(Outcome& out) noexcept;

  Store& store_;
  Engine& engine_;
  const Clock& clock_;
  OutboxSender& sender_;
  const DispatcherConfig& config_;
  Logger& log_;
  FloodGuard flood_;
  DispatchStats stats_;
};

}  // namespace linli
