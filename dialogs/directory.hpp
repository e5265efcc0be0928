#pragma once
// Communities, their group chats and coordinators. The config file is their source of truth:
// they are kept in memory here for the lookups every event needs (storage also writes them to
// the database at start-up, for joins and reports).

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "config/config.hpp"
#include "dialogs/ports.hpp"

namespace linli {

struct Group {
  std::string adapter;
  std::string chat;
  std::string community_id;
  GroupKind kind = GroupKind::residents;
  std::string building;
  std::string title;
};

struct Community {
  std::string id;
  std::string name;
  std::string lang;
  std::vector<const Group*> groups;
  std::set<std::int64_t> coordinators;  // person ids
};

class Directory {
 public:
  // Indexes the communities, groups and coordinators of `config`, creating the coordinators'
  // people on first sight.
  Directory(const Config& config, People& people, std::int64_t now);
  // Movable: the maps are node-based, so the pointers between their entries stay valid.
  Directory(Directory&&) = default;
  Directory(const Directory&) = delete;
  Directory& operator=(const Directory&) = delete;

  const Group* group(const std::string& adapter, const std::string& chat) const;
  const Community* community(const std::string& id) const;
  const std::vector<const Community*>& communities() const { return order_; }
  bool is_coordinator(const std::string& community_id, std::int64_t person_id) const;
  // The communities a person coordinates, in config order.
  std::vector<const Community*> coordinated_by(std::int64_t person_id) const;
  // The community's volunteers' group on `adapter` if it has one, else its first.
  const Group* volunteers_group(const std::string& community_id, const std::string& adapter) const;

 private:
  std::map<std::pair<std::string, std::string>, Group> groups_;
  std::map<std::string, Community> communities_;
  std::vector<const Community*> order_;
};

}  // namespace linli
