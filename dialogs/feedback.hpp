#pragma once
// Residents' ratings (step 5, "collect residents' feedback and adjust"): rolled up per volunteer,
// post and team, shown in /report, /stats and a volunteer's /mine; a low rating is told to the
// community's coordinators at once, privately, so that they can follow it up.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "dialogs/turn.hpp"

namespace linli::feedback {

// A rating of this or lower is flagged to the coordinators.
inline constexpr int kLowRating = 2;

struct Tally {
  int count = 0;
  int sum = 0;
  int low = 0;                  // ratings of kLowRating or lower
  std::vector<Rating> entries;  // in the order given (the port's: oldest first)
};

struct Rollup {
  Tally all;
  std::map<std::int64_t, Tally> by_volunteer;
  std::map<std::int64_t, Tally> by_post;  // 0: finished while not checked in for a post
  std::map<std::string, Tally> by_team;   // "": without a team
};

Rollup roll_up(const std::vector<Rating>& ratings);
// The average to one decimal, halves rounded up: 13 over 3 is "4.3", 9 over 2 is "4.5".
std::string average_text(const Tally& t);
// ★★☆☆☆ for 2.
std::string stars(int rating);

// A resident rated request `r`: a low rating goes to the coordinators of its community.
void rated(Turn& turn, const HelpRequest& r, int rating, const std::string& comment);
// The satisfaction line of /stats: all the community's ratings so far.
std::string stats_line(Turn& turn, const std::string& community_id);
// What a volunteer sees of their own ratings in /mine: "" when they have none.
std::string mine_text(Turn& turn);
// The ratings of a tally, one line each ("\n#3 ★★☆☆☆ 太慢了"), the last `n` of them.
std::string comment_lines(Turn& turn, const Tally& t, std::size_t n);

}  // namespace linli::feedback
