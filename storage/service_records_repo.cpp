#include "storage/service_records_repo.hpp"

namespace linli::storage {

ServiceRecordsRepo::ServiceRecordsRepo(Database& db)
    : db_(db),
      insert_(db.sql(),
              "INSERT INTO hours_corrections (person_id, community_id, day, date, hours_ms, "
              "previous_ms, reason, by_person, at) VALUES (:person, :community, :day, :date, "
              ":hours, :previous, :reason, :by, :at)"),
      corrections_(db.sql(),
                   "SELECT id, person_id, community_id, day, date, hours_ms, previous_ms, reason, "
                   "by_person, at FROM hours_corrections WHERE person_id = :person AND day >= "
                   ":from AND day < :to ORDER BY id"),
      tasks_done_(db.sql(),
                  "SELECT category, COUNT(*) FROM help_requests WHERE volunteer_id = :person AND "
                  "status = 'done' AND done_at >= :from AND done_at < :to GROUP BY category "
                  "ORDER BY COUNT(*) DESC, category") {}

std::int64_t ServiceRecordsRepo::add_correction(const HoursCorrection& c) {
  Use q(insert_);
  q->bind(":person", c.person_id);
  q->bind(":community", c.community_id);
  q->bind(":day", c.day);
  q->bind(":date", c.date);
  q->bind(":hours", c.hours_ms);
  q->bind(":previous", c.previous_ms);
  q->bind(":reason", c.reason);
  q->bind(":by", c.by);
  q->bind(":at", c.at);
  q->exec();
  return db_.sql().getLastInsertRowid();
}

std::vector<HoursCorrection> ServiceRecordsRepo::corrections(std::int64_t person_id,
                                                             std::int64_t from_day,
                                                             std::int64_t to_day) {
  Use q(corrections_);
  q->bind(":person", person_id);
  q->bind(":from", from_day);
  q->bind(":to", to_day);
  std::vector<HoursCorrection> out;
  while (q->executeStep()) {
    HoursCorrection c;
    c.id = q->getColumn(0).getInt64();
    c.person_id = q->getColumn(1).getInt64();
    c.community_id = q->getColumn(2).getString();
    c.day = q->getColumn(3).getInt64();
    c.date = q->getColumn(4).getString();
    c.hours_ms = q->getColumn(5).getInt64();
    c.previous_ms = q->getColumn(6).getInt64();
    c.reason = q->getColumn(7).getString();
    c.by = q->getColumn(8).getInt64();
    c.at = q->getColumn(9).getInt64();
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<std::pair<std::string, int>> ServiceRecordsRepo::tasks_done(std::int64_t person_id,
                                                                        std::int64_t from,
                                                                        std::int64_t to) {
  Use q(tasks_done_);
  q->bind(":person", person_id);
  q->bind(":from", from);
  q->bind(":to", to);
  std::vector<std::pair<std::string, int>> out;
  while (q->executeStep()) out.emplace_back(q->getColumn(0).getString(), q->getColumn(1).getInt());
  return out;
}

}  // namespace linli::storage
