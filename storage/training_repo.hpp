#pragma once
// Training records (step 3): a community's own courses and who completed which.

#include <map>
#include <string>
#include <vector>

#include "dialogs/ports.hpp"
#include "storage/database.hpp"

namespace linli::storage {

class TrainingRepo final : public Training {
 public:
  explicit TrainingRepo(Database& db);

  bool add_course(const std::string& community_id, const std::string& name,
                  std::int64_t now) override;
  std::vector<std::string> courses(const std::string& community_id) override;
  bool record(const std::string& community_id, std::int64_t person_id, const std::string& course,
              std::int64_t by, std::int64_t now) override;
  std::vector<std::string> of_person(const std::string& community_id,
                                     std::int64_t person_id) override;
  std::map<std::string, int> completed(const std::string& community_id) override;

 private:
  SQLite::Statement add_course_;
  SQLite::Statement courses_;
  SQLite::Statement record_;
  SQLite::Statement of_person_;
  SQLite::Statement completed_;
};

}  // namespace linli::storage
