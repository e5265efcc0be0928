#pragma once
// Posts set up by need (step 1), and their recruitment calls with the live roster cards.

#include <optional>
#include <vector>

#include "dialogs/ports.hpp"
#include "dialogs/records.hpp"
#include "storage/database.hpp"

namespace linli::storage {

class PostsRepo final : public Posts {
 public:
  explicit PostsRepo(Database& db);

  std::int64_t create(const Post& p) override;
  void update(const Post& p) override;
  std::optional<Post> get(std::int64_t id) override;
  // The community's posts that have not ended by `now`, soonest first.
  std::vector<Post> current(const std::string& community_id, std::int64_t now) override;

  // The teams the community's posts belong to, with how many posts each.
  std::vector<std::pair<std::string, int>> teams(const std::string& community_id) override;
  // Renames a team on all the community's posts; returns how many posts changed.
  int rename_team(const std::string& community_id, const std::string& from,
                  const std::string& to) override;

  std::int64_t create_call(const Call& c) override;
  std::optional<Call> call(std::int64_t id) override;
  std::optional<Call> open_call(std::int64_t post_id) override;
  bool close_call(std::int64_t id) override;
  void add_card(std::int64_t call_id, const CallCard& card) override;
  std::vector<CallCard> cards(std::int64_t call_id) override;

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
