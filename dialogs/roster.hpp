#pragma once
// A post's roster as the five-step method fills it: places up to the headcount, places held while
// a sign-up is reviewed, and a wait-list in the order people replied.
//
// Its invariant, never more than `headcount` places taken or held, is kept by the port's
// conditional statements (Rosters::take and move_up), never by counting first and writing
// second: the same code stays exact when several instances share one database and their
// decisions interleave. A Roster lives for one decision; it holds no state of its own.

#include <cstdint>

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
  // Places still free (never negative, even when a lower headcount left too many on).
  int free_places();

 private:
  Rosters& port_;
  const Post& post_;
};

}  // namespace linli
