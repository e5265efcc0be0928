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
