#include "dialogs/tickets.hpp"

#include <algorithm>
#include <cstdlib>

#include "dialogs/assignments.hpp"
#include "dialogs/feedback.hpp"
#include "dialogs/fleet.hpp"
#include "dialogs/recruitment.hpp"
#include "dialogs/route.hpp"
#include "dialogs/time_text.hpp"
#include "dialogs/vocabulary.hpp"

namespace linli::tickets {
namespace {

std::string building_or_dash(const std::string& b) {
  return b.empty() ? "—" : b;
}

std::string card_text(Turn& turn, const HelpRequest& r, Msg m, const std::string& extra,
                      const std::string& trip = "") {
  Lang l = turn.group_lang();
  Skill s = skill_from_code(r.category).value_or(Skill::other);
  return say(l, m,
             {{"id", std::to_string(r.id)},
              {"category", std::string(skill_name(s, l))},
              {"building", building_or_dash(r.building)},
              {"urgent", r.urgent ? " · " + say(l, Msg::urgent_word) : ""},
              // Residents type their phone number or address into the details: not in a group.
              {"details", mask_for_group(r.details)},
              {"suggest", extra},
              {"volunteer", extra},
              {"trip", trip}});
}

// `turn.person` has claimed request `r` (open when read): the other offers end, the card says
// who took it, and the address goes to them privately, the resident told who comes.
void claimed(Turn& turn, const HelpRequest& r) {
  const std::int64_t id = r.id;
  assignments::request_claimed(turn, id);
  std::string me = turn.name_of(turn.person.id);
  if (r.card_outbox_id) turn.edit(r.card_outbox_id, card_text(turn, r, Msg::card_taken, me));
  turn.answer_press();
  // Said in the group when taken there; taken from an offer in private, the card says it.
  if (turn.in_group()) {
    turn.reply(say(turn.group_lang(), Msg::claim_ok_group,
                   {{"volunteer", me}, {"id", std::to_string(id)}}));
  }
  Lang vl = turn.lang;
  turn.tell(turn.person.id,
            say(vl, Msg::task_assigned,
                {{"id", std::to_string(id)},
                 {"category",
                  std::string(skill_name(skill_from_code(r.category).value_or(Skill::other), vl))},
                 {"address", full_address(vl, r.building, r.address)},
                 {"resident", turn.name_of(r.resident_id)},
                 {"details", r.details}}));
  turn.tell(r.resident_id, say(turn.lang_of(r.resident_id), Msg::resident_volunteer_coming,
                               {{"volunteer", me}, {"id", std::to_string(id)}}));
}

}  // namespace

std::string full_address(Lang l, const std::string& building, const std::string& address) {
  if (building.empty() || !leading_building(address).empty()) return address;
  if (address.empty()) return say(l, Msg::building_label, {{"building", building}});
  return say(l, Msg::full_address, {{"building", building}, {"address", address}});
}

int building_distance(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return 1000;
  if (a == b) return 0;
  auto x = building_number(a);
  auto y = building_number(b);
  if (x && y) return std::min(999, std::abs(*x - *y));
  return 1000;
}

std::vector<Candidate> rank(const std::vector<PoolMember>& pool, Skill need,
                            std::string_view building, std::size_t n) {
  std::vector<Candidate> all;
  all.reserve(pool.size());
  for (const auto& v : pool) {
    all.push_back(Candidate{v.person_id, v.name, v.building, (v.skills & bit(need)) != 0,
                            building_distance(v.building, building)});
  }
  auto better = [](const Candidate& a, const Candidate& b) {
    if (a.skilled != b.skilled) return a.skilled;
    if (a.distance != b.distance) return a.distance < b.distance;
    return a.person_id < b.person_id;
  };
  std::size_t k = std::min(n, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k), all.end(), better);
  all.resize(k);
  return all;
}

std::int64_t open(Turn& turn, HelpRequest r) {
  r.id = turn.store.requests.create(r);
  if (r.sensitive) {
    // Never a card in a group: at once, privately, to the volunteers with the skill, ranked and
    // re-offered round by round as an unclaimed request is.
    assignments::unclaimed(turn, r.id);
    return r.id;
  }
  const Group* group = turn.dir.volunteers_group(r.community_id, turn.adapter());
  if (group == nullptr) return r.id;  // the config guarantees one; nothing to post to otherwise
  Skill need = skill_from_code(r.category).value_or(Skill::other);
  constexpr std::size_t kNamed = 3;
  auto named = rank(turn.store.volunteers.nearest(r.community_id, bit(need), r.building, kNamed),
                    need, r.building, kNamed);
  std::string suggest;
  SendOptions opt;
  Lang l = turn.group_lang();
  if (!named.empty()) {
    std::string names;
    for (const auto& c : named) {
      if (!names.empty()) names += say(l, Msg::list_separator);
      std::string detail =
          c.building.empty() ? "" : say(l, Msg::building_label, {{"building", c.building}});
      if (c.skilled) detail += (detail.empty() ? "" : "·") + std::string(skill_name(need, l));
      names += detail.empty() ? say(l, Msg::suggestion_plain, {{"name", c.name}})
                              : say(l, Msg::suggestion, {{"name", c.name}, {"detail", detail}});
      if (auto who = turn.store.people.identity(c.person_id, group->adapter))
        opt.mentions.push_back(who->user);
    }
    suggest = say(l, Msg::card_suggest, {{"names", names}});
  }
  opt.route = Route{RouteKind::ticket, r.id}.str();
  opt.buttons = {{Button{say(l, Msg::card_take_button, {{"id", std::to_string(r.id)}}),
                         Route{RouteKind::ticket, r.id, "take"}.str()}}};
  std::int64_t card = turn.post(*group, card_text(turn, r, Msg::card, suggest), std::move(opt));
  turn.store.requests.set_card(r.id, card);
  assignments::request_opened(turn, r.id);
  return r.id;
}

void take(Turn& turn, std::int64_t id) {
  auto r = turn.store.requests.get(id);
  // A refused button press is answered on the button; a refused reply, in the chat.
  auto refuse = [&](std::string text) {
    if (turn.pressed()) {
      turn.answer_press(std::move(text));
    } else {
      turn.reply(std::move(text));
    }
  };
  if (!r) return refuse(turn.say(Msg::ticket_not_found, {{"id", std::to_string(id)}}));
  // A sensitive request is taken only by whom it was offered to, privately: to anyone else,
  // and in any group, it does not exist.
  if (r->sensitive) {
    auto open = turn.store.offers.open_for("request", id);
    bool offered = std::any_of(open.begin(), open.end(),
                               [&](const Offer& o) { return o.person_id == turn.person.id; });
    if (!offered || turn.in_group()) {
      return refuse(turn.say(Msg::ticket_not_found, {{"id", std::to_string(id)}}));
    }
  }
  // In a group, the group's community; in private, the volunteer's own (checked below).
  if (turn.in_group() && turn.community && r->community_id != turn.community->id) {
    return refuse(turn.say(Msg::claim_other_community, {{"id", std::to_string(id)}}));
  }
  auto v = turn.store.volunteers.get(turn.person.id);
  if (!v || v->community_id != r->community_id || v->status == VolunteerStatus::rejected) {
    return refuse(turn.say(Msg::claim_not_volunteer));
  }
  if (v->status == VolunteerStatus::pending) return refuse(turn.say(Msg::claim_pending));
  if (r->status == RequestStatus::cancelled) {
    return refuse(turn.say(Msg::claim_cancelled, {{"id", std::to_string(id)}}));
  }
  if (r->status == RequestStatus::claimed || r->status == RequestStatus::done) {
    return refuse(turn.say(Msg::claim_taken, {{"id", std::to_string(id)},
                                              {"volunteer", turn.name_of(r->volunteer_id)}}));
  }
  // A ride the fleet serves has one owner: the driver who accepts its trip takes it.
  if (auto trip = turn.store.trips.of_request(id)) {
    return refuse(turn.say(Msg::claim_fleet,
                           {{"id", std::to_string(id)}, {"trip", std::to_string(trip->id)}}));
  }
  // The conditional UPDATE is the arbiter: of several volunteers replying at once, exactly
  // one changes the row; the others see "taken" on their own turn.
  if (r->status != RequestStatus::open ||
      !turn.store.requests.claim(id, turn.person.id, turn.now)) {
    return refuse(turn.say(Msg::claim_closed, {{"id", std::to_string(id)}}));
  }
  claimed(turn, *r);
}

bool take_with_trip(Turn& turn, std::int64_t id) {
  auto r = turn.store.requests.get(id);
  if (!r || r->status != RequestStatus::open ||
      !turn.store.requests.claim(id, turn.person.id, turn.now)) {
    return false;
  }
  claimed(turn, *r);
  return true;
}

void handed_to_fleet(Turn& turn, std::int64_t id, std::int64_t trip_id) {
  auto r = turn.store.requests.get(id);
  if (!r || !r->card_outbox_id) return;
  turn.edit(r->card_outbox_id, card_text(turn, *r, Msg::card_fleet, "", std::to_string(trip_id)));
}

void finish(Turn& turn, std::optional<std::int64_t> id) {
  if (!id) {
    auto tasks = turn.store.requests.of_volunteer(turn.person.id);
    if (tasks.empty()) {
      // Said to a volunteer; to anyone else, 完成 is not theirs to use.
      if (!turn.is_volunteer()) return turn.refuse(turn.say(Msg::done_none));
      turn.reply(turn.say(Msg::done_none));
      return;
    }
    if (tasks.size() > 1) {
      std::string list;
      for (const auto& t : tasks) list += " #" + std::to_string(t.id);
      turn.reply(turn.say(Msg::done_which, {{"list", list}}));
      return;
    }
    id = tasks.front().id;
  }
  auto r = turn.store.requests.get(*id);
  // Not found or not theirs: in a group, "完成 3" typed by someone else is talk.
  if (!r) return turn.refuse(turn.say(Msg::ticket_not_found, {{"id", std::to_string(*id)}}));
  if (!turn.store.requests.finish(*id, turn.person.id, turn.now)) {
    // Sent twice ("完成#3", then "完成 3"): the second time it is done already, not someone else's.
    if (r->status == RequestStatus::done && r->volunteer_id == turn.person.id) {
      return turn.reply(turn.say(Msg::done_already, {{"id", std::to_string(*id)}})), void();
    }
    return turn.refuse(turn.say(Msg::done_not_yours, {{"id", std::to_string(*id)}}));
  }
  std::string me = turn.name_of(turn.person.id);
  if (r->card_outbox_id) turn.edit(r->card_outbox_id, card_text(turn, *r, Msg::card_done, me));
  turn.reply(turn.say(Msg::done_ok, {{"id", std::to_string(*id)}}));
  Lang rl = turn.lang_of(r->resident_id);
  std::vector<Button> stars;
  for (int i = 1; i <= 5; ++i)
    stars.push_back({std::to_string(i), Route{RouteKind::rating, *id, std::to_string(i)}.str()});
  SendOptions opt;
  opt.route = Route{RouteKind::rating, *id}.str();
  opt.buttons = {std::move(stars)};
  turn.tell(r->resident_id,
            say(rl, Msg::rate_ask, {{"id", std::to_string(*id)}, {"volunteer", me}}),
            std::move(opt));
}

std::optional<std::pair<int, std::string>> parse_rating(std::string_view text) {
  std::string t = trim(text);
  int n = 0;
  std::size_t used = 0;
  if (!t.empty() && t[0] >= '1' && t[0] <= '5') {
    n = t[0] - '0';
    used = 1;
  } else if (t.size() >= 3 && t.compare(0, 2, "\xEF\xBC") == 0 &&  // full-width １–５
             static_cast<unsigned char>(t[2]) >= 0x91 && static_cast<unsigned char>(t[2]) <= 0x95) {
    n = static_cast<unsigned char>(t[2]) - 0x90;
    used = 3;
  } else {
    // Stars: ★★★★☆ counts the filled ones.
    std::size_t i = 0;
    while (t.compare(i, 3, "\xE2\x98\x85") == 0) {
      ++n;
      i += 3;
    }
    while (t.compare(i, 3, "\xE2\x98\x86") == 0) i += 3;
    if (n < 1 || n > 5) return std::nullopt;
    used = i;
  }
  if (used < t.size() && std::isdigit(static_cast<unsigned char>(t[used])))
    return std::nullopt;  // "10"
  std::string rest = trim(std::string_view(t).substr(used));
  for (std::string_view unit : {"分", "星", "stars", "star", "/5"}) {
    if (rest.rfind(unit, 0) == 0) {
      rest = trim(std::string_view(rest).substr(unit.size()));
      break;
    }
  }
  return std::make_pair(n, rest);
}

void rate(Turn& turn, std::int64_t id, std::string_view text) {
  auto r = turn.store.requests.get(id);
  if (!r || r->resident_id != turn.person.id) return;  // not this person's question: say nothing
  turn.answer_press();
  if (r->rating != 0) {
    turn.reply(turn.say(Msg::rate_already, {{"id", std::to_string(id)}}));
    return;
  }
  auto parsed = parse_rating(text);
  if (!parsed || r->status != RequestStatus::done) {
    turn.reply(turn.say(Msg::rate_hint));
    return;
  }
  // The statement rates only a request not rated yet: of a button's press and a typed reply
  // arriving together (or on two instances), the second stores nothing and says so, and nobody
  // is told of a rating that was not kept.
  if (!turn.store.requests.rate(id, turn.person.id, parsed->first, parsed->second)) {
    turn.reply(turn.say(Msg::rate_already, {{"id", std::to_string(id)}}));
    return;
  }
  turn.reply(turn.say(Msg::rate_thanks));
  feedback::rated(turn, *r, parsed->first, parsed->second);
  std::string stars;
  for (int i = 0; i < 5; ++i) stars += i < parsed->first ? "★" : "☆";
  Lang vl = turn.lang_of(r->volunteer_id);
  turn.tell(r->volunteer_id,
            say(vl, Msg::rate_volunteer,
                {{"resident", turn.name_of(turn.person.id)},
                 {"id", std::to_string(id)},
                 {"stars", stars},
                 {"comment", parsed->second.empty()
                                 ? ""
                                 : say(vl, Msg::with_comment, {{"comment", parsed->second}})}}));
}

std::optional<std::int64_t> awaiting_rating(Turn& turn) {
  for (const auto& r : turn.store.requests.of_resident(turn.person.id)) {
    if (r.status == RequestStatus::done && r.rating == 0) return r.id;
  }
  return std::nullopt;
}

void mine(Turn& turn) {
  Lang l = turn.lang;
  std::string text = turn.say(Msg::mine_header, {{"name", turn.name_of(turn.person.id)}});
  bool any = false;
  if (auto v = turn.store.volunteers.get(turn.person.id);
      v && v->status == VolunteerStatus::pending) {
    text += "\n" + turn.say(Msg::mine_pending_volunteer);
    any = true;
  }
  auto line = [&](const HelpRequest& r, const std::string& status) {
    Skill s = skill_from_code(r.category).value_or(Skill::other);
    return "#" + std::to_string(r.id) + " " + std::string(skill_name(s, l)) + " — " + status;
  };
  std::string requests;
  for (const auto& r : turn.store.requests.of_resident(turn.person.id)) {
    std::string status =
        r.status == RequestStatus::open ? turn.say(Msg::status_open)
        : r.status == RequestStatus::claimed
            ? turn.say(Msg::status_claimed, {{"volunteer", turn.name_of(r.volunteer_id)}})
            : turn.say(Msg::status_done_unrated);
    requests += (requests.empty() ? "" : "\n") + line(r, status);
  }
  if (!requests.empty()) {
    text += "\n" + turn.say(Msg::mine_requests, {{"list", requests}});
    any = true;
  }
  std::string tasks;
  for (const auto& r : turn.store.requests.of_volunteer(turn.person.id)) {
    tasks +=
        (tasks.empty() ? "" : "\n") +
        line(r, r.building.empty() ? "—" : say(l, Msg::building_label, {{"building", r.building}}));
  }
  if (!tasks.empty()) {
    text += "\n" + turn.say(Msg::mine_tasks, {{"list", tasks}});
    any = true;
  }
  // A volunteer's places on posts that have not ended, and the shift they are on now.
  std::string places;
  for (const auto& e : turn.store.roster.of_person(turn.person.id)) {
    auto p = turn.store.posts.get(e.post_id);
    if (!p || p->ends_at <= turn.now || e.status == RosterStatus::gone) continue;
    Msg status = e.status == RosterStatus::waiting ? Msg::place_waiting
                 : e.status == RosterStatus::held  ? Msg::place_held
                 : e.confirmed                     ? Msg::place_confirmed
                                                   : Msg::place_taken;
    places += (places.empty() ? "" : "\n") +
              turn.say(Msg::mine_place_line, {{"id", std::to_string(p->id)},
                                              {"title", p->title},
                                              {"time", recruitment::post_time(turn, *p, l)},
                                              {"place", recruitment::post_place(*p, l)},
                                              {"status", turn.say(status)}});
  }
  if (!places.empty()) {
    text += "\n" + turn.say(Msg::mine_places, {{"list", places}});
    any = true;
  }
  if (auto on = turn.store.shifts.on_duty(turn.person.id)) {
    auto p = on->post_id ? turn.store.posts.get(on->post_id) : std::nullopt;
    std::string post =
        p ? turn.say(Msg::checkin_post, {{"id", std::to_string(p->id)}, {"title", p->title}}) : "";
    text +=
        "\n" +
        turn.say(Msg::mine_on_duty,
                 {{"post", post},
                  {"time", format_time(on->checkin_at, turn.utc_offset_min(on->community_id), l)}});
    any = true;
  }
  // A volunteer's own ratings: how residents found their help.
  std::string ratings = feedback::mine_text(turn);
  // Nothing of theirs: in a group, "我的" of someone with no request, task or place is talk.
  if (!any && ratings.empty() && turn.quiet_refusals) return;
  if (!any) text += "\n" + turn.say(Msg::mine_none);
  if (!ratings.empty()) text += "\n" + ratings;
  // Whose requests these are is nobody else's business: asked in a group, answered privately.
  turn.reply_privately(std::move(text));
}

void cancel(Turn& turn, std::int64_t id) {
  auto r = turn.store.requests.get(id);
  std::string n = std::to_string(id);
  // Someone else's request is refused as such, not as unknown: the number is on the group's card.
  if (!r) return turn.reply(turn.say(Msg::ticket_not_found, {{"id", n}})), void();
  if (r->resident_id != turn.person.id) {
    return turn.reply(turn.say(Msg::cancel_not_yours, {{"id", n}})), void();
  }
  // The conditional UPDATE decides: a volunteer taking it at the same moment wins or loses
  // whole, and what the resident is told follows the row, not what was read before.
  if (r->status != RequestStatus::open || !turn.store.requests.cancel(id, turn.person.id)) {
    r = turn.store.requests.get(id);
    Msg why = r->status == RequestStatus::claimed ? Msg::cancel_claimed
              : r->status == RequestStatus::done  ? Msg::cancel_done
                                                  : Msg::cancel_already;
    return turn.reply(turn.say(why, {{"id", n}, {"volunteer", turn.name_of(r->volunteer_id)}})),
           void();
  }
  // The card stops offering 接单 (no buttons); its round of offers and their timers end.
  if (r->card_outbox_id) turn.edit(r->card_outbox_id, card_text(turn, *r, Msg::card_cancelled, ""));
  turn.disarm(Timer{TimerKind::unclaimed, id});
  for (const auto& o : turn.store.offers.open_for("request", id)) {
    turn.store.offers.settle(o.id, OfferStatus::withdrawn, turn.now);
    turn.disarm(Timer{TimerKind::offer, o.id});
    turn.tell(o.person_id, say(turn.lang_of(o.person_id), Msg::offer_cancelled, {{"id", n}}));
    // A coordinator's /assign: they are waiting for that volunteer's answer, and hear why none
    // comes.
    if (o.offered_by != 0) {
      Lang l = turn.lang_of(o.offered_by);
      turn.tell(o.offered_by, say(l, Msg::cancel_assign_coordinator,
                                  {{"resident", turn.name_of(turn.person.id)},
                                   {"id", n},
                                   {"volunteer", turn.name_of(o.person_id)}}));
    }
  }
  // A ride the coordinators had made a trip of: the trip ends with it.
  fleet::request_cancelled(turn, *r);
  turn.reply(turn.say(Msg::cancel_request_ok, {{"id", n}}));
}

void reopen(Turn& turn, std::int64_t id) {
  auto r = turn.store.requests.get(id);
  if (!r || r->status != RequestStatus::open) return;
  // Offered afresh: whoever was asked before the trip may well be free now, and the rounds
  // already spent must not escalate it again before anyone is asked.
  turn.store.offers.start_over("request", id);
  if (r->sensitive) return assignments::unclaimed(turn, id);  // at once, as when it was opened
  if (r->card_outbox_id) {
    Lang l = turn.group_lang();
    turn.edit(r->card_outbox_id, card_text(turn, *r, Msg::card, ""),
              {{Button{say(l, Msg::card_take_button, {{"id", std::to_string(id)}}),
                       Route{RouteKind::ticket, id, "take"}.str()}}});
  }
  assignments::request_opened(turn, id);
}

}  // namespace linli::tickets
