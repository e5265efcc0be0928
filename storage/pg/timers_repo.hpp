#pragma once
// Stored timers on PostgreSQL: the port Timers, as storage/timers_repo.* keeps it on SQLite.
// A timer fires once across all instances: each may read it as due, but only the decision whose
// take(id) deletes the row keeps its effects (a re-armed timer has a new id, so an old firing
// takes nothing).

#include <optional>
#include <string>
#include <vector>

#include "dialogs/ports.hpp"
#include "storage/pg/connection.hpp"

namespace linli::storage::pg {

class PgTimersRepo final : public Timers {
 public:
  explicit PgTimersRepo(Connection& c) : c_(c) {}

  void arm(const Timer& timer, std::int64_t due_at) override;
  bool arm_once(const Timer& timer, std::int64_t due_at) override;
  bool arm_by(const Timer& timer, std::int64_t due_at) override;
  void disarm(const Timer& timer) override;
  bool take(std::int64_t id) override;
  std::optional<std::int64_t> next_due() override;
  std::vector<TimerRecord> due(std::int64_t now, int limit) override;
  bool retry(std::int64_t id, int attempts, std::int64_t retry_at) override;
  bool park(std::int64_t id, int attempts, const std::string& error, std::int64_t now) override;

 private:
  Result upsert(const char* tail, const Timer& timer, std::int64_t due_at);

  Connection& c_;
};

}  // namespace linli::storage::pg
