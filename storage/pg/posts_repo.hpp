#pragma once
// Posts, their recruitment calls and the calls' roster cards on PostgreSQL: the port Posts, as
// storage/posts_repo.* keeps it on SQLite. One card per call and group: add_card replaces the
// group's card (an upsert on the key), so a call answered on several instances keeps one card
// per group, edited.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dialogs/ports.hpp"
#include "storage/pg/connection.hpp"

namespace linli::storage::pg {

class PgPostsRepo final : public Posts {
 public:
  explicit PgPostsRepo(Connection& c) : c_(c) {}

  std::int64_t create(const Post& p) override;
  void update(const Post& p) override;
  std::optional<Post> get(std::int64_t id) override;
  std::vector<Post> current(const std::string& community_id, std::int64_t now) override;
  std::vector<std::pair<std::string, int>> teams(const std::string& community_id) override;
  int rename_team(const std::string& community_id, const std::string& from,
                  const std::string& to) override;
  std::int64_t create_call(const Call& c) override;
  std::optional<Call> call(std::int64_t id) override;
  std::optional<Call> open_call(std::int64_t post_id) override;
  bool close_call(std::int64_t id) override;
  void add_card(std::int64_t call_id, const CallCard& card) override;
  std::vector<CallCard> cards(std::int64_t call_id) override;

 private:
  Connection& c_;
};

}  // namespace linli::storage::pg
