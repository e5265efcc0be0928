// A person's shifts with no database: the pure rules of the daily cap, and the aggregate's
// invariants when another instance's decision lands between this instance's read and its write.

#include "dialogs/shift.hpp"

#include <gtest/gtest.h>

#include "dialogs/time_text.hpp"
#include "tests/support/memory_shifts.hpp"

namespace linli {
namespace {

constexpr int kChina = 480;
constexpr std::int64_t kMidnight = 1'799'942'400'000;  // 2027-01-15 00:00 in China
constexpr std::int64_t kPerson = 5;

Shift shift(std::int64_t checkin_at, std::int64_t checkout_at = 0) {
  return Shift{0, kPerson, "sc", 0, checkin_at, checkout_at};
}

std::int64_t at(std::int64_t hours) {
  return kMidnight + hours * kHour;
}

const ShiftRules kRules(8, kChina);

TEST(ShiftRules, ADayBeginsAtMidnightInTheCommunitysZone) {
  EXPECT_EQ(kRules.cap_ms(), 8 * kHour);
  EXPECT_EQ(kRules.day_start(at(23)), kMidnight);
  EXPECT_EQ(kRules.day_start(at(24)), at(24));
}

TEST(ShiftRules, AnOpenShiftEndsAtTheCapCountingWhatWasServedEarlierThatDay) {
  std::vector<Shift> earlier = {shift(at(8), at(11)), shift(at(-5), at(1))};  // 3 h + 1 h today
  ShiftEnd end = kRules.end_of(shift(at(12)), earlier, std::nullopt);
  EXPECT_EQ(end.at, at(16));
  EXPECT_FALSE(end.post_ended);
  EXPECT_EQ(kRules.end_of(shift(at(12)), {}, std::nullopt).at, at(20));
}

TEST(ShiftRules, AShiftPastTheCapAlreadyEndsAtOnce) {
  EXPECT_EQ(kRules.end_of(shift(at(12)), {shift(at(1), at(11))}, std::nullopt).at, at(12));
}

TEST(ShiftRules, AShiftRunningPastMidnightEndsAtTheCapOfTheNextDay) {
  EXPECT_EQ(kRules.end_of(shift(at(22)), {}, std::nullopt).at, at(24 + 8));
  // Ending exactly at midnight is still today's cap.
  EXPECT_EQ(kRules.end_of(shift(at(16)), {}, std::nullopt).at, at(24));
}

TEST(ShiftRules, AShiftOnAPostEndsWithThePostIfThatIsEarlier) {
  ShiftEnd end = kRules.end_of(shift(at(9)), {}, at(13));
  EXPECT_EQ(end.at, at(13));
  EXPECT_TRUE(end.post_ended);
  EXPECT_FALSE(kRules.end_of(shift(at(9)), {}, at(18)).post_ended);  // the cap comes first
  // Checked in after the post ended: the shift ends as it begins.
  EXPECT_EQ(kRules.end_of(shift(at(14)), {}, at(13)).at, at(14));
}

TEST(ShiftRules, HoursCountAtMostTheCapInEachLocalDay) {
  // 12 h today and 10 h yesterday, recorded before the cap closed shifts; one still open.
  std::vector<Shift> shifts = {shift(at(-20), at(-10)), shift(at(2), at(14)), shift(at(22))};
  EXPECT_EQ(ShiftRules::served(shifts, at(-48), at(23)), 23 * kHour);
  EXPECT_EQ(kRules.served_capped(shifts, at(-48), at(23)), 16 * kHour);
  // The open one runs into tomorrow: 8 h today at most, 4 h tomorrow.
  EXPECT_EQ(kRules.served_capped(shifts, at(0), at(28)), 12 * kHour);
  EXPECT_EQ(kRules.served_capped(shifts, at(24), at(28)), 4 * kHour);
}

TEST(ShiftRules, ACheckInIsRefusedAtTheCap) {
  EXPECT_FALSE(kRules.refuses_check_in(8 * kHour - 1));
  EXPECT_TRUE(kRules.refuses_check_in(8 * kHour));
}

TEST(Duty, ChecksInOnceAndEndsTheShiftAtTheCap) {
  test::MemoryShifts port;
  Duty duty(port, kRules);
  ASSERT_TRUE(port.check_out(*port.check_in(shift(at(7))), at(10)));  // 3 h this morning
  CheckIn in = duty.check_in(shift(at(12)), std::nullopt);
  ASSERT_EQ(in.outcome, CheckIn::Outcome::opened);
  EXPECT_EQ(in.end.at, at(17));
  CheckIn again = duty.check_in(shift(at(13)), std::nullopt);
  EXPECT_EQ(again.outcome, CheckIn::Outcome::on_duty);
  EXPECT_EQ(again.shift.id, in.shift.id);
  EXPECT_EQ(again.shift.checkin_at, at(12));
}

TEST(Duty, ACheckInAtTheCapOpensNothing) {
  test::MemoryShifts port;
  Duty duty(port, kRules);
  ASSERT_TRUE(port.check_out(*port.check_in(shift(at(2))), at(10)));
  CheckIn in = duty.check_in(shift(at(12)), std::nullopt);
  EXPECT_EQ(in.outcome, CheckIn::Outcome::at_cap);
  EXPECT_EQ(in.served_today, 8 * kHour);
  EXPECT_EQ(port.open_count(kPerson), 0);
}

// /checkin from two chats at once, or on two instances: A reads that the person is not on duty;
// before A's write lands, B opens their shift. A must not open a second one: the port's
// statement says no, and A answers with the shift B opened.
TEST(Duty, TwoCheckInsInterleavedBetweenTheReadAndTheWriteOpenOneShift) {
  test::MemoryShifts port;
  Duty a(port, kRules);
  Duty b(port, kRules);
  CheckIn theirs;
  port.interleave = [&] { theirs = b.check_in(shift(at(9)), std::nullopt); };
  CheckIn mine = a.check_in(shift(at(9)), std::nullopt);
  ASSERT_EQ(theirs.outcome, CheckIn::Outcome::opened);
  EXPECT_EQ(mine.outcome, CheckIn::Outcome::on_duty);
  EXPECT_EQ(mine.shift.id, theirs.shift.id);
  EXPECT_EQ(port.open_count(kPerson), 1);
}

// The shift's timer fires on B while the person checks out by hand on A: it is closed once, and
// only the one that closed it says so.
TEST(Duty, AHandCheckOutAndTheAutomaticCloseRacingCloseOnce) {
  test::MemoryShifts port;
  Duty a(port, kRules);
  Duty b(port, kRules);
  Shift open = a.check_in(shift(at(8)), std::nullopt).shift;
  Closing closing;
  port.interleave = [&] { closing = b.close(open, std::nullopt, at(17)); };
  std::optional<std::int64_t> by_hand = a.check_out(open, std::nullopt, at(17));
  EXPECT_EQ(closing.outcome, Closing::Outcome::closed);
  EXPECT_EQ(closing.end.at, at(16));
  EXPECT_FALSE(by_hand);
  EXPECT_EQ(port.get(open.id)->checkout_at, at(16));
}

TEST(Duty, TheAutomaticCloseLosingToAHandCheckOutSaysNothing) {
  test::MemoryShifts port;
  Duty a(port, kRules);
  Duty b(port, kRules);
  Shift open = a.check_in(shift(at(8)), std::nullopt).shift;
  std::optional<std::int64_t> by_hand;
  port.interleave = [&] { by_hand = a.check_out(open, std::nullopt, at(15)); };
  Closing closing = b.close(open, std::nullopt, at(16));
  EXPECT_EQ(by_hand, at(15));
  EXPECT_EQ(closing.outcome, Closing::Outcome::not_open);
  EXPECT_EQ(port.get(open.id)->checkout_at, at(15));
}

TEST(Duty, AShiftWhosePostWasMovedLaterIsNotClosedYet) {
  test::MemoryShifts port;
  Duty duty(port, kRules);
  Shift open = duty.check_in(shift(at(8)), at(10)).shift;
  Closing closing = duty.close(open, at(12), at(10));  // the post now ends at 12:00
  EXPECT_EQ(closing.outcome, Closing::Outcome::later);
  EXPECT_EQ(closing.end.at, at(12));
  EXPECT_EQ(port.open_count(kPerson), 1);
  EXPECT_EQ(duty.close(open, at(12), at(12)).outcome, Closing::Outcome::closed);
}

TEST(Duty, ACheckOutAfterDowntimeEndsWhenTheShiftEndedByItself) {
  test::MemoryShifts port;
  Duty duty(port, kRules);
  Shift open = duty.check_in(shift(at(2)), std::nullopt).shift;
  EXPECT_EQ(duty.check_out(open, std::nullopt, at(13)), at(10));
  EXPECT_EQ(duty.served_capped(kPerson, at(0), at(13)), 8 * kHour);
}

}  // namespace
}  // namespace linli
