#include "dialogs/directory.hpp"

namespace linli {

Directory::Directory(const Config& config, People& people, std::int64_t now) {
  for (const auto& c : config.communities) {
    Community& community = communities_[c.id];
    community.id = c.id;
    community.name = c.name;
    community.lang = c.lang;
    order_.push_back(&community);
    for (const auto& g : c.groups) {
      Group& group = groups_[{g.adapter, g.chat}];
      group = Group{g.adapter, g.chat, c.id, g.kind, g.building, g.title};
      community.groups.push_back(&group);
    }
    for (const auto& qualified : c.coordinators) {
      auto colon = qualified.find(':');  // validated by the config parser
      Person p = people.resolve(qualified.substr(0, colon), qualified.substr(colon + 1), "", now);
      community.coordinators.insert(p.id);
    }
  }
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
