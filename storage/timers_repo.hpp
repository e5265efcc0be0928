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

  // Arms (or re-arms) the timer named `key`.
  void arm(const std::string& key, std::int64_t due_at, const std::string& kind,
           const std::string& payload) override;
  // Arms the timer only if no timer of that name is armed: for debouncing ("refresh soon").
  bool arm_once(const std::string& key, std::int64_t due_at, const std::string& kind,
                const std::string& payload) override;
  void disarm(const std::string& key) override;
  // Removes the timer if it is still the one with `id` (it may have been re-armed since).
  bool take(std::int64_t id) override;
  std::optional<std::int64_t> next_due() override;
  std::vector<TimerRecord> due(std::int64_t now, int limit) override;
  bool retry(std::int64_t id, int attempts, std::int64_t retry_at) override;
  bool park(std::int64_t id, int attempts, const std::string& error, std::int64_t now) override;

 private:
  SQLite::Statement arm_;
  SQLite::Statement arm_once_;
  SQLite::Statement disarm_;
  SQLite::Statement take_;
  SQLite::Statement next_;
  SQLite::Statement due_;
  SQLite::Statement retry_;
  SQLite::Statement park_;
};

}  // namespace linli::storage
