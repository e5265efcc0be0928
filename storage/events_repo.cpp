#include "storage/events_repo.hpp"

namespace linli::storage {

EventsRepo::EventsRepo(Database& db)
    : insert_(db.sql(),
              "INSERT OR IGNORE INTO processed_events (adapter, event_id, at) VALUES (?, ?, ?)"),
      purge_(db.sql(), "DELETE FROM processed_events WHERE at < ?") {}

bool EventsRepo::record(const std::string& adapter, const std::string& event_id, std::int64_t now) {
  Use q(insert_);
  q->bind(1, adapter);
  q->bind(2, event_id);
  q->bind(3, now);
  return q->exec() == 1;
}

int EventsRepo::purge(std::int64_t before) {
  Use q(purge_);
  q->bind(1, before);
  return q->exec();
}

}  // namespace linli::storage
