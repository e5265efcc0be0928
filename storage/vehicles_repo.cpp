#include "storage/vehicles_repo.hpp"

namespace linli::storage {
namespace {
constexpr const char* kColumns = "id, community_id, driver_id, seats, plate, active, created_at";
}  // namespace

VehiclesRepo::VehiclesRepo(Database& db)
    : db_(db),
      // The partial unique index on active plates is the arbiter: a second active car with the
      // same plate is ignored, and changes() says so.
      insert_(db.sql(),
              "INSERT OR IGNORE INTO vehicles (community_id, driver_id, seats, plate, active, "
              "created_at) VALUES (?, ?, ?, ?, 1, ?)"),
      get_(db.sql(), std::string("SELECT ") + kColumns + " FROM vehicles WHERE id = ?"),
      of_community_(db.sql(), std::string("SELECT ") + kColumns +
                                  " FROM vehicles WHERE community_id = ? ORDER BY active DESC, id"),
      retire_(db.sql(),
              "UPDATE vehicles SET active = 0, retired_at = ? "
              "WHERE community_id = ? AND plate = ? AND active = 1") {}

Vehicle VehiclesRepo::read(SQLite::Statement& q) {
  Vehicle v;
  v.id = q.getColumn(0).getInt64();
  v.community_id = q.getColumn(1).getString();
  v.driver_id = q.getColumn(2).getInt64();
  v.seats = q.getColumn(3).getInt();
  v.plate = q.getColumn(4).getString();
  v.active = q.getColumn(5).getInt() != 0;
  v.created_at = q.getColumn(6).getInt64();
  return v;
}

std::optional<std::int64_t> VehiclesRepo::add(const Vehicle& v) {
  Use q(insert_);
  q->bind(1, v.community_id);
  q->bind(2, v.driver_id);
  q->bind(3, v.seats);
  q->bind(4, v.plate);
  q->bind(5, v.created_at);
  if (q->exec() == 0) return std::nullopt;
  return db_.sql().getLastInsertRowid();
}

std::optional<Vehicle> VehiclesRepo::get(std::int64_t id) {
  Use q(get_);
  q->bind(1, id);
  if (!q->executeStep()) return std::nullopt;
  return read(*q);
}

std::vector<Vehicle> VehiclesRepo::of_community(const std::string& community_id) {
  Use q(of_community_);
  q->bind(1, community_id);
  std::vector<Vehicle> out;
  while (q->executeStep()) out.push_back(read(*q));
  return out;
}

bool VehiclesRepo::retire(const std::string& community_id, const std::string& plate,
                          std::int64_t now) {
  Use q(retire_);
  q->bind(1, now);
  q->bind(2, community_id);
  q->bind(3, plate);
  return q->exec() > 0;
}

}  // namespace linli::storage
