#pragma once
// Risk levels of areas, and what each post needs and has arranged, on PostgreSQL (issue 13): the
// port as storage/risks_repo.* serves it on SQLite. Each write is one upsert of only the columns
// it changes, so two coordinators on two instances keep both of theirs. Used by one thread at a
// time, with the connection it was built on.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dialogs/ports.hpp"
#include "storage/pg/connection.hpp"

namespace linli::storage::pg {

class PgRisksRepo final : public Risks {
 public:
  explicit PgRisksRepo(Connection& c) : c_(c) {}

  void set_level(const std::string& community_id, const std::string& area, bool high,
                 std::int64_t by, std::int64_t now) override;
  std::optional<bool> high(const std::string& community_id, const std::string& area) override;
  std::vector<std::pair<std::string, bool>> areas(const std::string& community_id) override;
  std::optional<PostSupport> post(std::int64_t post_id) override;
  void put_post(const PostSupport& s) override;
  void set_supply(std::int64_t post_id, ShiftSupport what, bool arranged) override;

 private:
  Connection& c_;
};

}  // namespace linli::storage::pg
