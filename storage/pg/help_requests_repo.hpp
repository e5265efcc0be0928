#pragma once
// Help requests (tickets #N) on PostgreSQL: the port HelpRequests, as
// storage/help_requests_repo.* keeps it on SQLite. Every change of status is one conditional
// UPDATE, so that of two volunteers claiming one ticket on two instances exactly one changes a
// row (the other's UPDATE waits for the row, then finds it claimed, or its serializable
// transaction fails with 40001 and runs again). The address column is sealed as on SQLite.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "dialogs/ports.hpp"
#include "storage/field_cipher.hpp"
#include "storage/pg/connection.hpp"

namespace linli::storage::pg {

class PgHelpRequestsRepo final : public HelpRequests {
 public:
  // `cipher` (may be null: addresses stored as typed) must outlive the repository.
  explicit PgHelpRequestsRepo(Connection& c, const FieldCipher* cipher = nullptr)
      : c_(c), cipher_(cipher) {}

  std::int64_t create(const HelpRequest& r) override;
  std::optional<HelpRequest> get(std::int64_t id) override;
  void set_card(std::int64_t id, std::int64_t outbox_id) override;
  bool claim(std::int64_t id, std::int64_t volunteer_id, std::int64_t now) override;
  bool finish(std::int64_t id, std::int64_t volunteer_id, std::int64_t now) override;
  bool rate(std::int64_t id, std::int64_t resident_id, int rating,
            const std::string& comment) override;
  bool cancel(std::int64_t id, std::int64_t resident_id) override;
  bool release(std::int64_t id, std::int64_t volunteer_id) override;
  std::vector<HelpRequest> of_resident(std::int64_t resident_id) override;
  std::vector<HelpRequest> of_volunteer(std::int64_t volunteer_id) override;
  int purge_addresses(std::int64_t before) override;
  void mark_unmet(std::int64_t id) override;
  std::map<std::string, int> count_by_category(const std::string& community_id,
                                               bool unmet) override;
  std::set<std::int64_t> busy_volunteers(const std::string& community_id) override;

 private:
  std::vector<HelpRequest> read(const Result& r) const;

  Connection& c_;
  const FieldCipher* cipher_;
};

}  // namespace linli::storage::pg
