#pragma once
// Who is on each post, on PostgreSQL: the port Rosters, as storage/roster_repo.* keeps it on
// SQLite. The headcount is kept by the statement that takes a place: it counts the places taken
// and inserts in one statement. Two instances taking the last place at once both count N - 1 in
// their snapshots; the serializable transaction (PgTransactions) sees that each read what the
// other wrote and fails one of them with 40001, and its re-run counts N and takes nothing. So
// 15 replies to a call for 10 places leave exactly 10 taken, on any number of instances.

#include <optional>
#include <vector>

#include "dialogs/ports.hpp"
#include "storage/pg/connection.hpp"

namespace linli::storage::pg {

class PgRosterRepo final : public Rosters {
 public:
  explicit PgRosterRepo(Connection& c) : c_(c) {}

  std::optional<RosterEntry> get(std::int64_t post_id, std::int64_t person_id) override;
  bool take(std::int64_t post_id, std::int64_t person_id, RosterStatus status, int headcount,
            std::int64_t now) override;
  int wait(std::int64_t post_id, std::int64_t person_id, std::int64_t now) override;
  bool move_up(std::int64_t post_id, std::int64_t person_id, RosterStatus to,
               int headcount) override;
  std::vector<RosterEntry> shrink(std::int64_t post_id, int headcount) override;
  bool move(std::int64_t post_id, std::int64_t person_id, RosterStatus from,
            RosterStatus to) override;
  void confirm(std::int64_t post_id, std::int64_t person_id) override;
  void reminded(std::int64_t post_id, std::int64_t person_id, std::int64_t at) override;
  RosterCounts counts(std::int64_t post_id) override;
  std::vector<RosterEntry> of_post(std::int64_t post_id, RosterStatus status) override;
  std::optional<RosterEntry> first_waiting(std::int64_t post_id) override;
  std::vector<RosterEntry> of_person(std::int64_t person_id) override;

 private:
  Connection& c_;
};

}  // namespace linli::storage::pg
