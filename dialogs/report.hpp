#pragma once
// /report [FROM TO] (报告), step 5 "evaluate precisely": a community's requests by category,
// claimed and unmet, how long claiming and finishing took (median and 90th percentile),
// satisfaction and feedback, hours by team, who served most, commendations and trips, over a
// period of whole days in the community's zone. For its coordinators only, privately, split at
// the platform's text limit.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dialogs/feedback.hpp"
#include "dialogs/turn.hpp"

namespace linli::report {

// The longest period one report covers: a year, leap day included.
inline constexpr int kMaxDays = 366;
// How many volunteers "most hours" names.
inline constexpr std::size_t kTopVolunteers = 5;

struct Period {
  std::int64_t from = 0;  // local midnight of the first day
  std::int64_t to = 0;    // local midnight after the last day
};

// "2027-01-09 2027-01-15" → those days, both included; "" → the 7 days ending today. nullopt
// for anything else: a date that does not exist, FROM after TO, more than kMaxDays days.
std::optional<Period> parse_period(std::string_view args, std::int64_t now, int utc_offset_min);
// "2027-01-09": the local date of an instant.
std::string iso_date(std::int64_t at, int utc_offset_min);

struct CategoryCount {
  int total = 0;
  int claimed = 0;
  int unmet = 0;
};

struct Figures {
  int total = 0;
  // One bucket per request; they add up to `total`.
  int claimed = 0;    // a volunteer took it (claimed or done now)
  int unmet = 0;      // nobody could be found and nobody took it since (cancelled since or not)
  int cancelled = 0;  // by the resident, before it was found unmet
  int open = 0;       // still waiting, not found unmet
  std::map<std::string, CategoryCount> by_category;  // by category code
  std::vector<std::int64_t> to_claim;                // ms from the request to its claim, ascending
  std::vector<std::int64_t> to_finish;               // ms from the request to done, ascending
  feedback::Rollup feedback;
  std::vector<std::pair<std::string, std::int64_t>> hours_by_team;  // most first; "": no team
  std::vector<std::pair<std::int64_t, std::int64_t>> top;           // person, ms served; most first
};

// Figures from what the ports read for one period: `requests` made in it, `ratings` of requests
// finished in it, time `served` in it.
Figures compute(const std::vector<RequestFacts>& requests, const std::vector<Rating>& ratings,
                const std::vector<Served>& served);

// The p-th percentile of ascending `values` by linear interpolation between closest ranks (the
// definition of numpy's and a spreadsheet's PERCENTILE default): rank h = (n − 1)·p/100, the
// value at floor(h) plus that fraction of the step to the next, rounded to the nearest ms. The
// median is p = 50. nullopt for no values.
std::optional<std::int64_t> percentile(const std::vector<std::int64_t>& values, int p);
// "25 分钟", "1 小时 5 分钟" / "25 min", "1 h 5 min": rounded to the nearest minute; "—" for none.
std::string duration_text(std::optional<std::int64_t> ms, Lang l);

// Cuts `text` into messages of at most `max_units` UTF-16 code units each (how platforms
// count: Telegram's 4096, WeCom's 2048), between lines where it can, inside a line only when one
// line alone is longer, and never inside a character.
std::vector<std::string> split_message(std::string_view text, std::size_t max_units);

// /report, 报告.
void run(Turn& turn, std::string_view args);

}  // namespace linli::report
