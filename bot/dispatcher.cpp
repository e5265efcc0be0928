#include "bot/dispatcher.hpp"

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

}  // namespace

Dispatcher::Dispatcher(Store& store, Engine& engine, const Clock& clock, OutboxSender& sender,
                       const FloodConfig& flood, Logger& log)
    : store_(store), engine_(engine), clock_(clock), sender_(sender), log_(log), flood_(flood) {}

Dispatcher::Result Dispatcher::dispatch(const InboundEvent& ev) {
  std::int64_t now = clock_.now_ms();
  Outcome out;
  {
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
  }
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

void Dispatcher::fire(const TimerRecord& timer) {
  std::int64_t now = clock_.now_ms();
  Outcome out;
  {
    UnitOfWork txn(store_);
    if (!store_.timers.take(timer.id)) return;  // re-armed or fired meanwhile
    engine_.fire(timer, now, out);
    txn.commit();
  }
  ++stats_.timers;
  std::size_t replies = out.messages.size();
  hand_on(out);
  after_commit(log_, "log", [&] {
    log_.debug("timer", {{"kind", timer.kind}, {"key", timer.key}, {"replies", replies}});
  });
}

void Dispatcher::undeliverable(const OutboxRow& row, bool forbidden, const std::string& error) {
  Outcome out;
  {
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
void Dispatcher::hand_on(Outcome& out) noexcept {
  after_commit(log_, "sender", [&] {
    if (!out.messages.empty()) sender_.push(std::move(out.messages));
  });
  after_commit(log_, "scheduler", [&] {
    if (out.earliest_timer && on_timer_armed) on_timer_armed(*out.earliest_timer);
  });
}

}  // namespace linli
