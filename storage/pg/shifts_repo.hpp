#pragma once
// Check-in and check-out on PostgreSQL (issue 13): the Shifts port as storage/offers_repo.*'s
// ShiftsRepo serves it on SQLite. One open shift per person is the partial unique index
// shifts_one_open, and the check-in is one INSERT that yields to it (ON CONFLICT DO NOTHING):
// two check-ins at once on two instances open one shift. Used by one thread at a time, with the
// connection it was built on (storage/pg/pool.hpp).

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "dialogs/ports.hpp"
#include "storage/pg/connection.hpp"

namespace linli::storage::pg {

class PgShiftsRepo final : public Shifts {
 public:
  explicit PgShiftsRepo(Connection& c) : c_(c) {}

  std::optional<Shift> on_duty(std::int64_t person_id) override;
  std::optional<Shift> get(std::int64_t id) override;
  std::set<std::int64_t> on_duty_in(const std::string& community_id) override;
  std::optional<std::int64_t> check_in(const Shift& s) override;
  bool check_out(std::int64_t id, std::int64_t at) override;
  std::int64_t served(std::int64_t person_id, std::int64_t from, std::int64_t to) override;
  std::vector<Shift> of_person(std::int64_t person_id, std::int64_t from, std::int64_t to) override;

 private:
  Connection& c_;
};

}  // namespace linli::storage::pg
