#pragma once
// How fast one person may talk to the bot. A token bucket per person: when it runs dry the
// person gets one polite "slow down" and is then ignored for a while, so one person flooding a
// group costs almost nothing and slows nobody else. In memory only: a restart forgives.

#include <cstdint>
#include <string>
#include <unordered_map>

#include "config/config.hpp"

namespace linli {

class FloodGuard {
 public:
  explicit FloodGuard(const FloodConfig& config) : config_(config) {}

  enum class Verdict { pass, warn, drop };
  // `who` names a person on a platform ("tg:42"); `now_ms` is the domain clock.
  Verdict check(const std::string& who, std::int64_t now_ms);
  std::size_t tracked() const { return people_.size(); }

 private:
  struct Entry {
    double tokens = 0;
    std::int64_t last_ms = 0;
    std::int64_t paused_until = 0;
  };
  void prune(std::int64_t now_ms);

  const FloodConfig& config_;
  std::unordered_map<std::string, Entry> people_;
  std::uint64_t checks_ = 0;
};

}  // namespace linli
