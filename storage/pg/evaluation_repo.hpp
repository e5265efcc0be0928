#pragma once
// What the evaluation (step 5) reads, on PostgreSQL (issue 13): the Evaluation port as
// storage/evaluation_repo.* serves it on SQLite, each answer in one statement. Reads only.
// Used by one thread at a time, with the connection it was built on.

#include <cstdint>
#include <string>
#include <vector>

#include "dialogs/ports.hpp"
#include "storage/pg/connection.hpp"

namespace linli::storage::pg {

class PgEvaluationRepo final : public Evaluation {
 public:
  explicit PgEvaluationRepo(Connection& c) : c_(c) {}

  std::vector<Rating> ratings(const std::string& community_id, std::int64_t from,
                              std::int64_t to) override;
  RatingSum satisfaction(const std::string& community_id, int low) override;
  RatingSum volunteer_ratings(const std::string& community_id, std::int64_t volunteer_id, int low,
                              int latest) override;
  std::vector<RequestFacts> requests(const std::string& community_id, std::int64_t from,
                                     std::int64_t to) override;
  std::vector<Served> served(const std::string& community_id, std::int64_t from,
                             std::int64_t to) override;
  int trips(const std::string& community_id, std::int64_t from, std::int64_t to) override;

 private:
  Connection& c_;
};

}  // namespace linli::storage::pg
