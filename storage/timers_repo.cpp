#include "storage/timers_repo.hpp"

namespace linli::storage {

TimersRepo::TimersRepo(Database& db)
    : arm_(db.sql(),
           "INSERT INTO timers (key, due_at, kind, payload) VALUES (?, ?, ?, ?) "
           "ON CONFLICT (key) DO UPDATE SET id = (SELECT IFNULL(MAX(id), 0) + 1 FROM timers), "
           "due_at = excluded.due_at, kind = excluded.kind, payload = excluded.payload, "
           "attempts = 0"),
      arm_once_(db.sql(),
                "INSERT OR IGNORE INTO timers (key, due_at, kind, payload) VALUES (?, ?, ?, ?)"),
      // An upsert whose update does nothing when the timer falls due in time already: SQLite
      // then writes no page at all.
      arm_by_(db.sql(),
              "INSERT INTO timers (key, due_at, kind, payload) VALUES (?, ?, ?, ?) "
              "ON CONFLICT (key) DO UPDATE SET id = (SELECT IFNULL(MAX(id), 0) + 1 FROM timers), "
              "due_at = excluded.due_at, kind = excluded.kind, payload = excluded.payload, "
              "attempts = 0 WHERE excluded.due_at < timers.due_at"),
      disarm_(db.sql(), "DELETE FROM timers WHERE key = ?"),
      take_(db.sql(), "DELETE FROM timers WHERE id = ?"),
      next_(db.sql(), "SELECT MIN(due_at) FROM timers"),
      due_(db.sql(),
           "SELECT id, key, due_at, kind, payload, attempts FROM timers WHERE due_at <= ? "
           "ORDER BY due_at, id LIMIT ?"),
      retry_(db.sql(), "UPDATE timers SET attempts = ?, due_at = ? WHERE id = ?"),
      park_(db.sql(),
            "INSERT INTO parked_timers (key, kind, payload, attempts, error, parked_at) "
            "SELECT key, kind, payload, ?, ?, ? FROM timers WHERE id = ?") {}

namespace {

void bind_timer(SQLite::Statement& q, const Timer& t, std::int64_t due_at) {
  q.bind(1, t.key());
  q.bind(2, due_at);
  q.bind(3, std::string(to_string(t.kind)));
  q.bind(4, t.kind == TimerKind::purge ? std::string() : std::to_string(t.subject));
}

}  // namespace

void TimersRepo::arm(const Timer& timer, std::int64_t due_at) {
  Use q(arm_);
  bind_timer(*q, timer, due_at);
  q->exec();
}

bool TimersRepo::arm_once(const Timer& timer, std::int64_t due_at) {
  Use q(arm_once_);
  bind_timer(*q, timer, due_at);
  return q->exec() == 1;
}

bool TimersRepo::arm_by(const Timer& timer, std::int64_t due_at) {
  Use q(arm_by_);
  bind_timer(*q, timer, due_at);
  return q->exec() == 1;
}

void TimersRepo::disarm(const Timer& timer) {
  Use q(disarm_);
  q->bind(1, timer.key());
  q->exec();
}

bool TimersRepo::take(std::int64_t id) {
  Use q(take_);
  q->bind(1, id);
  return q->exec() == 1;
}

std::optional<std::int64_t> TimersRepo::next_due() {
  Use q(next_);
  q->executeStep();
  if (q->getColumn(0).isNull()) return std::nullopt;
  return q->getColumn(0).getInt64();
}

std::vector<TimerRecord> TimersRepo::due(std::int64_t now, int limit) {
  Use q(due_);
  q->bind(1, now);
  q->bind(2, limit);
  std::vector<TimerRecord> out;
  while (q->executeStep()) {
    out.push_back(TimerRecord{q->getColumn(0).getInt64(), q->getColumn(1).getString(),
                              q->getColumn(2).getInt64(), q->getColumn(3).getString(),
                              q->getColumn(4).getString(), q->getColumn(5).getInt()});
  }
  return out;
}

bool TimersRepo::retry(std::int64_t id, int attempts, std::int64_t retry_at) {
  Use q(retry_);
  q->bind(1, attempts);
  q->bind(2, retry_at);
  q->bind(3, id);
  return q->exec() == 1;
}

bool TimersRepo::park(std::int64_t id, int attempts, const std::string& error, std::int64_t now) {
  {
    Use q(park_);
    q->bind(1, attempts);
    q->bind(2, error);
    q->bind(3, now);
    q->bind(4, id);
    if (q->exec() != 1) return false;
  }
  return take(id);
}

}  // namespace linli::storage
