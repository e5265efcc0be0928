#include "storage/pg/vehicles_repo.hpp"

namespace linli::storage::pg {
namespace {

constexpr const char* kSelect =
    "SELECT id, community_id, driver_id, seats, plate, active, created_at FROM vehicles ";

Vehicle read(const Result& r, int row) {
  Vehicle v;
  v.id = r.integer(row, 0);
  v.community_id = std::string(r.text(row, 1));
  v.driver_id = r.integer(row, 2);
  v.seats = static_cast<int>(r.integer(row, 3));
  v.plate = std::string(r.text(row, 4));
  v.active = r.integer(row, 5) != 0;
  v.created_at = r.integer(row, 6);
  return v;
}

}  // namespace

std::optional<std::int64_t> PgVehiclesRepo::add(const Vehicle& v) {
  // SQLite's INSERT OR IGNORE would also turn a seat count under one (the CHECK) into "not
  // added"; the domain never asks for one (dialogs/fleet.cpp reads 1 to 60), and here it is an
  // error, as an impossible request should be. The plate's conflict is the one outcome asked for.
  Result r = c_.exec(
      "INSERT INTO vehicles (community_id, driver_id, seats, plate, active, created_at) "
      "VALUES ($1, $2, $3, $4, 1, $5) "
      "ON CONFLICT (community_id, plate) WHERE active = 1 DO NOTHING RETURNING id",
      {v.community_id, v.driver_id, v.seats, v.plate, v.created_at});
  if (r.rows() == 0) return std::nullopt;
  return r.integer(0, 0);
}

std::optional<Vehicle> PgVehiclesRepo::get(std::int64_t id) {
  Result r = c_.exec(std::string(kSelect) + "WHERE id = $1", {id});
  if (r.rows() == 0) return std::nullopt;
  return read(r, 0);
}

std::vector<Vehicle> PgVehiclesRepo::of_community(const std::string& community_id) {
  Result r = c_.exec(std::string(kSelect) + "WHERE community_id = $1 ORDER BY active DESC, id",
                     {community_id});
  std::vector<Vehicle> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(read(r, i));
  return out;
}

bool PgVehiclesRepo::retire(const std::string& community_id, const std::string& plate,
                            std::int64_t now) {
  return c_.exec(
               "UPDATE vehicles SET active = 0, retired_at = $1 "
               "WHERE community_id = $2 AND plate = $3 AND active = 1",
               {now, community_id, plate})
             .affected() > 0;
}

}  // namespace linli::storage::pg
