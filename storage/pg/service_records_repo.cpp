#include "storage/pg/service_records_repo.hpp"

namespace linli::storage::pg {

std::int64_t PgServiceRecordsRepo::add_correction(const HoursCorrection& c) {
  // Never an update: every correction stays, with who made it, why, and what it replaced.
  return c_
      .exec(
          "INSERT INTO hours_corrections (person_id, community_id, day, date, hours_ms, "
          "previous_ms, reason, by_person, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
          "RETURNING id",
          {c.person_id, c.community_id, c.day, c.date, c.hours_ms, c.previous_ms, c.reason, c.by,
           c.at})
      .integer(0, 0);
}

std::vector<HoursCorrection> PgServiceRecordsRepo::corrections(std::int64_t person_id,
                                                               std::int64_t from_day,
                                                               std::int64_t to_day) {
  Result r = c_.exec(
      "SELECT id, person_id, community_id, day, date, hours_ms, previous_ms, reason, by_person, "
      "at FROM hours_corrections WHERE person_id = $1 AND day >= $2 AND day < $3 ORDER BY id",
      {person_id, from_day, to_day});
  std::vector<HoursCorrection> out;
  for (int i = 0; i < r.rows(); ++i) {
    HoursCorrection c;
    c.id = r.integer(i, 0);
    c.person_id = r.integer(i, 1);
    c.community_id = std::string(r.text(i, 2));
    c.day = r.integer(i, 3);
    c.date = std::string(r.text(i, 4));
    c.hours_ms = r.integer(i, 5);
    c.previous_ms = r.integer(i, 6);
    c.reason = std::string(r.text(i, 7));
    c.by = r.integer(i, 8);
    c.at = r.integer(i, 9);
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<std::pair<std::string, int>> PgServiceRecordsRepo::tasks_done(std::int64_t person_id,
                                                                          std::int64_t from,
                                                                          std::int64_t to) {
  // Ties in byte order, as SQLite's BINARY collation sorts them, whatever the database's locale.
  Result r = c_.exec(
      "SELECT category, COUNT(*) FROM help_requests WHERE volunteer_id = $1 AND status = 'done' "
      "AND done_at >= $2 AND done_at < $3 GROUP BY category "
      "ORDER BY COUNT(*) DESC, category COLLATE \"C\"",
      {person_id, from, to});
  std::vector<std::pair<std::string, int>> out;
  for (int i = 0; i < r.rows(); ++i) {
    out.emplace_back(std::string(r.text(i, 0)), static_cast<int>(r.integer(i, 1)));
  }
  return out;
}

}  // namespace linli::storage::pg
