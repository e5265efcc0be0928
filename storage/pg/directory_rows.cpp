#include "storage/pg/directory_rows.hpp"

namespace linli::storage::pg {

void save_directory(Connection& c, const Directory& dir) {
  for (const Community* community : dir.communities()) {
    c.exec(
        "INSERT INTO communities (id, name, lang) VALUES ($1, $2, $3) "
        "ON CONFLICT (id) DO UPDATE SET name = excluded.name, lang = excluded.lang",
        {community->id, community->name, community->lang});
    for (const Group* g : community->groups) {
      c.exec(
          "INSERT INTO chat_groups (adapter, chat, community_id, kind, building, title) "
          "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (adapter, chat) DO UPDATE SET "
          "community_id = excluded.community_id, kind = excluded.kind, "
          "building = excluded.building, title = excluded.title",
          {g->adapter, g->chat, community->id,
           g->kind == GroupKind::residents ? "residents" : "volunteers", g->building, g->title});
    }
    c.exec("DELETE FROM coordinators WHERE community_id = $1", {community->id});
    for (std::int64_t person : community->coordinators) {
      c.exec(
          "INSERT INTO coordinators (community_id, person_id) VALUES ($1, $2) "
          "ON CONFLICT DO NOTHING",
          {community->id, person});
    }
  }
}

ChatMoves load_chat_moves(Connection& c) {
  ChatMoves moves;
  Result r = c.exec("SELECT adapter, old_chat, new_chat FROM chat_migrations");
  for (int i = 0; i < r.rows(); ++i) {
    moves[std::string(r.text(i, 0))][std::string(r.text(i, 1))] = std::string(r.text(i, 2));
  }
  return moves;
}

void record_chat_move(Connection& c, const std::string& adapter, const std::string& from,
                      const std::string& to, std::int64_t now) {
  c.exec(
      "INSERT INTO chat_migrations (adapter, old_chat, new_chat, at) VALUES ($1, $2, $3, $4) "
      "ON CONFLICT (adapter, old_chat) DO UPDATE SET new_chat = excluded.new_chat, at = "
      "excluded.at",
      {adapter, from, to, now});
  c.exec("UPDATE chat_groups SET chat = $1 WHERE adapter = $2 AND chat = $3", {to, adapter, from});
}

}  // namespace linli::storage::pg
