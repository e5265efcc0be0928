#include "dialogs/hours.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <limits>
#include <set>
#include <sstream>

#include "dialogs/assignments.hpp"
#include "dialogs/shifts.hpp"
#include "dialogs/time_text.hpp"
#include "dialogs/turn.hpp"

namespace linli {
namespace {

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// Days since 1970-01-01 of a proleptic Gregorian date, and back (H. Hinnant's algorithms).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = floor_div(y, 400);
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = floor_div(z, 146097);
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
}

bool leap(std::int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}

}  // namespace

std::vector<DayHours> HoursLedger::days(const std::vector<Shift>& shifts,
                                        const std::map<std::int64_t, std::string>& team_of,
                                        const std::vector<HoursCorrection>& corrections,
                                        std::int64_t from, std::int64_t to) const {
  std::map<std::int64_t, DayHours> days;
  for (const auto& s : shifts) {
    auto team = team_of.find(s.post_id);
    const std::string& t = team == team_of.end() ? std::string() : team->second;
    std::int64_t begin = std::max(s.checkin_at, from);
    const std::int64_t end = std::min(s.checkout_at == 0 ? to : s.checkout_at, to);
    while (begin < end) {
      const std::int64_t day = rules_.day_start(begin);
      const std::int64_t part_end = std::min(end, day + kDay);
      DayHours& d = days[day];
      d.day = day;
      d.served_ms += part_end - begin;
      d.by_team[t] += part_end - begin;
      begin = part_end;
    }
  }
  for (const auto& c : corrections) {  // in the order made: the latest of a day wins
    // A day the window only begins in (the last 7 days start at this hour a week ago) still
    // has its correction: it is what the day counts, however much of it the window holds.
    if (c.day + kDay <= from || c.day >= to) continue;
    DayHours& d = days[c.day];
    d.day = c.day;
    d.correction = c;
  }
  std::vector<DayHours> out;
  out.reserve(days.size());
  for (auto& [day, d] : days) {
    d.counted_ms = d.correction ? d.correction->hours_ms : std::min(d.served_ms, rules_.cap_ms());
    if (d.served_ms > 0) {
      // The teams share what counts as they shared what was served; the last takes the rounding.
      std::int64_t given = 0;
      for (auto it = d.by_team.begin(); it != d.by_team.end(); ++it) {
        it->second = std::next(it) == d.by_team.end() ? d.counted_ms - given
                                                      : it->second * d.counted_ms / d.served_ms;
        given += it->second;
      }
    } else {
      d.by_team.clear();
      if (d.counted_ms > 0) d.by_team[""] = d.counted_ms;
    }
    out.push_back(std::move(d));
  }
  return out;
}

std::int64_t HoursLedger::total(const std::vector<DayHours>& days) {
  std::int64_t sum = 0;
  for (const auto& d : days) sum += d.counted_ms;
  return sum;
}

std::map<std::string, std::int64_t> HoursLedger::by_month(const std::vector<DayHours>& days) const {
  std::map<std::string, std::int64_t> out;
  for (const auto& d : days) {
    if (d.counted_ms == 0) continue;
    // The day's noon is in the day whatever the zone's offset; its date names the month.
    out[iso_date(d.day + 12 * kHour, rules_.utc_offset_min()).substr(0, 7)] += d.counted_ms;
  }
  return out;
}

std::map<std::string, std::int64_t> HoursLedger::by_team(const std::vector<DayHours>& days) {
  std::map<std::string, std::int64_t> out;
  for (const auto& d : days) {
    for (const auto& [team, ms] : d.by_team) {
      if (ms > 0) out[team] += ms;
    }
  }
  return out;
}

std::string iso_date(std::int64_t at, int utc_offset_min) {
  std::int64_t y;
  unsigned m, d;
  civil_from_days(floor_div(at + utc_offset_min * kMinute, kDay), y, m, d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return buf;
}

std::optional<std::int64_t> parse_iso_date(std::string_view text, int utc_offset_min) {
  std::string t = trim(text);
  if (t.size() != 10 || (t[4] != '-' && t[4] != '/') || t[7] != t[4]) return std::nullopt;
  std::string_view v = t;
  if (!all_digits(v.substr(0, 4)) || !all_digits(v.substr(5, 2)) || !all_digits(v.substr(8, 2))) {
    return std::nullopt;
  }
  auto y = parse_number<int>(v.substr(0, 4), 1970, 9999);
  auto m = parse_number<unsigned>(v.substr(5, 2), 1, 12);
  auto d = parse_number<unsigned>(v.substr(8, 2), 1, 31);
  if (!y || !m || !d || *d > days_in_month(*y, *m)) return std::nullopt;
  return days_from_civil(*y, *m, *d) * kDay - utc_offset_min * kMinute;
}

std::optional<std::int64_t> parse_hours(std::string_view text) {
  std::string t = lower_ascii(trim(text));
  for (std::string_view unit : {"小时", "hours", "hour", "hrs", "h"}) {
    if (t.size() > unit.size() && t.compare(t.size() - unit.size(), unit.size(), unit) == 0) {
      t = trim(std::string_view(t).substr(0, t.size() - unit.size()));
      break;
    }
  }
  const auto dot = t.find('.');
  std::string_view whole = std::string_view(t).substr(0, dot);
  std::string_view fraction = dot == std::string::npos ? "" : std::string_view(t).substr(dot + 1);
  if (whole.empty() && fraction.empty()) return std::nullopt;
  if ((!whole.empty() && !all_digits(whole)) ||
      (dot != std::string::npos && !all_digits(fraction))) {
    return std::nullopt;
  }
  if (whole.size() > 2 || fraction.size() > 2) return std::nullopt;  // 0–99, to the minute or so
  std::int64_t ms = whole.empty() ? 0 : *parse_number<std::int64_t>(whole, 0, 99) * kHour;
  if (!fraction.empty()) {
    std::int64_t f = *parse_number<std::int64_t>(fraction, 0, 99);
    ms += fraction.size() == 1 ? f * kHour / 10 : f * kHour / 100;
  }
  return ms;
}

namespace hours {
namespace {

ShiftRules rules_of(const Turn& turn, const std::string& community_id) {
  return ShiftRules(turn.config.shifts.daily_hours_cap, turn.utc_offset_min(community_id));
}

std::string name_of_team(const std::string& team, Lang l) {
  return team.empty() ? say(l, Msg::hours_no_team) : team_name(team, l);
}

void report(Turn& turn, std::int64_t person_id, const std::string& community_id,
            const std::string& name) {
  const std::int64_t day = local_day_start(turn.now, turn.utc_offset_min(community_id));
  const auto all = days_of(turn, person_id, community_id, 0, turn.now);
  const HoursLedger ledger(rules_of(turn, community_id));
  std::string text = turn.say(
      Msg::hours_report,
      {{"name", name},
       {"today", shifts::hours_text(
                     HoursLedger::total(days_of(turn, person_id, community_id, day, turn.now)))},
       {"week", shifts::hours_text(HoursLedger::total(
                    days_of(turn, person_id, community_id, turn.now - 7 * kDay, turn.now)))},
       {"total", shifts::hours_text(HoursLedger::total(all))}});
  std::string months, teams;
  for (const auto& [month, ms] : ledger.by_month(all)) {
    months += "\n" + turn.say(Msg::hours_month_line,
                              {{"month", month}, {"hours", shifts::hours_text(ms)}});
  }
  for (const auto& [team, ms] : HoursLedger::by_team(all)) {
    teams += "\n" + turn.say(Msg::hours_team_line, {{"team", name_of_team(team, turn.lang)},
                                                    {"hours", shifts::hours_text(ms)}});
  }
  if (!months.empty()) text += "\n" + turn.say(Msg::hours_by_month) + months;
  if (!teams.empty()) text += "\n" + turn.say(Msg::hours_by_team) + teams;
  text += "\n" + turn.say(Msg::hours_cap_note,
                          {{"cap", shifts::hours_text(rules_of(turn, community_id).cap_ms())}});
  // Every correction, not only the one that counts: who changed what, and why, stays visible.
  const auto corrections =
      turn.store.service.corrections(person_id, std::numeric_limits<std::int64_t>::min(),
                                     std::numeric_limits<std::int64_t>::max());
  if (!corrections.empty()) {
    text += "\n" + turn.say(Msg::hours_corrections);
    const int offset = turn.utc_offset_min(community_id);
    for (const auto& c : corrections) {
      text += "\n" +
              turn.say(Msg::hours_correction_line, {{"date", c.date},
                                                    {"before", shifts::hours_text(c.previous_ms)},
                                                    {"after", shifts::hours_text(c.hours_ms)},
                                                    {"by", turn.name_of(c.by)},
                                                    {"at", format_time(c.at, offset, turn.lang)},
                                                    {"reason", c.reason}});
    }
  }
  // Hours and the reasons of corrections (an illness, say) are nobody else's: asked in a group,
  // they go privately and the group is told so.
  turn.reply_privately(std::move(text));
}

}  // namespace

std::vector<DayHours> days_of(Turn& turn, std::int64_t person_id, const std::string& community_id,
                              std::int64_t from, std::int64_t to) {
  const auto shifts = turn.store.shifts.of_person(person_id, from, to);
  std::map<std::int64_t, std::string> team_of;
  for (const auto& s : shifts) {
    if (s.post_id == 0 || team_of.count(s.post_id) != 0) continue;
    auto p = turn.store.posts.get(s.post_id);
    team_of[s.post_id] = p ? p->team : std::string();
  }
  const ShiftRules rules = rules_of(turn, community_id);
  return HoursLedger(rules).days(
      shifts, team_of, turn.store.service.corrections(person_id, rules.day_start(from), to), from,
      to);
}

void show(Turn& turn, const std::string& args) {
  std::istringstream in{trim(args)};
  std::string first;
  in >> first;
  if (lower_ascii(first) == "fix" || first == "更正") {
    std::string rest;
    std::getline(in, rest);
    return fix(turn, rest);
  }
  // "时长？" is a volunteer asking for their own hours, not for someone called "？".
  if (first.find_first_not_of("?!.~") == std::string::npos || first == "？" || first == "！" ||
      first == "。") {
    first.clear();
  }
  if (!first.empty()) {  // someone else's hours: a coordinator's question
    const Community* c = turn.coordinated();
    if (c == nullptr) return turn.refuse(turn.say(Msg::not_coordinator)), void();
    auto found = assignments::find_volunteer(turn, c->id, args, true);
    if (!found.volunteer) return turn.refuse(assignments::not_named(turn, found, args)), void();
    const auto& v = found.volunteer;
    return report(turn, v->person_id, v->community_id, v->name);
  }
  const std::int64_t me = turn.person.id;
  auto v = turn.store.volunteers.get(me);
  std::string community = v ? v->community_id : turn.community ? turn.community->id : "";
  report(turn, me, community, turn.name_of(me));
}

void fix(Turn& turn, const std::string& args) {
  const Community* c = turn.coordinated();
  if (c == nullptr) return turn.refuse(turn.say(Msg::not_coordinator)), void();
  std::istringstream in{trim(args)};
  std::string who, date, amount, reason;
  in >> who >> date >> amount;
  std::getline(in, reason);
  reason = trim(reason);
  if (who.empty() || date.empty() || amount.empty() || reason.empty()) {
    return turn.refuse(turn.say(Msg::hours_fix_usage)), void();
  }
  auto found = assignments::find_volunteer(turn, c->id, who, true);
  if (!found.volunteer) return turn.refuse(assignments::not_named(turn, found, who)), void();
  const auto& v = found.volunteer;
  const int offset = turn.utc_offset_min(c->id);
  auto day = parse_iso_date(date, offset);
  if (!day) return turn.reply(turn.say(Msg::hours_fix_bad_date, {{"date", date}})), void();
  if (*day > local_day_start(turn.now, offset)) {
    return turn.reply(turn.say(Msg::hours_fix_future, {{"date", date}})), void();
  }
  const ShiftRules rules = rules_of(turn, c->id);
  auto ms = parse_hours(amount);
  if (!ms || *ms > rules.cap_ms()) {
    return turn.reply(turn.say(Msg::hours_fix_bad_hours,
                               {{"hours", amount}, {"cap", shifts::hours_text(rules.cap_ms())}})),
           void();
  }
  if (utf8_length(reason) > 200) {
    return turn.reply(turn.say(Msg::hours_fix_reason_long, {{"limit", "200"}})), void();
  }
  // An open shift today counts until now, as /hours shows it, not until midnight.
  const auto before = days_of(turn, v->person_id, c->id, *day, std::min(*day + kDay, turn.now));
  HoursCorrection fix;
  fix.person_id = v->person_id;
  fix.community_id = c->id;
  fix.day = *day;
  fix.date = iso_date(*day, offset);
  fix.hours_ms = *ms;
  fix.previous_ms = HoursLedger::total(before);
  fix.reason = reason;
  fix.by = turn.person.id;
  fix.at = turn.now;
  turn.store.service.add_correction(fix);
  const std::string was = shifts::hours_text(fix.previous_ms);
  const std::string now = shifts::hours_text(fix.hours_ms);
  turn.reply(turn.say(Msg::hours_fixed, {{"name", v->name},
                                         {"date", fix.date},
                                         {"before", was},
                                         {"after", now},
                                         {"reason", reason}}));
  if (v->person_id != turn.person.id) {
    Lang l = turn.lang_of(v->person_id);
    turn.tell(v->person_id, say(l, Msg::hours_fixed_you,
                                {{"date", fix.date},
                                 {"before", was},
                                 {"after", now},
                                 {"by", turn.name_of(turn.person.id)},
                                 {"reason", reason}}));
  }
}

}  // namespace hours
}  // namespace linli
