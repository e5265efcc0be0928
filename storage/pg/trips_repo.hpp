#pragma once
// Trips of the fleet on PostgreSQL (issue 13): the port as storage/trips_repo.* serves it on
// SQLite. Each change of status is one conditional UPDATE whose WHERE names the status it leaves,
// so that of two drivers accepting one trip on two instances exactly one gets it: the second
// UPDATE waits for the first, finds the trip accepted and changes nothing (in a SERIALIZABLE
// transaction it fails with 40001 and its retry changes nothing). Used by one thread at a time,
// with the connection it was built on.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "dialogs/ports.hpp"
#include "storage/pg/connection.hpp"

namespace linli::storage::pg {

class PgTripsRepo final : public Trips {
 public:
  explicit PgTripsRepo(Connection& c) : c_(c) {}

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
  Connection& c_;
};

}  // namespace linli::storage::pg
