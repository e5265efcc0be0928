#pragma once
// A volunteer's service record besides shifts: the corrections of their hours (an audit log
// that is only added to) and the help requests they finished.

#include <string>
#include <utility>
#include <vector>

#include "dialogs/ports.hpp"
#include "storage/database.hpp"

namespace linli::storage {

class ServiceRecordsRepo final : public ServiceRecords {
 public:
  explicit ServiceRecordsRepo(Database& db);

  std::int64_t add_correction(const HoursCorrection& c) override;
  std::vector<HoursCorrection> corrections(std::int64_t person_id, std::int64_t from_day,
                                           std::int64_t to_day) override;
  std::vector<std::pair<std::string, int>> tasks_done(std::int64_t person_id, std::int64_t from,
                                                      std::int64_t to) override;

 private:
  Database& db_;
  SQLite::Statement insert_;
  SQLite::Statement corrections_;
  SQLite::Statement tasks_done_;
};

}  // namespace linli::storage
