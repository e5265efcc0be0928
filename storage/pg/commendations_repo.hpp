#pragma once
// Commendations (表彰) on PostgreSQL (issue 13): the port as storage/commendations_repo.* serves
// it on SQLite. Used by one thread at a time, with the connection it was built on.

#include <cstdint>
#include <string>
#include <vector>

#include "dialogs/ports.hpp"
#include "storage/pg/connection.hpp"

namespace linli::storage::pg {

class PgCommendationsRepo final : public Commendations {
 public:
  explicit PgCommendationsRepo(Connection& c) : c_(c) {}

  std::int64_t record(const Commendation& c) override;
  std::vector<Commendation> in_period(const std::string& community_id, std::int64_t from,
                                      std::int64_t to) override;

 private:
  Connection& c_;
};

}  // namespace linli::storage::pg
