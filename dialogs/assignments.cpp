#include "dialogs/assignments.hpp"

#include <functional>
#include <limits>

#include <algorithm>
#include <sstream>

#include "dialogs/command_parser.hpp"
#include "dialogs/fleet.hpp"
#include "dialogs/recruitment.hpp"
#include "dialogs/roster.hpp"
#include "dialogs/route.hpp"
#include "dialogs/support.hpp"
#include "dialogs/tickets.hpp"
#include "dialogs/time_text.hpp"

namespace linli::assignments {
namespace {

std::string where(Lang l, const std::string& building) {
  return building.empty() ? "—" : say(l, Msg::building_label, {{"building", building}});
}

std::vector<std::vector<Button>> offer_buttons(Lang l, std::int64_t offer_id) {
  return {{Button{say(l, Msg::accept_button), Route{RouteKind::offer, offer_id, "yes"}.str()},
           Button{say(l, Msg::decline_button), Route{RouteKind::offer, offer_id, "no"}.str()}}};
}

void tell_coordinators(Turn& turn, const std::string& community_id, Msg m, std::vector<Arg> args) {
  const Community* c = turn.dir.community(community_id);
  if (c == nullptr) return;
  for (std::int64_t coordinator : c->coordinators) {
    turn.tell(coordinator, say(turn.lang_of(coordinator), m, args));
  }
}

// Sends one offer and returns its id. Coordinators' offers and reserve offers have a timer
// each; automatic offers of a request share the timer of their round.
std::int64_t offer(Turn& turn, const std::string& kind, std::int64_t target, std::int64_t person,
                   int round, std::int64_t offered_by, bool own_timer) {
  Offer o;
  o.kind = kind;
  o.target_id = target;
  o.person_id = person;
  o.round = round;
  o.offered_by = offered_by;
  o.offered_at = turn.now;
  o.id = turn.store.offers.create(o);
  Lang l = turn.lang_of(person);
  std::string minutes = std::to_string(turn.config.assignments.offer_timeout_min);
  std::string text;
  std::string coordinator = offered_by ? turn.name_of(offered_by) : "";
  if (kind == "request") {
    auto r = turn.store.requests.get(target);
    Skill s = skill_from_code(r->category).value_or(Skill::other);
    std::vector<Arg> args = {{"coordinator", coordinator},
                             {"id", std::to_string(target)},
                             {"category", std::string(skill_name(s, l))},
                             {"building", where(l, r->building)},
                             {"details", r->details},
                             {"minutes", minutes}};
    text = say(l, offered_by ? Msg::assign_offer : Msg::auto_offer, args);
  } else {
    auto p = turn.store.posts.get(target);
    std::vector<Arg> args = {{"coordinator", coordinator},
                             {"id", std::to_string(target)},
                             {"title", p->title},
                             {"time", recruitment::post_time(turn, *p, l)},
                             {"place", recruitment::post_place(*p, l)},
                             {"minutes", minutes}};
    text = say(l, offered_by ? Msg::assign_offer_post : Msg::reserve_offer, args);
  }
  SendOptions opt;
  opt.route = Route{RouteKind::offer, o.id}.str();
  opt.buttons = offer_buttons(l, o.id);
  turn.tell(person, std::move(text), std::move(opt));
  if (own_timer) {
    turn.arm(Timer{TimerKind::offer, o.id},
             turn.now + turn.config.assignments.offer_timeout_min * kMinute);
  }
  return o.id;
}

std::set<std::int64_t> asked(Turn& turn, const std::string& kind, std::int64_t target) {
  auto v = turn.store.offers.asked(kind, target);
  return {v.begin(), v.end()};
}

void escalate_request(Turn& turn, const HelpRequest& r, int rounds) {
  turn.store.requests.mark_unmet(r.id);
  turn.disarm(Timer{TimerKind::unclaimed, r.id});
  Lang l = turn.group_lang();
  Skill s = skill_from_code(r.category).value_or(Skill::other);
  tell_coordinators(turn, r.community_id, Msg::escalate_request,
                    {{"id", std::to_string(r.id)},
                     {"category", std::string(skill_name(s, l))},
                     {"building", where(l, r.building)},
                     {"n", std::to_string(rounds)}});
}

// After an offer of a coordinator (or a reserve offer) was declined or expired: the next one.
void next(Turn& turn, const Offer& o) {
  if (o.kind == "trip") return fleet::next_driver(turn, o.target_id);
  int round = turn.store.offers.rounds(o.kind, o.target_id) + 1;
  std::set<std::int64_t> exclude = asked(turn, o.kind, o.target_id);
  if (o.kind == "request") {
    auto r = turn.store.requests.get(o.target_id);
    if (!r || r->status != RequestStatus::open) return;
    if (o.offered_by == 0) {
      // An automatic offer: when its whole round has answered, the next round starts now.
      if (turn.store.offers.open_for("request", r->id).empty()) unclaimed(turn, r->id);
      return;
    }
    auto need = skill_from_code(r->category).value_or(Skill::other);
    auto best = round <= turn.config.assignments.max_offers
                    ? rank(turn, r->community_id, bit(need), r->building, exclude, 1,
                           r->sensitive && need != Skill::other)
                    : std::vector<Candidate>{};
    if (best.empty()) return escalate_request(turn, *r, round - 1);
    offer(turn, "request", r->id, best[0].person_id, round, o.offered_by, true);
    return;
  }
  auto p = turn.store.posts.get(o.target_id);
  if (!p || p->starts_at <= turn.now) return;
  RosterCounts n = turn.store.roster.counts(p->id);
  int missing = p->headcount - n.taken - n.held;
  if (missing <= 0) return;
  for (const auto& e : turn.store.roster.of_post(p->id, RosterStatus::taken))
    exclude.insert(e.person_id);
  for (const auto& e : turn.store.roster.of_post(p->id, RosterStatus::held))
    exclude.insert(e.person_id);
  auto best = round <= turn.config.assignments.max_offers * p->headcount
                  ? rank_for_post(turn, *p, exclude, 1)
                  : std::vector<Candidate>{};
  if (best.empty()) {
    tell_coordinators(
        turn, p->community_id, Msg::escalate_post,
        {{"id", std::to_string(p->id)}, {"title", p->title}, {"missing", std::to_string(missing)}});
    return;
  }
  offer(turn, "post", p->id, best[0].person_id, round, o.offered_by, true);
}

}  // namespace

namespace {

// What ranking needs to know of the community now, read once per ranking.
struct RankContext {
  std::set<std::int64_t> busy;
  std::int64_t week_from = 0;
  std::int64_t day_from = 0;
  std::int64_t cap_ms = 0;
};

RankContext rank_context(Turn& turn, const std::string& community_id) {
  RankContext x;
  x.busy = turn.store.requests.busy_volunteers(community_id);
  x.week_from = turn.now - 7 * kDay;
  x.day_from = local_day_start(turn.now, turn.utc_offset_min(community_id));
  x.cap_ms = static_cast<std::int64_t>(turn.config.shifts.daily_hours_cap * kHour);
  return x;
}

Candidate candidate(const PoolMember& v, std::uint32_t skills, const std::string& building) {
  Candidate c;
  c.person_id = v.person_id;
  c.name = v.name;
  c.distance = tickets::building_distance(v.building, building);
  c.same_building = c.distance == 0;
  c.skilled = skills == 0 || (v.skills & skills) != 0;
  return c;
}

// Fills in the hours and whether the candidate is free; false for someone at today's cap.
bool weigh(Turn& turn, const RankContext& x, Candidate& c) {
  c.served_7d_ms = turn.store.shifts.served(c.person_id, x.week_from, turn.now);
  // Today is within the week: nobody who served nothing this week is at today's cap.
  std::int64_t today =
      c.served_7d_ms > 0 ? turn.store.shifts.served(c.person_id, x.day_from, turn.now) : 0;
  if (today > 0 && today >= x.cap_ms) return false;
  c.free = !x.busy.count(c.person_id) && !turn.store.shifts.on_duty(c.person_id);
  return true;
}

std::vector<Candidate> best_of(std::vector<Candidate> all, std::size_t n) {
  auto key = [](const Candidate& c) {
    return std::make_tuple(!c.same_building, !c.skilled, !c.free, c.served_7d_ms, c.distance,
                           c.person_id);
  };
  std::size_t k = std::min(n, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k), all.end(),
                    [&](const Candidate& a, const Candidate& b) { return key(a) < key(b); });
  all.resize(k);
  return all;
}

}  // namespace

namespace {

// rank(), keeping only whom `eligible` accepts (nullptr: everyone). Whom it turns away does not
// count towards the n, so the ranking goes on down past them: the window read from the pool
// past those excluded doubles while people were turned away and the pool had more, up to
// kMaxRead people of each kind.
std::vector<Candidate> rank_eligible(Turn& turn, const std::string& community_id,
                                     std::uint32_t skills, const std::string& building,
                                     const std::set<std::int64_t>& exclude, std::size_t n,
                                     bool skilled_only,
                                     const std::function<bool(std::int64_t)>& eligible) {
  // The nearest few of each kind, never the whole pool (DESIGN.md §7: a city has 549,000). Past
  // those already asked, kLookAhead more leave room for whom the rules set aside or put last
  // (at the cap, busy): among the same kind, someone further down is asked only if they do not.
  constexpr std::size_t kLookAhead = 16;
  RankContext x = rank_context(turn, community_id);
  std::set<std::int64_t> turned_away;
  std::size_t look_ahead = kLookAhead;
  std::size_t read_before = 0;
  for (;;) {
    const std::size_t ahead = std::min(look_ahead, kMaxRead);
    auto pool = turn.store.volunteers.nearest(community_id, skills, building,
                                              static_cast<int>(n + exclude.size() + ahead));
    std::vector<Candidate> all;
    bool turned_away_now = false;
    for (const auto& v : pool) {
      Candidate c = candidate(v, skills, building);
      // The pool comes kind by kind in the order of the key below: once a kind is over and
      // enough are found, nobody further can rank among the first n.
      if (all.size() >= n && !all.empty() &&
          std::make_pair(all.back().same_building, all.back().skilled) !=
              std::make_pair(c.same_building, c.skilled)) {
        break;
      }
      if (exclude.count(v.person_id) || (skilled_only && !c.skilled)) continue;
      if (turned_away.count(v.person_id)) continue;
      if (eligible && !eligible(v.person_id)) {
        turned_away.insert(v.person_id);
        turned_away_now = true;
        continue;
      }
      if (!weigh(turn, x, c)) continue;
      all.push_back(std::move(c));
    }
    // Enough found and nobody set aside: done. Someone set aside: a better kind may have been
    // cut at the limit with a qualified person just past it, so read further while the pool
    // still grows, but never more than kMaxRead people past those excluded (each costs the
    // rules' look-ups): the window that reached it was the last.
    const bool exhausted = pool.size() <= read_before;
    const bool capped = ahead >= kMaxRead;
    if (!turned_away_now || exhausted || capped) {
      return best_of(std::move(all), n);
    }
    read_before = pool.size();
    look_ahead = 2 * look_ahead + turned_away.size();
  }
}

}  // namespace

std::vector<Candidate> rank(Turn& turn, const std::string& community_id, std::uint32_t skills,
                            const std::string& building, const std::set<std::int64_t>& exclude,
                            std::size_t n, bool skilled_only) {
  return rank_eligible(turn, community_id, skills, building, exclude, n, skilled_only, nullptr);
}

std::vector<Candidate> rank_for_post(Turn& turn, const Post& p,
                                     const std::set<std::int64_t>& exclude, std::size_t n) {
  // Only the reserve, as support::pool_split counts it: whoever holds a place on a post of the
  // community that has not ended is active, and is passed over as the gate's refusals are.
  // A high-risk post's place goes, besides, only to whom it would let on: trained and equipped.
  const bool high = support::high_risk(turn.store, p);
  auto eligible = [&](std::int64_t person) {
    if (turn.store.volunteers.has_place(person, p.community_id, turn.now)) return false;
    return !high || support::missing(turn, p, person, turn.lang).empty();
  };
  return rank_eligible(turn, p.community_id, p.skills, p.building, exclude, n, false, eligible);
}

std::vector<Candidate> rank_among(Turn& turn, const std::string& community_id,
                                  const std::vector<PoolMember>& pool, std::uint32_t skills,
                                  const std::string& building,
                                  const std::set<std::int64_t>& exclude, std::size_t n) {
  RankContext x = rank_context(turn, community_id);
  std::vector<Candidate> all;
  for (const auto& v : pool) {
    if (exclude.count(v.person_id)) continue;
    Candidate c = candidate(v, skills, building);
    if (weigh(turn, x, c)) all.push_back(std::move(c));
  }
  return best_of(std::move(all), n);
}

Named find_volunteer(Turn& turn, const std::string& community_id, std::string_view who,
                     bool any_status) {
  std::string w = trim(who);
  if (!w.empty() && w[0] == '@') w.erase(0, 1);
  if (auto id = parse_number<std::int64_t>(w, 1, std::numeric_limits<std::int64_t>::max())) {
    auto v = turn.store.volunteers.get(*id);
    if (v && v->community_id == community_id &&
        (any_status || v->status == VolunteerStatus::approved)) {
      Named out;
      out.volunteer = std::move(v);
      return out;
    }
  }
  // By the name, in the statement: never the whole pool (a city has 549,000). One more than are
  // listed tells that even more share it.
  return named_among(turn.store.volunteers.named(community_id, w, kSameNameListed + 1), w);
}

Named named_among(std::vector<Volunteer> people, std::string_view name) {
  Named out;
  for (auto& v : people) {
    if (v.name == name) out.same_name.push_back(std::move(v));
  }
  if (out.same_name.size() == 1) {
    out.volunteer = std::move(out.same_name.front());
    out.same_name.clear();
  }
  return out;
}

std::string not_named(Turn& turn, const Named& found, std::string_view who, Msg ambiguous) {
  const std::string w = trim(who);
  if (found.same_name.size() < 2) return turn.say(Msg::volunteer_unknown, {{"who", w}});
  std::string list;
  const std::size_t listed = std::min(found.same_name.size(), kSameNameListed);
  for (std::size_t i = 0; i < listed; ++i) {
    const Volunteer& v = found.same_name[i];
    // The end of a phone number tells neighbours apart, but not in a group (DESIGN.md §6).
    std::string phone;
    if (std::string tail = last_digits(v.phone, 4); !turn.in_group() && !tail.empty()) {
      phone = turn.say(Msg::volunteer_ambiguous_phone, {{"tail", tail}});
    }
    list += (list.empty() ? "" : "\n") +
            turn.say(Msg::volunteer_ambiguous_line, {{"id", std::to_string(v.person_id)},
                                                     {"name", v.name},
                                                     {"building", where(turn.lang, v.building)},
                                                     {"phone", phone}});
  }
  return turn.say(ambiguous, {{"n", found.same_name.size() > listed ? std::to_string(listed) + "+"
                                                                    : std::to_string(listed)},
                              {"who", w},
                              {"list", list},
                              {"example", std::to_string(found.same_name.front().person_id)}});
}

void assign(Turn& turn, std::string_view args) {
  const Community* c = turn.coordinated();
  if (c == nullptr) return turn.refuse(turn.say(Msg::not_coordinator)), void();
  turn.community = c;
  std::istringstream in{std::string(args)};
  std::string what, who;
  in >> what;
  std::getline(in, who);
  who = trim(who);
  if (what.empty() || who.empty()) return turn.refuse(turn.say(Msg::assign_usage)), void();
  auto found = find_volunteer(turn, c->id, who);
  // Nobody of that name: words that name no one ("派单 的事 再说"). A shared name is an answer.
  if (found.same_name.empty() && !found.volunteer) {
    return turn.refuse(not_named(turn, found, who));
  }
  if (!found.volunteer) return turn.reply(not_named(turn, found, who)), void();
  const auto& volunteer = found.volunteer;
  bool request = what[0] == '#' || what.rfind("\xEF\xBC\x83", 0) == 0;
  if (request) {
    auto id = parse_ticket_number(what);
    auto r = id ? turn.store.requests.get(*id) : std::nullopt;
    if (!r || r->community_id != c->id)
      return turn.reply(turn.say(Msg::ticket_not_found, {{"id", what}})), void();
    if (r->status != RequestStatus::open) {
      return turn.reply(turn.say(Msg::assign_not_open, {{"id", std::to_string(r->id)}})), void();
    }
    if (auto trip = turn.store.trips.of_request(r->id)) {  // the fleet's: its driver takes it
      return turn.reply(turn.say(Msg::claim_fleet, {{"id", std::to_string(r->id)},
                                                    {"trip", std::to_string(trip->id)}})),
             void();
    }
    offer(turn, "request", r->id, volunteer->person_id,
          turn.store.offers.rounds("request", r->id) + 1, turn.person.id, true);
  } else {
    auto p = recruitment::find_post(turn, what);
    if (!p) return turn.refuse(turn.say(Msg::post_not_found, {{"id", what}})), void();
    if (p->ends_at <= turn.now)
      return turn.reply(turn.say(Msg::recruit_ended, {{"id", std::to_string(p->id)}})), void();
    if (std::string lacks = support::missing(turn, *p, volunteer->person_id, turn.lang);
        !lacks.empty()) {
      return turn.reply(turn.say(Msg::gate_assign, {{"volunteer", volunteer->name},
                                                    {"id", std::to_string(p->id)},
                                                    {"missing", lacks}})),
             void();
    }
    offer(turn, "post", p->id, volunteer->person_id, turn.store.offers.rounds("post", p->id) + 1,
          turn.person.id, true);
  }
  turn.reply(turn.say(Msg::assign_sent, {{"volunteer", volunteer->name}}));
}

void answer(Turn& turn, std::int64_t offer_id, bool accept) {
  auto o = turn.store.offers.get(offer_id);
  if (!o || o->person_id != turn.person.id) return;
  turn.answer_press();
  if (o->status != OfferStatus::offered) return turn.reply(turn.say(Msg::offer_gone)), void();
  turn.disarm(Timer{TimerKind::offer, offer_id});
  if (o->kind == "trip") return fleet::answer(turn, *o, accept);
  if (!accept) {
    turn.store.offers.settle(offer_id, OfferStatus::declined, turn.now);
    turn.reply(turn.say(Msg::offer_declined_ok));
    return next(turn, *o);
  }
  // Accepted only if it still can be: otherwise the offer moves on, as if declined.
  bool done = false;
  std::string gated;
  if (o->kind == "request") {
    auto r = turn.store.requests.get(o->target_id);
    if (r && r->status == RequestStatus::open) {
      tickets::take(turn, r->id);
      done = turn.store.requests.get(r->id)->volunteer_id == turn.person.id;
    } else {
      turn.reply(turn.say(Msg::offer_gone));
    }
  } else if (auto p = turn.store.posts.get(o->target_id); p && p->ends_at > turn.now) {
    auto e = turn.store.roster.get(p->id, turn.person.id);
    Roster roster(turn.store.roster, *p);
    std::string lacks;
    if (e && (e->status == RosterStatus::taken || e->status == RosterStatus::held)) {
      done = true;  // already on it
    } else if (lacks = support::missing(turn, *p, turn.person.id, turn.lang); !lacks.empty()) {
      // Since offered, the post became high-risk (or its needs changed): not without them.
      gated = turn.say(Msg::gate_join,
                       {{"id", std::to_string(p->id)}, {"title", p->title}, {"missing", lacks}});
    } else if (e && e->status == RosterStatus::waiting) {
      // Waiting already: a free place is theirs, keeping their turn if there is none.
      if (roster.move_up(turn.person.id, RosterStatus::taken)) {
        turn.store.roster.confirm(p->id, turn.person.id);  // saying yes now is the confirmation
        done = true;
      }
    } else if (roster.free_places() > 0 &&
               recruitment::place(turn, *p, turn.person.id) == RosterStatus::taken) {
      turn.store.roster.confirm(p->id, turn.person.id);
      done = true;
    }
    if (done) {
      recruitment::roster_changed(turn, p->id);
      turn.reply(turn.say(Msg::shift_confirmed));
    } else {
      turn.reply(gated.empty() ? turn.say(Msg::offer_gone) : gated);
    }
  } else {
    turn.reply(turn.say(Msg::offer_gone));
  }
  turn.store.offers.settle(offer_id, done ? OfferStatus::accepted : OfferStatus::expired, turn.now);
  if (!done) return next(turn, *o);
  if (o->offered_by != 0) {
    Lang l = turn.lang_of(o->offered_by);
    std::string what = o->kind == "request"
                           ? say(l, Msg::what_request, {{"id", std::to_string(o->target_id)}})
                           : say(l, Msg::what_post, {{"id", std::to_string(o->target_id)}});
    turn.tell(o->offered_by, say(l, Msg::offer_accepted_coordinator,
                                 {{"volunteer", turn.name_of(turn.person.id)}, {"what", what}}));
  }
}

void expire(Turn& turn, std::int64_t offer_id) {
  auto o = turn.store.offers.get(offer_id);
  if (!o || !turn.store.offers.settle(offer_id, OfferStatus::expired, turn.now)) return;
  next(turn, *o);
}

void request_opened(Turn& turn, std::int64_t request_id) {
  turn.arm(Timer{TimerKind::unclaimed, request_id},
           turn.now + turn.config.assignments.unclaimed_after_min * kMinute);
}

void request_claimed(Turn& turn, std::int64_t request_id) {
  turn.disarm(Timer{TimerKind::unclaimed, request_id});
  for (const auto& o : turn.store.offers.open_for("request", request_id)) {
    // The one who took it may have done so by accepting their own offer.
    bool theirs = o.person_id == turn.person.id;
    turn.store.offers.settle(o.id, theirs ? OfferStatus::accepted : OfferStatus::withdrawn,
                             turn.now);
    turn.disarm(Timer{TimerKind::offer, o.id});
  }
}

void unclaimed(Turn& turn, std::int64_t request_id) {
  auto r = turn.store.requests.get(request_id);
  if (!r || r->status != RequestStatus::open) return;
  turn.disarm(Timer{TimerKind::unclaimed, request_id});
  // The last round's automatic offers are over; a coordinator's offer keeps its own time.
  for (const auto& o : turn.store.offers.open_for("request", request_id)) {
    if (o.offered_by == 0) turn.store.offers.settle(o.id, OfferStatus::expired, turn.now);
  }
  int round = turn.store.offers.rounds("request", request_id) + 1;
  if (round > turn.config.assignments.max_offers) return escalate_request(turn, *r, round - 1);
  Skill need = skill_from_code(r->category).value_or(Skill::other);
  // A sensitive request only ever goes to those with the skill it needs.
  auto batch =
      rank(turn, r->community_id, bit(need), r->building, asked(turn, "request", request_id),
           static_cast<std::size_t>(turn.config.assignments.batch_size),
           r->sensitive && need != Skill::other);
  if (batch.empty()) return escalate_request(turn, *r, round - 1);
  for (const auto& c : batch) offer(turn, "request", request_id, c.person_id, round, 0, false);
  turn.arm(Timer{TimerKind::unclaimed, request_id},
           turn.now + turn.config.assignments.offer_timeout_min * kMinute);
}

void fill_from_reserve(Turn& turn, const Post& post, int missing) {
  if (missing <= 0) return;
  std::set<std::int64_t> exclude = asked(turn, "post", post.id);
  for (auto status :
       {RosterStatus::taken, RosterStatus::held, RosterStatus::waiting, RosterStatus::gone}) {
    for (const auto& e : turn.store.roster.of_post(post.id, status)) exclude.insert(e.person_id);
  }
  auto best = rank_for_post(turn, post, exclude, static_cast<std::size_t>(missing));
  int round = turn.store.offers.rounds("post", post.id);
  for (const auto& c : best) offer(turn, "post", post.id, c.person_id, ++round, 0, true);
  if (static_cast<int>(best.size()) < missing) {
    tell_coordinators(turn, post.community_id, Msg::escalate_post,
                      {{"id", std::to_string(post.id)},
                       {"title", post.title},
                       {"missing", std::to_string(missing - static_cast<int>(best.size()))}});
  }
}

}  // namespace linli::assignments
