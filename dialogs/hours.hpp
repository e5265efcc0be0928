#pragma once
// Service hours as people read them (issue 11, step 5 "evaluate precisely"): from check-in and
// check-out, at most the daily cap in each local day, unless a coordinator corrected the day;
// by month and by team (the team of each shift's post).
//
// HoursLedger is the pure rule, from a person's shifts, the teams of their posts and the
// corrections; the commands (/hours, /hours fix) read those through the ports and say it.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dialogs/records.hpp"
#include "dialogs/shift.hpp"

namespace linli {

class Turn;

// One local day of a person's service.
struct DayHours {
  std::int64_t day = 0;         // the instant the local day began
  std::int64_t served_ms = 0;   // what the shifts say, before the cap
  std::int64_t counted_ms = 0;  // what counts: the capped figure, or the day's correction
  // What counts, by the stored team of each shift's post ("" for a shift on no post). The cap
  // or a correction scales the day's teams alike; a corrected day without shifts is all "".
  std::map<std::string, std::int64_t> by_team;
  std::optional<HoursCorrection> correction;  // the latest of the day
};

class HoursLedger {
 public:
  explicit HoursLedger(ShiftRules rules) : rules_(rules) {}

  // The days with hours, or with a correction, within [from, to), oldest first. Shifts are cut
  // at `from` and `to` (an open one counts until `to`); a correction counts for a day that
  // overlaps the window, the first one included when the window begins within it (the
  // correction is the whole day's figure). `team_of` maps a post id to its stored team.
  std::vector<DayHours> days(const std::vector<Shift>& shifts,
                             const std::map<std::int64_t, std::string>& team_of,
                             const std::vector<HoursCorrection>& corrections, std::int64_t from,
                             std::int64_t to) const;

  static std::int64_t total(const std::vector<DayHours>& days);
  // "YYYY-MM" -> ms, in the zone's months.
  std::map<std::string, std::int64_t> by_month(const std::vector<DayHours>& days) const;
  static std::map<std::string, std::int64_t> by_team(const std::vector<DayHours>& days);

 private:
  ShiftRules rules_;
};

// "2026-11-20" for the local day of `at` in the zone.
std::string iso_date(std::int64_t at, int utc_offset_min);
// The instant the local day "YYYY-MM-DD" began in the zone; nullopt for anything else (a date
// that does not exist, such as 2026-02-30, included).
std::optional<std::int64_t> parse_iso_date(std::string_view text, int utc_offset_min);
// Hours as a coordinator types them: "4", "3.5", "4h", "4小时"; nullopt for anything else.
std::optional<std::int64_t> parse_hours(std::string_view text);

namespace hours {

// A person's days in [from, to) with the corrections, read through the ports.
std::vector<DayHours> days_of(Turn& turn, std::int64_t person_id, const std::string& community_id,
                              std::int64_t from, std::int64_t to);
// /hours: mine; a coordinator's "/hours <volunteer>": theirs; "/hours fix …": fix().
void show(Turn& turn, const std::string& args);
// /hours fix <volunteer> <date> <hours> <reason> (更正): coordinators only.
void fix(Turn& turn, const std::string& args);

}  // namespace hours
}  // namespace linli
