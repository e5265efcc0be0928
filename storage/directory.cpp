#include "storage/directory.hpp"

namespace linli::storage {

namespace {

// Where chat `chat` is now, after the moves recorded in `moves` (old -> new); a cycle, which
// no platform makes, stops where it closes.
std::string current_chat(const std::map<std::string, std::string>& moves, std::string chat) {
  std::set<std::string> seen{chat};
  for (auto it = moves.find(chat); it != moves.end(); it = moves.find(chat)) {
    if (!seen.insert(it->second).second) break;
    chat = it->second;
  }
  return chat;
}

}  // namespace

Directory::Directory(const Config& config, Database& db, PeopleRepo& people, std::int64_t now)
    : record_move_(db.sql(),
                   "INSERT INTO chat_migrations (adapter, old_chat, new_chat, at) "
                   "VALUES (?, ?, ?, ?) ON CONFLICT (adapter, old_chat) DO UPDATE SET "
                   "new_chat = excluded.new_chat, at = excluded.at"),
      move_group_(db.sql(), "UPDATE chat_groups SET chat = ? WHERE adapter = ? AND chat = ?") {
  Database::Transaction txn(db);
  std::map<std::string, std::map<std::string, std::string>> moves;  // adapter -> old -> new
  {
    SQLite::Statement q(db.sql(), "SELECT adapter, old_chat, new_chat FROM chat_migrations");
    while (q.executeStep()) {
      moves[q.getColumn(0).getString()][q.getColumn(1).getString()] = q.getColumn(2).getString();
    }
  }
  std::set<std::pair<std::string, std::string>> configured;
  for (const auto& c : config.communities) {
    for (const auto& g : c.groups) configured.insert({g.adapter, g.chat});
  }
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
      std::string chat = current_chat(moves[g.adapter], g.chat);
      // Once the config names the new chat as well, each entry is taken as it is written.
      if (configured.count({g.adapter, chat})) chat = g.chat;
      if (chat != g.chat) moved_.push_back({g.adapter, g.chat, chat});
      Group& group = groups_[{g.adapter, chat}];
      group = Group{g.adapter, chat, c.id, g.kind, g.building, g.title};
      community.groups.push_back(&group);
      Use q(upsert_group);
      q->bind(1, g.adapter);
      q->bind(2, chat);
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

const Group* Directory::move_chat(const std::string& adapter, const std::string& from,
                                  const std::string& to, std::int64_t now) {
  {
    Use q(record_move_);
    q->bind(1, adapter);
    q->bind(2, from);
    q->bind(3, to);
    q->bind(4, now);
    q->exec();
  }
  // A chat the config names twice over (old and new id) keeps both as they are.
  if (!groups_.count({adapter, from}) || groups_.count({adapter, to})) return nullptr;
  {
    Use q(move_group_);
    q->bind(1, to);
    q->bind(2, adapter);
    q->bind(3, from);
    q->exec();
  }
  // The node keeps its element: the communities' pointers to the group stay valid.
  auto node = groups_.extract({adapter, from});
  node.key().second = to;
  node.mapped().chat = to;
  return &groups_.insert(std::move(node)).position->second;
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
