#pragma once
// Communities, their group chats and coordinators. The config file is their source of truth:
// they are kept in memory here for the lookups every event needs (storage also writes them to
// the database at start-up, for joins and reports). One exception: a group the platform moved
// to a new chat id while running (a Telegram group upgraded to a supergroup) is known by its new
// id, which storage records, until the config names it. Used on the io_context thread only.

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

// A configured group found under another chat id (see Directory::move_chat).
struct MovedGroup {
  std::string adapter;
  std::string configured_chat;
  std::string chat;  // where it is now
};

// Chats a platform moved: adapter -> old chat id -> new chat id.
using ChatMoves = std::map<std::string, std::map<std::string, std::string>>;

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
  // Indexes the communities, groups and coordinators of `config`, creating the coordinators'
  // people on first sight; each group under the chat id `moves` says it was last moved to.
  Directory(const Config& config, People& people, std::int64_t now, const ChatMoves& moves = {});
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

  // The platform moved chat `from` to `to`: from now on the group is found there. Returns the
  // group, nullptr when `from` is no group of ours or the config names both chats.
  const Group* move_chat(const std::string& adapter, const std::string& from,
                         const std::string& to);
  // Groups found at start-up under another chat id than the config's: the operator should
  // update the config.
  const std::vector<MovedGroup>& moved() const { return moved_; }

 private:
  std::map<std::pair<std::string, std::string>, Group> groups_;
  std::map<std::string, Community> communities_;
  std::vector<const Community*> order_;
  std::vector<MovedGroup> moved_;
};

}  // namespace linli
