#pragma once
// Steps 1 and 2 of the five-step method: posts set up by need, and recruitment calls broadcast
// to the community's groups, nearest first. The first N who reply get the places, the rest wait
// in order; a place that frees goes to the first who waits. Every decision is one transaction
// on one thread, so N places are never given to N+1 people, whatever the interleaving.

#include <optional>
#include <string_view>
#include <vector>

#include "dialogs/turn.hpp"

namespace linli::recruitment {

// Stores a new or edited post and arms its shift reminders; returns its number. An edit that
// lowers the headcount below the places taken or held sends the latest sign-ups back to the
// head of the wait-list and tells each; `moved` (if given) gets who moved, first in line first.
std::int64_t save_post(Turn& turn, const Post& p, std::vector<std::int64_t>* moved = nullptr);
// /recruit <post> [buildings...]
void recruit(Turn& turn, std::string_view args);
// A reply to a call's card ("报名", "+1", "1", "join") or its button. Returns true when the
// person is not a volunteer yet and should be led into the sign-up dialog.
bool join(Turn& turn, std::int64_t call_id);
// Leaving a post: "退出" replied to its card, or /quit [post].
void withdraw(Turn& turn, std::optional<std::int64_t> post_id);
// Gives `person_id` a place on the post if one is free, else a place on the wait-list; tells
// them which. Used by calls and by accepted offers. Returns the new status.
RosterStatus place(Turn& turn, const Post& post, std::int64_t person_id);
// A place freed on a post: the first who waits gets it and is told.
void promote(Turn& turn, const Post& post);
// A coordinator approved or rejected someone who had places held during the review.
void volunteer_decided(Turn& turn, std::int64_t person_id, bool approved);
// Someone's sign-up ended unfinished: the places held for them (if they have not submitted a
// sign-up that waits for review) go to the wait-list.
void release_held(Turn& turn, std::int64_t person_id);
// Timers: the debounced refresh of a call's roster cards, and its deadline.
void refresh_cards(Turn& turn, std::int64_t call_id);
void close_call(Turn& turn, std::int64_t call_id);
// Something changed on a post's roster: its open call's cards will be refreshed shortly.
void roster_changed(Turn& turn, std::int64_t post_id);

// "12月3日 08:00–12:00", "31栋 · 社区服务站": how posts are shown.
std::string post_time(const Turn& turn, const Post& p, Lang l);
std::string post_place(const Post& p, Lang l);
// A post named by number ("3", "#3", "岗位3") in the turn's community, if it exists there.
std::optional<Post> find_post(Turn& turn, std::string_view words);

}  // namespace linli::recruitment

namespace linli::recruitment {
// /team, 队伍: the community's teams with their posts; "/team <old> <new>" renames one of the
// coordinators' own teams. (A new team is made by naming it in the post dialog.)
void teams(Turn& turn, std::string_view args);
}  // namespace linli::recruitment
