#pragma once
// Coordinators reviewing volunteer sign-ups: the notice they get, /approve and /reject.

#include <string_view>

#include "dialogs/turn.hpp"

namespace linli::review {

// Sends each coordinator of the volunteer's community the sign-up to review, privately.
void notify_coordinators(Turn& turn, const Volunteer& v);
// "/approve", "/approve 5", "/approve 王小明": lists who waits, or decides for one of them.
void command(Turn& turn, std::string_view args, bool approve);
// A decision on one volunteer (a reply to the notice, or its button).
void decide(Turn& turn, std::int64_t volunteer_id, bool approve);

}  // namespace linli::review
