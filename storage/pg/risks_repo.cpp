#include "storage/pg/risks_repo.hpp"

#include "storage/risks_repo.hpp"

namespace linli::storage::pg {

void PgRisksRepo::set_level(const std::string& community_id, const std::string& area, bool high,
                            std::int64_t by, std::int64_t now) {
  c_.exec(
      "INSERT INTO risk_areas (community_id, area, level, set_by, set_at) "
      "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (community_id, area) DO UPDATE SET "
      "level = excluded.level, set_by = excluded.set_by, set_at = excluded.set_at",
      {community_id, area, high ? "high" : "low", by, now});
}

std::optional<bool> PgRisksRepo::high(const std::string& community_id, const std::string& area) {
  Result r = c_.exec("SELECT level FROM risk_areas WHERE community_id = $1 AND area = $2",
                     {community_id, area});
  if (r.rows() == 0) return std::nullopt;
  return r.text(0, 0) == "high";
}

// Areas set at the same moment in byte order (COLLATE "C"), as SQLite sorts them.
std::vector<std::pair<std::string, bool>> PgRisksRepo::areas(const std::string& community_id) {
  Result r = c_.exec(
      "SELECT area, level FROM risk_areas WHERE community_id = $1 "
      "ORDER BY set_at, area COLLATE \"C\"",
      {community_id});
  std::vector<std::pair<std::string, bool>> out;
  for (int i = 0; i < r.rows(); ++i)
    out.emplace_back(std::string(r.text(i, 0)), r.text(i, 1) == "high");
  return out;
}

std::optional<PostSupport> PgRisksRepo::post(std::int64_t post_id) {
  Result r = c_.exec(
      "SELECT risk_as_place, courses, items, meals, transport, insurance FROM post_support "
      "WHERE post_id = $1",
      {post_id});
  if (r.rows() == 0) return std::nullopt;
  PostSupport s;
  s.post_id = post_id;
  s.risk_as_place = r.integer(0, 0) != 0;
  s.courses = split_lines(std::string(r.text(0, 1)));
  s.items = split_lines(std::string(r.text(0, 2)));
  s.meals = r.integer(0, 3) != 0;
  s.transport = r.integer(0, 4) != 0;
  s.insurance = r.integer(0, 5) != 0;
  return s;
}

void PgRisksRepo::put_post(const PostSupport& s) {
  c_.exec(
      "INSERT INTO post_support (post_id, risk_as_place, courses, items) VALUES ($1, $2, $3, $4) "
      "ON CONFLICT (post_id) DO UPDATE SET risk_as_place = excluded.risk_as_place, "
      "courses = excluded.courses, items = excluded.items",
      {s.post_id, s.risk_as_place ? 1 : 0, join_lines(s.courses), join_lines(s.items)});
}

void PgRisksRepo::set_supply(std::int64_t post_id, ShiftSupport what, bool arranged) {
  // A column name cannot be a parameter: one fixed statement per arrangement, each writing only
  // its own column.
  const char* sql = what == ShiftSupport::meals
                        ? "INSERT INTO post_support (post_id, meals) VALUES ($1, $2) "
                          "ON CONFLICT (post_id) DO UPDATE SET meals = excluded.meals"
                    : what == ShiftSupport::transport
                        ? "INSERT INTO post_support (post_id, transport) VALUES ($1, $2) "
                          "ON CONFLICT (post_id) DO UPDATE SET transport = excluded.transport"
                        : "INSERT INTO post_support (post_id, insurance) VALUES ($1, $2) "
                          "ON CONFLICT (post_id) DO UPDATE SET insurance = excluded.insurance";
  c_.exec(sql, {post_id, arranged ? 1 : 0});
}

}  // namespace linli::storage::pg
