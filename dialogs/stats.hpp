#pragma once
#include "dialogs/turn.hpp"

namespace linli::stats {
// /stats, 统计: volunteers, requests waiting, the needs nobody could serve (by category, so
// posts can be set up by need), and the posts with their rosters.
void report(Turn& turn);
}  // namespace linli::stats
