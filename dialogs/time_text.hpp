#pragma once
// Times as coordinators type them, in the community's time zone: "明天 8:00-12:00",
// "12月3日 14:00-18:00", "2026-12-03 08:00-12:00", "today 9-11", "12-03 20:00-次日02:00".

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "dialogs/vocabulary.hpp"

namespace linli {

// Stored times are milliseconds since the Unix epoch.
inline constexpr std::int64_t kMinute = 60'000;
inline constexpr std::int64_t kHour = 60 * kMinute;
inline constexpr std::int64_t kDay = 24 * kHour;

struct TimeWindow {
  std::int64_t starts_at = 0;  // ms since the Unix epoch
  std::int64_t ends_at = 0;
};

// `now_ms` anchors relative days ("明天") and years left out; `utc_offset_min` is the zone
// (+480 for China). The end may pass midnight ("22:00-02:00" ends the next day). A window that
// is empty, ended before `now_ms`, or lasts more than 24 hours, is refused.
std::optional<TimeWindow> parse_time_window(std::string_view text, std::int64_t now_ms,
                                            int utc_offset_min);

// "12月3日 08:00–12:00" / "Dec 3, 08:00–12:00", in the zone.
std::string format_time_window(const TimeWindow& w, int utc_offset_min, Lang l);
// The instant the local day of `at_ms` began (midnight in the zone).
std::int64_t local_day_start(std::int64_t at_ms, int utc_offset_min);

// "12月3日 08:00" / "Dec 3, 08:00".
std::string format_time(std::int64_t at_ms, int utc_offset_min, Lang l);

}  // namespace linli
