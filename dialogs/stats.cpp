#include "dialogs/stats.hpp"

#include "dialogs/feedback.hpp"
#include "dialogs/recruitment.hpp"
#include "dialogs/support.hpp"

namespace linli::stats {
namespace {

std::string by_category(Turn& turn, const std::map<std::string, int>& counts) {
  std::string out;
  for (const auto& [code, n] : counts) {
    if (!out.empty()) out += turn.say(Msg::list_separator);
    out += std::string(skill_name(skill_from_code(code).value_or(Skill::other), turn.lang)) + " " +
           std::to_string(n);
  }
  return out.empty() ? turn.say(Msg::stats_none) : out;
}

}  // namespace

void report(Turn& turn) {
  const Community* c = turn.coordinated();
  if (c == nullptr) return turn.refuse(turn.say(Msg::not_coordinator)), void();
  std::string posts;
  for (const auto& p : turn.store.posts.current(c->id, turn.now)) {
    RosterCounts n = turn.store.roster.counts(p.id);
    posts += (posts.empty() ? "" : "\n") +
             turn.say(Msg::stats_post_line, {{"id", std::to_string(p.id)},
                                             {"title", p.title},
                                             {"taken", std::to_string(n.taken + n.held)},
                                             {"headcount", std::to_string(p.headcount)},
                                             {"waiting", std::to_string(n.waiting)},
                                             {"time", recruitment::post_time(turn, p, turn.lang)}});
  }
  turn.reply(
      turn.say(Msg::stats_report,
               {{"community", c->name},
                {"approved",
                 std::to_string(turn.store.volunteers.count(c->id, VolunteerStatus::approved))},
                {"pending",
                 std::to_string(turn.store.volunteers.count(c->id, VolunteerStatus::pending))},
                {"on_duty", std::to_string(turn.store.shifts.on_duty_in(c->id).size())},
                {"open", by_category(turn, turn.store.requests.count_by_category(c->id, false))},
                {"unmet", by_category(turn, turn.store.requests.count_by_category(c->id, true)) +
                              "\n" + feedback::stats_line(turn, c->id)},
                {"posts", posts.empty() ? turn.say(Msg::stats_none) : posts}}) +
      support::stats_lines(turn, *c));
}

}  // namespace linli::stats
