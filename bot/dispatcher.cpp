#include "bot/dispatcher.hpp"

#include <algorithm>

#include "bot/group_commit.hpp"
#include "bot/outbox_sender.hpp"

namespace linli {

namespace {

void log_hand_on_failure(Logger& log, const char* step_name, const char* error) noexcept {
  try {
    log.error("hand_on_failed", {{"step", step_name}, {"error", error}});
  } catch (...) {  // not even a log line; the decision is committed all the same
  }
}

// One step after a commit: a failure is logged, never thrown (see Dispatcher::hand_on).
template <typename Step>
void after_commit(Logger& log, const char* step_name, const Step& step) noexcept {
  try {
    step();
  } catch (const std::exception& e) {
    log_hand_on_failure(log, step_name, e.what());
  } catch (...) {
    log_hand_on_failure(log, step_name, "unknown");
  }
}

// An error as it is kept and logged: short, and never more than the exception says.
std::string brief(const char* what) {
  std::string s(what);
  if (s.size() > 300) s.resize(300);
  return s;
}

}  // namespace

Dispatcher::Dispatcher(Store& store, Engine& engine, const Clock& clock, OutboxSender& sender,
                       const FloodConfig& flood, const DispatcherConfig& config, Logger& log)
    : store_(store),
      engine_(engine),
      clock_(clock),
      sender_(sender),
      config_(config),
      log_(log),
      flood_(flood) {}

Dispatcher::Result Dispatcher::dispatch(const InboundEvent& ev) {
  std::int64_t now = clock_.now_ms();
  Outcome out;
  Result result = Result::handled;
  try {
    join();
    result = decide(ev, now, out);
  } catch (const std::exception& e) {
    ++stats_.failed;
    if (park_if_last_try(ev, brief(e.what()), now)) return Result::parked;
    throw;  // answered 500: the platform tries again
  }
  if (result != Result::handled) return result;
  ++stats_.handled;
  std::size_t replies = out.messages.size();
  hand_on(out);
  after_commit(log_, "log", [&] {
    if (log_.enabled(LogLevel::debug)) {
      log_.debug("event", {{"adapter", ev.adapter},
                           {"event", ev.event_id},
                           {"chat", ev.chat},
                           {"user", ev.user},
                           {"replies", replies}});
    }
  });
  return Result::handled;
}

Dispatcher::Result Dispatcher::decide(const InboundEvent& ev, std::int64_t now, Outcome& out) {
  UnitOfWork txn(store_);
  if (!store_.events.record(ev.adapter, ev.event_id, now)) {
    ++stats_.duplicates;
    log_.debug("duplicate_event", {{"adapter", ev.adapter}, {"event", ev.event_id}});
    return Result::duplicate;
  }
  // A platform's retry is not the person talking: the flood guard counts new events only.
  // A dropped event is still recorded, so that its retries stay answered and harmless.
  FloodGuard::Verdict verdict = flood_.check(ev.adapter + ":" + ev.user, now);
  if (verdict == FloodGuard::Verdict::drop) {
    txn.commit();
    ++stats_.flooded;
    return Result::flooded;
  }
  if (verdict == FloodGuard::Verdict::warn) {
    engine_.slow_down(ev, now, out);
    log_.info("flood", {{"adapter", ev.adapter}, {"user", ev.user}});
  } else {
    engine_.handle(ev, now, out);
  }
  txn.commit();
  return Result::handled;
}

// Nothing of the failed decision was committed (its unit of work rolled back). The failure is
// counted in a small transaction of its own; the last try that may fail parks the event, so
// that a failure that comes back every time (a bug, damaged data) is not retried by the
// platform for ever. A failure that cannot even be counted (the store itself is failing) parks
// nothing: the platform's retry finds the event as it was.
bool Dispatcher::park_if_last_try(const InboundEvent& ev, const std::string& error,
                                  std::int64_t now) {
  int attempts = 0;
  try {
    UnitOfWork txn(store_);
    attempts = store_.events.failed(ev.adapter, ev.event_id, error, now);
    if (attempts >= config_.max_event_attempts) store_.events.park(ev.adapter, ev.event_id, now);
    txn.commit();
  } catch (const std::exception& e) {
    log_.error("event_failure_not_counted",
               {{"adapter", ev.adapter}, {"event", ev.event_id}, {"error", e.what()}});
    return false;
  }
  if (attempts < config_.max_event_attempts) return false;
  ++stats_.parked;
  log_.error(
      "event_parked",
      {{"adapter", ev.adapter}, {"event", ev.event_id}, {"attempts", attempts}, {"error", error}});
  return true;
}

Dispatcher::Fired Dispatcher::fire(const TimerRecord& timer) {
  std::int64_t now = clock_.now_ms();
  Outcome out;
  try {
    join();
    UnitOfWork txn(store_);
    if (!store_.timers.take(timer.id)) return Fired::gone;
    engine_.fire(timer, now, out);
    txn.commit();
  } catch (const std::exception& e) {
    return timer_failed(timer, brief(e.what()), now);
  }
  ++stats_.timers;
  std::size_t replies = out.messages.size();
  hand_on(out);
  after_commit(log_, "log", [&] {
    log_.debug("timer", {{"kind", timer.kind}, {"key", timer.key}, {"replies", replies}});
  });
  return Fired::fired;
}

// Nothing of the failed decision was committed. The timer is tried again later, with a growing
// delay, so that one broken timer does not hold up those behind it, and parked after its last
// try. Its failures are counted on its row, so a restart does not start them over.
Dispatcher::Fired Dispatcher::timer_failed(const TimerRecord& timer, const std::string& error,
                                           std::int64_t now) {
  int attempts = timer.attempts + 1;
  bool last = attempts >= config_.max_event_attempts;
  std::int64_t delay = 1000LL << std::min(attempts, 16);
  bool found;
  {
    UnitOfWork txn(store_);
    found = last ? store_.timers.park(timer.id, attempts, error, now)
                 : store_.timers.retry(timer.id, attempts, now + delay);
    txn.commit();
  }
  if (!found) return Fired::gone;
  if (last) {
    ++stats_.timers_parked;
    log_.error(
        "timer_parked",
        {{"key", timer.key}, {"kind", timer.kind}, {"attempts", attempts}, {"error", error}});
    return Fired::parked;
  }
  log_.error("timer_failed", {{"key", timer.key},
                              {"kind", timer.kind},
                              {"attempts", attempts},
                              {"retry_in_ms", delay},
                              {"error", error}});
  return Fired::retry;
}

void Dispatcher::undeliverable(const OutboxRow& row, bool forbidden, const std::string& error) {
  Outcome out;
  {
    join();
    UnitOfWork txn(store_);
    engine_.undeliverable(row, forbidden, error, clock_.now_ms(), out);
    txn.commit();
  }
  hand_on(out);
}

// After the commit the event is done, and a retry of it would be answered as a duplicate: so
// nothing here may fail it, and nothing here writes to the database (superseding older edits is
// part of the decision, see Outbox::enqueue). What cannot be handed on in memory is committed
// all the same: its messages stay pending in the outbox, sent when the sender resumes it at the
// next start, and a timer stays armed for the scheduler's next pass.
void Dispatcher::join() {
  if (group_) group_->join();
}

// With group commit, the outcomes of a batch are gathered and handed on together when it is
// durable: one callback per batch, and the sender sees a batch's messages in decision order.
void Dispatcher::hand_on(Outcome& out) noexcept {
  if (!group_) return hand_on_now(out);
  after_commit(log_, "batch", [&] {
    for (auto& m : out.messages) batched_.messages.push_back(std::move(m));
    if (out.earliest_timer) {
      batched_.earliest_timer = batched_.earliest_timer
                                    ? std::min(*batched_.earliest_timer, *out.earliest_timer)
                                    : *out.earliest_timer;
    }
    if (batch_watched_) return;
    batch_watched_ = true;
    group_->after_commit([this](bool durable) {
      Outcome done = std::move(batched_);
      batched_ = Outcome{};
      batch_watched_ = false;
      if (durable) hand_on_now(done);
    });
  });
}

void Dispatcher::hand_on_now(Outcome& out) noexcept {
  after_commit(log_, "sender", [&] {
    if (!out.messages.empty()) sender_.push(std::move(out.messages));
  });
  after_commit(log_, "scheduler", [&] {
    if (out.earliest_timer && on_timer_armed) on_timer_armed(*out.earliest_timer);
  });
}

}  // namespace linli
