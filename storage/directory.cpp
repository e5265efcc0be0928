#include "storage/directory.hpp"

namespace linli::storage {

Directory::Directory(const Config& config, Database& db, PeopleRepo& people, std::int64_t now) {
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

  for (const auto& c : config.communities) {
    Community& community = communities_[c.id];
    community.id = c.id;
    community.name = c.name;
    community.lang = c.lang;
    community.utc_offset_min = c.utc_offset_min;
    order_.push_back(&community);
    {
      Use q(upsert_community);
      q->bind(1, c.id);
      q->bind(2, c.name);
      q->bind(3, c.lang);
      q->exec();
    }
    for (const auto& g : c.groups) {
      Group& group = groups_[{g.adapter, g.chat}];
      group = Group{g.adapter, g.chat, c.id, g.kind, g.building, g.title};
      community.groups.push_back(&group);
      Use q(upsert_group);
      q->bind(1, g.adapter);
      q->bind(2, g.chat);
      q->bind(3, c.id);
      q->bind(4, g.kind == GroupKind::residents ? "residents" : "volunteers");
      q->bind(5, g.building);
      q->bind(6, g.title);
      q->exec();
    }
    {
      Use q(clear_coordinators);
      q->bind(1, c.id);
      q->exec();
    }
    for (const auto& qualified : c.coordinators) {
      auto colon = qualified.find(':');  // validated by the config parser
      Person p = people.resolve(qualified.substr(0, colon), qualified.substr(colon + 1), "", now);
      community.coordinators.insert(p.id);
      Use q(add_coordinator);
      q->bind(1, c.id);
      q->bind(2, p.id);
      q->exec();
    }
  }
  txn.commit();
}

const Group* Directory::group(const std::string& adapter, const std::string& chat) const {
  auto it = groups_.find({adapter, chat});
  return it == groups_.end() ? nullptr : &it->second;
}

const Community* Directory::community(const std::string& id) const {
  auto it = communities_.find(id);
  return it == communities_.end() ? nullptr : &it->second;
}

bool Directory::is_coordinator(const std::string& community_id, std::int64_t person_id) const {
  const Community* c = community(community_id);
  return c != nullptr && c->coordinators.count(person_id) > 0;
}

std::vector<const Community*> Directory::coordinated_by(std::int64_t person_id) const {
  std::vector<const Community*> out;
  for (const Community* c : order_) {
    if (c->coordinators.count(person_id)) out.push_back(c);
  }
  return out;
}

const Group* Directory::volunteers_group(const std::string& community_id,
                                         const std::string& adapter) const {
  const Community* c = community(community_id);
  if (c == nullptr) return nullptr;
  const Group* first = nullptr;
  for (const Group* g : c->groups) {
    if (g->kind != GroupKind::volunteers) continue;
    if (g->adapter == adapter) return g;
    if (first == nullptr) first = g;
  }
  return first;
}

}  // namespace linli::storage
