#include "storage/volunteers_repo.hpp"

#include <algorithm>
#include <cstdlib>

#include "dialogs/vocabulary.hpp"

namespace linli::storage {
namespace {
constexpr const char* kColumns =
    "person_id, community_id, name, phone, building, skills, availability, status, created_at";
// The associated data of a sealed phone: this column, and person_id as the row.
constexpr std::string_view kPhone = "volunteers.phone";

// The candidates' statements: who they are, without the phone, among the approved of a
// community who have (:skilled = 1) or do not have (0) any of :skills (0: everyone has them).
constexpr const char* kNearest =
    "SELECT person_id, name, building, skills, IFNULL(building_no, -1) FROM volunteers "
    "INDEXED BY volunteers_nearest "
    "WHERE community_id = :community AND status = 'approved' "
    "AND (:skills = 0 OR (skills & :skills) <> 0) = :skilled AND ";
std::string nearest_sql(const char* where_order) {
  return std::string(kNearest) + where_order + " LIMIT :limit";
}
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
      // :same is the need's building (NULL when it has none); :number its number (NULL: none).
      nearest_same_(db.sql(), nearest_sql("building_no IS :number AND building = :same "
                                          "ORDER BY person_id")),
      // In the index's order both ways, so that nothing is sorted and LIMIT ends the scan.
      nearest_up_(db.sql(), nearest_sql("building_no >= :number AND building IS NOT :same "
                                        "ORDER BY building_no, building, person_id")),
      nearest_down_(db.sql(), nearest_sql("building_no < :number AND building IS NOT :same "
                                          "ORDER BY building_no DESC, building DESC, "
                                          "person_id DESC")),
      nearest_unnumbered_(db.sql(), nearest_sql("building_no IS NULL AND building IS NOT :same "
                                                "ORDER BY building, person_id")),
      count_(db.sql(), "SELECT COUNT(*) FROM volunteers WHERE community_id = ? AND status = ?"),
      named_(db.sql(), std::string("SELECT ") + kColumns +
                           " FROM volunteers WHERE community_id = :community AND "
                           "status = 'approved' AND name = :name ORDER BY person_id LIMIT :limit"),
      // A place is taken or held (dialogs/roster.hpp); the post is the community's and has not
      // ended; the person is an approved volunteer of the same community.
      active_(db.sql(),
              "SELECT COUNT(DISTINCT r.person_id) FROM posts p "
              "JOIN roster r ON r.post_id = p.id AND r.status IN ('taken', 'held') "
              "JOIN volunteers v ON v.person_id = r.person_id "
              "WHERE p.community_id = :community AND p.ends_at > :now "
              "AND v.community_id = :community AND v.status = 'approved'"),
      // The person's few roster rows first, then their posts by id (CROSS JOIN keeps that
      // order: from the posts' side it would go through every current post of the community).
      has_place_(db.sql(),
                 "SELECT EXISTS (SELECT 1 FROM roster r CROSS JOIN posts p ON p.id = r.post_id "
                 "WHERE r.person_id = :person AND r.status IN ('taken', 'held') "
                 "AND p.community_id = :community AND p.ends_at > :now)") {}

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

std::vector<PoolMember> VolunteersRepo::members(SQLite::Statement& s,
                                                const std::string& community_id,
                                                std::uint32_t skills, bool skilled,
                                                const std::string& building, int number,
                                                int limit) {
  Use q(s);
  q->bind(":community", community_id);
  q->bind(":skills", static_cast<std::int64_t>(skills));
  q->bind(":skilled", skilled ? 1 : 0);
  if (building.empty()) {
    q->bind(":same");  // NULL: nobody is of the same building
  } else {
    q->bind(":same", building);
  }
  if (q->getIndex(":number") != 0) {
    if (number < 0) {
      q->bind(":number");  // NULL: a building without a number
    } else {
      q->bind(":number", number);
    }
  }
  q->bind(":limit", limit);
  std::vector<PoolMember> out;
  while (q->executeStep()) {
    out.push_back({q->getColumn(0).getInt64(), q->getColumn(1).getString(),
                   q->getColumn(2).getString(),
                   static_cast<std::uint32_t>(q->getColumn(3).getInt64())});
  }
  return out;
}

std::vector<PoolMember> rank_nearest(std::uint32_t skills, const std::string& building, int limit,
                                     const NearestReader& read) {
  std::optional<int> number = building_number(building);
  std::vector<PoolMember> out;
  for (bool skilled : {true, false}) {
    if (!skilled && skills == 0) break;  // everyone has "no skill needed"
    if (!building.empty()) {
      auto same = read(NearestKind::same, skilled, number.value_or(-1), limit);
      out.insert(out.end(), same.begin(), same.end());
    }
  }
  for (bool skilled : {true, false}) {
    if (!skilled && skills == 0) break;
    // Numbered buildings nearest first: the nearest `limit` above and the nearest `limit` below,
    // put together. (Of a building with more than that, which are read is the index's order.)
    // Without a number of its own, no building is nearer than another: from the lowest number.
    auto others = read(NearestKind::up, skilled, number.value_or(0), limit);
    if (number) {
      auto below = read(NearestKind::down, skilled, *number, limit);
      others.insert(others.end(), below.begin(), below.end());
      auto distance = [&](const PoolMember& m) {
        return std::make_pair(std::abs(*building_number(m.building) - *number), m.person_id);
      };
      std::sort(others.begin(), others.end(), [&](const PoolMember& a, const PoolMember& b) {
        return distance(a) < distance(b);
      });
    }
    if (others.size() > static_cast<std::size_t>(limit)) others.resize(limit);
    if (others.size() < static_cast<std::size_t>(limit)) {
      auto rest =
          read(NearestKind::unnumbered, skilled, -1, limit - static_cast<int>(others.size()));
      others.insert(others.end(), rest.begin(), rest.end());
    }
    out.insert(out.end(), others.begin(), others.end());
  }
  return out;
}

std::vector<PoolMember> VolunteersRepo::nearest(const std::string& community_id,
                                                std::uint32_t skills, const std::string& building,
                                                int limit) {
  return rank_nearest(skills, building, limit,
                      [&](NearestKind kind, bool skilled, int number, int n) {
                        SQLite::Statement& s = kind == NearestKind::same   ? nearest_same_
                                               : kind == NearestKind::up   ? nearest_up_
                                               : kind == NearestKind::down ? nearest_down_
                                                                           : nearest_unnumbered_;
                        return members(s, community_id, skills, skilled, building, number, n);
                      });
}

int VolunteersRepo::count(const std::string& community_id, VolunteerStatus status) {
  Use q(count_);
  q->bind(1, community_id);
  q->bind(2, to_string(status));
  q->executeStep();
  return q->getColumn(0).getInt();
}

std::vector<Volunteer> VolunteersRepo::named(const std::string& community_id,
                                             const std::string& name, int limit) {
  Use q(named_);
  q->bind(":community", community_id);
  q->bind(":name", name);
  q->bind(":limit", limit);
  std::vector<Volunteer> out;
  while (q->executeStep()) out.push_back(read(*q));
  return out;
}

int VolunteersRepo::active(const std::string& community_id, std::int64_t now) {
  Use q(active_);
  q->bind(":community", community_id);
  q->bind(":now", now);
  q->executeStep();
  return q->getColumn(0).getInt();
}

bool VolunteersRepo::has_place(std::int64_t person_id, const std::string& community_id,
                               std::int64_t now) {
  Use q(has_place_);
  q->bind(":person", person_id);
  q->bind(":community", community_id);
  q->bind(":now", now);
  q->executeStep();
  return q->getColumn(0).getInt() != 0;
}

}  // namespace linli::storage
