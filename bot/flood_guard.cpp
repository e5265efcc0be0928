#include "bot/flood_guard.hpp"

#include <algorithm>

namespace linli {

FloodGuard::Verdict FloodGuard::check(const std::string& who, std::int64_t now_ms) {
  if (++checks_ % 4096 == 0) prune(now_ms);
  auto [it, fresh] = people_.try_emplace(who);
  Entry& e = it->second;
  if (fresh) {
    e.tokens = config_.burst;
    e.last_ms = now_ms;
  }
  if (e.paused_until > now_ms) return Verdict::drop;
  if (e.paused_until != 0) {  // the pause is over: start afresh
    e.paused_until = 0;
    e.tokens = config_.burst;
    e.last_ms = now_ms;
  }
  double rate_per_ms = config_.messages_per_minute / 60'000.0;
  e.tokens = std::min<double>(config_.burst, e.tokens + (now_ms - e.last_ms) * rate_per_ms);
  e.last_ms = now_ms;
  if (e.tokens >= 1.0) {
    e.tokens -= 1.0;
    return Verdict::pass;
  }
  e.paused_until = now_ms + config_.pause_s * 1000;
  return Verdict::warn;
}

// Forgets people whose bucket has filled up again and who are not paused: they are
// indistinguishable from people never seen.
void FloodGuard::prune(std::int64_t now_ms) {
  double rate_per_ms = config_.messages_per_minute / 60'000.0;
  for (auto it = people_.begin(); it != people_.end();) {
    const Entry& e = it->second;
    bool full = e.tokens + (now_ms - e.last_ms) * rate_per_ms >= config_.burst;
    it = (e.paused_until <= now_ms && full) ? people_.erase(it) : std::next(it);
  }
}

}  // namespace linli
