#include "storage/rate_slots_repo.hpp"

#include <algorithm>

namespace linli::storage {

std::optional<RateWindow> rate_window(std::int64_t now, std::int64_t window_ms, int limit,
                                      int wanted) {
  if (window_ms <= 0 || limit <= 0 || wanted <= 0) return std::nullopt;
  // Floor division, also for a time before the epoch (tests use small times).
  std::int64_t start = now - now % window_ms;
  if (now % window_ms < 0) start -= window_ms;
  return RateWindow{start, std::min(wanted, limit)};
}

// One upsert: a key's first take, a take in a newer window (the row starts over), or a take in
// the current window, granting what is left of the limit up to `wanted`; when nothing is left
// the WHERE keeps the row as it is and nothing is returned. Every SET reads the row as it was.
// A take from an instance whose clock is a little behind (an older window) counts in the
// current one: windows never go back.
RateSlotsRepo::RateSlotsRepo(Database& db)
    : take_(db.sql(),
            "INSERT INTO rate_slots (key, window_start, used, granted) "
            "VALUES (:key, :start, :first, :first) ON CONFLICT (key) DO UPDATE SET "
            "used = CASE WHEN excluded.window_start > window_start THEN excluded.used "
            "ELSE used + min(:wanted, :limit - used) END, "
            "granted = CASE WHEN excluded.window_start > window_start THEN excluded.used "
            "ELSE min(:wanted, :limit - used) END, "
            "window_start = max(window_start, excluded.window_start) "
            "WHERE excluded.window_start > window_start OR used < :limit "
            "RETURNING granted"),
      purge_(db.sql(), "DELETE FROM rate_slots WHERE window_start < ?") {}

int RateSlotsRepo::take(const std::string& key, std::int64_t now, std::int64_t window_ms, int limit,
                        int wanted) {
  auto w = rate_window(now, window_ms, limit, wanted);
  if (!w) return 0;
  Use q(take_);
  q->bind(":key", key);
  q->bind(":start", w->start);
  q->bind(":first", w->first);
  q->bind(":wanted", wanted);
  q->bind(":limit", limit);
  // The upsert is done by the first step (SQLite writes, then returns the row).
  return q->executeStep() ? q->getColumn(0).getInt() : 0;
}

int RateSlotsRepo::purge(std::int64_t before) {
  Use q(purge_);
  q->bind(1, before);
  return q->exec();
}

}  // namespace linli::storage
