#include "dialogs/recruitment.hpp"

#include <algorithm>
#include <set>
#include <sstream>

#include "dialogs/command_parser.hpp"
#include "dialogs/roster.hpp"
#include "dialogs/route.hpp"
#include "dialogs/support.hpp"
#include "dialogs/tickets.hpp"
#include "dialogs/time_text.hpp"

namespace linli::recruitment {
namespace {

std::string card_text(Turn& turn, const Call& call, const Post& p) {
  Lang l = turn.group_lang();
  RosterCounts n = turn.store.roster.counts(p.id);
  std::string skills =
      p.skills ? say(l, Msg::call_skills, {{"skills", skill_list_names(p.skills, l)}}) : "";
  return say(l, call.open ? Msg::call_card : Msg::call_card_closed,
             {{"id", std::to_string(p.id)},
              {"title", p.title},
              {"team", team_name(p.team, l)},
              {"place", post_place(p, l)},
              {"time", post_time(turn, p, l)},
              {"headcount", std::to_string(p.headcount)},
              {"skills", skills},
              {"risk", support::high_risk(turn.store, p) ? say(l, Msg::call_high_risk) : ""},
              {"taken", std::to_string(n.taken + n.held)},
              {"waiting", std::to_string(n.waiting)}});
}

// Labelled with what a person may type instead ("报名 3": the post's number), for platforms
// whose buttons are shown as text (DingTalk).
std::vector<std::vector<Button>> card_buttons(Turn& turn, std::int64_t call_id,
                                              std::int64_t post_id) {
  return {{Button{say(turn.group_lang(), Msg::join_button, {{"id", std::to_string(post_id)}}),
                  Route{RouteKind::call, call_id, "join"}.str()}}};
}

// Tells a person, in their language, something about a post.
void tell_about(Turn& turn, std::int64_t person_id, Msg m, const Post& p,
                std::initializer_list<Arg> extra = {}) {
  Lang l = turn.lang_of(person_id);
  std::vector<Arg> args = {{"id", std::to_string(p.id)},
                           {"title", p.title},
                           {"time", post_time(turn, p, l)},
                           {"place", post_place(p, l)}};
  args.insert(args.end(), extra.begin(), extra.end());
  turn.tell(person_id, say(l, m, args));
}

}  // namespace

std::string post_time(const Turn& turn, const Post& p, Lang l) {
  return format_time_window({p.starts_at, p.ends_at}, turn.utc_offset_min(p.community_id), l);
}

std::string post_place(const Post& p, Lang l) {
  if (!p.building.empty() && (p.place == p.building || normalize_building(p.place) == p.building)) {
    return say(l, Msg::building_label, {{"building", p.building}});
  }
  return p.place;
}

std::optional<Post> find_post(Turn& turn, std::string_view words) {
  std::string w = trim(words);
  for (std::string_view prefix : {"岗位", "post", "Post", "P", "p"}) {
    if (w.rfind(prefix, 0) == 0) {
      w = trim(std::string_view(w).substr(prefix.size()));
      break;
    }
  }
  // A number alone: "退出 1号群了", "招募 2个人就够了" are talk, not about posts 1 and 2.
  auto n = number_alone(w);
  if (!n) return std::nullopt;
  auto p = turn.store.posts.get(*n);
  const Community* c = turn.community;
  if (!p || (c && p->community_id != c->id)) return std::nullopt;
  return p;
}

std::int64_t save_post(Turn& turn, const Post& p, std::vector<std::int64_t>* moved) {
  std::int64_t id = p.id;
  if (id == 0) {
    id = turn.store.posts.create(p);
  } else {
    turn.store.posts.update(p);
    Roster roster(turn.store.roster, p);
    // A lower headcount sends the latest sign-ups back to the head of the wait-list.
    int n = 0;
    for (const auto& e : roster.fit()) {
      tell_about(turn, e.person_id, Msg::moved_to_waiting, p,
                 {{"n", std::to_string(++n)}, {"headcount", std::to_string(p.headcount)}});
      if (moved) moved->push_back(e.person_id);
    }
    // A higher headcount frees places for those who wait.
    for (int free = roster.free_places(); free > 0; --free) promote(turn, p);
    roster_changed(turn, id);
  }
  // Reminders go out before the shift; who has not confirmed by the second time is replaced.
  std::int64_t remind_at = p.starts_at - turn.config.shifts.remind_before_min * kMinute;
  turn.arm(Timer{TimerKind::remind, id}, std::max(remind_at, turn.now));
  std::int64_t replace_at = p.starts_at - turn.config.shifts.replace_before_min * kMinute;
  if (replace_at > turn.now) {
    turn.arm(Timer{TimerKind::replace, id}, replace_at);
  } else {
    turn.disarm(Timer{TimerKind::replace, id});
  }
  return id;
}

void recruit(Turn& turn, std::string_view args) {
  const Community* c = turn.coordinated();
  if (c == nullptr) return turn.refuse(turn.say(Msg::not_coordinator)), void();
  turn.community = c;
  std::istringstream in{std::string(args)};
  std::string first;
  in >> first;
  if (first.empty()) {
    std::string list;
    for (const auto& p : turn.store.posts.current(c->id, turn.now)) {
      list += (list.empty() ? "" : "\n") + std::to_string(p.id) + " " + p.title + " (" +
              post_time(turn, p, turn.lang) + ")";
    }
    return turn.reply(turn.say(Msg::recruit_usage,
                               {{"list", list.empty() ? turn.say(Msg::no_posts) : list}})),
           void();
  }
  auto post = find_post(turn, first);
  if (!post) return turn.refuse(turn.say(Msg::post_not_found, {{"id", first}})), void();
  if (post->ends_at <= turn.now)
    return turn.reply(turn.say(Msg::recruit_ended, {{"id", std::to_string(post->id)}})), void();
  if (turn.store.posts.open_call(post->id)) {
    auto n = turn.store.roster.counts(post->id);
    return turn.reply(
               turn.say(Msg::recruit_already, {{"id", std::to_string(post->id)},
                                               {"taken", std::to_string(n.taken + n.held)},
                                               {"headcount", std::to_string(post->headcount)},
                                               {"waiting", std::to_string(n.waiting)}})),
           void();
  }
  std::set<std::string> buildings;
  for (std::string b; in >> b;) {
    std::string n = normalize_building(b);
    if (!n.empty()) buildings.insert(n);
  }
  // Nearest first: the post's own building, then the volunteers, then by distance.
  std::vector<const Group*> groups;
  for (const Group* g : c->groups) {
    bool volunteers = g->kind == GroupKind::volunteers;
    if (!buildings.empty() && !volunteers && !buildings.count(g->building)) continue;
    groups.push_back(g);
  }
  auto rank = [&](const Group* g) {
    if (!post->building.empty() && g->building == post->building) return 0;
    if (g->kind == GroupKind::volunteers) return 1;
    return 2 + tickets::building_distance(g->building, post->building);
  };
  std::stable_sort(groups.begin(), groups.end(),
                   [&](auto* a, auto* b) { return rank(a) < rank(b); });
  if (groups.empty() ||
      (groups.size() == 1 && !buildings.empty() && groups[0]->kind == GroupKind::volunteers)) {
    return turn.reply(turn.say(Msg::recruit_no_groups)), void();
  }
  Call call;
  call.post_id = post->id;
  call.community_id = c->id;
  // A call closes when its post starts; for a post already under way, when it ends.
  std::int64_t post_deadline = post->starts_at > turn.now ? post->starts_at : post->ends_at;
  call.deadline_at =
      std::min(post_deadline, turn.now + turn.config.recruitment.deadline_h * 60 * kMinute);
  call.created_by = turn.person.id;
  call.created_at = turn.now;
  call.id = turn.store.posts.create_call(call);
  std::string text = card_text(turn, call, *post);
  for (const Group* g : groups) {
    SendOptions opt;
    opt.route = Route{RouteKind::call, call.id}.str();
    opt.buttons = card_buttons(turn, call.id, post->id);
    std::int64_t card = turn.post(*g, text, std::move(opt));
    turn.store.posts.add_card(call.id, {g->adapter, g->chat, card});
  }
  turn.arm(Timer{TimerKind::deadline, call.id}, call.deadline_at);
  turn.reply(
      turn.say(Msg::recruit_sent,
               {{"groups", std::to_string(groups.size())},
                {"id", std::to_string(post->id)},
                {"title", post->title},
                {"headcount", std::to_string(post->headcount)},
                {"deadline", format_time(call.deadline_at, turn.utc_offset_min(), turn.lang)}}));
}

RosterStatus place(Turn& turn, const Post& post, std::int64_t person_id) {
  Placement at = Roster(turn.store.roster, post).join(person_id, RosterStatus::taken, turn.now);
  if (at.status == RosterStatus::taken) {
    // Whoever joins after the reminders went out has just said yes: no reminder to confirm.
    if (turn.now >= post.starts_at - turn.config.shifts.remind_before_min * kMinute) {
      turn.store.roster.confirm(post.id, person_id);
    }
    tell_about(turn, person_id, Msg::joined_place, post, {{"n", std::to_string(at.position)}});
  } else {
    tell_about(turn, person_id, Msg::joined_waiting, post, {{"n", std::to_string(at.position)}});
  }
  return at.status;
}

bool join(Turn& turn, std::int64_t call_id) {
  auto call = turn.store.posts.call(call_id);
  if (!call) return false;
  auto post = turn.store.posts.get(call->post_id);
  if (!post) return false;
  turn.answer_press();
  std::int64_t me = turn.person.id;
  if (!call->open)
    return turn.tell(me, turn.say(Msg::call_closed_reply, {{"id", std::to_string(post->id)}})),
           false;
  if (auto e = turn.store.roster.get(post->id, me); e && e->status != RosterStatus::gone) {
    return turn.tell(me, turn.say(Msg::joined_already, {{"id", std::to_string(post->id)}})), false;
  }
  auto v = turn.store.volunteers.get(me);
  bool approved = v && v->status == VolunteerStatus::approved;
  if (approved && v->community_id != call->community_id) {
    const Community* theirs = turn.dir.community(v->community_id);
    return turn.tell(me, turn.say(Msg::joined_other_community,
                                  {{"community", theirs ? theirs->name : ""}})),
           false;
  }
  if (approved) {
    // A high-risk post takes only who is trained and equipped for it: told exactly what is
    // missing, and nothing changes (no place, no wait-list).
    if (std::string lacks = support::missing(turn, *post, me, turn.lang); !lacks.empty()) {
      return turn.tell(me, turn.say(Msg::gate_join, {{"id", std::to_string(post->id)},
                                                     {"title", post->title},
                                                     {"missing", lacks}})),
             false;
    }
    place(turn, *post, me);
  } else if (v && v->status == VolunteerStatus::rejected) {
    return turn.tell(me, turn.say(Msg::joined_not_accepted)), false;
  } else {
    // Not (yet) a volunteer: the place is held while they sign up and a coordinator decides.
    Placement at = Roster(turn.store.roster, *post).join(me, RosterStatus::held, turn.now);
    if (at.status == RosterStatus::held) {
      tell_about(turn, me, Msg::joined_held, *post);
    } else {
      tell_about(turn, me, Msg::joined_waiting, *post, {{"n", std::to_string(at.position)}});
    }
  }
  roster_changed(turn, post->id);
  return !v;  // nobody signed up: lead them into the sign-up dialog
}

namespace {

// The gate of a high-risk post (support::missing) for someone the roster moves by itself: who
// lacks a course or an item does not get the place, leaves the post's line and is told exactly
// what is missing. True when they were turned away.
bool turned_away(Turn& turn, const Post& post, std::int64_t person, RosterStatus from) {
  const Lang l = turn.lang_of(person);
  std::string lacks = support::missing(turn, post, person, l);
  if (lacks.empty()) return false;
  turn.store.roster.move(post.id, person, from, RosterStatus::gone);
  turn.tell(person,
            say(l, Msg::gate_join,
                {{"id", std::to_string(post.id)}, {"title", post.title}, {"missing", lacks}}));
  return true;
}

}  // namespace

void promote(Turn& turn, const Post& post) {
  if (post.ends_at <= turn.now) return;
  Roster roster(turn.store.roster, post);
  while (auto first = turn.store.roster.first_waiting(post.id)) {
    auto v = turn.store.volunteers.get(first->person_id);
    if (v && v->status == VolunteerStatus::approved) {
      // Waiting since before the post became high-risk, or pushed back by a lower headcount.
      if (turned_away(turn, post, first->person_id, RosterStatus::waiting)) continue;
      if (!roster.move_up(first->person_id, RosterStatus::taken)) return;  // no place is free
      if (turn.now >= post.starts_at - turn.config.shifts.remind_before_min * kMinute) {
        turn.store.roster.confirm(post.id, first->person_id);
      }
      tell_about(turn, first->person_id, Msg::promoted, post);
      return;
    }
    // Someone without a sign-up under review or under way cannot take the place: next.
    bool signing_up = false;
    if (!v) {
      auto d = turn.store.dialogs.get(first->person_id);
      signing_up = d && d->kind == "signup";
    }
    if ((v && v->status == VolunteerStatus::rejected) || (!v && !signing_up)) {
      turn.store.roster.move(post.id, first->person_id, RosterStatus::waiting, RosterStatus::gone);
      continue;
    }
    if (!roster.move_up(first->person_id, RosterStatus::held)) return;
    tell_about(turn, first->person_id, Msg::joined_held, post);
    return;
  }
}

void withdraw(Turn& turn, std::optional<std::int64_t> post_id) {
  std::int64_t me = turn.person.id;
  auto mine = turn.store.roster.of_person(me);
  std::optional<RosterEntry> entry;
  if (post_id) {
    for (const auto& e : mine) {
      if (e.post_id == *post_id) entry = e;
    }
  } else if (mine.size() == 1) {
    entry = mine.front();
  } else if (mine.size() > 1) {
    // Each post as the person knows it, by its title and time: a bare number says nothing.
    std::string list;
    for (const auto& e : mine) {
      auto p = turn.store.posts.get(e.post_id);
      if (!p) continue;
      list += "\n" + turn.say(e.status == RosterStatus::waiting ? Msg::withdrew_line_waiting
                                                                : Msg::withdrew_line,
                              {{"id", std::to_string(p->id)},
                               {"title", p->title},
                               {"time", post_time(turn, *p, turn.lang)}});
    }
    return turn.reply(turn.say(Msg::withdrew_which, {{"list", list}})), void();
  }
  // Nobody's place to leave: "退出" typed in a group by someone on no post is talk.
  if (!entry) return turn.refuse(turn.say(Msg::withdrew_none)), void();
  auto post = turn.store.posts.get(entry->post_id);
  if (!post) return;
  turn.answer_press();
  turn.store.roster.move(post->id, me, entry->status, RosterStatus::gone);
  turn.reply(turn.say(Msg::withdrew, {{"id", std::to_string(post->id)}, {"title", post->title}}));
  if (entry->status != RosterStatus::waiting) promote(turn, *post);
  roster_changed(turn, post->id);
}

void volunteer_decided(Turn& turn, std::int64_t person_id, bool approved) {
  for (const auto& e : turn.store.roster.of_person(person_id)) {
    auto post = turn.store.posts.get(e.post_id);
    if (!post) continue;
    if (e.status == RosterStatus::held) {
      if (approved && turned_away(turn, *post, person_id, RosterStatus::held)) {
        // Approved, but not trained or equipped for this high-risk post: the place goes on.
        promote(turn, *post);
      } else if (approved) {
        turn.store.roster.move(post->id, person_id, RosterStatus::held, RosterStatus::taken);
        // Approved after the reminders went out: their yes to the call is the confirmation.
        if (turn.now >= post->starts_at - turn.config.shifts.remind_before_min * kMinute) {
          turn.store.roster.confirm(post->id, person_id);
        }
        tell_about(turn, person_id, Msg::held_confirmed, *post);
      } else {
        turn.store.roster.move(post->id, person_id, RosterStatus::held, RosterStatus::gone);
        promote(turn, *post);
      }
      roster_changed(turn, post->id);
    } else if (e.status == RosterStatus::waiting && !approved) {
      turn.store.roster.move(post->id, person_id, RosterStatus::waiting, RosterStatus::gone);
      roster_changed(turn, post->id);
    }
  }
}

void release_held(Turn& turn, std::int64_t person_id) {
  // A sign-up submitted and waiting for review keeps its places until the coordinator decides.
  if (auto v = turn.store.volunteers.get(person_id); v && v->status == VolunteerStatus::pending)
    return;
  for (const auto& e : turn.store.roster.of_person(person_id)) {
    if (e.status != RosterStatus::held) continue;
    auto post = turn.store.posts.get(e.post_id);
    if (!post) continue;
    turn.store.roster.move(post->id, person_id, RosterStatus::held, RosterStatus::gone);
    tell_about(turn, person_id, Msg::held_released, *post);
    promote(turn, *post);
    roster_changed(turn, post->id);
  }
}

void roster_changed(Turn& turn, std::int64_t post_id) {
  auto call = turn.store.posts.open_call(post_id);
  if (!call) return;
  if (turn.config.recruitment.card_refresh_s == 0) return refresh_cards(turn, call->id);
  // Many replies in a burst make one edit of each card, not one per reply.
  turn.arm_once(Timer{TimerKind::cards, call->id},
                turn.now + turn.config.recruitment.card_refresh_s * 1000);
}

void refresh_cards(Turn& turn, std::int64_t call_id) {
  auto call = turn.store.posts.call(call_id);
  if (!call) return;
  auto post = turn.store.posts.get(call->post_id);
  if (!post) return;
  const Community* saved = turn.community;
  turn.community = turn.dir.community(call->community_id);
  std::string text = card_text(turn, *call, *post);
  for (const auto& card : turn.store.posts.cards(call_id)) {
    turn.edit(
        card.outbox_id, text,
        call->open ? card_buttons(turn, call_id, post->id) : std::vector<std::vector<Button>>{});
  }
  turn.community = saved;
}

void close_call(Turn& turn, std::int64_t call_id) {
  if (!turn.store.posts.close_call(call_id)) return;
  turn.disarm(Timer{TimerKind::cards, call_id});
  refresh_cards(turn, call_id);
}

void teams(Turn& turn, std::string_view args) {
  const Community* c = turn.coordinated();
  if (c == nullptr) return turn.refuse(turn.say(Msg::not_coordinator)), void();
  std::istringstream in{std::string(args)};
  std::string from, to;
  in >> from >> to;
  if (!to.empty()) {
    if (parse_team(from))
      return turn.refuse(turn.say(Msg::team_standard, {{"team", from}})), void();
    auto stored = team_to_store(to);
    if (!stored) return turn.refuse(turn.say(Msg::post_hint_team)), void();
    // Renaming to one of the method's teams, or to another team in use, merges the two.
    int n = turn.store.posts.rename_team(c->id, from, *stored);
    if (n == 0) return turn.refuse(turn.say(Msg::team_not_found, {{"team", from}})), void();
    return turn.reply(turn.say(Msg::team_renamed, {{"from", from},
                                                   {"to", team_name(*stored, turn.lang)},
                                                   {"posts", std::to_string(n)}})),
           void();
  }
  // The method's teams first, in its order, then the coordinators' own.
  auto in_use = turn.store.posts.teams(c->id);
  auto posts_of = [&](std::string_view team) {
    for (const auto& [t, n] : in_use) {
      if (t == team) return n;
    }
    return 0;
  };
  std::string list;
  auto add = [&](std::string_view team) {
    list += (list.empty() ? "" : "\n") +
            turn.say(Msg::team_line, {{"team", team_name(team, turn.lang)},
                                      {"posts", std::to_string(posts_of(team))}});
  };
  for (const auto& t : linli::teams()) add(t.code);
  for (const auto& [t, n] : in_use) {
    if (!parse_team(t)) add(t);
  }
  // The bare word asks for the list; one word after it ("队伍 壮大了") is not a rename.
  if (!from.empty()) return turn.refuse(turn.say(Msg::teams_list, {{"list", list}}));
  turn.reply(turn.say(Msg::teams_list, {{"list", list}}));
}

}  // namespace linli::recruitment
