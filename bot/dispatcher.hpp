#pragma once
// The straight line of DESIGN.md §4 for one event: de-duplicate, decide, commit, then hand the
// decided messages to the outbox sender. Synchronous on the io_context thread, so one person's
// events are decided one after the other, in the order they arrive, without locks. An event or
// a timer whose decision keeps failing is parked after dispatcher.max_event_attempts tries.
// With group commit (the runtime's, bot/group_commit.hpp) each decision is a unit of work inside
// the open batch, and what it decided is handed on once that batch is durable; without it (tests
// that decide without the runtime) each decision is committed on its own before it returns.
//
// On PostgreSQL (issue 13) the same decisions run on the workers of the pool (bot/pg_runtime.hpp),
// each worker with its own Store and Engine over its connection, inside the pool's transaction:
// the `*_in` methods below. They touch no member but the FloodGuard (behind a mutex) and hand
// the outcome back; `committed()` then counts it and hands it on, on the io_context thread.

#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "bot/clock.hpp"
#include "bot/flood_guard.hpp"
#include "bot/log.hpp"
#include "config/config.hpp"
#include "dialogs/engine.hpp"
#include "dialogs/message.hpp"
#include "dialogs/ports.hpp"

namespace linli {

class GroupCommit;
class OutboxSender;

struct DispatchStats {
  std::uint64_t handled = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t flooded = 0;  // events dropped from people told to slow down
  std::uint64_t parked = 0;   // events given up on after their last failed try
  std::uint64_t failed = 0;   // tries at an event whose decision failed and was rolled back
  std::uint64_t timers = 0;
  std::uint64_t timers_parked = 0;
};

class Dispatcher {
 public:
  Dispatcher(Store& store, Engine& engine, const Clock& clock, OutboxSender& sender,
             const FloodConfig& flood, const DispatcherConfig& config, Logger& log);

  // Decisions from now on join `group`'s batches (see the class comment). Set once, before the
  // first decision.
  void use_group_commit(GroupCommit& group) { group_ = &group; }

  enum class Result { handled, duplicate, flooded, parked };
  // Decides one inbound event in one unit of work. Throws when the decision or its commit fails:
  // then nothing of the event was committed, the failure is counted, and the webhook must not be
  // acknowledged, so that the platform tries again. The last try that may fail parks the event
  // instead (`parked`: acknowledge it). Once committed, nothing throws. With group commit, the
  // result holds once the open batch is durable (GroupCommit::durable): acknowledge only then.
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

  // --- The PostgreSQL engine's path (see the class comment) ---
  // What one decision on a worker came to. `error` is set for `failed` (not acknowledged: the
  // platform tries again) and `parked`.
  struct Decided {
    enum class Kind {
      handled,
      duplicate,
      flooded,
      parked,
      failed,  // an event
      fired,
      gone,
      retry,
      timer_parked,  // a timer
      undeliverable  // a message the sender gave up on: handed on, not counted as an event
    };
    Kind kind = Kind::handled;
    Outcome out;
    std::string error;
  };
  // Whether a failure is a conflict between concurrent transactions (PostgreSQL's 40001/40P01):
  // it is thrown on, out of the `*_in` methods, so that the pool runs the whole unit of work
  // again; it is never counted as a failed try nor parks anything. Null: no failure is.
  std::function<bool(const std::exception&)> conflict;
  // Decides `ev` with `store` and `engine`, inside a transaction the caller owns; a failure is
  // counted (and the event parked after its last try) in that same transaction, so that the
  // caller must commit it in all cases but a conflict. `verdict` keeps the flood guard's verdict
  // across runs of the same unit of work: a conflict's rerun is not the person talking again.
  Decided dispatch_in(Store& store, Engine& engine, const InboundEvent& ev, std::int64_t now,
                      std::optional<FloodGuard::Verdict>& verdict);
  // Fires `timer` the same way (Kind fired, gone, retry or parked).
  Decided fire_in(Store& store, Engine& engine, const TimerRecord& timer, std::int64_t now);
  // Engine::undeliverable in the caller's transaction; throws when it fails.
  Outcome undeliverable_in(Store& store, Engine& engine, const OutboxRow& row, bool forbidden,
                           const std::string& error, std::int64_t now);
  // On the io_context thread, once the transaction of a `*_in` call committed: counts it and
  // hands its messages and timers on. Never throws.
  void committed(Decided& d);

  // Told the due time of every timer a decision armed, to wake the scheduler.
  std::function<void(std::int64_t)> on_timer_armed;
  const DispatchStats& stats() const { return stats_; }

 private:
  Result decide(Store& store, Engine& engine, const InboundEvent& ev, std::int64_t now,
                Outcome& out, std::optional<FloodGuard::Verdict>& verdict);
  FloodGuard::Verdict check_flood(const InboundEvent& ev, std::int64_t now,
                                  std::optional<FloodGuard::Verdict>& verdict);
  bool park_if_last_try(Store& store, const InboundEvent& ev, const std::string& error,
                        std::int64_t now);
  Fired timer_failed(Store& store, const TimerRecord& timer, const std::string& error,
                     std::int64_t now);
  void join();
  // Gives a committed outcome to the sender and the scheduler, at once or, with group commit,
  // once the batch is durable (nothing if it fails: its messages were never in the outbox).
  // Never throws: the decision is committed whatever happens here.
  void hand_on(Outcome& out) noexcept;
  void hand_on_now(Outcome& out) noexcept;

  Store& store_;
  Engine& engine_;
  const Clock& clock_;
  OutboxSender& sender_;
  const DispatcherConfig& config_;
  Logger& log_;
  std::mutex flood_mutex_;  // the workers of the PostgreSQL pool share the guard
  FloodGuard flood_;
  DispatchStats stats_;
  GroupCommit* group_ = nullptr;
  // With group commit: what the decisions in the open batch decided, handed on at its commit.
  Outcome batched_;
  bool batch_watched_ = false;
};

}  // namespace linli
