#pragma once
// Shifts: a post's people are asked to confirm before it starts, those who do not are
// replaced from the wait-list or the reserve pool; /checkin and /checkout record the hours
// actually served, with a cap on hours a day that also ends shifts left open.

#include "dialogs/turn.hpp"

namespace linli::shifts {

void remind(Turn& turn, std::int64_t post_id);   // timer: ask for confirmations
void replace(Turn& turn, std::int64_t post_id);  // timer: replace who did not confirm
// The answer to a reminder: yes confirms, no gives the place up.
void answer(Turn& turn, std::int64_t post_id, bool yes);
// Checking in arms a timer that checks the person out by themselves (see ShiftRules::end_of,
// dialogs/shift.hpp).
void check_in(Turn& turn);
void check_out(Turn& turn);
void close(Turn& turn, std::int64_t shift_id);  // timer: a shift that ends by itself
// Hours as people read them: "3.5".
std::string hours_text(std::int64_t ms);

}  // namespace linli::shifts
