#pragma once
// Communities, their group chats and coordinators. The config file is their source of truth:
// at start-up they are written to the database (for joins and reports) and kept in memory here
// for the lookups every event needs.

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "config/config.hpp"
#include "storage/database.hpp"
#include "storage/people_repo.hpp"

namespace linli::storage {

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
  int utc_offset_min = 0;  // the zone its people read and write times in
  std::vector<const Group*> groups;
  std::set<std::int64_t> coordinators;  // person ids
};

class Directory {
 public:
  // Writes communities, groups and coordinators of `config` to the database (creating the
  // coordinators' people on first sight) and indexes them in memory.
  Directory(const Config& config, Database& db, PeopleRepo& people, std::int64_t now);
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

}  // namespace linli::storage
