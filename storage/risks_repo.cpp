#include "storage/risks_repo.hpp"

namespace linli::storage {

// Course and item names are one line each: a list is stored as lines.
std::string join_lines(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : "\n") + s;
  return out;
}

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  std::size_t from = 0;
  while (from < s.size()) {
    std::size_t nl = s.find('\n', from);
    if (nl == std::string::npos) nl = s.size();
    if (nl > from) out.push_back(s.substr(from, nl - from));
    from = nl + 1;
  }
  return out;
}

namespace {

// A column name cannot be bound: one statement per arrangement, each writing only its column.
std::string supply_upsert(const std::string& column) {
  return "INSERT INTO post_support (post_id, " + column + ") VALUES (?, ?) " +
         "ON CONFLICT (post_id) DO UPDATE SET " + column + " = excluded." + column;
}

}  // namespace

RisksRepo::RisksRepo(Database& db)
    : set_level_(db.sql(),
                 "INSERT INTO risk_areas (community_id, area, level, set_by, set_at) "
                 "VALUES (?, ?, ?, ?, ?) ON CONFLICT (community_id, area) DO UPDATE SET "
                 "level = excluded.level, set_by = excluded.set_by, set_at = excluded.set_at"),
      high_(db.sql(), "SELECT level FROM risk_areas WHERE community_id = ? AND area = ?"),
      areas_(db.sql(),
             "SELECT area, level FROM risk_areas WHERE community_id = ? ORDER BY set_at, area"),
      post_(db.sql(),
            "SELECT risk_as_place, courses, items, meals, transport, insurance FROM post_support "
            "WHERE post_id = ?"),
      put_post_(db.sql(),
                "INSERT INTO post_support (post_id, risk_as_place, courses, items) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (post_id) DO UPDATE SET "
                "risk_as_place = excluded.risk_as_place, courses = excluded.courses, "
                "items = excluded.items"),
      set_meals_(db.sql(), supply_upsert("meals")),
      set_transport_(db.sql(), supply_upsert("transport")),
      set_insurance_(db.sql(), supply_upsert("insurance")) {}

void RisksRepo::set_level(const std::string& community_id, const std::string& area, bool high,
                          std::int64_t by, std::int64_t now) {
  Use q(set_level_);
  q->bind(1, community_id);
  q->bind(2, area);
  q->bind(3, high ? "high" : "low");
  q->bind(4, by);
  q->bind(5, now);
  q->exec();
}

std::optional<bool> RisksRepo::high(const std::string& community_id, const std::string& area) {
  Use q(high_);
  q->bind(1, community_id);
  q->bind(2, area);
  if (!q->executeStep()) return std::nullopt;
  return q->getColumn(0).getString() == "high";
}

std::vector<std::pair<std::string, bool>> RisksRepo::areas(const std::string& community_id) {
  Use q(areas_);
  q->bind(1, community_id);
  std::vector<std::pair<std::string, bool>> out;
  while (q->executeStep()) {
    out.emplace_back(q->getColumn(0).getString(), q->getColumn(1).getString() == "high");
  }
  return out;
}

std::optional<PostSupport> RisksRepo::post(std::int64_t post_id) {
  Use q(post_);
  q->bind(1, post_id);
  if (!q->executeStep()) return std::nullopt;
  PostSupport s;
  s.post_id = post_id;
  s.risk_as_place = q->getColumn(0).getInt() != 0;
  s.courses = split_lines(q->getColumn(1).getString());
  s.items = split_lines(q->getColumn(2).getString());
  s.meals = q->getColumn(3).getInt() != 0;
  s.transport = q->getColumn(4).getInt() != 0;
  s.insurance = q->getColumn(5).getInt() != 0;
  return s;
}

void RisksRepo::put_post(const PostSupport& s) {
  Use q(put_post_);
  q->bind(1, s.post_id);
  q->bind(2, s.risk_as_place ? 1 : 0);
  q->bind(3, join_lines(s.courses));
  q->bind(4, join_lines(s.items));
  q->exec();
}

void RisksRepo::set_supply(std::int64_t post_id, ShiftSupport what, bool arranged) {
  Use q(what == ShiftSupport::meals       ? set_meals_
        : what == ShiftSupport::transport ? set_transport_
                                          : set_insurance_);
  q->bind(1, post_id);
  q->bind(2, arranged ? 1 : 0);
  q->exec();
}

}  // namespace linli::storage
