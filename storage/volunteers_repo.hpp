#pragma once
// Volunteers: sign-ups waiting for review, and the approved pool. With a FieldCipher the phone
// column is encrypted (storage/field_cipher.hpp); no other column is.

#include <functional>
#include <optional>
#include <vector>

#include "dialogs/ports.hpp"
#include "dialogs/records.hpp"
#include "storage/database.hpp"
#include "storage/field_cipher.hpp"

namespace linli::storage {

class VolunteersRepo final : public Volunteers {
 public:
  // `cipher` (may be null: phones stored as typed) must outlive the repository.
  explicit VolunteersRepo(Database& db, const FieldCipher* cipher = nullptr);

  std::optional<Volunteer> get(std::int64_t person_id) override;
  // A new sign-up, or a new attempt after a rejection; keeps the row's original created_at.
  void upsert(const Volunteer& v) override;
  // Returns false when the volunteer is not in `community_id` or already has `status`.
  bool set_status(std::int64_t person_id, const std::string& community_id, VolunteerStatus status,
                  std::int64_t reviewer, std::int64_t now) override;
  std::vector<Volunteer> pending(const std::string& community_id) override;
  // Approved volunteers of a community, those of `building` first.
  std::vector<Volunteer> approved(const std::string& community_id) override;
  // Each kind is one or two range scans of the index volunteers_nearest, bounded by `limit`.
  std::vector<PoolMember> nearest(const std::string& community_id, std::uint32_t skills,
                                  const std::string& building, int limit) override;
  int count(const std::string& community_id, VolunteerStatus status) override;
  // One range of the index volunteers_by_name (kM16).
  std::vector<Volunteer> named(const std::string& community_id, const std::string& name,
                               int limit) override;
  // The community's current posts (index posts_current), their rosters' places, each person
  // once.
  int active(const std::string& community_id, std::int64_t now) override;
  // The person's places (index roster_by_person), one post looked up by id each.
  bool has_place(std::int64_t person_id, const std::string& community_id,
                 std::int64_t now) override;

 private:
  Volunteer read(SQLite::Statement& q) const;
  // Runs one of the nearest_* statements for those with (`skilled`) or without the skills.
  std::vector<PoolMember> members(SQLite::Statement& s, const std::string& community_id,
                                  std::uint32_t skills, bool skilled, const std::string& building,
                                  int number, int limit);

  const FieldCipher* cipher_;
  SQLite::Statement get_;
  SQLite::Statement upsert_;
  SQLite::Statement set_status_;
  SQLite::Statement pending_;
  SQLite::Statement approved_;
  SQLite::Statement nearest_same_;
  SQLite::Statement nearest_up_;
  SQLite::Statement nearest_down_;
  SQLite::Statement nearest_unnumbered_;
  SQLite::Statement count_;
  SQLite::Statement named_;
  SQLite::Statement active_;
  SQLite::Statement has_place_;
};

// The ranking of Volunteers::nearest, shared by both engines over their own statements: `read`
// gives at most `limit` approved volunteers of one kind, with (`skilled`) or without the skills,
// `number` the need's building number (-1: none; for `up`, 0 when it has none).
enum class NearestKind { same, up, down, unnumbered };
using NearestReader =
    std::function<std::vector<PoolMember>(NearestKind kind, bool skilled, int number, int limit)>;
std::vector<PoolMember> rank_nearest(std::uint32_t skills, const std::string& building, int limit,
                                     const NearestReader& read);

std::string to_string(VolunteerStatus s);
VolunteerStatus volunteer_status(const std::string& s);

}  // namespace linli::storage
