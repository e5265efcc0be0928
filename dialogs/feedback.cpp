#include "dialogs/feedback.hpp"

#include <algorithm>

namespace linli::feedback {
namespace {

void add(Tally& t, const Rating& r) {
  ++t.count;
  t.sum += r.rating;
  if (r.rating <= kLowRating) ++t.low;
  t.entries.push_back(r);
}

// How many of a volunteer's latest ratings /mine lists.
constexpr std::size_t kMineComments = 3;

}  // namespace

Rollup roll_up(const std::vector<Rating>& ratings) {
  Rollup out;
  for (const auto& r : ratings) {
    add(out.all, r);
    add(out.by_volunteer[r.volunteer_id], r);
    add(out.by_post[r.post_id], r);
    add(out.by_team[r.team], r);
  }
  return out;
}

std::string average_text(const Tally& t) {
  if (t.count == 0) return "—";
  // Tenths, rounded half up, in integers: no binary fraction decides a figure people compare.
  int tenths = (20 * t.sum + t.count) / (2 * t.count);
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10);
}

std::string stars(int rating) {
  std::string s;
  for (int i = 0; i < 5; ++i) s += i < rating ? "★" : "☆";
  return s;
}

void rated(Turn& turn, const HelpRequest& r, int rating, const std::string& comment) {
  if (rating > kLowRating) return;
  const Community* c = turn.dir.community(r.community_id);
  if (c == nullptr) return;
  Skill s = skill_from_code(r.category).value_or(Skill::other);
  for (std::int64_t coordinator : c->coordinators) {
    Lang l = turn.lang_of(coordinator);
    turn.tell(coordinator, say(l, Msg::low_rating_alert,
                               {{"id", std::to_string(r.id)},
                                {"category", std::string(skill_name(s, l))},
                                {"resident", turn.name_of(r.resident_id)},
                                {"stars", stars(rating)},
                                {"rating", std::to_string(rating)},
                                {"volunteer", turn.name_of(r.volunteer_id)},
                                {"comment", comment.empty() ? say(l, Msg::no_comment) : comment}}));
  }
}

std::string stats_line(Turn& turn, const std::string& community_id) {
  const RatingSum all = turn.store.evaluation.satisfaction(community_id, kLowRating);
  if (all.count == 0) return turn.say(Msg::stats_feedback_none);
  const Tally t{all.count, all.sum, all.low, {}};
  return turn.say(Msg::stats_feedback, {{"average", average_text(t)},
                                        {"count", std::to_string(t.count)},
                                        {"low", std::to_string(t.low)}});
}

std::string comment_lines(Turn& turn, const Tally& t, std::size_t n) {
  std::string out;
  std::size_t from = t.entries.size() > n ? t.entries.size() - n : 0;
  for (std::size_t i = from; i < t.entries.size(); ++i) {
    const Rating& r = t.entries[i];
    out += turn.say(Msg::feedback_comment_line,
                    {{"id", std::to_string(r.request_id)},
                     {"stars", stars(r.rating)},
                     {"comment", r.comment.empty() ? turn.say(Msg::no_comment) : r.comment}});
  }
  return out;
}

std::string mine_text(Turn& turn) {
  auto v = turn.store.volunteers.get(turn.person.id);
  if (!v || v->status != VolunteerStatus::approved) return "";
  RatingSum sum = turn.store.evaluation.volunteer_ratings(
      v->community_id, turn.person.id, kLowRating, static_cast<int>(kMineComments));
  if (sum.count == 0) return "";
  // The port gives the latest first; the lines read oldest first, as everywhere else.
  Tally mine{sum.count, sum.sum, sum.low, {sum.latest.rbegin(), sum.latest.rend()}};
  return turn.say(Msg::mine_feedback, {{"average", average_text(mine)},
                                       {"count", std::to_string(mine.count)},
                                       {"comments", comment_lines(turn, mine, kMineComments)}});
}

}  // namespace linli::feedback
