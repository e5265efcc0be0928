#include "dialogs/directory.hpp"

namespace linli {

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

Directory::Directory(const Config& config, People& people, std::int64_t now,
                     const ChatMoves& moves) {
  std::set<std::pair<std::string, std::string>> configured;
  for (const auto& c : config.communities) {
    for (const auto& g : c.groups) configured.insert({g.adapter, g.chat});
  }
  static const std::map<std::string, std::string> kNone;
  for (const auto& c : config.communities) {
    Community& community = communities_[c.id];
    community.id = c.id;
    community.name = c.name;
    community.lang = c.lang;
    community.utc_offset_min = c.utc_offset_min;
    order_.push_back(&community);
    for (const auto& g : c.groups) {
      auto adapter_moves = moves.find(g.adapter);
      std::string chat =
          current_chat(adapter_moves == moves.end() ? kNone : adapter_moves->second, g.chat);
      // Once the config names the new chat as well, each entry is taken as it is written.
      if (configured.count({g.adapter, chat})) chat = g.chat;
      if (chat != g.chat) moved_.push_back({g.adapter, g.chat, chat});
      Group& group = groups_[{g.adapter, chat}];
      group = Group{g.adapter, chat, c.id, g.kind, g.building, g.title};
      community.groups.push_back(&group);
    }
    for (const auto& qualified : c.coordinators) {
      auto colon = qualified.find(':');  // validated by the config parser
      Person p = people.resolve(qualified.substr(0, colon), qualified.substr(colon + 1), "", now);
      community.coordinators.insert(p.id);
    }
  }
}

const Group* Directory::move_chat(const std::string& adapter, const std::string& from,
                                  const std::string& to) {
  if (!groups_.count({adapter, from}) || groups_.count({adapter, to})) return nullptr;
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

}  // namespace linli
