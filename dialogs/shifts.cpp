#include "dialogs/shifts.hpp"

#include <cstdio>

#include "dialogs/assignments.hpp"
#include "dialogs/recruitment.hpp"
#include "dialogs/time_text.hpp"

namespace linli::shifts {

std::string hours_text(std::int64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(ms) / kHour);
  return buf;
}

void remind(Turn& turn, std::int64_t post_id) {
  auto p = turn.store.posts.get(post_id);
  if (!p || p->starts_at <= turn.now) return;
  std::int64_t deadline = p->starts_at - turn.config.shifts.replace_before_min * kMinute;
  for (const auto& e : turn.store.roster.of_post(post_id, storage::RosterStatus::taken)) {
    if (e.confirmed) continue;
    Lang l = turn.lang_of(e.person_id);
    SendOptions opt;
    opt.route = "s:" + std::to_string(post_id);
    opt.buttons = {{Button{say(l, Msg::confirm_button), "s:" + std::to_string(post_id) + ":yes"},
                    Button{say(l, Msg::cannot_button), "s:" + std::to_string(post_id) + ":no"}}};
    turn.tell(e.person_id,
              say(l, Msg::shift_remind,
                  {{"id", std::to_string(post_id)},
                   {"title", p->title},
                   {"time", format_time(p->starts_at, turn.utc_offset_min(p->community_id), l)},
                   {"place", recruitment::post_place(*p, l)},
                   {"deadline", format_time(deadline, turn.utc_offset_min(p->community_id), l)}}),
              std::move(opt));
    turn.store.roster.reminded(post_id, e.person_id, turn.now);
  }
}

void replace(Turn& turn, std::int64_t post_id) {
  auto p = turn.store.posts.get(post_id);
  if (!p || p->starts_at <= turn.now) return;
  // Everyone gets the time between the two timers to answer, even when both fell due together
  // (after the service was down): who was reminded too recently is looked at again later.
  const std::int64_t grace =
      (turn.config.shifts.remind_before_min - turn.config.shifts.replace_before_min) * kMinute;
  std::int64_t again = 0;
  for (const auto& e : turn.store.roster.of_post(post_id, storage::RosterStatus::taken)) {
    if (e.confirmed) continue;
    if (e.reminded_at == 0 || turn.now - e.reminded_at < grace) {
      std::int64_t at = (e.reminded_at == 0 ? turn.now : e.reminded_at) + grace;
      if (at < p->starts_at) again = again == 0 ? at : std::min(again, at);
      continue;
    }
    turn.store.roster.move(post_id, e.person_id, storage::RosterStatus::taken,
                           storage::RosterStatus::gone);
    Lang l = turn.lang_of(e.person_id);
    turn.tell(e.person_id,
              say(l, Msg::shift_replaced, {{"id", std::to_string(post_id)}, {"title", p->title}}));
  }
  if (again != 0)
    turn.arm_timer("replace:" + std::to_string(post_id), again, "replace", std::to_string(post_id));
  // A place still held for an unfinished or unreviewed sign-up cannot wait any longer.
  for (const auto& e : turn.store.roster.of_post(post_id, storage::RosterStatus::held)) {
    turn.store.roster.move(post_id, e.person_id, storage::RosterStatus::held,
                           storage::RosterStatus::gone);
    Lang l = turn.lang_of(e.person_id);
    turn.tell(e.person_id,
              say(l, Msg::held_released, {{"id", std::to_string(post_id)}, {"title", p->title}}));
  }
  // The wait-list first, in its order; then the reserve pool.
  storage::RosterCounts n = turn.store.roster.counts(post_id);
  for (int i = n.taken + n.held; i < p->headcount && n.waiting > 0; ++i, --n.waiting)
    recruitment::promote(turn, *p);
  n = turn.store.roster.counts(post_id);
  assignments::fill_from_reserve(turn, *p, p->headcount - n.taken - n.held);
  recruitment::roster_changed(turn, post_id);
}

void answer(Turn& turn, std::int64_t post_id, bool yes) {
  auto e = turn.store.roster.get(post_id, turn.person.id);
  if (!e || e->status != storage::RosterStatus::taken) {
    turn.answer_press();
    return;
  }
  if (yes) {
    turn.store.roster.confirm(post_id, turn.person.id);
    turn.answer_press();
    turn.reply(turn.say(Msg::shift_confirmed));
    return;
  }
  recruitment::withdraw(turn, post_id);
}

void check_in(Turn& turn) {
  auto v = turn.store.volunteers.get(turn.person.id);
  if (!v || v->status != storage::VolunteerStatus::approved) {
    return turn.reply(turn.say(Msg::claim_not_volunteer)), void();
  }
  if (auto on = turn.store.shifts.on_duty(turn.person.id)) {
    return turn.reply(turn.say(
               Msg::checkin_already,
               {{"time",
                 format_time(on->checkin_at, turn.utc_offset_min(v->community_id), turn.lang)}})),
           void();
  }
  std::int64_t today = turn.store.shifts.served(
      turn.person.id, local_day_start(turn.now, turn.utc_offset_min(v->community_id)), turn.now);
  auto cap_ms = static_cast<std::int64_t>(turn.config.shifts.daily_hours_cap * kHour);
  if (today >= cap_ms) {
    return turn.reply(turn.say(Msg::checkin_cap,
                               {{"hours", hours_text(today)}, {"cap", hours_text(cap_ms)}})),
           void();
  }
  // The post this is for: one of theirs that is on now (or starts within the hour).
  storage::Shift s;
  s.person_id = turn.person.id;
  s.community_id = v->community_id;
  s.checkin_at = turn.now;
  std::string post_text;
  for (const auto& e : turn.store.roster.of_person(turn.person.id)) {
    if (e.status != storage::RosterStatus::taken) continue;
    auto p = turn.store.posts.get(e.post_id);
    if (p && p->starts_at - 60 * kMinute <= turn.now && turn.now < p->ends_at) {
      s.post_id = p->id;
      post_text = turn.say(Msg::checkin_post, {{"id", std::to_string(p->id)}, {"title", p->title}});
      break;
    }
  }
  turn.store.shifts.check_in(s);
  turn.reply(
      turn.say(Msg::checkin_ok,
               {{"post", post_text},
                {"time", format_time(turn.now, turn.utc_offset_min(v->community_id), turn.lang)}}));
}

void check_out(Turn& turn) {
  auto on = turn.store.shifts.on_duty(turn.person.id);
  if (!on) return turn.reply(turn.say(Msg::checkout_none)), void();
  turn.store.shifts.check_out(on->id, turn.now);
  turn.reply(turn.say(
      Msg::checkout_ok,
      {{"hours", hours_text(turn.now - on->checkin_at)},
       {"today", hours_text(turn.store.shifts.served(
                     turn.person.id,
                     local_day_start(turn.now, turn.utc_offset_min(on->community_id)), turn.now))},
       {"week",
        hours_text(turn.store.shifts.served(turn.person.id, turn.now - 7 * kDay, turn.now))}}));
}

void hours(Turn& turn) {
  std::int64_t me = turn.person.id;
  turn.reply(
      turn.say(Msg::hours_report,
               {{"name", turn.name_of(me)},
                {"today", hours_text(turn.store.shifts.served(
                              me, local_day_start(turn.now, turn.utc_offset_min()), turn.now))},
                {"week", hours_text(turn.store.shifts.served(me, turn.now - 7 * kDay, turn.now))},
                {"total", hours_text(turn.store.shifts.served(me, 0, turn.now))}}));
}

}  // namespace linli::shifts
