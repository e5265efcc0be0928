#include "dialogs/shifts.hpp"

#include <algorithm>
#include <cstdio>

#include "dialogs/assignments.hpp"
#include "dialogs/hours.hpp"
#include "dialogs/recruitment.hpp"
#include "dialogs/roster.hpp"
#include "dialogs/route.hpp"
#include "dialogs/shift.hpp"
#include "dialogs/support.hpp"
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
  for (const auto& e : turn.store.roster.of_post(post_id, RosterStatus::taken)) {
    if (e.confirmed) continue;
    Lang l = turn.lang_of(e.person_id);
    SendOptions opt;
    opt.route = Route{RouteKind::shift, post_id}.str();
    opt.buttons = {
        {Button{say(l, Msg::confirm_button), Route{RouteKind::shift, post_id, "yes"}.str()},
         Button{say(l, Msg::cannot_button), Route{RouteKind::shift, post_id, "no"}.str()}}};
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
  for (const auto& e : turn.store.roster.of_post(post_id, RosterStatus::taken)) {
    if (e.confirmed) continue;
    if (e.reminded_at == 0 || turn.now - e.reminded_at < grace) {
      std::int64_t at = (e.reminded_at == 0 ? turn.now : e.reminded_at) + grace;
      if (at < p->starts_at) again = again == 0 ? at : std::min(again, at);
      continue;
    }
    turn.store.roster.move(post_id, e.person_id, RosterStatus::taken, RosterStatus::gone);
    Lang l = turn.lang_of(e.person_id);
    turn.tell(e.person_id,
              say(l, Msg::shift_replaced, {{"id", std::to_string(post_id)}, {"title", p->title}}));
  }
  if (again != 0) turn.arm(Timer{TimerKind::replace, post_id}, again);
  // A place still held for an unfinished or unreviewed sign-up cannot wait any longer.
  for (const auto& e : turn.store.roster.of_post(post_id, RosterStatus::held)) {
    turn.store.roster.move(post_id, e.person_id, RosterStatus::held, RosterStatus::gone);
    Lang l = turn.lang_of(e.person_id);
    turn.tell(e.person_id,
              say(l, Msg::held_released, {{"id", std::to_string(post_id)}, {"title", p->title}}));
  }
  // The wait-list first, in its order; then the reserve pool.
  Roster roster(turn.store.roster, *p);
  for (int free = roster.free_places(); free > 0; --free) recruitment::promote(turn, *p);
  assignments::fill_from_reserve(turn, *p, roster.free_places());
  recruitment::roster_changed(turn, post_id);
}

void answer(Turn& turn, std::int64_t post_id, bool yes) {
  auto e = turn.store.roster.get(post_id, turn.person.id);
  if (!e || e->status != RosterStatus::taken) {
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

namespace {

// The rules of shifts in a community: the daily cap, and where its days begin.
ShiftRules rules_of(const Turn& turn, const std::string& community_id) {
  return ShiftRules(turn.config.shifts.daily_hours_cap, turn.utc_offset_min(community_id));
}

std::optional<Post> post_of(Turn& turn, const Shift& s) {
  return s.post_id == 0 ? std::nullopt : turn.store.posts.get(s.post_id);
}

std::optional<std::int64_t> ends_at(const std::optional<Post>& post) {
  if (!post) return std::nullopt;
  return post->ends_at;
}

}  // namespace

void check_in(Turn& turn) {
  auto v = turn.store.volunteers.get(turn.person.id);
  if (!v || v->status != VolunteerStatus::approved) {
    return turn.refuse(turn.say(Msg::claim_not_volunteer)), void();
  }
  const int offset = turn.utc_offset_min(v->community_id);
  // The post this is for: one of theirs that is on now (or starts within the hour).
  Shift s;
  s.person_id = turn.person.id;
  s.community_id = v->community_id;
  s.checkin_at = turn.now;
  std::string post_text;
  std::optional<Post> post;
  for (const auto& e : turn.store.roster.of_person(turn.person.id)) {
    if (e.status != RosterStatus::taken) continue;
    auto p = turn.store.posts.get(e.post_id);
    if (p && p->starts_at - 60 * kMinute <= turn.now && turn.now < p->ends_at) {
      s.post_id = p->id;
      post_text = turn.say(Msg::checkin_post, {{"id", std::to_string(p->id)}, {"title", p->title}});
      post = std::move(p);
      break;
    }
  }
  if (post) {
    if (std::string lacks = support::missing(turn, *post, turn.person.id, turn.lang);
        !lacks.empty()) {
      return turn.reply(turn.say(
                 Msg::gate_checkin,
                 {{"id", std::to_string(post->id)}, {"title", post->title}, {"missing", lacks}})),
             void();
    }
  }
  const ShiftRules rules = rules_of(turn, v->community_id);
  // On duty already: from another chat too, even one whose check-in is being decided right now.
  CheckIn in = Duty(turn.store.shifts, rules).check_in(s, ends_at(post));
  if (in.outcome == CheckIn::Outcome::on_duty) {
    return turn.reply(turn.say(Msg::checkin_already,
                               {{"time", format_time(in.shift.checkin_at, offset, turn.lang)}})),
           void();
  }
  if (in.outcome == CheckIn::Outcome::at_cap) {
    return turn.reply(turn.say(Msg::checkin_cap, {{"hours", hours_text(in.served_today)},
                                                  {"cap", hours_text(rules.cap_ms())}})),
           void();
  }
  s = in.shift;
  turn.arm(Timer{TimerKind::shift, s.id}, in.end.at);
  turn.reply(turn.say(Msg::checkin_ok,
                      {{"post", post_text}, {"time", format_time(turn.now, offset, turn.lang)}}));
}

void check_out(Turn& turn) {
  auto on = turn.store.shifts.on_duty(turn.person.id);
  if (!on) {
    // Said to a volunteer; to anyone else, 签退 is not theirs to use.
    if (!turn.is_volunteer()) return turn.refuse(turn.say(Msg::checkout_none));
    return turn.reply(turn.say(Msg::checkout_none)), void();
  }
  Duty duty(turn.store.shifts, rules_of(turn, on->community_id));
  // After downtime the shift may have ended by itself before its timer could fire.
  std::optional<std::int64_t> end = duty.check_out(*on, ends_at(post_of(turn, *on)), turn.now);
  turn.disarm(Timer{TimerKind::shift, on->id});
  // Its timer closed it meanwhile on another instance, and told them so.
  if (!end) return turn.reply(turn.say(Msg::checkout_none)), void();
  const int offset = turn.utc_offset_min(on->community_id);
  std::int64_t me = turn.person.id;
  // The figures /hours shows: capped per day, or as a coordinator corrected the day.
  auto counted = [&](std::int64_t from) {
    return hours_text(
        HoursLedger::total(hours::days_of(turn, me, on->community_id, from, turn.now)));
  };
  turn.reply(turn.say(Msg::checkout_ok, {{"hours", hours_text(*end - on->checkin_at)},
                                         {"today", counted(local_day_start(turn.now, offset))},
                                         {"week", counted(turn.now - 7 * kDay)}}));
}

void close(Turn& turn, std::int64_t shift_id) {
  auto s = turn.store.shifts.get(shift_id);
  if (!s || s->checkout_at != 0) return;  // checked out by hand meanwhile
  auto post = post_of(turn, *s);
  const ShiftRules rules = rules_of(turn, s->community_id);
  Closing closing = Duty(turn.store.shifts, rules).close(*s, ends_at(post), turn.now);
  const ShiftEnd end = closing.end;
  if (closing.outcome == Closing::Outcome::later) {  // the post was moved later since armed
    turn.arm(Timer{TimerKind::shift, shift_id}, end.at);
    return;
  }
  // Checked out by hand on another instance between the read above and the write: told there.
  if (closing.outcome != Closing::Outcome::closed) return;
  Lang l = turn.lang_of(s->person_id);
  std::string hours = hours_text(end.at - s->checkin_at);
  if (end.post_ended) {
    turn.tell(s->person_id,
              say(l, Msg::checkout_auto_post,
                  {{"id", std::to_string(post->id)},
                   {"title", post->title},
                   {"time", format_time(end.at, turn.utc_offset_min(s->community_id), l)},
                   {"hours", hours}}));
  } else {
    turn.tell(s->person_id, say(l, Msg::checkout_auto_cap,
                                {{"cap", hours_text(rules.cap_ms())}, {"hours", hours}}));
  }
}

}  // namespace linli::shifts
