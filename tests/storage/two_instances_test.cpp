// The invariants live in the statements: two connections to one database file play two Linli
// instances whose decisions interleave statement by statement. What one instance read before
// the other wrote must not let it break the headcount or claim a task twice.

#include <gtest/gtest.h>

#include "storage/store.hpp"
#include "tests/support/old_database.hpp"
#include "tests/support/temp_dir.hpp"

namespace linli::storage {
namespace {

constexpr std::int64_t kNow = 1'800'000'000'000;

class TwoInstances : public ::testing::Test {
 protected:
  TwoInstances() {
    a_db_.sql().exec("INSERT INTO communities (id, name, lang) VALUES ('sc', 'Test', 'zh')");
    for (int i = 1; i <= 20; ++i) a_.people.resolve("pg", "u" + std::to_string(i), "", kNow);
  }

  std::int64_t person(int i) { return a_.people.find("pg", "u" + std::to_string(i))->id; }
  // A post for `headcount` starting in an hour, stored through A.
  Post make_post(int headcount) {
    Post p;
    p.community_id = "sc";
    p.title = "Grandma";
    p.headcount = headcount;
    p.starts_at = kNow + 3'600'000;
    p.ends_at = kNow + 7'200'000;
    p.created_by = person(1);
    p.id = a_.posts.create(p);
    return p;
  }
  // An open help request of person 1, stored through A.
  std::int64_t open_request() {
    HelpRequest r;
    r.community_id = "sc";
    r.resident_id = person(1);
    r.category = "repair";
    r.details = "水管漏水";
    r.created_at = kNow;
    return a_.requests.create(r);
  }

  test::TempDir dir_;
  Database a_db_{dir_.path() + "/linli.db", "normal"};
  Database b_db_{dir_.path() + "/linli.db", "normal"};
  SqliteStore a_{a_db_};
  SqliteStore b_{b_db_};
};

TEST_F(TwoInstances, LastPlaceReadFreeByOneAndTakenByTheOtherIsNotGivenTwice) {
  Post p = make_post(10);
  for (int i = 1; i <= 9; ++i)
    ASSERT_TRUE(a_.roster.take(p.id, person(i), RosterStatus::taken, 10, kNow));
  RosterCounts seen_by_a = a_.roster.counts(p.id);
  ASSERT_EQ(seen_by_a.taken, 9);  // A reads one place free...
  EXPECT_TRUE(b_.roster.take(p.id, person(10), RosterStatus::taken, 10, kNow));  // ...B takes it
  EXPECT_FALSE(a_.roster.take(p.id, person(11), RosterStatus::taken, 10, kNow));
  EXPECT_EQ(a_.roster.wait(p.id, person(11), kNow), 1);
  // A promotion on A after B filled a freed place fails the same way.
  ASSERT_TRUE(b_.roster.move(p.id, person(1), RosterStatus::taken, RosterStatus::gone));
  EXPECT_TRUE(b_.roster.take(p.id, person(12), RosterStatus::held, 10, kNow));
  EXPECT_FALSE(a_.roster.move_up(p.id, person(11), RosterStatus::taken, 10));
  RosterCounts n = b_.roster.counts(p.id);
  EXPECT_EQ(n.taken + n.held, 10);
  EXPECT_EQ(n.waiting, 1);
}

// Lowering a headcount (10 -> 5) with 7 on the post and one waiting: the 6th and 7th go to the
// head of the wait-list in their order. B, which read the old headcount, takes an 8th place
// between A's count and A's statement: A's statement counts it too, and 5 places stay.
TEST_F(TwoInstances, LoweredHeadcountLeavesNoMorePlacesThanItWhateverTheOtherTookMeanwhile) {
  Post p = make_post(7);
  for (int i = 1; i <= 7; ++i) {
    ASSERT_TRUE(a_.roster.take(p.id, person(i), i == 6 ? RosterStatus::held : RosterStatus::taken,
                               7, kNow));
  }
  a_.roster.confirm(p.id, person(7));
  ASSERT_EQ(a_.roster.wait(p.id, person(20), kNow), 1);
  RosterCounts seen_by_a = a_.roster.counts(p.id);
  ASSERT_EQ(seen_by_a.taken + seen_by_a.held - 5, 2);  // A asks "2 people will move"
  EXPECT_TRUE(b_.roster.take(p.id, person(8), RosterStatus::taken, 10, kNow));  // B's old 10
  auto moved = a_.roster.shrink(p.id, 5);
  std::vector<std::int64_t> who;
  for (const auto& e : moved) who.push_back(e.person_id);
  EXPECT_EQ(who, (std::vector<std::int64_t>{person(6), person(7), person(8)}));
  for (const auto& e : moved) {
    EXPECT_EQ(e.status, RosterStatus::waiting);
    EXPECT_FALSE(e.confirmed);  // a confirmation was for a place: asked again when promoted
  }
  std::vector<std::int64_t> line;
  for (const auto& e : b_.roster.of_post(p.id, RosterStatus::waiting)) line.push_back(e.person_id);
  EXPECT_EQ(line, (std::vector<std::int64_t>{person(6), person(7), person(8), person(20)}));
  RosterCounts n = b_.roster.counts(p.id);
  EXPECT_EQ(n.taken + n.held, 5);
  EXPECT_EQ(n.waiting, 4);
  // A newcomer waits behind everyone, and the first in line is the 6th sign-up.
  EXPECT_EQ(b_.roster.wait(p.id, person(9), kNow), 5);
  EXPECT_EQ(b_.roster.first_waiting(p.id)->person_id, person(6));
  EXPECT_TRUE(a_.roster.shrink(p.id, 5).empty());
}

// Lowered, raised again and lowered again: those who move the second time are again the
// latest to sign up, although moving back up left them numbers older than everyone's.
TEST_F(TwoInstances, LoweredRaisedAndLoweredAgainMovesTheLatestSignUpsAgain) {
  Post p = make_post(7);
  for (int i = 1; i <= 7; ++i) {
    ASSERT_TRUE(a_.roster.take(p.id, person(i), RosterStatus::taken, 7, kNow + i));
  }
  auto who = [](const std::vector<RosterEntry>& entries) {
    std::vector<std::int64_t> out;
    for (const auto& e : entries) out.push_back(e.person_id);
    return out;
  };
  EXPECT_EQ(who(a_.roster.shrink(p.id, 5)), (std::vector<std::int64_t>{person(6), person(7)}));
  ASSERT_TRUE(b_.roster.move_up(p.id, person(6), RosterStatus::taken, 7));
  ASSERT_TRUE(b_.roster.move_up(p.id, person(7), RosterStatus::taken, 7));
  EXPECT_EQ(who(a_.roster.shrink(p.id, 5)), (std::vector<std::int64_t>{person(6), person(7)}));
  EXPECT_EQ(who(b_.roster.of_post(p.id, RosterStatus::waiting)),
            (std::vector<std::int64_t>{person(6), person(7)}));
  EXPECT_EQ(b_.roster.counts(p.id).taken, 5);
}

TEST_F(TwoInstances, ATaskIsClaimedOnceWhateverEachInstanceReadBefore) {
  std::int64_t id = open_request();
  ASSERT_EQ(a_.requests.get(id)->status, RequestStatus::open);  // both read it open
  ASSERT_EQ(b_.requests.get(id)->status, RequestStatus::open);
  EXPECT_TRUE(b_.requests.claim(id, person(2), kNow));
  EXPECT_FALSE(a_.requests.claim(id, person(3), kNow));
  EXPECT_EQ(a_.requests.get(id)->volunteer_id, person(2));
}

// A resident's typed rating and their button press, decided on two instances: both read the
// request done and unrated, both rate it. One statement keeps the first: the other rates nothing
// and is told so (the guard is `rating IS NULL` in HelpRequests::rate).
TEST_F(TwoInstances, ARequestRatedByBothAtOnceKeepsOneRatingTheFirst) {
  std::int64_t id = open_request();
  ASSERT_TRUE(a_.requests.claim(id, person(2), kNow));
  ASSERT_TRUE(a_.requests.finish(id, person(2), kNow + 1));
  for (SqliteStore* s : {&a_, &b_}) {  // both read it done and not rated yet
    auto seen = s->requests.get(id);
    ASSERT_EQ(seen->status, RequestStatus::done);
    ASSERT_EQ(seen->rating, 0);
  }
  EXPECT_TRUE(b_.requests.rate(id, person(1), 5, "很快"));
  EXPECT_FALSE(a_.requests.rate(id, person(1), 1, "太慢了"));
  for (SqliteStore* s : {&a_, &b_}) {
    auto kept = s->requests.get(id);
    EXPECT_EQ(kept->rating, 5);
    EXPECT_EQ(kept->comment, "很快");
  }
}

// /checkin from two chats, decided on two instances: both read that the person is not on duty,
// both open a shift. Only one may be open; the other instance is told there is one.
TEST_F(TwoInstances, TwoCheckInsOfOnePersonOpenOneShift) {
  Shift s{0, person(1), "sc", 0, kNow, 0};
  ASSERT_FALSE(a_.shifts.on_duty(person(1)));  // both read them off duty
  ASSERT_FALSE(b_.shifts.on_duty(person(1)));
  std::optional<std::int64_t> theirs = b_.shifts.check_in(s);
  ASSERT_TRUE(theirs);
  EXPECT_FALSE(a_.shifts.check_in(s));
  EXPECT_EQ(a_.shifts.on_duty(person(1))->id, *theirs);
  EXPECT_EQ(
      a_db_.sql().execAndGet("SELECT COUNT(*) FROM shifts WHERE checkout_at IS NULL").getInt(), 1);
  // Checked out, they can check in again.
  EXPECT_TRUE(a_.shifts.check_out(*theirs, kNow + 1000));
  EXPECT_TRUE(a_.shifts.check_in({0, person(1), "sc", 0, kNow + 2000, 0}));
}

// The shift's timer closes it on one instance while the person checks out by hand on the other:
// closed once, at the time of whoever was first.
TEST_F(TwoInstances, AShiftIsCheckedOutOnce) {
  std::int64_t id = *a_.shifts.check_in({0, person(1), "sc", 0, kNow, 0});
  ASSERT_EQ(a_.shifts.get(id)->checkout_at, 0);  // both read it open
  ASSERT_EQ(b_.shifts.get(id)->checkout_at, 0);
  EXPECT_TRUE(b_.shifts.check_out(id, kNow + 1000));
  EXPECT_FALSE(a_.shifts.check_out(id, kNow + 2000));
  EXPECT_EQ(a_.shifts.get(id)->checkout_at, kNow + 1000);
}

// Before the check-in was one conditional statement, such races left people with two open
// shifts. The migration keeps the oldest open (the shift they are on) and checks the others out
// at their own check-in: no hour is counted twice. Then the database itself refuses a second one.
TEST(TwoInstancesBefore, TheMigrationLeavesOneOpenShiftPerPerson) {
  test::OldDatabase old(
      9, 2,
      {"INSERT INTO shifts (id, person_id, community_id, checkin_at, checkout_at) VALUES "
       "(1, 1, 'sc', 2000, NULL), (2, 1, 'sc', 1000, NULL), (3, 1, 'sc', 3000, NULL), "
       "(4, 1, 'sc', 500, 900), (5, 2, 'sc', 1500, NULL)"});
  Database db(old.path(), "normal");
  SqliteStore store(db);
  EXPECT_EQ(db.schema_version(), Database::latest_schema_version());
  EXPECT_EQ(store.shifts.on_duty(1)->id, 2);
  EXPECT_EQ(db.sql().execAndGet("SELECT COUNT(*) FROM shifts WHERE checkout_at IS NULL").getInt(),
            2);
  EXPECT_EQ(store.shifts.get(1)->checkout_at, 2000);
  EXPECT_EQ(store.shifts.get(3)->checkout_at, 3000);
  EXPECT_EQ(store.shifts.get(4)->checkout_at, 900);
  EXPECT_EQ(store.shifts.served(1, 0, 4000), 400 + 3000);  // 500-900, and 1000 until 4000
  EXPECT_EQ(store.shifts.on_duty(2)->id, 5);
  EXPECT_FALSE(store.shifts.check_in({0, 1, "sc", 0, 5000, 0}));
  EXPECT_THROW(db.sql().exec("INSERT INTO shifts (person_id, community_id, checkin_at) "
                             "VALUES (1, 'sc', 6000)"),
               SQLite::Exception);
}

// Handing out the last masks (issue 11, "Support"): A reads 3 in stock, B hands out 2 between
// A's read and A's statement; A's 3 cannot go out, and the stock never goes below zero.
TEST_F(TwoInstances, StockReadByOneAndHandedOutByTheOtherNeverGoesBelowZero) {
  ASSERT_EQ(a_.equipment.add("sc", "masks", 3), 3);
  ASSERT_EQ(a_.equipment.item("sc", "masks")->qty, 3);  // A reads 3...
  EXPECT_EQ(b_.equipment.take("sc", "masks", 2), 1);    // ...B hands out 2
  EXPECT_FALSE(a_.equipment.take("sc", "masks", 3));    // A's 3 are not there any more
  EXPECT_EQ(a_.equipment.take("sc", "masks", 1), 0);
  EXPECT_FALSE(b_.equipment.take("sc", "masks", 1));
  EXPECT_EQ(b_.equipment.item("sc", "masks")->qty, 0);
  EXPECT_THROW(a_db_.sql().exec("UPDATE stock SET qty = -1 WHERE item = 'masks'"),
               SQLite::Exception);
}

// The threshold's warning is sent once however many instances cross it: the statement that
// marks the item low says which one crossed.
TEST_F(TwoInstances, OnlyOneInstanceWarnsOfTheSameCrossing) {
  a_.equipment.add("sc", "suits", 6);
  a_.equipment.set_min("sc", "suits", 5);
  EXPECT_FALSE(a_.equipment.mark_low("sc", "suits"));  // 6: above
  ASSERT_EQ(a_.equipment.take("sc", "suits", 1), 5);
  ASSERT_EQ(b_.equipment.take("sc", "suits", 1), 4);
  EXPECT_TRUE(b_.equipment.mark_low("sc", "suits"));
  EXPECT_FALSE(a_.equipment.mark_low("sc", "suits"));
  b_.equipment.add("sc", "suits", 2);  // 6: above again, and may warn again
  ASSERT_EQ(a_.equipment.take("sc", "suits", 1), 5);
  EXPECT_TRUE(a_.equipment.mark_low("sc", "suits"));
}

// Each writes only what it changes: A's meals and B's insurance both stay, and a post's needs
// saved by one keep the shift's arrangements made by the other (no read-modify-write).
TEST_F(TwoInstances, ArrangementsAndNeedsOfAPostWrittenByBothAreAllKept) {
  Post p = make_post(2);
  a_.risks.set_supply(p.id, ShiftSupport::meals, true);
  ASSERT_FALSE(b_.risks.post(p.id)->insurance);  // B reads it without insurance...
  b_.risks.set_supply(p.id, ShiftSupport::insurance, true);
  PostSupport needs = *a_.risks.post(p.id);  // ...and A read it before B wrote
  needs.meals = false;
  needs.insurance = false;
  needs.risk_as_place = true;
  needs.courses = {"prevention"};
  needs.items = {"masks"};
  a_.risks.put_post(needs);
  auto now = b_.risks.post(p.id);
  ASSERT_TRUE(now);
  EXPECT_TRUE(now->meals);
  EXPECT_TRUE(now->insurance);
  EXPECT_FALSE(now->transport);
  EXPECT_TRUE(now->risk_as_place);
  EXPECT_EQ(now->courses, (std::vector<std::string>{"prevention"}));
  b_.risks.set_supply(p.id, ShiftSupport::meals, false);
  EXPECT_FALSE(a_.risks.post(p.id)->meals);
  EXPECT_EQ(a_.risks.post(p.id)->items, (std::vector<std::string>{"masks"}));
}

// What a person holds is a sum over every hand-out: past what an int holds, it stays exact.
TEST_F(TwoInstances, AHeldSumPastTwoBillionIsReadExactly) {
  a_.equipment.hand_out("sc", person(1), "masks", 2'000'000'000, person(2), kNow);
  b_.equipment.hand_out("sc", person(1), "masks", 2'000'000'000, person(2), kNow);
  EXPECT_EQ(a_.equipment.held("sc", person(1))["masks"], 4'000'000'000LL);
}

}  // namespace
}  // namespace linli::storage
