#pragma once
// Communities, their group chats and coordinators. The config file is their source of truth:
// at start-up they are written to the database (for joins and reports) and kept in memory here
// for the lookups every event needs. One exception: a group the platform moved to a new chat id
// while running (a Telegram group upgraded to a supergroup) is known by its new id, recorded in
// the database, until the config names it. Used on the io_context thread only.

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

// A configured group found under another chat id (see Directory::move_chat).
struct MovedGroup {
  std::string adapter;
  std::string configured_chat;
  std::string chat;  // where it is now
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
  // coordinators' people on first sight) and indexes them in memory, each group under the chat
  // id it was last moved to.
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

  // The platform moved chat `from` to `to`: records it (inside the caller's transaction) and
  // from now on finds the group there. Returns the group, nullptr when `from` is no group of
  // ours (the move is still recorded: the config may name that chat later).
  const Group* move_chat(const std::string& adapter, const std::string& from, const std::string& to,
                         std::int64_t now);
  // Groups found at start-up under another chat id than the config's: the operator should
  // update the config.
  const std::vector<MovedGroup>& moved() const { return moved_; }

 private:
  std::map<std::pair<std::string, std::string>, Group> groups_;
  std::map<std::string, Community> communities_;
  std::vector<const Community*> order_;
  std::vector<MovedGroup> moved_;
  SQLite::Statement record_move_;
  SQLite::Statement move_group_;
};

}  // namespace linli::storage
