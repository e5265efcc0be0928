#pragma once
// The community's cars and vans on PostgreSQL (issue 13): the port as storage/vehicles_repo.*
// serves it on SQLite. One active vehicle per plate and community is the partial unique index
// vehicles_active_plate; add() yields to it in the same statement. Used by one thread at a time,
// with the connection it was built on.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dialogs/ports.hpp"
#include "storage/pg/connection.hpp"

namespace linli::storage::pg {

class PgVehiclesRepo final : public Vehicles {
 public:
  explicit PgVehiclesRepo(Connection& c) : c_(c) {}

  std::optional<std::int64_t> add(const Vehicle& v) override;
  std::optional<Vehicle> get(std::int64_t id) override;
  std::vector<Vehicle> of_community(const std::string& community_id) override;
  bool retire(const std::string& community_id, const std::string& plate, std::int64_t now) override;

 private:
  Connection& c_;
};

}  // namespace linli::storage::pg
