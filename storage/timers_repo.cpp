#include "storage/timers_repo.hpp"

namespace linli::storage {

TimersRepo::TimersRepo(Database& db)
    : arm_(db.sql(),
           "INSERT INTO timers (key, due_at, kind, payload) VALUES (?, ?, ?, ?) "
           "ON CONFLICT (key) DO UPDATE SET id = (SELECT IFNULL(MAX(id), 0) + 1 FROM timers), "
           "due_at = excluded.due_at, kind = excluded.kind, payload = excluded.payload"),
      arm_once_(db.sql(),
                "INSERT OR IGNORE INTO timers (key, due_at, kind, payload) VALUES (?, ?, ?, ?)"),
      disarm_(db.sql(), "DELETE FROM timers WHERE key = ?"),
      take_(db.sql(), "DELETE FROM timers WHERE id = ?"),
      next_(db.sql(), "SELECT MIN(due_at) FROM timers"),
      due_(db.sql(),
           "SELECT id, key, due_at, kind, payload FROM timers WHERE due_at <= ? "
           "ORDER BY due_at, id LIMIT ?") {}

void TimersRepo::arm(const std::string& key, std::int64_t due_at, const std::string& kind,
                     const std::string& payload) {
  Use q(arm_);
  q->bind(1, key);
  q->bind(2, due_at);
  q->bind(3, kind);
  q->bind(4, payload);
  q->exec();
}

bool TimersRepo::arm_once(const std::string& key, std::int64_t due_at, const std::string& kind,
                          const std::string& payload) {
  Use q(arm_once_);
  q->bind(1, key);
  q->bind(2, due_at);
  q->bind(3, kind);
  q->bind(4, payload);
  return q->exec() == 1;
}

void TimersRepo::disarm(const std::string& key) {
  Use q(disarm_);
  q->bind(1, key);
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
                              q->getColumn(4).getString()});
  }
  return out;
}

}  // namespace linli::storage
