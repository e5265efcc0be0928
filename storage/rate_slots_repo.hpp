#pragma once
// The rate limits all instances share (issue 13): per key, the sends granted in the current
// fixed window, one row per key reused from window to window (dialogs/ports.hpp, RateSlots).
// On SQLite there is one instance, but the same statement keeps the same count.

#include <optional>

#include "dialogs/ports.hpp"
#include "storage/database.hpp"

namespace linli::storage {

class RateSlotsRepo final : public RateSlots {
 public:
  explicit RateSlotsRepo(Database& db);

  int take(const std::string& key, std::int64_t now, std::int64_t window_ms, int limit,
           int wanted) override;
  int purge(std::int64_t before) override;

 private:
  SQLite::Statement take_;
  SQLite::Statement purge_;
};

// What both engines bind: the window containing `now` (a multiple of window_ms since the epoch,
// so every instance computes the same one), and what a key's first take in it grants.
struct RateWindow {
  std::int64_t start = 0;
  int first = 0;  // min(wanted, limit)
};
// nullopt: nothing can be granted (no limit left to give, nothing wanted, no window).
std::optional<RateWindow> rate_window(std::int64_t now, std::int64_t window_ms, int limit,
                                      int wanted);

}  // namespace linli::storage
