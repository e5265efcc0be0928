#include "storage/pg/equipment_repo.hpp"

namespace linli::storage::pg {
namespace {

StockItem read(const Result& r, int row) {
  return StockItem{std::string(r.text(row, 0)), static_cast<int>(r.integer(row, 1)),
                   static_cast<int>(r.integer(row, 2))};
}

}  // namespace

// Items added at the same moment in byte order (COLLATE "C"), as SQLite sorts them.
std::vector<StockItem> PgEquipmentRepo::stock(const std::string& community_id) {
  Result r = c_.exec(
      "SELECT item, qty, min_qty FROM stock WHERE community_id = $1 "
      "ORDER BY created_at, item COLLATE \"C\"",
      {community_id});
  std::vector<StockItem> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(read(r, i));
  return out;
}

std::optional<StockItem> PgEquipmentRepo::item(const std::string& community_id,
                                               const std::string& item) {
  Result r = c_.exec("SELECT item, qty, min_qty FROM stock WHERE community_id = $1 AND item = $2",
                     {community_id, item});
  if (r.rows() == 0) return std::nullopt;
  return read(r, 0);
}

// created_at is the item's place in the list, one past the community's last. In PostgreSQL's
// SET, a bare column is the row as it was (as in SQLite's); qualified here because `excluded`
// has the same columns.
int PgEquipmentRepo::add(const std::string& community_id, const std::string& item, int n) {
  // Back above its threshold, an item is no longer "low": it warns again when it falls.
  return static_cast<int>(
      c_.exec("INSERT INTO stock (community_id, item, qty, created_at) VALUES ($1, $2, $3, "
              "(SELECT COALESCE(MAX(created_at), 0) + 1 FROM stock WHERE community_id = $1)) "
              "ON CONFLICT (community_id, item) DO UPDATE SET qty = stock.qty + excluded.qty, "
              "low = CASE WHEN stock.qty + excluded.qty > stock.min_qty THEN 0 ELSE stock.low END "
              "RETURNING qty",
              {community_id, item, n})
          .integer(0, 0));
}

void PgEquipmentRepo::set_min(const std::string& community_id, const std::string& item,
                              int min_qty) {
  c_.exec(
      "INSERT INTO stock (community_id, item, min_qty, created_at) VALUES ($1, $2, $3, "
      "(SELECT COALESCE(MAX(created_at), 0) + 1 FROM stock WHERE community_id = $1)) "
      "ON CONFLICT (community_id, item) DO UPDATE SET min_qty = excluded.min_qty, "
      "low = CASE WHEN stock.qty > excluded.min_qty THEN 0 ELSE stock.low END",
      {community_id, item, min_qty});
}

std::optional<int> PgEquipmentRepo::take(const std::string& community_id, const std::string& item,
                                         int qty) {
  // The count and the write are one statement: whatever another instance handed out between
  // our read and this, the stock cannot go below zero.
  Result r = c_.exec(
      "UPDATE stock SET qty = qty - $3 WHERE community_id = $1 AND item = $2 AND qty >= $3 "
      "RETURNING qty",
      {community_id, item, qty});
  if (r.rows() == 0) return std::nullopt;
  return static_cast<int>(r.integer(0, 0));
}

bool PgEquipmentRepo::mark_low(const std::string& community_id, const std::string& item) {
  return c_.exec(
               "UPDATE stock SET low = 1 WHERE community_id = $1 AND item = $2 AND low = 0 "
               "AND min_qty > 0 AND qty <= min_qty",
               {community_id, item})
             .affected() == 1;
}

void PgEquipmentRepo::hand_out(const std::string& community_id, std::int64_t person_id,
                               const std::string& item, int qty, std::int64_t by,
                               std::int64_t now) {
  c_.exec(
      "INSERT INTO handouts (community_id, person_id, item, qty, issued_by, issued_at) "
      "VALUES ($1, $2, $3, $4, $5, $6)",
      {community_id, person_id, item, qty, by, now});
}

std::map<std::string, std::int64_t> PgEquipmentRepo::held(const std::string& community_id,
                                                          std::int64_t person_id) {
  // A sum over every hand-out a person ever had: it may pass what an int holds.
  Result r = c_.exec(
      "SELECT item, SUM(qty)::bigint FROM handouts WHERE person_id = $1 AND community_id = $2 "
      "GROUP BY item",
      {person_id, community_id});
  std::map<std::string, std::int64_t> out;
  for (int i = 0; i < r.rows(); ++i) out[std::string(r.text(i, 0))] = r.integer(i, 1);
  return out;
}

}  // namespace linli::storage::pg
