#pragma once
// /commend <volunteer|team> <text> (表彰), step 5 "commend outstanding volunteers and teams": a
// coordinator's commendation, announced in every group of the community through the outbox (as
// a recruitment call is broadcast), told to the volunteer, and recorded for /report.

#include <string_view>

#include "dialogs/turn.hpp"

namespace linli::commend {

// The longest commendation, in characters.
inline constexpr std::size_t kMaxText = 300;

void run(Turn& turn, std::string_view args);

}  // namespace linli::commend
