#pragma once
// Posts set up by need (step 1), and their recruitment calls with the live roster cards.

#include <optional>
#include <vector>

#include "storage/database.hpp"
#include "storage/records.hpp"

namespace linli::storage {

class PostsRepo {
 public:
  explicit PostsRepo(Database& db);

  std::int64_t create(const Post& p);
  void update(const Post& p);
  std::optional<Post> get(std::int64_t id);
  // The community's posts that have not ended by `now`, soonest first.
  std::vector<Post> current(const std::string& community_id, std::int64_t now);

  // The teams the community's posts belong to, with how many posts each.
  std::vector<std::pair<std::string, int>> teams(const std::string& community_id);
  // Renames a team on all the community's posts; returns how many posts changed.
  int rename_team(const std::string& community_id, const std::string& from, const std::string& to);

  std::int64_t create_call(const Call& c);
  std::optional<Call> call(std::int64_t id);
  std::optional<Call> open_call(std::int64_t post_id);
  bool close_call(std::int64_t id);
  void add_card(std::int64_t call_id, const CallCard& card);
  std::vector<CallCard> cards(std::int64_t call_id);

 private:
  static Post read_post(SQLite::Statement& q);
  static Call read_call(SQLite::Statement& q);

  Database& db_;
  SQLite::Statement insert_;
  SQLite::Statement update_;
  SQLite::Statement get_;
  SQLite::Statement current_;
  SQLite::Statement teams_;
  SQLite::Statement rename_team_;
  SQLite::Statement insert_call_;
  SQLite::Statement call_;
  SQLite::Statement open_call_;
  SQLite::Statement close_call_;
  SQLite::Statement add_card_;
  SQLite::Statement cards_;
};

}  // namespace linli::storage
