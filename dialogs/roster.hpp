#pragma once
// A post's roster as the five-step method fills it: places up to the headcount, places held while
// a sign-up is reviewed, and a wait-list in the order people replied.
//
// Its invariant, never more than `headcount` places taken or held, is kept by the port's
// conditional statements (Rosters::take, move_up and shrink), never by counting first and writing
// second: the same code stays exact when several instances share one database and their
// decisions interleave. A Roster lives for one decision; it holds no state of its own.

#include <cstdint>
#include <vector>

#include "dialogs/ports.hpp"

namespace linli {

// Where a person landed: a place (the n-th taken or held) or the n-th on the wait-list.
struct Placement {
  RosterStatus status = RosterStatus::waiting;
  int position = 0;
};

class Roster {
 public:
  Roster(Rosters& port, const Post& post) : port_(port), post_(post) {}

  // A place of kind `want` (taken, or held during a review) if one is free, else the end of
  // the wait-list. Whatever another instance did in between, the answer is the port's.
  Placement join(std::int64_t person_id, RosterStatus want, std::int64_t now);
  // A waiting person moves to a place of kind `to`, if one is free.
  bool move_up(std::int64_t person_id, RosterStatus to);
  // Places still free (never negative).
  int free_places();
  // How many would go to the wait-list if the headcount were lowered to `headcount`: for
  // asking the coordinator first. What fit() moves is counted again by the port.
  int beyond(int headcount);
  // After the headcount was lowered: whoever is beyond it goes back to the head of the
  // wait-list, the latest sign-ups, in their order. Held places count as places: a place held
  // during a review was promised by the sign-up order as much as a taken one, so the latest
  // sign-up moves, held or taken (a held one stays under review and waits like the others).
  // Returns who moved, first in line first.
  std::vector<RosterEntry> fit();

 private:
  Rosters& port_;
  const Post& post_;
};

}  // namespace linli
