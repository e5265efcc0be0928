#include "storage/pg/rate_slots_repo.hpp"

#include "storage/rate_slots_repo.hpp"

namespace linli::storage::pg {

// The statement of storage/rate_slots_repo.cpp: SQLite's min/max are LEAST/GREATEST here.
int PgRateSlotsRepo::take(const std::string& key, std::int64_t now, std::int64_t window_ms,
                          int limit, int wanted) {
  auto w = rate_window(now, window_ms, limit, wanted);
  if (!w) return 0;
  Result r = c_.exec(
      "INSERT INTO rate_slots AS s (key, window_start, used, granted) "
      "VALUES ($1, $2, $3, $3) ON CONFLICT (key) DO UPDATE SET "
      "used = CASE WHEN EXCLUDED.window_start > s.window_start THEN EXCLUDED.used "
      "ELSE s.used + LEAST($4::bigint, $5::bigint - s.used) END, "
      "granted = CASE WHEN EXCLUDED.window_start > s.window_start THEN EXCLUDED.used "
      "ELSE LEAST($4::bigint, $5::bigint - s.used) END, "
      "window_start = GREATEST(s.window_start, EXCLUDED.window_start) "
      "WHERE EXCLUDED.window_start > s.window_start OR s.used < $5::bigint "
      "RETURNING granted",
      {key, w->start, w->first, wanted, limit});
  return r.rows() == 0 ? 0 : static_cast<int>(r.integer(0, 0));
}

int PgRateSlotsRepo::purge(std::int64_t before) {
  return static_cast<int>(
      c_.exec("DELETE FROM rate_slots WHERE window_start < $1", {before}).affected());
}

}  // namespace linli::storage::pg
