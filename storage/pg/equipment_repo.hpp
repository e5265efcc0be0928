#pragma once
// Equipment in stock and handed out, on PostgreSQL (issue 13): the port as
// storage/equipment_repo.* serves it on SQLite. The stock never goes below zero: take() is one
// UPDATE whose WHERE holds the count, which PostgreSQL evaluates again on the row another
// transaction just changed (or, in a SERIALIZABLE transaction, answers 40001 and the retry reads
// the new count), and the CHECK (qty >= 0) stands behind it. Used by one thread at a time, with
// the connection it was built on.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dialogs/ports.hpp"
#include "storage/pg/connection.hpp"

namespace linli::storage::pg {

class PgEquipmentRepo final : public Equipment {
 public:
  explicit PgEquipmentRepo(Connection& c) : c_(c) {}

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
  Connection& c_;
};

}  // namespace linli::storage::pg
