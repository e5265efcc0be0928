#pragma once
// What the evaluation (step 5) reads: ratings, requests and hours of a community over a period,
// each in one prepared statement. Reads only: nothing here changes a row.

#include <vector>

#include "dialogs/ports.hpp"
#include "dialogs/records.hpp"
#include "storage/database.hpp"

namespace linli::storage {

class EvaluationRepo final : public Evaluation {
 public:
  explicit EvaluationRepo(Database& db);

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
  SQLite::Statement ratings_;
  SQLite::Statement satisfaction_;
  SQLite::Statement volunteer_;
  SQLite::Statement requests_;
  SQLite::Statement served_;
  SQLite::Statement trips_;
};

}  // namespace linli::storage
