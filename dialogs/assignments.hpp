#pragma once
// Step 4, "implement in order": tasks and posts offered to one volunteer at a time (or a small
// batch), confirmed by reply; an offer declined or left unanswered goes to the next ranked
// candidate, and after a configurable number of rounds the coordinators are told.

#include <set>
#include <string_view>
#include <vector>

#include "dialogs/turn.hpp"

namespace linli::assignments {

struct Candidate {
  std::int64_t person_id = 0;
  std::string name;
  bool same_building = false;
  bool skilled = false;
  bool free = false;  // not on duty and no task in hand
  std::int64_t served_7d_ms = 0;
  int distance = 0;
};

// What a coordinator's name for a volunteer found: the volunteer, or nobody; when approved
// volunteers share the name, nobody is taken and `same_name` lists them (kSameNameListed of them,
// and one more when even more share it).
inline constexpr std::size_t kSameNameListed = 20;
struct Named {
  std::optional<Volunteer> volunteer;
  std::vector<Volunteer> same_name;
};

// A volunteer of the community as coordinators name one: by number ("12", "@12") or by name
// among the approved ones. By number, `any_status` also finds one not (or no longer) approved,
// whose hours a coordinator may still read. A name two volunteers share names neither.
Named find_volunteer(Turn& turn, const std::string& community_id, std::string_view who,
                     bool any_status = false);
// Who among `people` is called `name`: one, or nobody with all who share the name.
Named named_among(std::vector<Volunteer> people, std::string_view name);
// Why `who` named nobody, for the coordinator: unknown, or the volunteers who share the name
// with what tells them apart (their number, building, and in a private chat the end of their
// phone number) and how to name one by number; `ambiguous` says whom the list is of.
std::string not_named(Turn& turn, const Named& found, std::string_view who,
                      Msg ambiguous = Msg::volunteer_ambiguous);

// The best `n` candidates of a community for a need: same building first, then having the
// skill (any of `skills`; 0 needs none), free now, fewest hours in the last 7 days; nobody at
// the daily service-hour cap, nobody in `exclude`.
// With `skilled_only`, nobody without the skill (a sensitive request goes to those who have it).
std::vector<Candidate> rank(Turn& turn, const std::string& community_id, std::uint32_t skills,
                            const std::string& building, const std::set<std::int64_t>& exclude,
                            std::size_t n, bool skilled_only = false);
// The best `n` candidates for a place on post `p`, as rank() with the post's skills and
// building, among the reserve only (support::pool_split: nobody holding a place on a post of the
// community that has not ended); on a high-risk post only those it would let on (trained and
// equipped). Whom it passes over does not count: the ranking goes on down past them, reading at
// most kMaxRead of the pool.
inline constexpr std::size_t kMaxRead = 256;  // of the pool, at most, for one ranking
std::vector<Candidate> rank_for_post(Turn& turn, const Post& p,
                                     const std::set<std::int64_t>& exclude, std::size_t n);
// The same ranking over a pool the caller chose (the drivers of the fleet's vehicles).
std::vector<Candidate> rank_among(Turn& turn, const std::string& community_id,
                                  const std::vector<PoolMember>& pool, std::uint32_t skills,
                                  const std::string& building,
                                  const std::set<std::int64_t>& exclude, std::size_t n);

// /assign #<request> <volunteer> or /assign <post> <volunteer>
void assign(Turn& turn, std::string_view args);
// The volunteer's answer to an offer (a reply or a button).
void answer(Turn& turn, std::int64_t offer_id, bool accept);
// Timers: one offer's time to answer is up; a request's round of offers is over.
void expire(Turn& turn, std::int64_t offer_id);
void unclaimed(Turn& turn, std::int64_t request_id);
// A new request waits `unclaimed_after` minutes for a volunteer before offers start.
void request_opened(Turn& turn, std::int64_t request_id);
// Someone took the request: the offers still open are withdrawn.
void request_claimed(Turn& turn, std::int64_t request_id);
// A post is short of people and nobody waits: offer its places to the reserve pool.
void fill_from_reserve(Turn& turn, const Post& post, int missing);

}  // namespace linli::assignments
