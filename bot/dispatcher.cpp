#include "bot/dispatcher.hpp"

#include "bot/outbox_sender.hpp"

namespace linli {

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
  if (log_.enabled(LogLevel::debug)) {
    log_.debug("event", {{"adapter", ev.adapter},
                         {"event", ev.event_id},
                         {"chat", ev.chat},
                         {"user", ev.user},
                         {"replies", out.messages.size()}});
  }
  hand_on(out);
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
  log_.debug("timer", {{"kind", timer.kind}, {"key", timer.key}, {"replies", out.messages.size()}});
  hand_on(out);
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

void Dispatcher::hand_on(Outcome& out) {
  if (!out.messages.empty()) sender_.push(std::move(out.messages));
  if (out.earliest_timer && on_timer_armed) on_timer_armed(*out.earliest_timer);
}

}  // namespace linli
