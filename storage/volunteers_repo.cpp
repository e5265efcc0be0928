#include "storage/volunteers_repo.hpp"

namespace linli::storage {
namespace {
constexpr const char* kColumns =
    "person_id, community_id, name, phone, building, skills, availability, status, created_at";
// The associated data of a sealed phone: this column, and person_id as the row.
constexpr std::string_view kPhone = "volunteers.phone";
}  // namespace

std::string to_string(VolunteerStatus s) {
  switch (s) {
    case VolunteerStatus::pending:
      return "pending";
    case VolunteerStatus::approved:
      return "approved";
    case VolunteerStatus::rejected:
      return "rejected";
  }
  return "pending";
}

VolunteerStatus volunteer_status(const std::string& s) {
  if (s == "approved") return VolunteerStatus::approved;
  if (s == "rejected") return VolunteerStatus::rejected;
  return VolunteerStatus::pending;
}

VolunteersRepo::VolunteersRepo(Database& db, const FieldCipher* cipher)
    : cipher_(cipher),
      get_(db.sql(), std::string("SELECT ") + kColumns + " FROM volunteers WHERE person_id = ?"),
      upsert_(db.sql(),
              "INSERT INTO volunteers (person_id, community_id, name, phone, building, skills, "
              "availability, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
              "ON CONFLICT (person_id) DO UPDATE SET community_id = excluded.community_id, "
              "name = excluded.name, phone = excluded.phone, building = excluded.building, "
              "skills = excluded.skills, availability = excluded.availability, "
              "status = excluded.status, reviewed_by = NULL, reviewed_at = NULL"),
      set_status_(db.sql(),
                  "UPDATE volunteers SET status = ?, reviewed_by = ?, reviewed_at = ? "
                  "WHERE person_id = ? AND community_id = ? AND status <> ?"),
      pending_(db.sql(), std::string("SELECT ") + kColumns +
                             " FROM volunteers WHERE community_id = ? AND status = 'pending' "
                             "ORDER BY created_at, person_id"),
      approved_(db.sql(), std::string("SELECT ") + kColumns +
                              " FROM volunteers WHERE community_id = ? AND status = 'approved' "
                              "ORDER BY person_id"),
      count_(db.sql(), "SELECT COUNT(*) FROM volunteers WHERE community_id = ? AND status = ?") {}

Volunteer VolunteersRepo::read(SQLite::Statement& q) const {
  Volunteer v;
  v.person_id = q.getColumn(0).getInt64();
  v.community_id = q.getColumn(1).getString();
  v.name = q.getColumn(2).getString();
  v.phone = q.getColumn(3).getString();
  if (cipher_) v.phone = cipher_->open(v.phone, kPhone, v.person_id);
  v.building = q.getColumn(4).getString();
  v.skills = static_cast<std::uint32_t>(q.getColumn(5).getInt64());
  v.availability = q.getColumn(6).getString();
  v.status = volunteer_status(q.getColumn(7).getString());
  v.created_at = q.getColumn(8).getInt64();
  return v;
}

std::optional<Volunteer> VolunteersRepo::get(std::int64_t person_id) {
  Use q(get_);
  q->bind(1, person_id);
  if (!q->executeStep()) return std::nullopt;
  return read(*q);
}

void VolunteersRepo::upsert(const Volunteer& v) {
  Use q(upsert_);
  q->bind(1, v.person_id);
  q->bind(2, v.community_id);
  q->bind(3, v.name);
  if (cipher_) {
    q->bind(4, cipher_->seal(v.phone, kPhone, v.person_id));
  } else {
    q->bind(4, v.phone);
  }
  q->bind(5, v.building);
  q->bind(6, static_cast<std::int64_t>(v.skills));
  q->bind(7, v.availability);
  q->bind(8, to_string(v.status));
  q->bind(9, v.created_at);
  q->exec();
}

bool VolunteersRepo::set_status(std::int64_t person_id, const std::string& community_id,
                                VolunteerStatus status, std::int64_t reviewer, std::int64_t now) {
  Use q(set_status_);
  q->bind(1, to_string(status));
  q->bind(2, reviewer);
  q->bind(3, now);
  q->bind(4, person_id);
  q->bind(5, community_id);
  q->bind(6, to_string(status));
  return q->exec() == 1;
}

std::vector<Volunteer> VolunteersRepo::pending(const std::string& community_id) {
  Use q(pending_);
  q->bind(1, community_id);
  std::vector<Volunteer> out;
  while (q->executeStep()) out.push_back(read(*q));
  return out;
}

std::vector<Volunteer> VolunteersRepo::approved(const std::string& community_id) {
  Use q(approved_);
  q->bind(1, community_id);
  std::vector<Volunteer> out;
  while (q->executeStep()) out.push_back(read(*q));
  return out;
}

int VolunteersRepo::count(const std::string& community_id, VolunteerStatus status) {
  Use q(count_);
  q->bind(1, community_id);
  q->bind(2, to_string(status));
  q->executeStep();
  return q->getColumn(0).getInt();
}

}  // namespace linli::storage
