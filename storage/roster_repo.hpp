#pragma once
// Who is on each post: places taken, places held during a sign-up review, and the wait-list,
// in the order people joined.

#include <optional>
#include <vector>

#include "dialogs/ports.hpp"
#include "dialogs/records.hpp"
#include "storage/database.hpp"

namespace linli::storage {

class RosterRepo final : public Rosters {
 public:
  explicit RosterRepo(Database& db);

  std::optional<RosterEntry> get(std::int64_t post_id, std::int64_t person_id) override;
  bool take(std::int64_t post_id, std::int64_t person_id, RosterStatus status, int headcount,
            std::int64_t now) override;
  int wait(std::int64_t post_id, std::int64_t person_id, std::int64_t now) override;
  bool move_up(std::int64_t post_id, std::int64_t person_id, RosterStatus to,
               int headcount) override;
  std::vector<RosterEntry> shrink(std::int64_t post_id, int headcount) override;
  // Moves a person from one status to another; false when they were not in `from`.
  bool move(std::int64_t post_id, std::int64_t person_id, RosterStatus from,
            RosterStatus to) override;
  void confirm(std::int64_t post_id, std::int64_t person_id) override;
  void reminded(std::int64_t post_id, std::int64_t person_id, std::int64_t at) override;
  RosterCounts counts(std::int64_t post_id) override;
  std::vector<RosterEntry> of_post(std::int64_t post_id, RosterStatus status) override;
  std::optional<RosterEntry> first_waiting(std::int64_t post_id) override;
  // The posts a person is on (taken, held or waiting), most recent first.
  std::vector<RosterEntry> of_person(std::int64_t person_id) override;

 private:
  static RosterEntry read(SQLite::Statement& q);

  SQLite::Statement get_;
  SQLite::Statement take_;
  SQLite::Statement wait_;
  SQLite::Statement position_;
  SQLite::Statement move_up_;
  SQLite::Statement shrink_;
  SQLite::Statement move_;
  SQLite::Statement confirm_;
  SQLite::Statement reminded_;
  SQLite::Statement counts_;
  SQLite::Statement of_post_;
  SQLite::Statement of_person_;
};

std::string to_string(RosterStatus s);
RosterStatus roster_status(const std::string& s);  // what to_string() wrote

}  // namespace linli::storage
