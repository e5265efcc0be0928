#pragma once
// Commendations (表彰): who was commended, by whom, when and for what.

#include <vector>

#include "dialogs/ports.hpp"
#include "dialogs/records.hpp"
#include "storage/database.hpp"

namespace linli::storage {

class CommendationsRepo final : public Commendations {
 public:
  explicit CommendationsRepo(Database& db);

  std::int64_t record(const Commendation& c) override;
  std::vector<Commendation> in_period(const std::string& community_id, std::int64_t from,
                                      std::int64_t to) override;

 private:
  Database& db_;
  SQLite::Statement insert_;
  SQLite::Statement in_period_;
};

}  // namespace linli::storage
