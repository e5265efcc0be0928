#pragma once
// Stored timers: dialog time-outs now, reminders and escalations later. They survive restarts;
// the scheduler fires those that fell due while the service was down as soon as it starts.

#include <optional>
#include <vector>

#include "storage/database.hpp"
#include "storage/records.hpp"

namespace linli::storage {

class TimersRepo {
 public:
  explicit TimersRepo(Database& db);

  // Arms (or re-arms) the timer named `key`.
  void arm(const std::string& key, std::int64_t due_at, const std::string& kind,
           const std::string& payload);
  // Arms the timer only if no timer of that name is armed: for debouncing ("refresh soon").
  bool arm_once(const std::string& key, std::int64_t due_at, const std::string& kind,
                const std::string& payload);
  void disarm(const std::string& key);
  // Removes the timer if it is still the one with `id` (it may have been re-armed since).
  bool take(std::int64_t id);
  std::optional<std::int64_t> next_due();
  std::vector<TimerRecord> due(std::int64_t now, int limit);

 private:
  SQLite::Statement arm_;
  SQLite::Statement arm_once_;
  SQLite::Statement disarm_;
  SQLite::Statement take_;
  SQLite::Statement next_;
  SQLite::Statement due_;
};

}  // namespace linli::storage
