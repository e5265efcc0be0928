#pragma once
// The rate limits all instances share, on PostgreSQL: the port RateSlots, as
// storage/rate_slots_repo.* keeps it on SQLite. Instances taking slots of one key at once meet
// on its row: INSERT ... ON CONFLICT DO UPDATE waits for the row a concurrent take has changed
// and, once that is committed, updates the row as it is then, so no window grants more than its
// limit however many instances take at once. Run it outside a unit of work (one statement, its
// own transaction, READ COMMITTED): inside a serializable one, a concurrent take makes it fail
// with 40001, which the Pool retries.

#include <string>

#include "dialogs/ports.hpp"
#include "storage/pg/connection.hpp"

namespace linli::storage::pg {

class PgRateSlotsRepo final : public RateSlots {
 public:
  explicit PgRateSlotsRepo(Connection& c) : c_(c) {}

  int take(const std::string& key, std::int64_t now, std::int64_t window_ms, int limit,
           int wanted) override;
  int purge(std::int64_t before) override;

 private:
  Connection& c_;
};

}  // namespace linli::storage::pg
