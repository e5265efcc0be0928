#include "dialogs/roster.hpp"

#include <algorithm>

namespace linli {

Placement Roster::join(std::int64_t person_id, RosterStatus want, std::int64_t now) {
  if (port_.take(post_.id, person_id, want, post_.headcount, now)) {
    RosterCounts n = port_.counts(post_.id);
    return {want, n.taken + n.held};
  }
  return {RosterStatus::waiting, port_.wait(post_.id, person_id, now)};
}

bool Roster::move_up(std::int64_t person_id, RosterStatus to) {
  return port_.move_up(post_.id, person_id, to, post_.headcount);
}

int Roster::beyond(int headcount) {
  RosterCounts n = port_.counts(post_.id);
  return std::max(0, n.taken + n.held - headcount);
}

std::vector<RosterEntry> Roster::fit() {
  return port_.shrink(post_.id, post_.headcount);
}

int Roster::free_places() {
  RosterCounts n = port_.counts(post_.id);
  return std::max(0, post_.headcount - n.taken - n.held);
}

}  // namespace linli
