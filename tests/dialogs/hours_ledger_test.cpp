// The hours that count (dialogs/hours.hpp), from shifts and corrections alone: no database.

#include <gtest/gtest.h>

#include "dialogs/hours.hpp"
#include "dialogs/time_text.hpp"

namespace linli {
namespace {

constexpr int kChina = 480;
const ShiftRules kRules(8, kChina);
// 2027-01-14 00:00 in +08:00.
const std::int64_t kDay14 = *parse_iso_date("2027-01-14", kChina);

Shift shift(std::int64_t from_h, std::int64_t hours, std::int64_t post = 0) {
  return Shift{0, 1, "sc", post, kDay14 + from_h * kHour, kDay14 + (from_h + hours) * kHour};
}

TEST(HoursLedger, TheCapScalesTheDaysTeamsAlike) {
  const std::map<std::int64_t, std::string> teams = {{1, "care"}, {2, "巡逻队"}};
  // 6 hours on post 1 and 6 on post 2 the same day: 12 served, 8 count, 4 each.
  auto days =
      HoursLedger(kRules).days({shift(8, 6, 1), shift(14, 6, 2)}, teams, {}, 0, kDay14 + 2 * kDay);
  ASSERT_EQ(days.size(), 1u);
  EXPECT_EQ(days[0].served_ms, 12 * kHour);
  EXPECT_EQ(days[0].counted_ms, 8 * kHour);
  EXPECT_EQ(days[0].by_team.at("care"), 4 * kHour);
  EXPECT_EQ(days[0].by_team.at("巡逻队"), 4 * kHour);
}

TEST(HoursLedger, AShiftPastMidnightCountsInEachDayAndMonthsFollowTheZone) {
  // 2027-01-31 20:00 to 2027-02-01 04:00 local: 4 hours in January, 4 in February.
  const std::int64_t jan31 = *parse_iso_date("2027-01-31", kChina);
  Shift s{0, 1, "sc", 0, jan31 + 20 * kHour, jan31 + 28 * kHour};
  HoursLedger ledger(kRules);
  auto days = ledger.days({s}, {}, {}, 0, jan31 + 3 * kDay);
  ASSERT_EQ(days.size(), 2u);
  auto months = ledger.by_month(days);
  EXPECT_EQ(months.at("2027-01"), 4 * kHour);
  EXPECT_EQ(months.at("2027-02"), 4 * kHour);
}

TEST(HoursLedger, TheLatestCorrectionOfADayCountsInsteadOfTheShifts) {
  HoursCorrection first{1, 1, "sc", kDay14, "2027-01-14", 6 * kHour, 8 * kHour, "a", 9, 0};
  HoursCorrection second = first;
  second.id = 2;
  second.hours_ms = 5 * kHour;
  auto days =
      HoursLedger(kRules).days({shift(8, 10, 1)}, {{1, "care"}}, {first, second}, 0, kDay14 + kDay);
  ASSERT_EQ(days.size(), 1u);
  EXPECT_EQ(days[0].counted_ms, 5 * kHour);
  EXPECT_EQ(days[0].by_team.at("care"), 5 * kHour);
  EXPECT_EQ(days[0].correction->id, 2);
  // A correction of a day outside the window does not count in it.
  EXPECT_TRUE(HoursLedger(kRules).days({}, {}, {first}, kDay14 + kDay, kDay14 + 2 * kDay).empty());
}

TEST(HoursLedger, ACorrectionOfTheFirstPartialDayOfTheWindowCounts) {
  // "The last 7 days" begin at this hour a week ago: the 14th from 10:00 on. Its correction is
  // the day's figure, as on every other day of the window.
  HoursCorrection fix{1, 1, "sc", kDay14, "2027-01-14", 3 * kHour, 0, "paper sheet", 9, 0};
  auto days = HoursLedger(kRules).days({}, {}, {fix}, kDay14 + 10 * kHour, kDay14 + 7 * kDay);
  ASSERT_EQ(days.size(), 1u);
  EXPECT_EQ(days[0].day, kDay14);
  EXPECT_EQ(HoursLedger::total(days), 3 * kHour);
  // A window that begins as the day ends holds nothing of it.
  EXPECT_TRUE(HoursLedger(kRules).days({}, {}, {fix}, kDay14 + kDay, kDay14 + 7 * kDay).empty());
}

TEST(HoursLedger, DatesAndHoursAreReadStrictly) {
  EXPECT_EQ(iso_date(kDay14, kChina), "2027-01-14");
  EXPECT_EQ(iso_date(kDay14 - 1, kChina), "2027-01-13");
  EXPECT_EQ(parse_iso_date("2027-01-14", 0), kDay14 + kChina * kMinute);
  EXPECT_EQ(parse_iso_date("2028-02-29", 0).has_value(), true);
  EXPECT_FALSE(parse_iso_date("2027-02-29", 0));
  EXPECT_FALSE(parse_iso_date("2027-13-01", 0));
  EXPECT_FALSE(parse_iso_date("2027-1-14", 0));
  EXPECT_FALSE(parse_iso_date("14/01/2027", 0));
  EXPECT_EQ(parse_hours("4"), 4 * kHour);
  EXPECT_EQ(parse_hours("3.5"), 3 * kHour + 30 * kMinute);
  EXPECT_EQ(parse_hours("2.25h"), 2 * kHour + 15 * kMinute);
  EXPECT_EQ(parse_hours("6小时"), 6 * kHour);
  EXPECT_FALSE(parse_hours("-1"));
  EXPECT_FALSE(parse_hours("four"));
  EXPECT_FALSE(parse_hours("1e3"));
  EXPECT_FALSE(parse_hours(""));
}

}  // namespace
}  // namespace linli
