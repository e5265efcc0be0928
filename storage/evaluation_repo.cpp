#include "storage/evaluation_repo.hpp"

#include "storage/help_requests_repo.hpp"

namespace linli::storage {

EvaluationRepo::EvaluationRepo(Database& db)
    // The shift a volunteer was on when they finished a request says for which post and team
    // they served it; of two that touch the moment (out at 10:00, in again at 10:00), the later.
    : ratings_(db.sql(),
               "SELECT r.id, r.volunteer_id, r.rating, IFNULL(r.comment, ''), "
               "IFNULL(s.post_id, 0), IFNULL(p.team, ''), r.done_at "
               "FROM help_requests r "
               "LEFT JOIN shifts s ON s.id = (SELECT s2.id FROM shifts s2 "
               "  WHERE s2.person_id = r.volunteer_id AND s2.community_id = r.community_id "
               "  AND s2.checkin_at <= r.done_at "
               "  AND (s2.checkout_at IS NULL OR s2.checkout_at >= r.done_at) "
               "  ORDER BY s2.checkin_at DESC LIMIT 1) "
               "LEFT JOIN posts p ON p.id = s.post_id "
               "WHERE r.community_id = :community AND r.status = 'done' AND r.rating IS NOT NULL "
               "AND r.done_at >= :from AND r.done_at < :to "
               "ORDER BY r.done_at, r.id"),
      // The sums in the statement, from the index that holds the community's ratings: /stats
      // reads no comment and no shift, whatever the community's history.
      satisfaction_(db.sql(),
                    "SELECT COUNT(*), IFNULL(SUM(rating), 0), IFNULL(SUM(rating <= :low), 0) "
                    "FROM help_requests INDEXED BY help_requests_rated "
                    "WHERE community_id = :community AND status = 'done' AND rating IS NOT NULL"),
      // One volunteer's own rows, summed over all of them by the window and only the latest
      // returned. Named, because the community's index would give the order for free and the
      // planner takes it: it then reads every rating of the community to find theirs.
      volunteer_(db.sql(),
                 "SELECT id, rating, IFNULL(comment, ''), done_at, COUNT(*) OVER (), "
                 "SUM(rating) OVER (), SUM(rating <= :low) OVER () "
                 "FROM help_requests INDEXED BY help_requests_done_by "
                 "WHERE volunteer_id = :volunteer AND status = 'done' AND rating IS NOT NULL "
                 "AND community_id = :community ORDER BY done_at DESC, id DESC LIMIT :latest"),
      requests_(db.sql(),
                "SELECT id, category, status, unmet, created_at, IFNULL(claimed_at, 0), "
                "IFNULL(done_at, 0), IFNULL(rating, 0) FROM help_requests "
                "WHERE community_id = :community AND created_at >= :from AND created_at < :to "
                "ORDER BY created_at, id"),
      served_(db.sql(),
              "SELECT s.person_id, IFNULL(s.post_id, 0), IFNULL(p.team, ''), "
              "SUM(MAX(0, MIN(IFNULL(s.checkout_at, :to), :to) - MAX(s.checkin_at, :from))) "
              "FROM shifts s LEFT JOIN posts p ON p.id = s.post_id "
              "WHERE s.community_id = :community AND s.checkin_at < :to "
              "AND (s.checkout_at IS NULL OR s.checkout_at > :from) "
              "GROUP BY s.person_id, IFNULL(s.post_id, 0) ORDER BY s.person_id, 2"),
      trips_(db.sql(),
             "SELECT COUNT(*) FROM trips WHERE community_id = :community "
             "AND status IN ('accepted', 'started', 'done') "
             "AND scheduled_at >= :from AND scheduled_at < :to") {}

std::vector<Rating> EvaluationRepo::ratings(const std::string& community_id, std::int64_t from,
                                            std::int64_t to) {
  Use q(ratings_);
  q->bind(":community", community_id);
  q->bind(":from", from);
  q->bind(":to", to);
  std::vector<Rating> out;
  while (q->executeStep()) {
    out.push_back(Rating{q->getColumn(0).getInt64(), q->getColumn(1).getInt64(),
                         q->getColumn(2).getInt(), q->getColumn(3).getString(),
                         q->getColumn(4).getInt64(), q->getColumn(5).getString(),
                         q->getColumn(6).getInt64()});
  }
  return out;
}

RatingSum EvaluationRepo::satisfaction(const std::string& community_id, int low) {
  Use q(satisfaction_);
  q->bind(":community", community_id);
  q->bind(":low", low);
  RatingSum out;
  if (q->executeStep()) {
    out.count = q->getColumn(0).getInt();
    out.sum = q->getColumn(1).getInt();
    out.low = q->getColumn(2).getInt();
  }
  return out;
}

RatingSum EvaluationRepo::volunteer_ratings(const std::string& community_id,
                                            std::int64_t volunteer_id, int low, int latest) {
  RatingSum out;
  if (latest < 1) latest = 1;  // the sums come with the rows: at least one
  Use q(volunteer_);
  q->bind(":volunteer", volunteer_id);
  q->bind(":community", community_id);
  q->bind(":low", low);
  q->bind(":latest", latest);
  while (q->executeStep()) {
    Rating r;
    r.request_id = q->getColumn(0).getInt64();
    r.volunteer_id = volunteer_id;
    r.rating = q->getColumn(1).getInt();
    r.comment = q->getColumn(2).getString();
    r.done_at = q->getColumn(3).getInt64();
    out.count = q->getColumn(4).getInt();
    out.sum = q->getColumn(5).getInt();
    out.low = q->getColumn(6).getInt();
    out.latest.push_back(std::move(r));
  }
  return out;
}

std::vector<RequestFacts> EvaluationRepo::requests(const std::string& community_id,
                                                   std::int64_t from, std::int64_t to) {
  Use q(requests_);
  q->bind(":community", community_id);
  q->bind(":from", from);
  q->bind(":to", to);
  std::vector<RequestFacts> out;
  while (q->executeStep()) {
    out.push_back(RequestFacts{q->getColumn(0).getInt64(), q->getColumn(1).getString(),
                               request_status(q->getColumn(2).getString()),
                               q->getColumn(3).getInt() != 0, q->getColumn(4).getInt64(),
                               q->getColumn(5).getInt64(), q->getColumn(6).getInt64(),
                               q->getColumn(7).getInt()});
  }
  return out;
}

std::vector<Served> EvaluationRepo::served(const std::string& community_id, std::int64_t from,
                                           std::int64_t to) {
  Use q(served_);
  q->bind(":community", community_id);
  q->bind(":from", from);
  q->bind(":to", to);
  std::vector<Served> out;
  while (q->executeStep()) {
    out.push_back(Served{q->getColumn(0).getInt64(), q->getColumn(1).getInt64(),
                         q->getColumn(2).getString(), q->getColumn(3).getInt64()});
  }
  return out;
}

// The trips that were served (accepted, started or done; not those offered to nobody willing, nor
// cancelled), counted by when they were scheduled.
int EvaluationRepo::trips(const std::string& community_id, std::int64_t from, std::int64_t to) {
  Use q(trips_);
  q->bind(":community", community_id);
  q->bind(":from", from);
  q->bind(":to", to);
  return q->executeStep() ? q->getColumn(0).getInt() : 0;
}

}  // namespace linli::storage
