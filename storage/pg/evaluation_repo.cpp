#include "storage/pg/evaluation_repo.hpp"

#include "storage/help_requests_repo.hpp"

namespace linli::storage::pg {

std::vector<Rating> PgEvaluationRepo::ratings(const std::string& community_id, std::int64_t from,
                                              std::int64_t to) {
  // The shift a volunteer was on when they finished a request says for which post and team they
  // served it; of two that touch the moment (out at 10:00, in again at 10:00), the later.
  Result r = c_.exec(
      "SELECT r.id, r.volunteer_id, r.rating, COALESCE(r.comment, ''), COALESCE(s.post_id, 0), "
      "COALESCE(p.team, ''), r.done_at FROM help_requests r "
      "LEFT JOIN shifts s ON s.id = (SELECT s2.id FROM shifts s2 "
      "  WHERE s2.person_id = r.volunteer_id AND s2.community_id = r.community_id "
      "  AND s2.checkin_at <= r.done_at "
      "  AND (s2.checkout_at IS NULL OR s2.checkout_at >= r.done_at) "
      "  ORDER BY s2.checkin_at DESC, s2.id DESC LIMIT 1) "
      "LEFT JOIN posts p ON p.id = s.post_id "
      "WHERE r.community_id = $1 AND r.status = 'done' AND r.rating IS NOT NULL "
      "AND r.done_at >= $2 AND r.done_at < $3 ORDER BY r.done_at, r.id",
      {community_id, from, to});
  std::vector<Rating> out;
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back(Rating{r.integer(i, 0), r.integer(i, 1), static_cast<int>(r.integer(i, 2)),
                         std::string(r.text(i, 3)), r.integer(i, 4), std::string(r.text(i, 5)),
                         r.integer(i, 6)});
  }
  return out;
}

RatingSum PgEvaluationRepo::satisfaction(const std::string& community_id, int low) {
  // SQLite sums a comparison (rating <= low is 0 or 1); PostgreSQL's is a boolean, cast to
  // count. SQLite's INDEXED BY has no counterpart: the planner picks help_requests_rated.
  Result r = c_.exec(
      "SELECT COUNT(*), COALESCE(SUM(rating), 0)::bigint, "
      "COALESCE(SUM((rating <= $2::bigint)::int), 0)::bigint FROM help_requests "
      "WHERE community_id = $1 AND status = 'done' AND rating IS NOT NULL",
      {community_id, low});
  RatingSum out;
  out.count = static_cast<int>(r.integer(0, 0));
  out.sum = static_cast<int>(r.integer(0, 1));
  out.low = static_cast<int>(r.integer(0, 2));
  return out;
}

RatingSum PgEvaluationRepo::volunteer_ratings(const std::string& community_id,
                                              std::int64_t volunteer_id, int low, int latest) {
  if (latest < 1) latest = 1;  // the sums come with the rows: at least one
  // Summed over all of the volunteer's rows by the window, only the latest returned.
  Result r = c_.exec(
      "SELECT id, rating, COALESCE(comment, ''), done_at, COUNT(*) OVER (), "
      "SUM(rating) OVER ()::bigint, SUM((rating <= $3::bigint)::int) OVER ()::bigint "
      "FROM help_requests WHERE volunteer_id = $1 AND status = 'done' AND rating IS NOT NULL "
      "AND community_id = $2 ORDER BY done_at DESC, id DESC LIMIT $4",
      {volunteer_id, community_id, low, latest});
  RatingSum out;
  for (int i = 0; i < r.rows(); ++i) {
    Rating rating;
    rating.request_id = r.integer(i, 0);
    rating.volunteer_id = volunteer_id;
    rating.rating = static_cast<int>(r.integer(i, 1));
    rating.comment = std::string(r.text(i, 2));
    rating.done_at = r.integer(i, 3);
    out.count = static_cast<int>(r.integer(i, 4));
    out.sum = static_cast<int>(r.integer(i, 5));
    out.low = static_cast<int>(r.integer(i, 6));
    out.latest.push_back(std::move(rating));
  }
  return out;
}

std::vector<RequestFacts> PgEvaluationRepo::requests(const std::string& community_id,
                                                     std::int64_t from, std::int64_t to) {
  Result r = c_.exec(
      "SELECT id, category, status, unmet, created_at, COALESCE(claimed_at, 0), "
      "COALESCE(done_at, 0), COALESCE(rating, 0) FROM help_requests "
      "WHERE community_id = $1 AND created_at >= $2 AND created_at < $3 ORDER BY created_at, id",
      {community_id, from, to});
  std::vector<RequestFacts> out;
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back(RequestFacts{r.integer(i, 0), std::string(r.text(i, 1)),
                               request_status(std::string(r.text(i, 2))), r.integer(i, 3) != 0,
                               r.integer(i, 4), r.integer(i, 5), r.integer(i, 6),
                               static_cast<int>(r.integer(i, 7))});
  }
  return out;
}

std::vector<Served> PgEvaluationRepo::served(const std::string& community_id, std::int64_t from,
                                             std::int64_t to) {
  // Shifts cut at the period's ends, summed by person and post. SQLite lets the post's team be
  // a bare column of the group; PostgreSQL needs it grouped, which changes no group (a post has
  // one team).
  Result r = c_.exec(
      "SELECT s.person_id, COALESCE(s.post_id, 0), COALESCE(p.team, ''), "
      "SUM(GREATEST(0, LEAST(COALESCE(s.checkout_at, $3::bigint), $3::bigint) - "
      "GREATEST(s.checkin_at, $2::bigint)))::bigint "
      "FROM shifts s LEFT JOIN posts p ON p.id = s.post_id "
      "WHERE s.community_id = $1 AND s.checkin_at < $3::bigint "
      "AND (s.checkout_at IS NULL OR s.checkout_at > $2::bigint) "
      "GROUP BY s.person_id, COALESCE(s.post_id, 0), p.team ORDER BY s.person_id, 2",
      {community_id, from, to});
  std::vector<Served> out;
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back(
        Served{r.integer(i, 0), r.integer(i, 1), std::string(r.text(i, 2)), r.integer(i, 3)});
  }
  return out;
}

// The trips that were served (accepted, started or done), counted by when they were scheduled.
int PgEvaluationRepo::trips(const std::string& community_id, std::int64_t from, std::int64_t to) {
  return static_cast<int>(c_.exec("SELECT COUNT(*) FROM trips WHERE community_id = $1 "
                                  "AND status IN ('accepted', 'started', 'done') "
                                  "AND scheduled_at >= $2 AND scheduled_at < $3",
                                  {community_id, from, to})
                              .integer(0, 0));
}

}  // namespace linli::storage::pg
