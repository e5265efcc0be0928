#include "storage/commendations_repo.hpp"

namespace linli::storage {

CommendationsRepo::CommendationsRepo(Database& db)
    : db_(db),
      insert_(db.sql(),
              "INSERT INTO commendations (community_id, person_id, team, text, by_person, at) "
              "VALUES (:community, NULLIF(:person, 0), :team, :text, :by, :at)"),
      in_period_(db.sql(),
                 "SELECT id, community_id, IFNULL(person_id, 0), team, text, by_person, at "
                 "FROM commendations WHERE community_id = :community AND at >= :from "
                 "AND at < :to ORDER BY at, id") {}

std::int64_t CommendationsRepo::record(const Commendation& c) {
  Use q(insert_);
  q->bind(":community", c.community_id);
  q->bind(":person", c.person_id);
  q->bind(":team", c.team);
  q->bind(":text", c.text);
  q->bind(":by", c.by);
  q->bind(":at", c.at);
  q->exec();
  return db_.sql().getLastInsertRowid();
}

std::vector<Commendation> CommendationsRepo::in_period(const std::string& community_id,
                                                       std::int64_t from, std::int64_t to) {
  Use q(in_period_);
  q->bind(":community", community_id);
  q->bind(":from", from);
  q->bind(":to", to);
  std::vector<Commendation> out;
  while (q->executeStep()) {
    out.push_back(Commendation{q->getColumn(0).getInt64(), q->getColumn(1).getString(),
                               q->getColumn(2).getInt64(), q->getColumn(3).getString(),
                               q->getColumn(4).getString(), q->getColumn(5).getInt64(),
                               q->getColumn(6).getInt64()});
  }
  return out;
}

}  // namespace linli::storage
