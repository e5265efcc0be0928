#include "bot/dispatcher.hpp"

#include <algorithm>
#include <stdexcept>

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
  std::optional<FloodGuard::Verdict> verdict;
  Decided d;
  try {
    join();
  } catch (const std::exception& e) {
    d.kind = Decided::Kind::failed;
    d.error = brief(e.what());
    if (park_if_last_try(store_, ev, d.error, now)) d.kind = Decided::Kind::parked;
  }
  if (d.error.empty()) d = dispatch_in(store_, engine_, ev, now, verdict);
  std::size_t replies = d.out.messages.size();
  committed(d);
  switch (d.kind) {
    case Decided::Kind::failed:
      throw std::runtime_error(d.error);  // answered 500: the platform tries again
    case Decided::Kind::parked:
      return Result::parked;
    case Decided::Kind::duplicate:
      return Result::duplicate;
    case Decided::Kind::flooded:
      return Result::flooded;
    default:
      break;
  }
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

Dispatcher::Decided Dispatcher::dispatch_in(Store& store, Engine& engine, const InboundEvent& ev,
                                            std::int64_t now,
                                            std::optional<FloodGuard::Verdict>& verdict) {
  Decided d;
  try {
    switch (decide(store, engine, ev, now, d.out, verdict)) {
      case Result::duplicate:
        d.kind = Decided::Kind::duplicate;
        break;
      case Result::flooded:
        d.kind = Decided::Kind::flooded;
        break;
      default:
        d.kind = Decided::Kind::handled;
    }
  } catch (const std::exception& e) {
    if (conflict && conflict(e)) throw;  // the pool runs the unit of work again
    d.out = Outcome{};
    d.error = brief(e.what());
    d.kind =
        park_if_last_try(store, ev, d.error, now) ? Decided::Kind::parked : Decided::Kind::failed;
  }
  return d;
}

FloodGuard::Verdict Dispatcher::check_flood(const InboundEvent& ev, std::int64_t now,
                                            std::optional<FloodGuard::Verdict>& verdict) {
  if (!verdict) {
    std::lock_guard lock(flood_mutex_);
    verdict = flood_.check(ev.adapter + ":" + ev.user, now);
  }
  return *verdict;
}

Dispatcher::Result Dispatcher::decide(Store& store, Engine& engine, const InboundEvent& ev,
                                      std::int64_t now, Outcome& out,
                                      std::optional<FloodGuard::Verdict>& verdict) {
  UnitOfWork txn(store);
  if (!store.events.record(ev.adapter, ev.event_id, now)) {
    log_.debug("duplicate_event", {{"adapter", ev.adapter}, {"event", ev.event_id}});
    return Result::duplicate;
  }
  // A platform's retry is not the person talking: the flood guard counts new events only.
  // A dropped event is still recorded, so that its retries stay answered and harmless.
  FloodGuard::Verdict v = check_flood(ev, now, verdict);
  if (v == FloodGuard::Verdict::drop) {
    txn.commit();
    return Result::flooded;
  }
  if (v == FloodGuard::Verdict::warn) {
    engine.slow_down(ev, now, out);
    log_.info("flood", {{"adapter", ev.adapter}, {"user", ev.user}});
  } else {
    engine.handle(ev, now, out);
  }
  txn.commit();
  return Result::handled;
}

// Nothing of the failed decision was committed (its unit of work rolled back). The failure is
// counted in a small transaction of its own; the last try that may fail parks the event, so
// that a failure that comes back every time (a bug, damaged data) is not retried by the
// platform for ever. A failure that cannot even be counted (the store itself is failing) parks
// nothing: the platform's retry finds the event as it was. A conflict is thrown on (see
// `conflict`).
bool Dispatcher::park_if_last_try(Store& store, const InboundEvent& ev, const std::string& error,
                                  std::int64_t now) {
  int attempts = 0;
  try {
    UnitOfWork txn(store);
    attempts = store.events.failed(ev.adapter, ev.event_id, error, now);
    if (attempts >= config_.max_event_attempts) store.events.park(ev.adapter, ev.event_id, now);
    txn.commit();
  } catch (const std::exception& e) {
    if (conflict && conflict(e)) throw;
    log_.error("event_failure_not_counted",
               {{"adapter", ev.adapter}, {"event", ev.event_id}, {"error", e.what()}});
    return false;
  }
  if (attempts < config_.max_event_attempts) return false;
  log_.error(
      "event_parked",
      {{"adapter", ev.adapter}, {"event", ev.event_id}, {"attempts", attempts}, {"error", error}});
  return true;
}

Dispatcher::Fired Dispatcher::fire(const TimerRecord& timer) {
  std::int64_t now = clock_.now_ms();
  Decided d;
  try {
    join();
  } catch (const std::exception& e) {
    d.error = brief(e.what());
    Fired f = timer_failed(store_, timer, d.error, now);
    d.kind = f == Fired::gone     ? Decided::Kind::gone
             : f == Fired::parked ? Decided::Kind::timer_parked
                                  : Decided::Kind::retry;
  }
  if (d.error.empty()) d = fire_in(store_, engine_, timer, now);
  std::size_t replies = d.out.messages.size();
  committed(d);
  switch (d.kind) {
    case Decided::Kind::gone:
      return Fired::gone;
    case Decided::Kind::retry:
      return Fired::retry;
    case Decided::Kind::timer_parked:
      return Fired::parked;
    default:
      break;
  }
  after_commit(log_, "log", [&] {
    log_.debug("timer", {{"kind", timer.kind}, {"key", timer.key}, {"replies", replies}});
  });
  return Fired::fired;
}

Dispatcher::Decided Dispatcher::fire_in(Store& store, Engine& engine, const TimerRecord& timer,
                                        std::int64_t now) {
  Decided d;
  try {
    UnitOfWork txn(store);
    if (!store.timers.take(timer.id)) {
      d.kind = Decided::Kind::gone;
      return d;
    }
    engine.fire(timer, now, d.out);
    txn.commit();
    d.kind = Decided::Kind::fired;
  } catch (const std::exception& e) {
    if (conflict && conflict(e)) throw;
    d.out = Outcome{};
    d.error = brief(e.what());
    Fired f = timer_failed(store, timer, d.error, now);
    d.kind = f == Fired::gone     ? Decided::Kind::gone
             : f == Fired::parked ? Decided::Kind::timer_parked
                                  : Decided::Kind::retry;
  }
  return d;
}

// Nothing of the failed decision was committed. The timer is tried again later, with a growing
// delay, so that one broken timer does not hold up those behind it, and parked after its last
// try. Its failures are counted on its row, so a restart does not start them over.
Dispatcher::Fired Dispatcher::timer_failed(Store& store, const TimerRecord& timer,
                                           const std::string& error, std::int64_t now) {
  int attempts = timer.attempts + 1;
  bool last = attempts >= config_.max_event_attempts;
  std::int64_t delay = 1000LL << std::min(attempts, 16);
  bool found;
  {
    UnitOfWork txn(store);
    found = last ? store.timers.park(timer.id, attempts, error, now)
                 : store.timers.retry(timer.id, attempts, now + delay);
    txn.commit();
  }
  if (!found) return Fired::gone;
  if (last) {
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
  join();
  Outcome out = undeliverable_in(store_, engine_, row, forbidden, error, clock_.now_ms());
  hand_on(out);
}

Outcome Dispatcher::undeliverable_in(Store& store, Engine& engine, const OutboxRow& row,
                                     bool forbidden, const std::string& error, std::int64_t now) {
  Outcome out;
  UnitOfWork txn(store);
  engine.undeliverable(row, forbidden, error, now, out);
  txn.commit();
  return out;
}

void Dispatcher::committed(Decided& d) {
  switch (d.kind) {
    case Decided::Kind::handled:
      ++stats_.handled;
      hand_on(d.out);
      break;
    case Decided::Kind::duplicate:
      ++stats_.duplicates;
      break;
    case Decided::Kind::flooded:
      ++stats_.flooded;
      break;
    case Decided::Kind::parked:
      ++stats_.failed;
      ++stats_.parked;
      break;
    case Decided::Kind::failed:
      ++stats_.failed;
      break;
    case Decided::Kind::fired:
      ++stats_.timers;
      hand_on(d.out);
      break;
    case Decided::Kind::timer_parked:
      ++stats_.timers_parked;
      break;
    case Decided::Kind::undeliverable:
      hand_on(d.out);
      break;
    case Decided::Kind::gone:
    case Decided::Kind::retry:
      break;
  }
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
