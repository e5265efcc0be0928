#include "storage/pg/events_repo.hpp"

#include "storage/pg/rows.hpp"

namespace linli::storage::pg {

bool PgEventsRepo::record(const std::string& adapter, const std::string& event_id,
                          std::int64_t now) {
  return c_.exec(
               "INSERT INTO processed_events (adapter, event_id, at) VALUES ($1, $2, $3) "
               "ON CONFLICT (adapter, event_id) DO NOTHING",
               {adapter, event_id, now})
             .affected() == 1;
}

int PgEventsRepo::purge(std::int64_t before) {
  no_statement_timeout(c_);
  c_.exec("DELETE FROM event_failures WHERE at < $1 AND parked_at IS NULL", {before});
  return static_cast<int>(
      c_.exec("DELETE FROM processed_events WHERE at < $1", {before}).affected());
}

// The count and the new attempt in one statement: two instances failing at once count two.
int PgEventsRepo::failed(const std::string& adapter, const std::string& event_id,
                         const std::string& error, std::int64_t now) {
  return int32(c_.exec("INSERT INTO event_failures (adapter, event_id, attempts, error, at) "
                       "VALUES ($1, $2, 1, $3, $4) ON CONFLICT (adapter, event_id) DO UPDATE SET "
                       "attempts = event_failures.attempts + 1, error = excluded.error, "
                       "at = excluded.at RETURNING attempts",
                       {adapter, event_id, error, now}),
               0, 0);
}

void PgEventsRepo::park(const std::string& adapter, const std::string& event_id, std::int64_t now) {
  c_.exec("UPDATE event_failures SET parked_at = $1 WHERE adapter = $2 AND event_id = $3",
          {now, adapter, event_id});
  record(adapter, event_id, now);
}

}  // namespace linli::storage::pg
