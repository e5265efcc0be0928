#pragma once
// Volunteers on PostgreSQL: the port Volunteers, as storage/volunteers_repo.* keeps it on
// SQLite, with the phone column sealed the same way (storage/field_cipher.hpp).

#include <optional>
#include <string>
#include <vector>

#include "dialogs/ports.hpp"
#include "storage/field_cipher.hpp"
#include "storage/pg/connection.hpp"

namespace linli::storage::pg {

class PgVolunteersRepo final : public Volunteers {
 public:
  // `cipher` (may be null: phones stored as typed) must outlive the repository.
  explicit PgVolunteersRepo(Connection& c, const FieldCipher* cipher = nullptr)
      : c_(c), cipher_(cipher) {}

  std::optional<Volunteer> get(std::int64_t person_id) override;
  void upsert(const Volunteer& v) override;
  bool set_status(std::int64_t person_id, const std::string& community_id, VolunteerStatus status,
                  std::int64_t reviewer, std::int64_t now) override;
  std::vector<Volunteer> pending(const std::string& community_id) override;
  std::vector<Volunteer> approved(const std::string& community_id) override;
  // Each kind is one or two range scans of the index volunteers_nearest, bounded by `limit`.
  std::vector<PoolMember> nearest(const std::string& community_id, std::uint32_t skills,
                                  const std::string& building, int limit) override;
  int count(const std::string& community_id, VolunteerStatus status) override;
  std::vector<Volunteer> named(const std::string& community_id, const std::string& name,
                               int limit) override;
  int active(const std::string& community_id, std::int64_t now) override;
  bool has_place(std::int64_t person_id, const std::string& community_id,
                 std::int64_t now) override;

 private:
  std::vector<Volunteer> read(const Result& r) const;
  // Runs one of the nearest statements for those with (`skilled`) or without the skills;
  // `number` < 0: NULL.
  std::vector<PoolMember> members(const char* where_order, const std::string& community_id,
                                  std::uint32_t skills, bool skilled, const std::string& building,
                                  int number, int limit);

  Connection& c_;
  const FieldCipher* cipher_;
};

}  // namespace linli::storage::pg
