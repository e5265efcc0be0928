#include "storage/roster_repo.hpp"

#include <algorithm>
#include <utility>

namespace linli::storage {
namespace {
constexpr const char* kColumns = "post_id, person_id, status, confirmed, joined_at, reminded_at";
}  // namespace

RosterStatus roster_status(const std::string& s) {
  if (s == "held") return RosterStatus::held;
  if (s == "waiting") return RosterStatus::waiting;
  if (s == "gone") return RosterStatus::gone;
  return RosterStatus::taken;
}

std::string to_string(RosterStatus s) {
  switch (s) {
    case RosterStatus::taken:
      return "taken";
    case RosterStatus::held:
      return "held";
    case RosterStatus::waiting:
      return "waiting";
    case RosterStatus::gone:
      return "gone";
  }
  return "gone";
}

RosterRepo::RosterRepo(Database& db)
    : get_(db.sql(),
           std::string("SELECT ") + kColumns + " FROM roster WHERE post_id = ? AND person_id = ?"),
      // The headcount is kept here, in the statement that takes the place: the count and the
      // insert are one statement, so no interleaving of instances can put N+1 people on N
      // places (PostgreSQL will lock the post's row for the same effect).
      take_(db.sql(),
            "INSERT INTO roster (post_id, person_id, status, confirmed, joined_at, seq) "
            "SELECT ?1, ?2, ?3, 0, ?4, (SELECT IFNULL(MAX(seq), 0) + 1 FROM roster "
            "WHERE post_id = ?1) "
            "WHERE (SELECT COUNT(*) FROM roster WHERE post_id = ?1 AND person_id <> ?2 "
            "AND status IN ('taken', 'held')) < ?5 "
            "ON CONFLICT (post_id, person_id) DO UPDATE SET status = excluded.status, "
            "confirmed = 0, reminded_at = 0, joined_at = excluded.joined_at, seq = excluded.seq"),
      wait_(db.sql(),
            "INSERT INTO roster (post_id, person_id, status, confirmed, joined_at, seq) VALUES "
            "(?1, ?2, 'waiting', 0, ?3, (SELECT IFNULL(MAX(seq), 0) + 1 FROM roster "
            "WHERE post_id = ?1)) "
            "ON CONFLICT (post_id, person_id) DO UPDATE SET status = 'waiting', confirmed = 0, "
            "reminded_at = 0, joined_at = excluded.joined_at, seq = excluded.seq"),
      position_(db.sql(),
                "SELECT COUNT(*) FROM roster WHERE post_id = ?1 AND status = 'waiting' AND seq <= "
                "(SELECT seq FROM roster WHERE post_id = ?1 AND person_id = ?2)"),
      move_up_(db.sql(),
               "UPDATE roster SET status = ?1 WHERE post_id = ?2 AND person_id = ?3 "
               "AND status = 'waiting' AND (SELECT COUNT(*) FROM roster WHERE post_id = ?2 "
               "AND status IN ('taken', 'held')) < ?4"),
      // Who is beyond the headcount and where they go are read by the statement that moves
      // them, once (materialized) before it writes. The latest sign-ups (by when they joined
      // the post, not by their place in line: someone moved up from the wait-list keeps an
      // old number) move; their new numbers come just before the post's lowest, in sign-up
      // order, so they stand ahead of everyone waiting.
      shrink_(db.sql(),
              "WITH moved AS MATERIALIZED (SELECT person_id, "
              "ROW_NUMBER() OVER (ORDER BY joined_at, seq) AS k, COUNT(*) OVER () AS n "
              "FROM (SELECT person_id, joined_at, seq FROM roster WHERE post_id = ?1 "
              "AND status IN ('taken', 'held') ORDER BY joined_at, seq LIMIT -1 OFFSET ?2)), "
              "lowest AS MATERIALIZED (SELECT MIN(seq) AS lo FROM roster WHERE post_id = ?1) "
              "UPDATE roster SET status = 'waiting', confirmed = 0, reminded_at = 0, "
              "seq = (SELECT lo FROM lowest) - 1 - (SELECT n FROM moved LIMIT 1) + "
              "(SELECT k FROM moved WHERE moved.person_id = roster.person_id) "
              "WHERE post_id = ?1 AND person_id IN (SELECT person_id FROM moved) "
              "RETURNING " +
                  std::string(kColumns) + ", seq"),
      move_(db.sql(),
            "UPDATE roster SET status = ? WHERE post_id = ? AND person_id = ? AND status = ?"),
      confirm_(db.sql(), "UPDATE roster SET confirmed = 1 WHERE post_id = ? AND person_id = ?"),
      reminded_(db.sql(), "UPDATE roster SET reminded_at = ? WHERE post_id = ? AND person_id = ?"),
      counts_(db.sql(),
              "SELECT IFNULL(SUM(status = 'taken'), 0), IFNULL(SUM(status = 'held'), 0), "
              "IFNULL(SUM(status = 'waiting'), 0) FROM roster WHERE post_id = ?"),
      of_post_(db.sql(), std::string("SELECT ") + kColumns +
                             " FROM roster WHERE post_id = ? AND status = ? ORDER BY seq"),
      of_person_(db.sql(), std::string("SELECT ") + kColumns +
                               " FROM roster WHERE person_id = ? AND status <> 'gone' "
                               "ORDER BY joined_at DESC LIMIT 20") {}

RosterEntry RosterRepo::read(SQLite::Statement& q) {
  return RosterEntry{q.getColumn(0).getInt64(),
                     q.getColumn(1).getInt64(),
                     roster_status(q.getColumn(2).getString()),
                     q.getColumn(3).getInt() != 0,
                     q.getColumn(4).getInt64(),
                     q.getColumn(5).getInt64()};
}

std::optional<RosterEntry> RosterRepo::get(std::int64_t post_id, std::int64_t person_id) {
  Use q(get_);
  q->bind(1, post_id);
  q->bind(2, person_id);
  if (!q->executeStep()) return std::nullopt;
  return read(*q);
}

bool RosterRepo::take(std::int64_t post_id, std::int64_t person_id, RosterStatus status,
                      int headcount, std::int64_t now) {
  Use q(take_);
  q->bind(1, post_id);
  q->bind(2, person_id);
  q->bind(3, to_string(status));
  q->bind(4, now);
  q->bind(5, headcount);
  return q->exec() == 1;
}

int RosterRepo::wait(std::int64_t post_id, std::int64_t person_id, std::int64_t now) {
  {
    Use q(wait_);
    q->bind(1, post_id);
    q->bind(2, person_id);
    q->bind(3, now);
    q->exec();
  }
  Use q(position_);
  q->bind(1, post_id);
  q->bind(2, person_id);
  q->executeStep();
  return q->getColumn(0).getInt();
}

bool RosterRepo::move_up(std::int64_t post_id, std::int64_t person_id, RosterStatus to,
                         int headcount) {
  Use q(move_up_);
  q->bind(1, to_string(to));
  q->bind(2, post_id);
  q->bind(3, person_id);
  q->bind(4, headcount);
  return q->exec() == 1;
}

std::vector<RosterEntry> RosterRepo::shrink(std::int64_t post_id, int headcount) {
  Use q(shrink_);
  q->bind(1, post_id);
  q->bind(2, headcount);
  // RETURNING gives the rows in no promised order: sorted here by their new place in line.
  std::vector<std::pair<std::int64_t, RosterEntry>> moved;
  while (q->executeStep()) moved.emplace_back(q->getColumn(6).getInt64(), read(*q));
  std::sort(moved.begin(), moved.end(), [](auto& a, auto& b) { return a.first < b.first; });
  std::vector<RosterEntry> out;
  for (auto& m : moved) out.push_back(m.second);
  return out;
}

bool RosterRepo::move(std::int64_t post_id, std::int64_t person_id, RosterStatus from,
                      RosterStatus to) {
  Use q(move_);
  q->bind(1, to_string(to));
  q->bind(2, post_id);
  q->bind(3, person_id);
  q->bind(4, to_string(from));
  return q->exec() == 1;
}

void RosterRepo::confirm(std::int64_t post_id, std::int64_t person_id) {
  Use q(confirm_);
  q->bind(1, post_id);
  q->bind(2, person_id);
  q->exec();
}

void RosterRepo::reminded(std::int64_t post_id, std::int64_t person_id, std::int64_t at) {
  Use q(reminded_);
  q->bind(1, at);
  q->bind(2, post_id);
  q->bind(3, person_id);
  q->exec();
}

RosterCounts RosterRepo::counts(std::int64_t post_id) {
  Use q(counts_);
  q->bind(1, post_id);
  q->executeStep();
  return RosterCounts{q->getColumn(0).getInt(), q->getColumn(1).getInt(), q->getColumn(2).getInt()};
}

std::vector<RosterEntry> RosterRepo::of_post(std::int64_t post_id, RosterStatus status) {
  Use q(of_post_);
  q->bind(1, post_id);
  q->bind(2, to_string(status));
  std::vector<RosterEntry> out;
  while (q->executeStep()) out.push_back(read(*q));
  return out;
}

std::optional<RosterEntry> RosterRepo::first_waiting(std::int64_t post_id) {
  auto waiting = of_post(post_id, RosterStatus::waiting);
  if (waiting.empty()) return std::nullopt;
  return waiting.front();
}

std::vector<RosterEntry> RosterRepo::of_person(std::int64_t person_id) {
  Use q(of_person_);
  q->bind(1, person_id);
  std::vector<RosterEntry> out;
  while (q->executeStep()) out.push_back(read(*q));
  return out;
}

}  // namespace linli::storage
