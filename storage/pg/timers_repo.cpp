#include "storage/pg/timers_repo.hpp"

#include "storage/pg/rows.hpp"

namespace linli::storage::pg {
namespace {

// Re-armed, a timer takes a new id (SQLite's MAX(id) + 1 is the sequence's next value here).
constexpr const char* kRearm =
    " ON CONFLICT (key) DO UPDATE SET id = nextval(pg_get_serial_sequence('timers', 'id')), "
    "due_at = excluded.due_at, kind = excluded.kind, payload = excluded.payload, attempts = 0";

}  // namespace

Result PgTimersRepo::upsert(const char* tail, const Timer& timer, std::int64_t due_at) {
  return c_.exec(
      std::string("INSERT INTO timers (key, due_at, kind, payload) VALUES ($1, $2, $3, $4)") + tail,
      {timer.key(), due_at, to_string(timer.kind),
       timer.kind == TimerKind::purge ? std::string() : std::to_string(timer.subject)});
}

void PgTimersRepo::arm(const Timer& timer, std::int64_t due_at) {
  upsert(kRearm, timer, due_at);
}

bool PgTimersRepo::arm_once(const Timer& timer, std::int64_t due_at) {
  return upsert(" ON CONFLICT (key) DO NOTHING", timer, due_at).affected() == 1;
}

// An upsert whose update does nothing when the timer falls due in time already.
bool PgTimersRepo::arm_by(const Timer& timer, std::int64_t due_at) {
  return upsert((std::string(kRearm) + " WHERE excluded.due_at < timers.due_at").c_str(), timer,
                due_at)
             .affected() == 1;
}

void PgTimersRepo::disarm(const Timer& timer) {
  c_.exec("DELETE FROM timers WHERE key = $1", {timer.key()});
}

bool PgTimersRepo::take(std::int64_t id) {
  return c_.exec("DELETE FROM timers WHERE id = $1", {id}).affected() == 1;
}

std::optional<std::int64_t> PgTimersRepo::next_due() {
  Result r = c_.exec("SELECT min(due_at) FROM timers");
  if (r.is_null(0, 0)) return std::nullopt;
  return r.integer(0, 0);
}

std::vector<TimerRecord> PgTimersRepo::due(std::int64_t now, int limit) {
  Result r = c_.exec(
      "SELECT id, key, due_at, kind, payload, attempts FROM timers WHERE due_at <= $1 "
      "ORDER BY due_at, id LIMIT $2",
      {now, limit});
  std::vector<TimerRecord> out;
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back(TimerRecord{r.integer(i, 0), str(r, i, 1), r.integer(i, 2), str(r, i, 3),
                              str(r, i, 4), int32(r, i, 5)});
  }
  return out;
}

bool PgTimersRepo::retry(std::int64_t id, int attempts, std::int64_t retry_at) {
  return c_.exec("UPDATE timers SET attempts = $1, due_at = $2 WHERE id = $3",
                 {attempts, retry_at, id})
             .affected() == 1;
}

// Moved in one statement: the row deleted is the row parked, or neither.
bool PgTimersRepo::park(std::int64_t id, int attempts, const std::string& error, std::int64_t now) {
  return c_.exec(
               "WITH gone AS (DELETE FROM timers WHERE id = $4 RETURNING key, kind, payload) "
               "INSERT INTO parked_timers (key, kind, payload, attempts, error, parked_at) "
               "SELECT key, kind, payload, $1, $2, $3 FROM gone",
               {attempts, error, now, id})
             .affected() == 1;
}

}  // namespace linli::storage::pg
