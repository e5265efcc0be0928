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

}  // namespace linli::storage
