// The figures of step 5 without a database (issue 11): the feedback roll-up, averages,
// percentiles, the report's period and how a long report is cut into messages.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dialogs/feedback.hpp"
#include "dialogs/report.hpp"
#include "dialogs/time_text.hpp"

namespace linli {
namespace {

Rating rating(std::int64_t id, std::int64_t volunteer, int stars, std::int64_t post,
              std::string team, std::string comment = "") {
  return Rating{id, volunteer, stars, std::move(comment), post, std::move(team), id};
}

TEST(FeedbackRollup, CountsAveragesAndLowRatingsPerVolunteerPostAndTeam) {
  auto r = feedback::roll_up({rating(1, 7, 5, 1, "care", "好"), rating(2, 7, 4, 1, "care"),
                              rating(3, 8, 2, 2, "supply", "太慢"), rating(4, 8, 1, 0, ""),
                              rating(5, 7, 5, 0, "")});
  // All: 5+4+2+1+5 = 17 over 5 = 3.4; two of them (2 and 1) are low.
  EXPECT_EQ(r.all.count, 5);
  EXPECT_EQ(r.all.sum, 17);
  EXPECT_EQ(r.all.low, 2);
  EXPECT_EQ(feedback::average_text(r.all), "3.4");
  // Volunteer 7: 5+4+5 = 14 over 3 = 4.67 → 4.7; volunteer 8: 2+1 = 3 over 2 = 1.5.
  EXPECT_EQ(feedback::average_text(r.by_volunteer.at(7)), "4.7");
  EXPECT_EQ(r.by_volunteer.at(8).low, 2);
  EXPECT_EQ(feedback::average_text(r.by_volunteer.at(8)), "1.5");
  // Post 1: 5, 4 → 4.5; post 2: 2 → 2.0; not on a post: 1, 5 → 3.0.
  EXPECT_EQ(feedback::average_text(r.by_post.at(1)), "4.5");
  EXPECT_EQ(feedback::average_text(r.by_post.at(2)), "2.0");
  EXPECT_EQ(feedback::average_text(r.by_post.at(0)), "3.0");
  EXPECT_EQ(r.by_post.at(0).count, 2);
  // Teams follow their posts.
  EXPECT_EQ(feedback::average_text(r.by_team.at("care")), "4.5");
  EXPECT_EQ(feedback::average_text(r.by_team.at("supply")), "2.0");
  EXPECT_EQ(feedback::average_text(r.by_team.at("")), "3.0");
  ASSERT_EQ(r.by_volunteer.at(8).entries.size(), 2u);
  EXPECT_EQ(r.by_volunteer.at(8).entries[0].comment, "太慢");
}

TEST(FeedbackRollup, AveragesRoundHalvesUpAndNoRatingsShowADash) {
  feedback::Tally t;
  t.count = 4;
  t.sum = 7;  // 1.75
  EXPECT_EQ(feedback::average_text(t), "1.8");
  t.count = 3;
  t.sum = 13;  // 4.333
  EXPECT_EQ(feedback::average_text(t), "4.3");
  t.count = 1;
  t.sum = 5;
  EXPECT_EQ(feedback::average_text(t), "5.0");
  EXPECT_EQ(feedback::average_text(feedback::Tally{}), "—");
  EXPECT_EQ(feedback::stars(2), "★★☆☆☆");
}

TEST(ReportPercentile, InterpolatesBetweenClosestRanks) {
  std::vector<std::int64_t> tens = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
  // n = 10. Median: h = 9·0.5 = 4.5 → 50 + 0.5·10 = 55. p90: h = 8.1 → 90 + 0.1·10 = 91.
  EXPECT_EQ(report::percentile(tens, 50), 55);
  EXPECT_EQ(report::percentile(tens, 90), 91);
  // Odd n: the middle one; p90 of 3: h = 1.8 → 2 + 0.8·1 = 2.8, rounded to 3.
  EXPECT_EQ(report::percentile({1, 2, 3}, 50), 2);
  EXPECT_EQ(report::percentile({1000, 2000, 3000}, 90), 2800);
  EXPECT_EQ(report::percentile({42}, 90), 42);
  EXPECT_EQ(report::percentile({}, 50), std::nullopt);
}

TEST(ReportPercentile, DurationsAreRoundedToMinutes) {
  EXPECT_EQ(report::duration_text(25 * kMinute + 29'000, Lang::zh), "25 分钟");
  EXPECT_EQ(report::duration_text(25 * kMinute + 30'000, Lang::en), "26 min");
  EXPECT_EQ(report::duration_text(114 * kMinute, Lang::zh), "1 小时 54 分钟");
  EXPECT_EQ(report::duration_text(std::nullopt, Lang::en), "—");
}

TEST(ReportFigures, CountRequestsByCategoryAndTimesFromTheRequest) {
  std::vector<RequestFacts> requests = {
      {1, "repair", RequestStatus::done, false, 0, 10 * kMinute, 60 * kMinute, 5},
      {2, "repair", RequestStatus::claimed, false, 0, 20 * kMinute, 0, 0},
      {3, "medical", RequestStatus::open, true, 0, 0, 0, 0},
      // Escalated, then taken by someone after all: claimed, not unmet.
      {4, "medical", RequestStatus::claimed, true, 0, 40 * kMinute, 0, 0},
      {5, "shopping", RequestStatus::cancelled, false, 0, 0, 0, 0},
      // Escalated, then cancelled by the resident: a need nobody served, unmet only.
      {6, "shopping", RequestStatus::cancelled, true, 0, 0, 0, 0},
      {7, "repair", RequestStatus::open, false, 0, 0, 0, 0},
  };
  std::vector<Served> served = {{7, 1, "care", 2 * kHour},
                                {7, 0, "", kHour},
                                {8, 2, "supply", 3 * kHour},
                                {9, 1, "care", kHour / 2}};
  auto f = report::compute(requests, {}, served);
  // Every request in exactly one bucket: #3 is open but unmet, #6 cancelled but unmet.
  EXPECT_EQ(f.total, 7);
  EXPECT_EQ(f.claimed, 3);
  EXPECT_EQ(f.unmet, 2);
  EXPECT_EQ(f.cancelled, 1);
  EXPECT_EQ(f.open, 1);
  EXPECT_EQ(f.claimed + f.unmet + f.cancelled + f.open, f.total);
  EXPECT_EQ(f.by_category.at("shopping").unmet, 1);
  EXPECT_EQ(f.by_category.at("repair").claimed, 2);
  EXPECT_EQ(f.by_category.at("medical").total, 2);
  EXPECT_EQ(f.by_category.at("medical").unmet, 1);
  EXPECT_EQ(f.to_claim, (std::vector<std::int64_t>{10 * kMinute, 20 * kMinute, 40 * kMinute}));
  EXPECT_EQ(f.to_finish, (std::vector<std::int64_t>{60 * kMinute}));
  // Hours by team, most first: supply 3, care 2.5, no team 1. Most hours: 7 and 8 tie at 3 h
  // (the lower person id first), then 9.
  ASSERT_EQ(f.hours_by_team.size(), 3u);
  EXPECT_EQ(f.hours_by_team[0], (std::pair<std::string, std::int64_t>{"supply", 3 * kHour}));
  EXPECT_EQ(f.hours_by_team[1].second, 5 * kHour / 2);
  EXPECT_EQ(f.hours_by_team[2].first, "");
  ASSERT_EQ(f.top.size(), 3u);
  EXPECT_EQ(f.top[0], (std::pair<std::int64_t, std::int64_t>{7, 3 * kHour}));
  EXPECT_EQ(f.top[1].first, 8);
  EXPECT_EQ(f.top[2].first, 9);
}

// 2027-01-15 08:00 UTC is 16:00 in China (+8).
constexpr std::int64_t kNow = 1'800'000'000'000;
constexpr int kChina = 480;

TEST(ReportPeriod, DefaultsToTheSevenDaysEndingTodayInTheCommunitysZone) {
  auto p = report::parse_period("", kNow, kChina);
  ASSERT_TRUE(p);
  EXPECT_EQ(report::iso_date(p->from, kChina), "2027-01-09");
  EXPECT_EQ(report::iso_date(p->to - 1, kChina), "2027-01-15");
  EXPECT_EQ(p->to - p->from, 7 * kDay);
  // Local midnight: 16:00 UTC the day before.
  EXPECT_EQ(p->to, local_day_start(kNow, kChina) + kDay);
}

TEST(ReportPeriod, TakesTwoIsoDatesBothIncluded) {
  auto p = report::parse_period(" 2027-01-10   2027-01-12 ", kNow, kChina);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->to - p->from, 3 * kDay);
  EXPECT_EQ(report::iso_date(p->from, kChina), "2027-01-10");
  EXPECT_EQ(report::iso_date(p->from, 0), "2027-01-09");  // 16:00 UTC the day before
  EXPECT_TRUE(report::parse_period("2024-02-29 2024-02-29", kNow, kChina));
  EXPECT_TRUE(report::parse_period("2026-01-16 2027-01-16", kNow, kChina));  // 366 days
}

TEST(ReportPeriod, RefusesWhatIsNotAPeriod) {
  for (const char* bad :
       {"2027-01-12 2027-01-10", "2027-02-30 2027-03-01", "2027-01-10", "last week",
        "2027-1-10 2027-1-12", "2027-01-10 2027-01-12 x", "2025-01-01 2027-01-01"}) {
    EXPECT_FALSE(report::parse_period(bad, kNow, kChina)) << bad;
  }
}

TEST(ReportSplit, CutsBetweenLinesAndKeepsEveryLine) {
  std::string text;
  for (int i = 0; i < 40; ++i)
    text += (i ? "\n" : "") + std::string("第") + std::to_string(i) + "行：志愿者服务";
  auto pieces = report::split_message(text, 50);
  ASSERT_GT(pieces.size(), 1u);
  std::string joined;
  for (const auto& p : pieces) {
    EXPECT_LE(utf8_length(p), 50u) << p;
    joined += (joined.empty() ? "" : "\n") + p;
  }
  EXPECT_EQ(joined, text);
  EXPECT_EQ(report::split_message("short", 4096), std::vector<std::string>{"short"});
}

TEST(ReportSplit, ALineLongerThanAMessageIsCutBetweenCharacters) {
  // 10 Chinese characters (one unit each) and an emoji (two units, as Telegram counts).
  std::string line = "一二三四五六七八九十😀";
  auto pieces = report::split_message(line, 4);
  EXPECT_EQ(pieces, (std::vector<std::string>{"一二三四", "五六七八", "九十😀"}));
  auto tight = report::split_message("ab😀", 3);
  EXPECT_EQ(tight, (std::vector<std::string>{"ab", "😀"}));
}

}  // namespace
}  // namespace linli
