// The roster's invariant, with no database: the port answers as the SQLite statement does, and
// another instance's decision can land between this instance's read and its write.

#include "dialogs/roster.hpp"

#include <gtest/gtest.h>

#include <set>

#include "tests/support/memory_rosters.hpp"

namespace linli {
namespace {

constexpr std::int64_t kNow = 1'800'000'000'000;

Post post_for(int headcount) {
  Post p;
  p.id = 7;
  p.headcount = headcount;
  return p;
}

TEST(Roster, TakesPlacesWhileFreeThenWaitListsInOrder) {
  test::MemoryRosters port;
  Post post = post_for(2);
  Roster roster(port, post);
  EXPECT_EQ(roster.join(1, RosterStatus::taken, kNow).position, 1);
  EXPECT_EQ(roster.join(2, RosterStatus::held, kNow).status, RosterStatus::held);
  Placement third = roster.join(3, RosterStatus::taken, kNow);
  Placement fourth = roster.join(4, RosterStatus::taken, kNow);
  EXPECT_EQ(third.status, RosterStatus::waiting);
  EXPECT_EQ(third.position, 1);
  EXPECT_EQ(fourth.position, 2);
  EXPECT_EQ(roster.free_places(), 0);
}

// Instance A sees one free place; before its write lands, instance B takes it. A must not get
// an eleventh place: the port's statement says no, and A's person goes to the wait-list.
TEST(Roster, LastPlaceTakenByAnotherInstanceInBetweenSendsThisOneToTheWaitList) {
  test::MemoryRosters port;
  Post post = post_for(10);
  Roster a(port, post);
  Roster b(port, post);
  for (int person = 1; person <= 9; ++person) a.join(person, RosterStatus::taken, kNow);
  ASSERT_EQ(a.free_places(), 1);  // what A read
  port.interleave = [&] { EXPECT_EQ(b.join(100, RosterStatus::taken, kNow).position, 10); };
  Placement late = a.join(200, RosterStatus::taken, kNow);
  EXPECT_EQ(late.status, RosterStatus::waiting);
  EXPECT_EQ(late.position, 1);
  RosterCounts n = port.counts(post.id);
  EXPECT_EQ(n.taken, 10);
  EXPECT_EQ(n.waiting, 1);
}

// 15 replies for 10 places, each instance's decision interrupted by the other's: exactly 10
// places, 5 waiting, each told a distinct position.
TEST(Roster, FifteenRepliesInterleavedOverTwoInstancesGiveExactlyTenPlaces) {
  test::MemoryRosters port;
  Post post = post_for(10);
  Roster a(port, post);
  Roster b(port, post);
  std::multiset<int> places, waits;
  auto record = [&](Placement p) {
    (p.status == RosterStatus::taken ? places : waits).insert(p.position);
  };
  int next = 1;
  while (next <= 15) {
    int mine = next++;
    if (next <= 15) {
      int theirs = next++;
      port.interleave = [&, theirs] { record(b.join(theirs, RosterStatus::taken, kNow)); };
    }
    record(a.join(mine, RosterStatus::taken, kNow));
  }
  RosterCounts n = port.counts(post.id);
  EXPECT_EQ(n.taken, 10);
  EXPECT_EQ(n.waiting, 5);
  EXPECT_EQ(places.size(), 10u);
  EXPECT_EQ(waits, (std::multiset<int>{1, 2, 3, 4, 5}));
}

// A promotion races a new place taken on another instance: only one of them gets the place.
TEST(Roster, MoveUpFailsWhenAnotherInstanceFilledThePlaceFirst) {
  test::MemoryRosters port;
  Post post = post_for(1);
  Roster a(port, post);
  Roster b(port, post);
  a.join(1, RosterStatus::taken, kNow);
  a.join(2, RosterStatus::taken, kNow);                            // waits
  port.move(post.id, 1, RosterStatus::taken, RosterStatus::gone);  // 1 leaves: a place frees
  port.interleave = [&] { EXPECT_EQ(b.join(3, RosterStatus::taken, kNow).position, 1); };
  EXPECT_FALSE(a.move_up(2, RosterStatus::taken));
  EXPECT_EQ(port.get(post.id, 2)->status, RosterStatus::waiting);
  EXPECT_EQ(port.counts(post.id).taken, 1);
}

TEST(Roster, LoweredHeadcountLeavesNoNegativeFreePlaces) {
  test::MemoryRosters port;
  Post post = post_for(3);
  Roster roster(port, post);
  for (int person = 1; person <= 3; ++person) roster.join(person, RosterStatus::taken, kNow);
  post.headcount = 2;
  EXPECT_EQ(roster.free_places(), 0);
  EXPECT_EQ(roster.join(4, RosterStatus::taken, kNow).status, RosterStatus::waiting);
}

}  // namespace
}  // namespace linli

namespace linli {
namespace {

// 7 places of which one is held, and two waiting: the order the call's replies came in.
test::MemoryRosters seven_on_and_two_waiting(Post& post) {
  test::MemoryRosters port;
  Roster roster(port, post);
  for (int person = 1; person <= 9; ++person) {
    roster.join(person, person == 6 ? RosterStatus::held : RosterStatus::taken, kNow);
  }
  return port;
}

std::vector<std::int64_t> people_of(const std::vector<RosterEntry>& entries) {
  std::vector<std::int64_t> out;
  for (const auto& e : entries) out.push_back(e.person_id);
  return out;
}

TEST(Roster, LowerHeadcountSendsTheLatestSignUpsToTheHeadOfTheWaitListInOrder) {
  Post post = post_for(7);
  test::MemoryRosters port = seven_on_and_two_waiting(post);
  post.headcount = 5;
  Roster roster(port, post);
  EXPECT_EQ(roster.beyond(5), 2);
  auto moved = roster.fit();
  // The 6th sign-up (held: it counts as a place) is first in line, the 7th second, ahead of
  // the 8th and 9th who were waiting already.
  EXPECT_EQ(people_of(moved), (std::vector<std::int64_t>{6, 7}));
  EXPECT_EQ(people_of(port.of_post(post.id, RosterStatus::waiting)),
            (std::vector<std::int64_t>{6, 7, 8, 9}));
  EXPECT_EQ(people_of(port.of_post(post.id, RosterStatus::taken)),
            (std::vector<std::int64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(roster.free_places(), 0);
  EXPECT_EQ(roster.beyond(5), 0);
  // Whoever joins later still waits behind all of them.
  EXPECT_EQ(roster.join(10, RosterStatus::taken, kNow).position, 5);
  EXPECT_TRUE(roster.fit().empty());  // nothing beyond the headcount any more
}

TEST(Roster, LoweredTwiceKeepsThoseMovedFirstAheadOfThoseMovedLater) {
  Post post = post_for(7);
  test::MemoryRosters port = seven_on_and_two_waiting(post);
  post.headcount = 5;
  Roster(port, post).fit();
  post.headcount = 4;
  EXPECT_EQ(people_of(Roster(port, post).fit()), (std::vector<std::int64_t>{5}));
  // The 5th signed up before the 6th and 7th: first in line again.
  EXPECT_EQ(people_of(port.of_post(post.id, RosterStatus::waiting)),
            (std::vector<std::int64_t>{5, 6, 7, 8, 9}));
}

// Lowered, raised again (the two moved get their places back from the wait-list) and lowered
// again: the same two move, the latest to sign up, not those whose place in line is older.
TEST(Roster, LoweredRaisedAndLoweredAgainMovesTheLatestSignUpsAgain) {
  test::MemoryRosters port;
  Post post = post_for(7);
  for (int person = 1; person <= 7; ++person) {
    Roster(port, post).join(person, RosterStatus::taken, kNow + person);
  }
  post.headcount = 5;
  EXPECT_EQ(people_of(Roster(port, post).fit()), (std::vector<std::int64_t>{6, 7}));
  post.headcount = 7;
  ASSERT_TRUE(port.move_up(post.id, 6, RosterStatus::taken, 7));
  ASSERT_TRUE(port.move_up(post.id, 7, RosterStatus::taken, 7));
  post.headcount = 5;
  EXPECT_EQ(people_of(Roster(port, post).fit()), (std::vector<std::int64_t>{6, 7}));
  EXPECT_EQ(people_of(port.of_post(post.id, RosterStatus::waiting)),
            (std::vector<std::int64_t>{6, 7}));
}

// Instance A lowers the headcount to 5 and counts 7 on the post; before its statement runs,
// instance B (which read the old headcount of 10) gives the post an 8th place. A's statement
// counts again: three move, and the post ends with exactly 5 places taken or held.
TEST(Roster, PlaceTakenByAnotherInstanceWhileTheHeadcountIsLoweredIsCountedToo) {
  test::MemoryRosters port;
  Post old_post = post_for(10);
  Roster b(port, old_post);
  for (int person = 1; person <= 7; ++person) b.join(person, RosterStatus::taken, kNow);
  Post post = post_for(5);
  Roster a(port, post);
  ASSERT_EQ(a.beyond(5), 2);  // what A told the coordinator
  port.interleave = [&] { EXPECT_EQ(b.join(8, RosterStatus::taken, kNow).position, 8); };
  EXPECT_EQ(people_of(a.fit()), (std::vector<std::int64_t>{6, 7, 8}));
  RosterCounts n = port.counts(post.id);
  EXPECT_EQ(n.taken + n.held, 5);
  EXPECT_EQ(n.waiting, 3);
}

}  // namespace
}  // namespace linli
