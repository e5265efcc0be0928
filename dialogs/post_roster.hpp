#pragma once
#include <string_view>

#include "dialogs/turn.hpp"

namespace linli::post_roster {
// /roster <post>, 名单: who is on a post, for its coordinator only and privately (names are
// nobody else's business): the places with each one's confirmation and check-in, the places
// held during a sign-up review, and the wait-list in its order.
void show(Turn& turn, std::string_view args);
}  // namespace linli::post_roster
