#pragma once
// A volunteer's service record besides shifts, on PostgreSQL (issue 13): the corrections of
// their hours, each kept as its own row with what the day counted before (the audit), and the
// tasks they finished. The port as storage/service_records_repo.* serves it on SQLite. Used by
// one thread at a time, with the connection it was built on.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "dialogs/ports.hpp"
#include "storage/pg/connection.hpp"

namespace linli::storage::pg {

class PgServiceRecordsRepo final : public ServiceRecords {
 public:
  explicit PgServiceRecordsRepo(Connection& c) : c_(c) {}

  std::int64_t add_correction(const HoursCorrection& c) override;
  std::vector<HoursCorrection> corrections(std::int64_t person_id, std::int64_t from_day,
                                           std::int64_t to_day) override;
  std::vector<std::pair<std::string, int>> tasks_done(std::int64_t person_id, std::int64_t from,
                                                      std::int64_t to) override;

 private:
  Connection& c_;
};

}  // namespace linli::storage::pg
