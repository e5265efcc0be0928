#include "storage/pg/volunteers_repo.hpp"

#include "storage/pg/rows.hpp"
#include "storage/volunteers_repo.hpp"

namespace linli::storage::pg {
namespace {

constexpr const char* kColumns =
    "SELECT person_id, community_id, name, phone, building, skills, availability, status, "
    "created_at FROM volunteers ";
// The associated data of a sealed phone: this column, and person_id as the row (as on SQLite).
constexpr std::string_view kPhone = "volunteers.phone";

// The candidates among the approved of community $1 who have ($3 true) or do not have any of
// skills $2 (0: everyone has them); $4 the need's building (NULL: none), $5 its number (NULL:
// none), $6 the limit. SQLite's `IS` is IS NOT DISTINCT FROM; its INDEXED BY has no
// counterpart (the planner picks volunteers_nearest for these ranges by itself).
constexpr const char* kNearest =
    "SELECT person_id, name, building, skills FROM volunteers "
    "WHERE community_id = $1 AND status = 'approved' "
    "AND ($2::bigint = 0 OR (skills & $2::bigint) <> 0) = $3::boolean AND ";
constexpr const char* kSame =
    "building_no IS NOT DISTINCT FROM $5::bigint AND building = $4 ORDER BY person_id";
constexpr const char* kUp =
    "building_no >= $5::bigint AND building IS DISTINCT FROM $4 "
    "ORDER BY building_no, building, person_id";
constexpr const char* kDown =
    "building_no < $5::bigint AND building IS DISTINCT FROM $4 "
    "ORDER BY building_no DESC, building DESC, person_id DESC";
// (It names $5, NULL here, only so that the four statements take the same parameters.)
constexpr const char* kUnnumbered =
    "building_no IS NULL AND building IS DISTINCT FROM $4 AND $5::bigint IS NULL "
    "ORDER BY building, person_id";

}  // namespace

std::vector<Volunteer> PgVolunteersRepo::read(const Result& r) const {
  std::vector<Volunteer> out;
  for (int i = 0; i < r.rows(); ++i) {
    Volunteer v;
    v.person_id = r.integer(i, 0);
    v.community_id = str(r, i, 1);
    v.name = str(r, i, 2);
    v.phone = str(r, i, 3);
    if (cipher_) v.phone = cipher_->open(v.phone, kPhone, v.person_id);
    v.building = str(r, i, 4);
    v.skills = static_cast<std::uint32_t>(r.integer(i, 5));
    v.availability = str(r, i, 6);
    v.status = volunteer_status(str(r, i, 7));
    v.created_at = r.integer(i, 8);
    out.push_back(std::move(v));
  }
  return out;
}

std::optional<Volunteer> PgVolunteersRepo::get(std::int64_t person_id) {
  auto v = read(c_.exec(std::string(kColumns) + "WHERE person_id = $1", {person_id}));
  if (v.empty()) return std::nullopt;
  return v.front();
}

void PgVolunteersRepo::upsert(const Volunteer& v) {
  c_.exec(
      "INSERT INTO volunteers (person_id, community_id, name, phone, building, skills, "
      "availability, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
      "ON CONFLICT (person_id) DO UPDATE SET community_id = excluded.community_id, "
      "name = excluded.name, phone = excluded.phone, building = excluded.building, "
      "skills = excluded.skills, availability = excluded.availability, "
      "status = excluded.status, reviewed_by = NULL, reviewed_at = NULL",
      {v.person_id, v.community_id, v.name,
       cipher_ ? cipher_->seal(v.phone, kPhone, v.person_id) : v.phone, v.building,
       static_cast<std::int64_t>(v.skills), v.availability, to_string(v.status), v.created_at});
}

bool PgVolunteersRepo::set_status(std::int64_t person_id, const std::string& community_id,
                                  VolunteerStatus status, std::int64_t reviewer, std::int64_t now) {
  return c_.exec(
               "UPDATE volunteers SET status = $1, reviewed_by = $2, reviewed_at = $3 "
               "WHERE person_id = $4 AND community_id = $5 AND status <> $1",
               {to_string(status), reviewer, now, person_id, community_id})
             .affected() == 1;
}

std::vector<Volunteer> PgVolunteersRepo::pending(const std::string& community_id) {
  return read(c_.exec(std::string(kColumns) + "WHERE community_id = $1 AND status = 'pending' "
                                              "ORDER BY created_at, person_id",
                      {community_id}));
}

std::vector<Volunteer> PgVolunteersRepo::approved(const std::string& community_id) {
  return read(c_.exec(
      std::string(kColumns) + "WHERE community_id = $1 AND status = 'approved' ORDER BY person_id",
      {community_id}));
}

std::vector<PoolMember> PgVolunteersRepo::members(const char* where_order,
                                                  const std::string& community_id,
                                                  std::uint32_t skills, bool skilled,
                                                  const std::string& building, int number,
                                                  int limit) {
  Result r = c_.exec(std::string(kNearest) + where_order + " LIMIT $6",
                     {community_id, static_cast<std::int64_t>(skills), skilled ? "true" : "false",
                      building.empty() ? Param(std::nullopt) : Param(building),
                      number < 0 ? Param(std::nullopt) : Param(number), limit});
  std::vector<PoolMember> out;
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back(
        {r.integer(i, 0), str(r, i, 1), str(r, i, 2), static_cast<std::uint32_t>(r.integer(i, 3))});
  }
  return out;
}

std::vector<PoolMember> PgVolunteersRepo::nearest(const std::string& community_id,
                                                  std::uint32_t skills, const std::string& building,
                                                  int limit) {
  return rank_nearest(skills, building, limit,
                      [&](NearestKind kind, bool skilled, int number, int n) {
                        const char* where = kind == NearestKind::same   ? kSame
                                            : kind == NearestKind::up   ? kUp
                                            : kind == NearestKind::down ? kDown
                                                                        : kUnnumbered;
                        return members(where, community_id, skills, skilled, building, number, n);
                      });
}

int PgVolunteersRepo::count(const std::string& community_id, VolunteerStatus status) {
  return int32(c_.exec("SELECT count(*) FROM volunteers WHERE community_id = $1 AND status = $2",
                       {community_id, to_string(status)}),
               0, 0);
}

std::vector<Volunteer> PgVolunteersRepo::named(const std::string& community_id,
                                               const std::string& name, int limit) {
  return read(c_.exec(std::string(kColumns) +
                          "WHERE community_id = $1 AND status = 'approved' AND name = $2 "
                          "ORDER BY person_id LIMIT $3",
                      {community_id, name, limit}));
}

// A place is taken or held (dialogs/roster.hpp); the post is the community's and has not ended;
// the person is an approved volunteer of the same community.
int PgVolunteersRepo::active(const std::string& community_id, std::int64_t now) {
  return int32(c_.exec("SELECT count(DISTINCT r.person_id) FROM posts p "
                       "JOIN roster r ON r.post_id = p.id AND r.status IN ('taken', 'held') "
                       "JOIN volunteers v ON v.person_id = r.person_id "
                       "WHERE p.community_id = $1 AND p.ends_at > $2 "
                       "AND v.community_id = $1 AND v.status = 'approved'",
                       {community_id, now}),
               0, 0);
}

bool PgVolunteersRepo::has_place(std::int64_t person_id, const std::string& community_id,
                                 std::int64_t now) {
  return c_.exec(
               "SELECT 1 FROM roster r JOIN posts p ON p.id = r.post_id "
               "WHERE r.person_id = $1 AND r.status IN ('taken', 'held') "
               "AND p.community_id = $2 AND p.ends_at > $3 LIMIT 1",
               {person_id, community_id, now})
             .rows() > 0;
}

}  // namespace linli::storage::pg
