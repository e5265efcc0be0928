#pragma once
// Training records (step 3) on PostgreSQL (issue 13): the port as storage/training_repo.*
// serves it on SQLite. A course added or a training recorded twice (two coordinators, two
// instances) is one row: the primary key decides, ON CONFLICT DO NOTHING says who was first.
// Used by one thread at a time, with the connection it was built on.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "dialogs/ports.hpp"
#include "storage/pg/connection.hpp"

namespace linli::storage::pg {

class PgTrainingRepo final : public Training {
 public:
  explicit PgTrainingRepo(Connection& c) : c_(c) {}

  bool add_course(const std::string& community_id, const std::string& name,
                  std::int64_t now) override;
  std::vector<std::string> courses(const std::string& community_id) override;
  bool record(const std::string& community_id, std::int64_t person_id, const std::string& course,
              std::int64_t by, std::int64_t now) override;
  std::vector<std::string> of_person(const std::string& community_id,
                                     std::int64_t person_id) override;
  std::map<std::string, int> completed(const std::string& community_id) override;

 private:
  Connection& c_;
};

}  // namespace linli::storage::pg
