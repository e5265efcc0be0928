#include "storage/equipment_repo.hpp"

namespace linli::storage {

EquipmentRepo::EquipmentRepo(Database& db)
    : stock_(db.sql(),
             "SELECT item, qty, min_qty FROM stock WHERE community_id = ? "
             "ORDER BY created_at, item"),
      item_(db.sql(), "SELECT item, qty, min_qty FROM stock WHERE community_id = ? AND item = ?"),
      // Back above its threshold, an item is no longer "low": it warns again when it falls.
      add_(db.sql(),
           "INSERT INTO stock (community_id, item, qty, created_at) VALUES (?1, ?2, ?3, "
           "(SELECT IFNULL(MAX(created_at), 0) + 1 FROM stock WHERE community_id = ?1)) "
           "ON CONFLICT (community_id, item) DO UPDATE SET qty = qty + excluded.qty, "
           "low = CASE WHEN qty + excluded.qty > min_qty THEN 0 ELSE low END RETURNING qty"),
      set_min_(db.sql(),
               "INSERT INTO stock (community_id, item, min_qty, created_at) VALUES (?1, ?2, ?3, "
               "(SELECT IFNULL(MAX(created_at), 0) + 1 FROM stock WHERE community_id = ?1)) "
               "ON CONFLICT (community_id, item) DO UPDATE SET min_qty = excluded.min_qty, "
               "low = CASE WHEN qty > excluded.min_qty THEN 0 ELSE low END"),
      // The count and the write are one statement: whatever another instance handed out
      // between our read and this, the stock cannot go below zero.
      take_(db.sql(),
            "UPDATE stock SET qty = qty - ?3 WHERE community_id = ?1 AND item = ?2 AND qty >= ?3 "
            "RETURNING qty"),
      mark_low_(db.sql(),
                "UPDATE stock SET low = 1 WHERE community_id = ? AND item = ? AND low = 0 "
                "AND min_qty > 0 AND qty <= min_qty"),
      hand_out_(db.sql(),
                "INSERT INTO handouts (community_id, person_id, item, qty, issued_by, issued_at) "
                "VALUES (?, ?, ?, ?, ?, ?)"),
      held_(db.sql(),
            "SELECT item, SUM(qty) FROM handouts WHERE person_id = ? AND community_id = ? "
            "GROUP BY item") {}

std::vector<StockItem> EquipmentRepo::stock(const std::string& community_id) {
  Use q(stock_);
  q->bind(1, community_id);
  std::vector<StockItem> out;
  while (q->executeStep()) {
    out.push_back(
        {q->getColumn(0).getString(), q->getColumn(1).getInt(), q->getColumn(2).getInt()});
  }
  return out;
}

std::optional<StockItem> EquipmentRepo::item(const std::string& community_id,
                                             const std::string& item) {
  Use q(item_);
  q->bind(1, community_id);
  q->bind(2, item);
  if (!q->executeStep()) return std::nullopt;
  return StockItem{q->getColumn(0).getString(), q->getColumn(1).getInt(), q->getColumn(2).getInt()};
}

int EquipmentRepo::add(const std::string& community_id, const std::string& item, int n) {
  Use q(add_);
  q->bind(1, community_id);
  q->bind(2, item);
  q->bind(3, n);
  q->executeStep();
  return q->getColumn(0).getInt();
}

void EquipmentRepo::set_min(const std::string& community_id, const std::string& item, int min_qty) {
  Use q(set_min_);
  q->bind(1, community_id);
  q->bind(2, item);
  q->bind(3, min_qty);
  q->exec();
}

std::optional<int> EquipmentRepo::take(const std::string& community_id, const std::string& item,
                                       int qty) {
  Use q(take_);
  q->bind(1, community_id);
  q->bind(2, item);
  q->bind(3, qty);
  if (!q->executeStep()) return std::nullopt;
  return q->getColumn(0).getInt();
}

bool EquipmentRepo::mark_low(const std::string& community_id, const std::string& item) {
  Use q(mark_low_);
  q->bind(1, community_id);
  q->bind(2, item);
  return q->exec() == 1;
}

void EquipmentRepo::hand_out(const std::string& community_id, std::int64_t person_id,
                             const std::string& item, int qty, std::int64_t by, std::int64_t now) {
  Use q(hand_out_);
  q->bind(1, community_id);
  q->bind(2, person_id);
  q->bind(3, item);
  q->bind(4, qty);
  q->bind(5, by);
  q->bind(6, now);
  q->exec();
}

std::map<std::string, std::int64_t> EquipmentRepo::held(const std::string& community_id,
                                                        std::int64_t person_id) {
  Use q(held_);
  q->bind(1, person_id);
  q->bind(2, community_id);
  // A sum over every hand-out a person ever had: it may pass what an int holds.
  std::map<std::string, std::int64_t> out;
  while (q->executeStep()) out[q->getColumn(0).getString()] = q->getColumn(1).getInt64();
  return out;
}

}  // namespace linli::storage
