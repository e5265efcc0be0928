#pragma once
// The community's cars and vans. An active plate is unique per community by an index, so adding
// the same car twice (two coordinators at once) keeps one.

#include <optional>
#include <vector>

#include "dialogs/ports.hpp"
#include "dialogs/records.hpp"
#include "storage/database.hpp"

namespace linli::storage {

class VehiclesRepo final : public Vehicles {
 public:
  explicit VehiclesRepo(Database& db);

  std::optional<std::int64_t> add(const Vehicle& v) override;
  std::optional<Vehicle> get(std::int64_t id) override;
  std::vector<Vehicle> of_community(const std::string& community_id) override;
  bool retire(const std::string& community_id, const std::string& plate, std::int64_t now) override;

 private:
  static Vehicle read(SQLite::Statement& q);

  Database& db_;
  SQLite::Statement insert_;
  SQLite::Statement get_;
  SQLite::Statement of_community_;
  SQLite::Statement retire_;
};

}  // namespace linli::storage
