#include "storage/pg/posts_repo.hpp"

#include "storage/pg/rows.hpp"

namespace linli::storage::pg {
namespace {

constexpr const char* kPost =
    "SELECT id, community_id, team, title, headcount, skills, building, place, starts_at, "
    "ends_at, risk, created_by, created_at FROM posts ";
constexpr const char* kCall =
    "SELECT id, post_id, community_id, status, deadline_at, created_by, created_at FROM calls ";

std::vector<Post> posts(const Result& r) {
  std::vector<Post> out;
  for (int i = 0; i < r.rows(); ++i) {
    Post p;
    p.id = r.integer(i, 0);
    p.community_id = str(r, i, 1);
    p.team = str(r, i, 2);
    p.title = str(r, i, 3);
    p.headcount = int32(r, i, 4);
    p.skills = static_cast<std::uint32_t>(r.integer(i, 5));
    p.building = str(r, i, 6);
    p.place = str(r, i, 7);
    p.starts_at = r.integer(i, 8);
    p.ends_at = r.integer(i, 9);
    p.high_risk = r.text(i, 10) == "high";
    p.created_by = r.integer(i, 11);
    p.created_at = r.integer(i, 12);
    out.push_back(std::move(p));
  }
  return out;
}

std::optional<Call> call_of(const Result& r) {
  if (r.rows() == 0) return std::nullopt;
  Call c;
  c.id = r.integer(0, 0);
  c.post_id = r.integer(0, 1);
  c.community_id = str(r, 0, 2);
  c.open = r.text(0, 3) == "open";
  c.deadline_at = r.integer(0, 4);
  c.created_by = r.integer(0, 5);
  c.created_at = r.integer(0, 6);
  return c;
}

}  // namespace

std::int64_t PgPostsRepo::create(const Post& p) {
  return c_
      .exec(
          "INSERT INTO posts (community_id, team, title, headcount, skills, building, place, "
          "starts_at, ends_at, risk, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, "
          "$8, $9, $10, $11, $12) RETURNING id",
          {p.community_id, p.team, p.title, p.headcount, static_cast<std::int64_t>(p.skills),
           p.building, p.place, p.starts_at, p.ends_at, p.high_risk ? "high" : "low", p.created_by,
           p.created_at})
      .integer(0, 0);
}

void PgPostsRepo::update(const Post& p) {
  c_.exec(
      "UPDATE posts SET community_id = $1, team = $2, title = $3, headcount = $4, skills = $5, "
      "building = $6, place = $7, starts_at = $8, ends_at = $9, risk = $10 WHERE id = $11",
      {p.community_id, p.team, p.title, p.headcount, static_cast<std::int64_t>(p.skills),
       p.building, p.place, p.starts_at, p.ends_at, p.high_risk ? "high" : "low", p.id});
}

std::optional<Post> PgPostsRepo::get(std::int64_t id) {
  auto p = posts(c_.exec(std::string(kPost) + "WHERE id = $1", {id}));
  if (p.empty()) return std::nullopt;
  return p.front();
}

std::vector<Post> PgPostsRepo::current(const std::string& community_id, std::int64_t now) {
  return posts(c_.exec(std::string(kPost) +
                           "WHERE community_id = $1 AND ends_at > $2 ORDER BY starts_at, id "
                           "LIMIT 50",
                       {community_id, now}));
}

std::vector<std::pair<std::string, int>> PgPostsRepo::teams(const std::string& community_id) {
  Result r = c_.exec(
      "SELECT team, count(*) FROM posts WHERE community_id = $1 GROUP BY team ORDER BY team",
      {community_id});
  std::vector<std::pair<std::string, int>> out;
  for (int i = 0; i < r.rows(); ++i) out.emplace_back(str(r, i, 0), int32(r, i, 1));
  return out;
}

int PgPostsRepo::rename_team(const std::string& community_id, const std::string& from,
                             const std::string& to) {
  return static_cast<int>(
      c_.exec("UPDATE posts SET team = $1 WHERE community_id = $2 AND team = $3",
              {to, community_id, from})
          .affected());
}

std::int64_t PgPostsRepo::create_call(const Call& c) {
  return c_
      .exec(
          "INSERT INTO calls (post_id, community_id, status, deadline_at, created_by, "
          "created_at) VALUES ($1, $2, 'open', $3, $4, $5) RETURNING id",
          {c.post_id, c.community_id, c.deadline_at, c.created_by, c.created_at})
      .integer(0, 0);
}

std::optional<Call> PgPostsRepo::call(std::int64_t id) {
  return call_of(c_.exec(std::string(kCall) + "WHERE id = $1", {id}));
}

std::optional<Call> PgPostsRepo::open_call(std::int64_t post_id) {
  return call_of(c_.exec(
      std::string(kCall) + "WHERE post_id = $1 AND status = 'open' ORDER BY id DESC LIMIT 1",
      {post_id}));
}

bool PgPostsRepo::close_call(std::int64_t id) {
  return c_.exec("UPDATE calls SET status = 'closed' WHERE id = $1 AND status = 'open'", {id})
             .affected() == 1;
}

// SQLite's INSERT OR REPLACE, as an upsert on the card's key.
void PgPostsRepo::add_card(std::int64_t call_id, const CallCard& card) {
  c_.exec(
      "INSERT INTO call_cards (call_id, adapter, chat, outbox_id) VALUES ($1, $2, $3, $4) "
      "ON CONFLICT (call_id, adapter, chat) DO UPDATE SET outbox_id = excluded.outbox_id",
      {call_id, card.adapter, card.chat, card.outbox_id});
}

std::vector<CallCard> PgPostsRepo::cards(std::int64_t call_id) {
  Result r = c_.exec(
      "SELECT adapter, chat, outbox_id FROM call_cards WHERE call_id = $1 ORDER BY outbox_id",
      {call_id});
  std::vector<CallCard> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back({str(r, i, 0), str(r, i, 1), r.integer(i, 2)});
  return out;
}

}  // namespace linli::storage::pg
