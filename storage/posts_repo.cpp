#include "storage/posts_repo.hpp"

namespace linli::storage {
namespace {
const std::string kPost =
    "id, community_id, team, title, headcount, skills, building, place, starts_at, ends_at, risk, "
    "created_by, created_at";
const std::string kCall = "id, post_id, community_id, status, deadline_at, created_by, created_at";

void bind_post(SQLite::Statement& q, const Post& p) {
  q.bind(1, p.community_id);
  q.bind(2, p.team);
  q.bind(3, p.title);
  q.bind(4, p.headcount);
  q.bind(5, static_cast<std::int64_t>(p.skills));
  q.bind(6, p.building);
  q.bind(7, p.place);
  q.bind(8, p.starts_at);
  q.bind(9, p.ends_at);
  q.bind(10, p.high_risk ? "high" : "low");
}
}  // namespace

PostsRepo::PostsRepo(Database& db)
    : db_(db),
      insert_(db.sql(),
              "INSERT INTO posts (community_id, team, title, headcount, skills, building, place, "
              "starts_at, ends_at, risk, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
              "?, ?, ?, ?)"),
      update_(db.sql(),
              "UPDATE posts SET community_id = ?, team = ?, title = ?, headcount = ?, skills = ?, "
              "building = ?, place = ?, starts_at = ?, ends_at = ?, risk = ? WHERE id = ?"),
      get_(db.sql(), "SELECT " + kPost + " FROM posts WHERE id = ?"),
      current_(
          db.sql(),
          "SELECT " + kPost +
              " FROM posts WHERE community_id = ? AND ends_at > ? ORDER BY starts_at, id LIMIT 50"),
      teams_(db.sql(),
             "SELECT team, COUNT(*) FROM posts WHERE community_id = ? GROUP BY team ORDER BY team"),
      rename_team_(db.sql(), "UPDATE posts SET team = ? WHERE community_id = ? AND team = ?"),
      insert_call_(
          db.sql(),
          "INSERT INTO calls (post_id, community_id, status, deadline_at, created_by, created_at) "
          "VALUES (?, ?, 'open', ?, ?, ?)"),
      call_(db.sql(), "SELECT " + kCall + " FROM calls WHERE id = ?"),
      open_call_(db.sql(),
                 "SELECT " + kCall +
                     " FROM calls WHERE post_id = ? AND status = 'open' ORDER BY id DESC LIMIT 1"),
      close_call_(db.sql(), "UPDATE calls SET status = 'closed' WHERE id = ? AND status = 'open'"),
      add_card_(db.sql(),
                "INSERT OR REPLACE INTO call_cards (call_id, adapter, chat, outbox_id) VALUES (?, "
                "?, ?, ?)"),
      cards_(
          db.sql(),
          "SELECT adapter, chat, outbox_id FROM call_cards WHERE call_id = ? ORDER BY outbox_id") {}

Post PostsRepo::read_post(SQLite::Statement& q) {
  Post p;
  p.id = q.getColumn(0).getInt64();
  p.community_id = q.getColumn(1).getString();
  p.team = q.getColumn(2).getString();
  p.title = q.getColumn(3).getString();
  p.headcount = q.getColumn(4).getInt();
  p.skills = static_cast<std::uint32_t>(q.getColumn(5).getInt64());
  p.building = q.getColumn(6).getString();
  p.place = q.getColumn(7).getString();
  p.starts_at = q.getColumn(8).getInt64();
  p.ends_at = q.getColumn(9).getInt64();
  p.high_risk = q.getColumn(10).getString() == "high";
  p.created_by = q.getColumn(11).getInt64();
  p.created_at = q.getColumn(12).getInt64();
  return p;
}

Call PostsRepo::read_call(SQLite::Statement& q) {
  Call c;
  c.id = q.getColumn(0).getInt64();
  c.post_id = q.getColumn(1).getInt64();
  c.community_id = q.getColumn(2).getString();
  c.open = q.getColumn(3).getString() == "open";
  c.deadline_at = q.getColumn(4).getInt64();
  c.created_by = q.getColumn(5).getInt64();
  c.created_at = q.getColumn(6).getInt64();
  return c;
}

std::int64_t PostsRepo::create(const Post& p) {
  Use q(insert_);
  bind_post(*q, p);
  q->bind(11, p.created_by);
  q->bind(12, p.created_at);
  q->exec();
  return db_.sql().getLastInsertRowid();
}

void PostsRepo::update(const Post& p) {
  Use q(update_);
  bind_post(*q, p);
  q->bind(11, p.id);
  q->exec();
}

std::optional<Post> PostsRepo::get(std::int64_t id) {
  Use q(get_);
  q->bind(1, id);
  if (!q->executeStep()) return std::nullopt;
  return read_post(*q);
}

std::vector<Post> PostsRepo::current(const std::string& community_id, std::int64_t now) {
  Use q(current_);
  q->bind(1, community_id);
  q->bind(2, now);
  std::vector<Post> out;
  while (q->executeStep()) out.push_back(read_post(*q));
  return out;
}

std::vector<std::pair<std::string, int>> PostsRepo::teams(const std::string& community_id) {
  Use q(teams_);
  q->bind(1, community_id);
  std::vector<std::pair<std::string, int>> out;
  while (q->executeStep()) out.emplace_back(q->getColumn(0).getString(), q->getColumn(1).getInt());
  return out;
}

int PostsRepo::rename_team(const std::string& community_id, const std::string& from,
                           const std::string& to) {
  Use q(rename_team_);
  q->bind(1, to);
  q->bind(2, community_id);
  q->bind(3, from);
  return q->exec();
}

std::int64_t PostsRepo::create_call(const Call& c) {
  Use q(insert_call_);
  q->bind(1, c.post_id);
  q->bind(2, c.community_id);
  q->bind(3, c.deadline_at);
  q->bind(4, c.created_by);
  q->bind(5, c.created_at);
  q->exec();
  return db_.sql().getLastInsertRowid();
}

std::optional<Call> PostsRepo::call(std::int64_t id) {
  Use q(call_);
  q->bind(1, id);
  if (!q->executeStep()) return std::nullopt;
  return read_call(*q);
}

std::optional<Call> PostsRepo::open_call(std::int64_t post_id) {
  Use q(open_call_);
  q->bind(1, post_id);
  if (!q->executeStep()) return std::nullopt;
  return read_call(*q);
}

bool PostsRepo::close_call(std::int64_t id) {
  Use q(close_call_);
  q->bind(1, id);
  return q->exec() == 1;
}

void PostsRepo::add_card(std::int64_t call_id, const CallCard& card) {
  Use q(add_card_);
  q->bind(1, call_id);
  q->bind(2, card.adapter);
  q->bind(3, card.chat);
  q->bind(4, card.outbox_id);
  q->exec();
}

std::vector<CallCard> PostsRepo::cards(std::int64_t call_id) {
  Use q(cards_);
  q->bind(1, call_id);
  std::vector<CallCard> out;
  while (q->executeStep()) {
    out.push_back(
        {q->getColumn(0).getString(), q->getColumn(1).getString(), q->getColumn(2).getInt64()});
  }
  return out;
}

}  // namespace linli::storage
