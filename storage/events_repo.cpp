#include "storage/events_repo.hpp"

namespace linli::storage {

EventsRepo::EventsRepo(Database& db)
    : insert_(db.sql(),
              "INSERT OR IGNORE INTO processed_events (adapter, event_id, at) VALUES (?, ?, ?)"),
      purge_(db.sql(), "DELETE FROM processed_events WHERE at < ?"),
      purge_failures_(db.sql(), "DELETE FROM event_failures WHERE at < ? AND parked_at IS NULL"),
      fail_(db.sql(),
            "INSERT INTO event_failures (adapter, event_id, attempts, error, at) "
            "VALUES (?, ?, 1, ?, ?) ON CONFLICT (adapter, event_id) DO UPDATE SET "
            "attempts = attempts + 1, error = excluded.error, at = excluded.at"),
      attempts_(db.sql(), "SELECT attempts FROM event_failures WHERE adapter = ? AND event_id = ?"),
      park_(db.sql(),
            "UPDATE event_failures SET parked_at = ? WHERE adapter = ? AND event_id = ?") {}

bool EventsRepo::record(const std::string& adapter, const std::string& event_id, std::int64_t now) {
  Use q(insert_);
  q->bind(1, adapter);
  q->bind(2, event_id);
  q->bind(3, now);
  return q->exec() == 1;
}

int EventsRepo::purge(std::int64_t before) {
  {
    Use q(purge_failures_);
    q->bind(1, before);
    q->exec();
  }
  Use q(purge_);
  q->bind(1, before);
  return q->exec();
}

int EventsRepo::failed(const std::string& adapter, const std::string& event_id,
                       const std::string& error, std::int64_t now) {
  {
    Use q(fail_);
    q->bind(1, adapter);
    q->bind(2, event_id);
    q->bind(3, error);
    q->bind(4, now);
    q->exec();
  }
  Use q(attempts_);
  q->bind(1, adapter);
  q->bind(2, event_id);
  q->executeStep();
  return q->getColumn(0).getInt();
}

void EventsRepo::park(const std::string& adapter, const std::string& event_id, std::int64_t now) {
  {
    Use q(park_);
    q->bind(1, now);
    q->bind(2, adapter);
    q->bind(3, event_id);
    q->exec();
  }
  record(adapter, event_id, now);
}

}  // namespace linli::storage
