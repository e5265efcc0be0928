#include "storage/pg/roster_repo.hpp"

#include <algorithm>
#include <utility>

#include "storage/pg/rows.hpp"
#include "storage/roster_repo.hpp"

namespace linli::storage::pg {
namespace {

constexpr const char* kColumns = "post_id, person_id, status, confirmed, joined_at, reminded_at";

std::vector<RosterEntry> entries(const Result& r) {
  std::vector<RosterEntry> out;
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back(RosterEntry{r.integer(i, 0), r.integer(i, 1), roster_status(str(r, i, 2)),
                              flag(r, i, 3), r.integer(i, 4), r.integer(i, 5)});
  }
  return out;
}

std::optional<RosterEntry> first(std::vector<RosterEntry> v) {
  if (v.empty()) return std::nullopt;
  return v.front();
}

}  // namespace

std::optional<RosterEntry> PgRosterRepo::get(std::int64_t post_id, std::int64_t person_id) {
  return first(entries(c_.exec(
      std::string("SELECT ") + kColumns + " FROM roster WHERE post_id = $1 AND person_id = $2",
      {post_id, person_id})));
}

bool PgRosterRepo::take(std::int64_t post_id, std::int64_t person_id, RosterStatus status,
                        int headcount, std::int64_t now) {
  return c_.exec(
               "INSERT INTO roster (post_id, person_id, status, confirmed, joined_at, seq) "
               "SELECT $1::bigint, $2::bigint, $3::text, 0, $4::bigint, "
               "(SELECT coalesce(max(seq), 0) + 1 FROM roster WHERE post_id = $1::bigint) "
               "WHERE (SELECT count(*) FROM roster WHERE post_id = $1::bigint AND "
               "person_id <> $2::bigint AND status IN ('taken', 'held')) < $5::bigint "
               "ON CONFLICT (post_id, person_id) DO UPDATE SET status = excluded.status, "
               "confirmed = 0, reminded_at = 0, joined_at = excluded.joined_at, seq = excluded.seq",
               {post_id, person_id, to_string(status), now, headcount})
             .affected() == 1;
}

int PgRosterRepo::wait(std::int64_t post_id, std::int64_t person_id, std::int64_t now) {
  c_.exec(
      "INSERT INTO roster (post_id, person_id, status, confirmed, joined_at, seq) VALUES "
      "($1, $2, 'waiting', 0, $3, (SELECT coalesce(max(seq), 0) + 1 FROM roster "
      "WHERE post_id = $1)) "
      "ON CONFLICT (post_id, person_id) DO UPDATE SET status = 'waiting', confirmed = 0, "
      "reminded_at = 0, joined_at = excluded.joined_at, seq = excluded.seq",
      {post_id, person_id, now});
  return int32(c_.exec("SELECT count(*) FROM roster WHERE post_id = $1 AND status = 'waiting' "
                       "AND seq <= (SELECT seq FROM roster WHERE post_id = $1 AND person_id = $2)",
                       {post_id, person_id}),
               0, 0);
}

bool PgRosterRepo::move_up(std::int64_t post_id, std::int64_t person_id, RosterStatus to,
                           int headcount) {
  return c_.exec(
               "UPDATE roster SET status = $1 WHERE post_id = $2 AND person_id = $3 "
               "AND status = 'waiting' AND (SELECT count(*) FROM roster WHERE post_id = $2 "
               "AND status IN ('taken', 'held')) < $4::bigint",
               {to_string(to), post_id, person_id, headcount})
             .affected() == 1;
}

// As on SQLite: who is beyond the headcount and where they go are read once, in the statement
// that moves them (a data-modifying statement's WITH queries all see the same snapshot).
std::vector<RosterEntry> PgRosterRepo::shrink(std::int64_t post_id, int headcount) {
  Result r = c_.exec(
      "WITH moved AS (SELECT person_id, row_number() OVER (ORDER BY joined_at, seq) AS k, "
      "count(*) OVER () AS n FROM (SELECT person_id, joined_at, seq FROM roster "
      "WHERE post_id = $1 AND status IN ('taken', 'held') ORDER BY joined_at, seq "
      "OFFSET $2) AS beyond), "
      "lowest AS (SELECT min(seq) AS lo FROM roster WHERE post_id = $1) "
      "UPDATE roster SET status = 'waiting', confirmed = 0, reminded_at = 0, "
      "seq = (SELECT lo FROM lowest) - 1 - moved.n + moved.k FROM moved "
      "WHERE roster.post_id = $1 AND roster.person_id = moved.person_id "
      "RETURNING roster.post_id, roster.person_id, roster.status, roster.confirmed, "
      "roster.joined_at, roster.reminded_at, roster.seq",
      {post_id, headcount});
  // RETURNING gives the rows in no promised order: sorted here by their new place in line.
  std::vector<std::pair<std::int64_t, RosterEntry>> moved;
  auto rows = entries(r);
  for (int i = 0; i < r.rows(); ++i) moved.emplace_back(r.integer(i, 6), rows[i]);
  std::sort(moved.begin(), moved.end(), [](auto& a, auto& b) { return a.first < b.first; });
  std::vector<RosterEntry> out;
  for (auto& m : moved) out.push_back(m.second);
  return out;
}

bool PgRosterRepo::move(std::int64_t post_id, std::int64_t person_id, RosterStatus from,
                        RosterStatus to) {
  return c_.exec(
               "UPDATE roster SET status = $1 WHERE post_id = $2 AND person_id = $3 AND "
               "status = $4",
               {to_string(to), post_id, person_id, to_string(from)})
             .affected() == 1;
}

void PgRosterRepo::confirm(std::int64_t post_id, std::int64_t person_id) {
  c_.exec("UPDATE roster SET confirmed = 1 WHERE post_id = $1 AND person_id = $2",
          {post_id, person_id});
}

void PgRosterRepo::reminded(std::int64_t post_id, std::int64_t person_id, std::int64_t at) {
  c_.exec("UPDATE roster SET reminded_at = $1 WHERE post_id = $2 AND person_id = $3",
          {at, post_id, person_id});
}

RosterCounts PgRosterRepo::counts(std::int64_t post_id) {
  Result r = c_.exec(
      "SELECT count(*) FILTER (WHERE status = 'taken'), count(*) FILTER (WHERE status = 'held'), "
      "count(*) FILTER (WHERE status = 'waiting') FROM roster WHERE post_id = $1",
      {post_id});
  return RosterCounts{int32(r, 0, 0), int32(r, 0, 1), int32(r, 0, 2)};
}

std::vector<RosterEntry> PgRosterRepo::of_post(std::int64_t post_id, RosterStatus status) {
  return entries(c_.exec(std::string("SELECT ") + kColumns +
                             " FROM roster WHERE post_id = $1 AND status = $2 ORDER BY seq",
                         {post_id, to_string(status)}));
}

std::optional<RosterEntry> PgRosterRepo::first_waiting(std::int64_t post_id) {
  return first(entries(c_.exec(std::string("SELECT ") + kColumns +
                                   " FROM roster WHERE post_id = $1 AND status = 'waiting' "
                                   "ORDER BY seq LIMIT 1",
                               {post_id})));
}

std::vector<RosterEntry> PgRosterRepo::of_person(std::int64_t person_id) {
  return entries(c_.exec(std::string("SELECT ") + kColumns +
                             " FROM roster WHERE person_id = $1 AND status <> 'gone' "
                             "ORDER BY joined_at DESC LIMIT 20",
                         {person_id}));
}

}  // namespace linli::storage::pg
