#pragma once
// Stored timers: dialog time-outs now, reminders and escalations later. They survive restarts;
// the scheduler fires those that fell due while the service was down as soon as it starts.

#include <optional>
#include <vector>

#include "dialogs/ports.hpp"
#include "dialogs/records.hpp"
#include "storage/database.hpp"

namespace linli::storage {

class TimersRepo final : public Timers {
 public:
  explicit TimersRepo(Database& db);

  // Stored as its key, its kind's name and its subject, which earlier versions wrote the same.
  void arm(const Timer& timer, std::int64_t due_at) override;
  bool arm_once(const Timer& timer, std::int64_t due_at) override;
  bool arm_by(const Timer& timer, std::int64_t due_at) override;
  void disarm(const Timer& timer) override;
  // Removes the timer if it is still the one with `id` (it may have been re-armed since).
  bool take(std::int64_t id) override;
  std::optional<std::int64_t> next_due() override;
  std::vector<TimerRecord> due(std::int64_t now, int limit) override;
  bool retry(std::int64_t id, int attempts, std::int64_t retry_at) override;
  bool park(std::int64_t id, int attempts, const std::string& error, std::int64_t now) override;

 private:
  SQLite::Statement arm_;
  SQLite::Statement arm_once_;
  SQLite::Statement arm_by_;
  SQLite::Statement disarm_;
  SQLite::Statement take_;
  SQLite::Statement next_;
  SQLite::Statement due_;
  SQLite::Statement retry_;
  SQLite::Statement park_;
};

}  // namespace linli::storage
