#include <gtest/gtest.h>

#include "dialogs/time_text.hpp"

namespace linli {
namespace {

constexpr int kChina = 480;
// 2026-11-29 10:00 in China (02:00 UTC).
constexpr std::int64_t kNow = 1'795'917'600'000;

std::string shown(std::string_view text) {
  auto w = parse_time_window(text, kNow, kChina);
  return w ? format_time_window(*w, kChina, Lang::zh) : "none";
}

TEST(TimeText, TheClockOfTheTestIsWhatItSays) {
  EXPECT_EQ(format_time(kNow, kChina, Lang::zh), "11月29日 10:00");
}

TEST(TimeText, TodayTomorrowAndDates) {
  EXPECT_EQ(shown("14:00-18:00"), "11月29日 14:00–18:00");
  EXPECT_EQ(shown("今天 14:00-18:00"), "11月29日 14:00–18:00");
  EXPECT_EQ(shown("明天 8:00-12:00"), "11月30日 08:00–12:00");
  EXPECT_EQ(shown("后天 8点-12点半"), "12月1日 08:00–12:30");
  EXPECT_EQ(shown("tomorrow 9:00 to 11:00"), "11月30日 09:00–11:00");
  EXPECT_EQ(shown("12月3日 14:00-18:00"), "12月3日 14:00–18:00");
  EXPECT_EQ(shown("12-03 8:00-12:00"), "12月3日 08:00–12:00");
  EXPECT_EQ(shown("2026-12-03 08:00~12:00"), "12月3日 08:00–12:00");
  EXPECT_EQ(shown("1月5日 8:00-9:00"), "1月5日 08:00–09:00");  // next year's January
}

TEST(TimeText, BareHoursAndFullWidthPunctuation) {
  EXPECT_EQ(shown("15-17"), "11月29日 15:00–17:00");
  EXPECT_EQ(shown("明天 8：00—12：00"), "11月30日 08:00–12:00");
}

TEST(TimeText, NightShiftsEndTheNextDay) {
  EXPECT_EQ(shown("22:00-02:00"), "11月29日 22:00–11月30日 02:00");
  EXPECT_EQ(shown("20:00-次日06:00"), "11月29日 20:00–11月30日 06:00");
}

TEST(TimeText, WindowsInThePastOrNonsenseAreRefused) {
  EXPECT_EQ(shown("8:00-9:00"), "none");  // over already today
  EXPECT_EQ(shown("25:00-26:00"), "none");
  EXPECT_EQ(shown("13月1日 8:00-9:00"), "none");
  EXPECT_EQ(shown("whenever"), "none");
  EXPECT_EQ(shown("14:00"), "none");
  EXPECT_EQ(shown("14:00-18:00 and more"), "none");
  EXPECT_EQ(shown("24-0"), "none");  // empty: found by the fuzzer
  EXPECT_EQ(shown("24:00-次日00:00"), "none");
}

TEST(TimeText, DatesThatDoNotExistAreNotUnderstoodInsteadOfMovedToMarch) {
  // 2026-11-29: the next February is 2027's, which has no 29th.
  for (const char* text :
       {"2月30日 8:00-12:00", "2月31号 8:00-12:00", "4月31日 8:00-12:00", "2月29日 8:00-12:00",
        "13月1日 8:00-9:00", "0月1日 8:00-9:00", "12月0日 8:00-9:00", "2/30 8:00-12:00",
        "4/31 8:00-12:00", "02-30 8:00-12:00", "2027-02-29 8:00-12:00", "2026-11-31 14:00-18:00",
        "2026/6/31 8:00-9:00"}) {
    EXPECT_EQ(shown(text), "none") << text;
  }
  EXPECT_EQ(shown("2月28日 8:00-12:00"), "2月28日 08:00–12:00");
  EXPECT_EQ(shown("4/30 8:00-12:00"), "4月30日 08:00–12:00");
  EXPECT_EQ(shown("2028-02-29 8:00-12:00"), "2月29日 08:00–12:00");
}

TEST(TimeText, TheTwentyNinthOfFebruaryIsFoundInTheLeapYearAhead) {
  // 2027-12-01 10:00 in China: the next February is 2028's.
  constexpr std::int64_t kDecember2027 = 1'827'626'400'000;
  ASSERT_EQ(format_time(kDecember2027, kChina, Lang::zh), "12月1日 10:00");
  auto w = parse_time_window("2月29日 8:00-12:00", kDecember2027, kChina);
  ASSERT_TRUE(w);
  EXPECT_EQ(format_time_window(*w, kChina, Lang::en), "Feb 29, 08:00–12:00");
  EXPECT_FALSE(parse_time_window("2/30 8:00-12:00", kDecember2027, kChina));
}

TEST(TimeText, EndsAreExactInstants) {
  auto w = parse_time_window("明天 8:00-12:00", kNow, kChina);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->starts_at, kNow + 22 * kHour);
  EXPECT_EQ(w->ends_at - w->starts_at, 4 * kHour);
  EXPECT_EQ(format_time(w->starts_at, kChina, Lang::en), "Nov 30, 08:00");
}

}  // namespace
}  // namespace linli
