#pragma once
// Risk levels of buildings and areas, and what each post needs because of its risk and has
// arranged for its shift (step 3).

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dialogs/ports.hpp"
#include "storage/database.hpp"

namespace linli::storage {

class RisksRepo final : public Risks {
 public:
  explicit RisksRepo(Database& db);

  void set_level(const std::string& community_id, const std::string& area, bool high,
                 std::int64_t by, std::int64_t now) override;
  std::optional<bool> high(const std::string& community_id, const std::string& area) override;
  std::vector<std::pair<std::string, bool>> areas(const std::string& community_id) override;
  std::optional<PostSupport> post(std::int64_t post_id) override;
  void put_post(const PostSupport& s) override;
  void set_supply(std::int64_t post_id, ShiftSupport what, bool arranged) override;

 private:
  SQLite::Statement set_level_;
  SQLite::Statement high_;
  SQLite::Statement areas_;
  SQLite::Statement post_;
  SQLite::Statement put_post_;
  SQLite::Statement set_meals_;
  SQLite::Statement set_transport_;
  SQLite::Statement set_insurance_;
};

// A post's courses and items are stored as lines, one name each (names are one line): on every
// engine.
std::string join_lines(const std::vector<std::string>& v);
std::vector<std::string> split_lines(const std::string& s);

}  // namespace linli::storage
