#include "dialogs/shift.hpp"

#include <algorithm>
#include <map>

#include "dialogs/time_text.hpp"

namespace linli {

ShiftRules::ShiftRules(double daily_hours_cap, int utc_offset_min)
    : cap_ms_(static_cast<std::int64_t>(daily_hours_cap * kHour)),
      utc_offset_min_(utc_offset_min) {}

std::int64_t ShiftRules::day_start(std::int64_t at) const {
  return local_day_start(at, utc_offset_min_);
}

std::int64_t ShiftRules::served(const std::vector<Shift>& shifts, std::int64_t from,
                                std::int64_t to) {
  std::int64_t total = 0;
  for (const auto& s : shifts) {
    std::int64_t begin = std::max(s.checkin_at, from);
    std::int64_t end = std::min(s.checkout_at == 0 ? to : s.checkout_at, to);
    total += std::max<std::int64_t>(0, end - begin);
  }
  return total;
}

std::int64_t ShiftRules::served_capped(const std::vector<Shift>& shifts, std::int64_t from,
                                       std::int64_t to) const {
  std::map<std::int64_t, std::int64_t> per_day;  // local midnight -> ms served that day
  for (const auto& s : shifts) {
    std::int64_t begin = std::max(s.checkin_at, from);
    std::int64_t end = std::min(s.checkout_at == 0 ? to : s.checkout_at, to);
    while (begin < end) {
      std::int64_t day = day_start(begin);
      std::int64_t part_end = std::min(end, day + kDay);
      per_day[day] += part_end - begin;
      begin = part_end;
    }
  }
  std::int64_t total = 0;
  for (const auto& [day, ms] : per_day) total += std::min(ms, cap_ms_);
  return total;
}

ShiftEnd ShiftRules::end_of(const Shift& s, const std::vector<Shift>& earlier,
                            std::optional<std::int64_t> post_ends_at) const {
  const std::int64_t day = day_start(s.checkin_at);
  const std::int64_t before = served(earlier, day, s.checkin_at);
  std::int64_t at = s.checkin_at + std::max<std::int64_t>(0, cap_ms_ - before);
  if (at > day + kDay) at = day + kDay + cap_ms_;
  if (post_ends_at && *post_ends_at < at) return {std::max(*post_ends_at, s.checkin_at), true};
  return {at, false};
}

CheckIn Duty::check_in(const Shift& s, std::optional<std::int64_t> post_ends_at) {
  if (auto on = port_.on_duty(s.person_id)) return {CheckIn::Outcome::on_duty, *on, {}, 0};
  const std::int64_t day = rules_.day_start(s.checkin_at);
  const auto today = port_.of_person(s.person_id, day, s.checkin_at);
  const std::int64_t served = ShiftRules::served(today, day, s.checkin_at);
  if (rules_.refuses_check_in(served)) return {CheckIn::Outcome::at_cap, {}, {}, served};
  auto id = port_.check_in(s);
  if (!id) {  // another check-in of theirs landed between the read above and this write
    return {CheckIn::Outcome::on_duty, port_.on_duty(s.person_id).value_or(s), {}, 0};
  }
  Shift opened = s;
  opened.id = *id;
  return {CheckIn::Outcome::opened, opened, rules_.end_of(opened, today, post_ends_at), served};
}

std::optional<std::int64_t> Duty::check_out(const Shift& open,
                                            std::optional<std::int64_t> post_ends_at,
                                            std::int64_t now) {
  const std::int64_t end = std::min(now, end_of(open, post_ends_at).at);
  if (!port_.check_out(open.id, end)) return std::nullopt;
  return end;
}

Closing Duty::close(const Shift& s, std::optional<std::int64_t> post_ends_at, std::int64_t now) {
  if (s.checkout_at != 0) return {};
  ShiftEnd end = end_of(s, post_ends_at);
  if (end.at > now) return {Closing::Outcome::later, end};
  if (!port_.check_out(s.id, end.at)) return {};
  return {Closing::Outcome::closed, end};
}

std::int64_t Duty::served_capped(std::int64_t person_id, std::int64_t from, std::int64_t to) {
  return rules_.served_capped(port_.of_person(person_id, from, to), from, to);
}

ShiftEnd Duty::end_of(const Shift& s, std::optional<std::int64_t> post_ends_at) {
  const std::int64_t day = rules_.day_start(s.checkin_at);
  return rules_.end_of(s, port_.of_person(s.person_id, day, s.checkin_at), post_ends_at);
}

}  // namespace linli
