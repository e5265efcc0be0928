#include "dialogs/post_roster.hpp"

#include <algorithm>
#include <string>

#include "dialogs/recruitment.hpp"
#include "dialogs/support.hpp"
#include "dialogs/time_text.hpp"

namespace linli::post_roster {
namespace {

// A place's check-in on this post: not yet, on duty since, or served from–to.
std::string duty(Turn& turn, const Post& p, std::int64_t person_id, int offset) {
  // A volunteer may check in for a post from an hour before it starts.
  std::optional<Shift> last;
  for (auto& s : turn.store.shifts.of_person(person_id, p.starts_at - kHour, p.ends_at)) {
    if (s.post_id == p.id) last = std::move(s);
  }
  if (!last) return turn.say(Msg::roster_not_in);
  if (last->checkout_at == 0) {
    return turn.say(Msg::roster_on_duty,
                    {{"time", format_time(last->checkin_at, offset, turn.lang)}});
  }
  return turn.say(Msg::roster_checked_out,
                  {{"from", format_time(last->checkin_at, offset, turn.lang)},
                   {"to", format_time(last->checkout_at, offset, turn.lang)}});
}

std::string lines(Turn& turn, const Post& p, RosterStatus status, int offset) {
  std::string out;
  int n = 0;
  for (const auto& e : turn.store.roster.of_post(p.id, status)) {
    Arg number{"n", std::to_string(++n)};
    Arg name{"name", turn.name_of(e.person_id)};
    std::string line;
    if (status == RosterStatus::taken) {
      line = turn.say(
          Msg::roster_place_line,
          {number,
           name,
           {"confirmed", turn.say(e.confirmed ? Msg::roster_confirmed : Msg::roster_unconfirmed)},
           {"duty", duty(turn, p, e.person_id, offset)}});
    } else if (status == RosterStatus::held) {
      auto v = turn.store.volunteers.get(e.person_id);
      bool pending = v && v->status == VolunteerStatus::pending;
      line = turn.say(
          Msg::roster_held_line,
          {number,
           name,
           {"review", turn.say(pending ? Msg::roster_held_pending : Msg::roster_held_signing)}});
    } else {
      line = turn.say(Msg::roster_wait_line, {number, name});
    }
    out += (out.empty() ? "" : "\n") + line;
  }
  return out.empty() ? turn.say(Msg::stats_none) : out;
}

}  // namespace

void show(Turn& turn, std::string_view args) {
  const Community* c = turn.coordinated();
  if (c == nullptr) return turn.refuse(turn.say(Msg::not_coordinator)), void();
  turn.community = c;
  std::string words = trim(args);
  if (words.empty()) {
    std::string list;
    for (const auto& p : turn.store.posts.current(c->id, turn.now)) {
      list += (list.empty() ? "" : "\n") + std::to_string(p.id) + " " + p.title + " (" +
              recruitment::post_time(turn, p, turn.lang) + ")";
    }
    return turn.reply(turn.say(Msg::roster_usage,
                               {{"list", list.empty() ? turn.say(Msg::no_posts) : list}})),
           void();
  }
  auto post = recruitment::find_post(turn, words);
  if (!post) return turn.refuse(turn.say(Msg::post_not_found, {{"id", words}})), void();
  const int offset = turn.utc_offset_min(post->community_id);
  RosterCounts n = turn.store.roster.counts(post->id);
  std::string text = turn.say(Msg::roster_report,
                              {{"id", std::to_string(post->id)},
                               {"title", post->title},
                               {"time", recruitment::post_time(turn, *post, turn.lang)},
                               {"place", recruitment::post_place(*post, turn.lang)},
                               {"taken", std::to_string(n.taken + n.held)},
                               {"headcount", std::to_string(post->headcount)},
                               {"places", lines(turn, *post, RosterStatus::taken, offset)},
                               {"held", lines(turn, *post, RosterStatus::held, offset)},
                               {"waiting", std::to_string(n.waiting)},
                               {"wait_list", lines(turn, *post, RosterStatus::waiting, offset)}});
  // The method's active/reserve split (做好志愿者储备) and the post's support, by name.
  text += turn.say(Msg::roster_reserve,
                   {{"reserve", std::to_string(support::pool_split(turn, *c).reserve)}});
  text += support::roster_lines(turn, *post);
  // Who is on a post, by name, is for the coordinator: asked in a group, answered privately.
  turn.tell(turn.person.id, std::move(text));
  if (turn.in_group()) turn.reply(turn.say(Msg::mine_sent_private, {{"name", turn.person.name}}));
}

}  // namespace linli::post_roster
