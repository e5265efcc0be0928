#pragma once
// Trips of the fleet, one row each with every time it went through. Each change of status is a
// conditional UPDATE, so that a trip is accepted by one driver only.

#include <optional>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "dialogs/ports.hpp"
#include "dialogs/records.hpp"
#include "storage/database.hpp"

namespace linli::storage {

class TripsRepo final : public Trips {
 public:
  explicit TripsRepo(Database& db);

  std::int64_t create(const Trip& t) override;
  std::optional<Trip> get(std::int64_t id) override;
  void offered(std::int64_t id, std::int64_t at) override;
  bool accept(std::int64_t id, std::int64_t driver, std::int64_t vehicle, std::int64_t at,
              std::int64_t span) override;
  bool start(std::int64_t id, std::int64_t driver, std::int64_t at) override;
  bool finish(std::int64_t id, std::int64_t driver, std::int64_t at) override;
  bool unserved(std::int64_t id) override;
  std::set<std::int64_t> busy_drivers(const std::string& community_id, std::int64_t from,
                                      std::int64_t to) override;
  std::vector<Trip> scheduled(const std::string& community_id, std::int64_t from,
                              std::int64_t to) override;
  std::pair<int, std::int64_t> total(const std::string& community_id) override;
  bool cancel(std::int64_t id, std::int64_t at) override;
  std::optional<Trip> of_request(std::int64_t request_id) override;

 private:
  static Trip read(SQLite::Statement& q);

  Database& db_;
  SQLite::Statement insert_;
  SQLite::Statement get_;
  SQLite::Statement offered_;
  SQLite::Statement accept_;
  SQLite::Statement start_;
  SQLite::Statement finish_;
  SQLite::Statement unserved_;
  SQLite::Statement busy_;
  SQLite::Statement scheduled_;
  SQLite::Statement total_;
  SQLite::Statement cancel_;
  SQLite::Statement of_request_;
};

std::string to_string(TripStatus s);
// The status as stored; an unknown word reads as offered.
TripStatus parse_trip_status(std::string_view s);

}  // namespace linli::storage
