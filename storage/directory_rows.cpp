#include "storage/directory_rows.hpp"

namespace linli::storage {

void save_directory(Database& db, const Directory& dir) {
  Database::Transaction txn(db);
  SQLite::Statement upsert_community(
      db.sql(),
      "INSERT INTO communities (id, name, lang) VALUES (?, ?, ?) "
      "ON CONFLICT (id) DO UPDATE SET name = excluded.name, lang = excluded.lang");
  SQLite::Statement upsert_group(
      db.sql(),
      "INSERT INTO chat_groups (adapter, chat, community_id, kind, building, title) "
      "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (adapter, chat) DO UPDATE SET "
      "community_id = excluded.community_id, kind = excluded.kind, "
      "building = excluded.building, title = excluded.title");
  SQLite::Statement clear_coordinators(db.sql(), "DELETE FROM coordinators WHERE community_id = ?");
  SQLite::Statement add_coordinator(
      db.sql(), "INSERT OR IGNORE INTO coordinators (community_id, person_id) VALUES (?, ?)");
  for (const Community* c : dir.communities()) {
    {
      Use q(upsert_community);
      q->bind(1, c->id);
      q->bind(2, c->name);
      q->bind(3, c->lang);
      q->exec();
    }
    for (const Group* g : c->groups) {
      Use q(upsert_group);
      q->bind(1, g->adapter);
      q->bind(2, g->chat);
      q->bind(3, c->id);
      q->bind(4, g->kind == GroupKind::residents ? "residents" : "volunteers");
      q->bind(5, g->building);
      q->bind(6, g->title);
      q->exec();
    }
    {
      Use q(clear_coordinators);
      q->bind(1, c->id);
      q->exec();
    }
    for (std::int64_t person : c->coordinators) {
      Use q(add_coordinator);
      q->bind(1, c->id);
      q->bind(2, person);
      q->exec();
    }
  }
  txn.commit();
}

ChatMoves load_chat_moves(Database& db) {
  ChatMoves moves;
  SQLite::Statement q(db.sql(), "SELECT adapter, old_chat, new_chat FROM chat_migrations");
  while (q.executeStep()) {
    moves[q.getColumn(0).getString()][q.getColumn(1).getString()] = q.getColumn(2).getString();
  }
  return moves;
}

void record_chat_move(Database& db, const std::string& adapter, const std::string& from,
                      const std::string& to, std::int64_t now) {
  SQLite::Statement record(db.sql(),
                           "INSERT INTO chat_migrations (adapter, old_chat, new_chat, at) "
                           "VALUES (?, ?, ?, ?) ON CONFLICT (adapter, old_chat) DO UPDATE SET "
                           "new_chat = excluded.new_chat, at = excluded.at");
  record.bind(1, adapter);
  record.bind(2, from);
  record.bind(3, to);
  record.bind(4, now);
  record.exec();
  SQLite::Statement move(db.sql(),
                         "UPDATE chat_groups SET chat = ? WHERE adapter = ? AND chat = ?");
  move.bind(1, to);
  move.bind(2, adapter);
  move.bind(3, from);
  move.exec();
}

}  // namespace linli::storage
