#pragma once
// Equipment in stock per community and the hand-outs (step 3). The stock never goes below
// zero: take() lowers it in one conditional statement, and the table checks it as well.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dialogs/ports.hpp"
#include "storage/database.hpp"

namespace linli::storage {

class EquipmentRepo final : public Equipment {
 public:
  explicit EquipmentRepo(Database& db);

  std::vector<StockItem> stock(const std::string& community_id) override;
  std::optional<StockItem> item(const std::string& community_id, const std::string& item) override;
  int add(const std::string& community_id, const std::string& item, int n) override;
  void set_min(const std::string& community_id, const std::string& item, int min_qty) override;
  std::optional<int> take(const std::string& community_id, const std::string& item,
                          int qty) override;
  bool mark_low(const std::string& community_id, const std::string& item) override;
  void hand_out(const std::string& community_id, std::int64_t person_id, const std::string& item,
                int qty, std::int64_t by, std::int64_t now) override;
  std::map<std::string, std::int64_t> held(const std::string& community_id,
                                           std::int64_t person_id) override;

 private:
  SQLite::Statement stock_;
  SQLite::Statement item_;
  SQLite::Statement add_;
  SQLite::Statement set_min_;
  SQLite::Statement take_;
  SQLite::Statement mark_low_;
  SQLite::Statement hand_out_;
  SQLite::Statement held_;
};

}  // namespace linli::storage
