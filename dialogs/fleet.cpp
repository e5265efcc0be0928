#include "dialogs/fleet.hpp"

#include <algorithm>
#include <sstream>
#include <vector>

#include "dialogs/assignments.hpp"
#include "dialogs/command_parser.hpp"
#include "dialogs/route.hpp"
#include "dialogs/tickets.hpp"
#include "dialogs/time_text.hpp"

namespace linli::fleet {
namespace {

struct KindWord {
  std::string_view word;
  std::string_view kind;
};

constexpr KindWord kKinds[] = {
    {"就医", "hospital"},     {"医院", "hospital"},         {"hospital", "hospital"},
    {"物资", "supplies"},     {"supplies", "supplies"},     {"supply", "supplies"},
    {"接送", "staff"},        {"staff", "staff"},           {"隔离", "quarantine"},
    {"隔离点", "quarantine"}, {"quarantine", "quarantine"},
};

std::vector<std::string> words(std::string_view args) {
  std::istringstream in{std::string(args)};
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::optional<int> small_number(const std::string& w) {
  if (w.empty() || w.size() > 2 ||
      !std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  int n = std::stoi(w);
  if (n < 1 || n > 60) return std::nullopt;
  return n;
}

bool all_digits(const std::string& w) {
  return !w.empty() && std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A trip's time as coordinators type it: "明天 9:00", "14:30", "12月8日 8:00", "现在"; a
// window ("9:00-10:00") gives its start. nullopt when unreadable or more than a few minutes past.
std::optional<std::int64_t> parse_when(const std::string& text, std::int64_t now, int offset) {
  std::string t = lower_ascii(trim(text));
  if (t.empty() || t == "现在" || t == "马上" || t == "立即" || t == "now" || t == "asap")
    return now;
  auto w = parse_time_window(t, now, offset);
  // A single time reads as a window that lasts until the end of its day.
  if (!w) w = parse_time_window(t + "-23:59", now, offset);
  if (!w || w->starts_at < now - 5 * kMinute) return std::nullopt;
  return w->starts_at;
}

std::string when(Turn& turn, const Trip& t, Lang l) {
  return format_time(t.scheduled_at, turn.utc_offset_min(t.community_id), l);
}

// Trip texts in a group never show what a resident typed as it was (a phone, an address).
std::string shown(Turn& turn, const std::string& text, bool group) {
  (void)turn;
  return group ? mask_for_group(text) : text;
}

void tell_coordinators(Turn& turn, const std::string& community_id, Msg m,
                       const std::vector<Arg>& args) {
  const Community* c = turn.dir.community(community_id);
  if (c == nullptr) return;
  for (std::int64_t coordinator : c->coordinators) {
    turn.tell(coordinator, say(turn.lang_of(coordinator), m, args));
  }
}

// A trip made from a private request (私密, counselling, medical): its details are for the
// coordinators and the driver who accepts it, never for a group.
bool private_trip(Turn& turn, const Trip& t) {
  if (t.request_id == 0) return false;
  auto r = turn.store.requests.get(t.request_id);
  return r && r->sensitive;
}

// `group`: the reader is a group; `asked`: a driver only asked to take it. Either sees, of a
// private trip, only that its destination is told privately, in the reader's language.
std::vector<Arg> trip_args(Turn& turn, const Trip& t, Lang l, bool group = false,
                           bool asked = false) {
  const bool hide = (group || asked) && private_trip(turn, t);
  return {{"id", std::to_string(t.id)},
          {"kind", kind_name(l, t.kind)},
          {"from", shown(turn, t.origin, group)},
          {"to", hide ? say(l, Msg::trip_private_destination) : shown(turn, t.destination, group)},
          {"time", when(turn, t, l)},
          {"seats", std::to_string(t.seats)}};
}

// The vehicle a driver takes on a trip: their active one with the fewest seats that suffice.
std::optional<Vehicle> vehicle_for(const std::vector<Vehicle>& fleet, std::int64_t driver,
                                   int seats) {
  std::optional<Vehicle> best;
  for (const auto& v : fleet) {
    if (!v.active || v.driver_id != driver || v.seats < seats) continue;
    if (!best || v.seats < best->seats) best = v;
  }
  return best;
}

// The nearest free driver for a trip: of the drivers of active vehicles with enough seats, not
// asked before, with no other trip within assignments.trip_minutes of it, still approved and
// driving, ranked as every offer is (dialogs/assignments.*).
std::optional<assignments::Candidate> nearest_driver(Turn& turn, const Trip& t,
                                                     const std::string& building) {
  auto fleet = turn.store.vehicles.of_community(t.community_id);
  std::int64_t span = turn.config.assignments.trip_minutes * kMinute;
  auto busy = turn.store.trips.busy_drivers(t.community_id, t.scheduled_at - span + 1,
                                            t.scheduled_at + span);
  auto asked = turn.store.offers.asked("trip", t.id);
  std::set<std::int64_t> exclude(asked.begin(), asked.end());
  exclude.insert(busy.begin(), busy.end());
  std::vector<PoolMember> pool;
  std::set<std::int64_t> seen;
  for (const auto& v : fleet) {
    if (!v.active || v.seats < t.seats || !seen.insert(v.driver_id).second) continue;
    auto d = turn.store.volunteers.get(v.driver_id);
    if (!d || d->status != VolunteerStatus::approved || d->community_id != t.community_id ||
        !(d->skills & bit(Skill::driving))) {
      continue;
    }
    pool.push_back(PoolMember{d->person_id, d->name, d->building, d->skills});
  }
  auto best = assignments::rank_among(turn, t.community_id, pool, bit(Skill::driving), building,
                                      exclude, 1);
  if (best.empty()) return std::nullopt;
  return best.front();
}

std::string trip_building(Turn& turn, const Trip& t) {
  if (t.request_id) {
    if (auto r = turn.store.requests.get(t.request_id)) return r->building;
  }
  return leading_building(t.origin);
}

// Offers the trip to the nearest free driver; false when there is none (then the trip is
// unserved and the coordinators are told).
bool offer_next(Turn& turn, const Trip& t, std::string* driver_name = nullptr) {
  auto d = nearest_driver(turn, t, trip_building(turn, t));
  if (!d) {
    if (turn.store.trips.unserved(t.id)) {
      Lang l = turn.group_lang();
      tell_coordinators(turn, t.community_id,
                        t.request_id ? Msg::trip_unserved_request : Msg::trip_unserved,
                        trip_args(turn, t, l));
    }
    return false;
  }
  auto vehicle =
      vehicle_for(turn.store.vehicles.of_community(t.community_id), d->person_id, t.seats);
  Offer o;
  o.kind = "trip";
  o.target_id = t.id;
  o.person_id = d->person_id;
  o.round = turn.store.offers.rounds("trip", t.id) + 1;
  o.offered_by = t.requested_by;
  o.offered_at = turn.now;
  o.id = turn.store.offers.create(o);
  turn.store.trips.offered(t.id, turn.now);
  Lang l = turn.lang_of(d->person_id);
  auto args = trip_args(turn, t, l, false, true);
  std::string coordinator = turn.name_of(t.requested_by);
  args.push_back({"coordinator", coordinator.empty() ? "" : coordinator + " "});
  args.push_back({"plate", vehicle ? vehicle->plate : ""});
  args.push_back({"minutes", std::to_string(turn.config.assignments.offer_timeout_min)});
  SendOptions opt;
  opt.route = Route{RouteKind::offer, o.id}.str();
  opt.buttons = {{Button{say(l, Msg::accept_button), Route{RouteKind::offer, o.id, "yes"}.str()},
                  Button{say(l, Msg::decline_button), Route{RouteKind::offer, o.id, "no"}.str()}}};
  turn.tell(d->person_id, say(l, Msg::trip_offer, args), std::move(opt));
  turn.arm(Timer{TimerKind::offer, o.id},
           turn.now + turn.config.assignments.offer_timeout_min * kMinute);
  if (driver_name) *driver_name = d->name;
  return true;
}

// Stores a new trip and offers it; the coordinator is told where it went (`privately`: in
// their private chat, wherever they asked). Returns the trip's id.
std::int64_t dispatch(Turn& turn, Trip t, bool privately = false) {
  t.id = turn.store.trips.create(t);
  std::string driver;
  if (!offer_next(turn, t, &driver)) return t.id;  // the coordinators were told
  const bool in_group = turn.in_group() && !privately;
  auto args = trip_args(turn, t, turn.lang, in_group);
  args.push_back({"driver", driver});
  if (!in_group && turn.in_group()) {
    turn.tell(turn.person.id, say(turn.lang, Msg::trip_created, args));
  } else {
    turn.reply(say(turn.lang, Msg::trip_created, args));
  }
  return t.id;
}

// Why a driver's step on trip `t` (as it is now) changed nothing: it was cancelled (for the
// driver who had it or was asked to), it is done, or it is not theirs.
std::string not_driving_text(Turn& turn, const Trip& t) {
  const std::string id = std::to_string(t.id);
  const bool theirs = t.driver_id == turn.person.id;
  if (t.status == TripStatus::cancelled) {
    auto asked = turn.store.offers.asked("trip", t.id);
    if (theirs || std::find(asked.begin(), asked.end(), turn.person.id) != asked.end()) {
      return turn.say(Msg::trip_was_cancelled, {{"id", id}});
    }
  }
  if (t.status == TripStatus::done && theirs) return turn.say(Msg::trip_done_already, {{"id", id}});
  return turn.say(Msg::trip_not_yours, {{"id", id}});
}

// The driver's own trip, still to drive, or a refusal said to them.
std::optional<Trip> drivers_trip(Turn& turn, std::int64_t id) {
  auto t = turn.store.trips.get(id);
  if (!t) {
    turn.reply(turn.say(Msg::trip_not_found, {{"id", std::to_string(id)}}));
    return std::nullopt;
  }
  if (t->driver_id != turn.person.id || t->status == TripStatus::cancelled ||
      t->status == TripStatus::done) {
    turn.reply(not_driving_text(turn, *t));
    return std::nullopt;
  }
  return t;
}

void start(Turn& turn, std::int64_t id) {
  auto t = drivers_trip(turn, id);
  if (!t) return;
  // Sent twice: on its way already, as the first time said.
  if (t->status == TripStatus::started) {
    return turn.reply(turn.say(Msg::trip_started, {{"id", std::to_string(id)}})), void();
  }
  // The conditional UPDATE decides: a trip cancelled meanwhile is not set off.
  if (!turn.store.trips.start(id, turn.person.id, turn.now)) {
    return turn.reply(not_driving_text(turn, *turn.store.trips.get(id))), void();
  }
  turn.reply(turn.say(Msg::trip_started, {{"id", std::to_string(id)}}));
}

std::string since_date(Turn& turn, std::int64_t at, const std::string& community_id, Lang l) {
  std::string s = format_time(at, turn.utc_offset_min(community_id), l);
  s = s.substr(0, s.rfind(' '));  // the day, without the time
  if (!s.empty() && s.back() == ',') s.pop_back();
  return s;
}

std::string status_text(Turn& turn, const Trip& t, Lang l, const std::string& nobody = "") {
  std::string driver = t.driver_id ? turn.name_of(t.driver_id) : nobody;
  switch (t.status) {
    case TripStatus::offered:
      return say(l, Msg::trip_status_offered);
    case TripStatus::accepted:
      return say(l, Msg::trip_status_accepted, {{"driver", driver}});
    case TripStatus::started:
      return say(l, Msg::trip_status_started, {{"driver", driver}});
    case TripStatus::done:
      return say(l, Msg::trip_status_done, {{"driver", driver}});
    case TripStatus::unserved:
      return say(l, Msg::trip_status_unserved);
    case TripStatus::cancelled:
      return say(l, Msg::trip_status_cancelled);
  }
  return "";
}

// Ends what a cancelled trip still had going: its open offer (withdrawn, its timer disarmed, the
// driver asked told) and the driver who had accepted it (told, with who cancelled). Returns the
// names of the drivers told.
std::vector<std::string> end_trip(Turn& turn, const Trip& t, const std::string& by) {
  std::vector<std::string> told;
  for (const auto& o : turn.store.offers.open_for("trip", t.id)) {
    turn.store.offers.settle(o.id, OfferStatus::withdrawn, turn.now);
    turn.disarm(Timer{TimerKind::offer, o.id});
    turn.tell(o.person_id, say(turn.lang_of(o.person_id), Msg::trip_offer_withdrawn,
                               {{"id", std::to_string(t.id)}}));
    told.push_back(turn.name_of(o.person_id));
  }
  if (t.driver_id != 0 && (t.status == TripStatus::accepted || t.status == TripStatus::started)) {
    Lang l = turn.lang_of(t.driver_id);
    auto args = trip_args(turn, t, l);
    args.push_back({"coordinator", by});
    turn.tell(t.driver_id, say(l, Msg::trip_cancelled_driver, args));
    told.push_back(turn.name_of(t.driver_id));
  }
  return told;
}

// Why the driver cannot take trip `t`: the trip of theirs within `span` of it, named.
std::string clash_text(Turn& turn, const Trip& t, std::int64_t span) {
  for (const auto& other : turn.store.trips.scheduled(t.community_id, t.scheduled_at - span + 1,
                                                      t.scheduled_at + span)) {
    if (other.id == t.id || other.driver_id != turn.person.id ||
        (other.status != TripStatus::accepted && other.status != TripStatus::started)) {
      continue;
    }
    return turn.say(Msg::trip_accept_clash, {{"id", std::to_string(t.id)},
                                             {"clash", std::to_string(other.id)},
                                             {"time", when(turn, other, turn.lang)}});
  }
  return turn.say(Msg::offer_gone);
}

std::string told_text(Lang l, const std::vector<std::string>& names) {
  if (names.empty()) return "";
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : say(l, Msg::list_separator)) + n;
  return say(l, Msg::trip_cancel_told, {{"names", list}});
}

}  // namespace

void cancel(Turn& turn, std::int64_t id) {
  const Community* c = turn.coordinated();
  if (c == nullptr) return turn.reply(turn.say(Msg::not_coordinator)), void();
  turn.community = c;
  auto t = turn.store.trips.get(id);
  if (!t || t->community_id != c->id) {
    return turn.reply(turn.say(Msg::trip_not_found, {{"id", std::to_string(id)}})), void();
  }
  // The conditional UPDATE decides: a trip done or cancelled meanwhile stays as it is.
  if (!turn.store.trips.cancel(id, turn.now)) {
    t = turn.store.trips.get(id);
    // On the road, the ride is under way: ending it here would reopen the resident's request to
    // volunteers while the driver is with them (README, "The car fleet").
    if (t->status == TripStatus::started) {
      return turn.reply(
                 turn.say(Msg::trip_cancel_started,
                          {{"id", std::to_string(id)}, {"driver", turn.name_of(t->driver_id)}})),
             void();
    }
    Msg why = t->status == TripStatus::done ? Msg::trip_cancel_done : Msg::trip_cancel_already;
    return turn.reply(turn.say(why, {{"id", std::to_string(id)}})), void();
  }
  auto told = end_trip(turn, *t, turn.name_of(turn.person.id));
  if (t->request_id) {
    auto r = turn.store.requests.get(t->request_id);
    // The driver had taken the resident's request with the trip: it is nobody's again.
    bool released = r && r->status == RequestStatus::claimed && r->volunteer_id == t->driver_id &&
                    turn.store.requests.release(r->id, t->driver_id);
    // Reopened for volunteers only when no other trip still serves it.
    const bool other_trip = r && turn.store.trips.of_request(r->id).has_value();
    if (!other_trip && (released || (r && r->status == RequestStatus::open))) {
      tickets::reopen(turn, r->id);
    }
    if (released) {
      turn.tell(r->resident_id,
                say(turn.lang_of(r->resident_id), Msg::trip_cancelled_resident,
                    {{"id", std::to_string(id)}, {"request", std::to_string(r->id)}}));
    }
  }
  turn.reply(turn.say(Msg::trip_cancelled_ok,
                      {{"id", std::to_string(id)}, {"told", told_text(turn.lang, told)}}));
}

void request_cancelled(Turn& turn, const HelpRequest& r) {
  // Every trip made of it (a coordinator may have sent a second before the first was taken).
  while (auto t = turn.store.trips.of_request(r.id)) {
    if (!turn.store.trips.cancel(t->id, turn.now)) return;
    auto told = end_trip(turn, *t, turn.name_of(r.resident_id));
    Lang l = turn.lang_of(t->requested_by);
    turn.tell(t->requested_by, say(l, Msg::trip_cancelled_by_resident,
                                   {{"resident", turn.name_of(r.resident_id)},
                                    {"request", std::to_string(r.id)},
                                    {"id", std::to_string(t->id)},
                                    {"told", told_text(l, told)}}));
  }
}

std::optional<std::string> parse_kind(std::string_view word) {
  std::string w = lower_ascii(trim(word));
  for (const auto& k : kKinds) {
    if (w == k.word) return std::string(k.kind);
  }
  return std::nullopt;
}

std::string kind_name(Lang l, const std::string& kind) {
  Msg m = kind == "hospital"   ? Msg::trip_kind_hospital
          : kind == "supplies" ? Msg::trip_kind_supplies
          : kind == "staff"    ? Msg::trip_kind_staff
                               : Msg::trip_kind_quarantine;
  return say(l, m);
}

std::optional<std::int64_t> parse_trip_number(std::string_view text) {
  std::string t = trim(text);
  if (t.size() < 2 || (t[0] != 'T' && t[0] != 't')) return std::nullopt;
  std::string digits = trim(std::string_view(t).substr(1));
  if (!all_digits(digits) || digits.size() > 15) return std::nullopt;
  std::int64_t n = std::stoll(digits);
  if (n <= 0) return std::nullopt;
  return n;
}

void vehicle(Turn& turn, std::string_view args) {
  const Community* c = turn.coordinated();
  if (c == nullptr) return turn.refuse(turn.say(Msg::not_coordinator)), void();
  turn.community = c;
  auto w = words(args);
  if (w.empty()) {
    std::string list;
    for (const auto& v : turn.store.vehicles.of_community(c->id)) {
      list += (list.empty() ? "" : "\n") +
              turn.say(Msg::vehicle_line,
                       {{"plate", v.plate},
                        {"seats", std::to_string(v.seats)},
                        {"driver", turn.name_of(v.driver_id)},
                        {"retired", v.active ? "" : turn.say(Msg::vehicle_retired_mark)}});
    }
    return turn.reply(list.empty() ? turn.say(Msg::vehicle_none)
                                   : turn.say(Msg::vehicle_list, {{"list", list}})),
           void();
  }
  std::string sub = lower_ascii(w[0]);
  if ((sub == "retire" || sub == "停用" || sub == "删除" || sub == "remove") && w.size() == 2) {
    if (!turn.store.vehicles.retire(c->id, w[1], turn.now)) {
      return turn.reply(turn.say(Msg::vehicle_not_found, {{"plate", w[1]}})), void();
    }
    return turn.reply(turn.say(Msg::vehicle_retired, {{"plate", w[1]}})), void();
  }
  if (!(sub == "add" || sub == "添加" || sub == "登记") || w.size() != 4) {
    return turn.refuse(turn.say(Msg::vehicle_usage)), void();
  }
  const std::string& who = w[1];
  auto found = assignments::find_volunteer(turn, c->id, who);
  if (!found.same_name.empty()) return turn.reply(assignments::not_named(turn, found, who)), void();
  const auto& driver = found.volunteer;
  if (!driver) return turn.reply(turn.say(Msg::vehicle_not_volunteer, {{"who", who}})), void();
  if (!(driver->skills & bit(Skill::driving))) {
    return turn.reply(turn.say(Msg::vehicle_no_driving, {{"who", driver->name}})), void();
  }
  auto seats = small_number(w[2]);
  if (!seats) return turn.reply(turn.say(Msg::vehicle_bad_seats, {{"seats", w[2]}})), void();
  Vehicle v;
  v.community_id = c->id;
  v.driver_id = driver->person_id;
  v.seats = *seats;
  v.plate = w[3];
  v.created_at = turn.now;
  if (!turn.store.vehicles.add(v)) {
    return turn.reply(turn.say(Msg::vehicle_plate_taken, {{"plate", v.plate}})), void();
  }
  turn.reply(
      turn.say(Msg::vehicle_added,
               {{"plate", v.plate}, {"seats", std::to_string(v.seats)}, {"driver", driver->name}}));
}

void trip(Turn& turn, std::string_view args) {
  auto w = words(args);
  // The driver's steps come first: a driver need not be a coordinator.
  if (w.size() == 2) {
    std::string sub = lower_ascii(w[0]);
    auto id = parse_trip_number(w[1]);
    // "#1" names request 1, not trip T1: a cancel takes only "T1" or "1".
    const bool request_mark = !w[1].empty() && (w[1][0] == '#' || w[1].starts_with("＃"));
    if (!id) id = parse_ticket_number(w[1]);
    if (id && (sub == "start" || sub == "出发" || sub == "出车")) return start(turn, *id);
    if (id && (sub == "done" || sub == "完成" || sub == "finish")) return finish(turn, *id);
    if (id && !request_mark && (sub == "cancel" || sub == "取消" || sub == "撤销")) {
      return cancel(turn, *id);
    }
  }
  const Community* c = turn.coordinated();
  if (c == nullptr) return turn.refuse(turn.say(Msg::not_coordinator)), void();
  turn.community = c;
  if (w.empty()) return turn.refuse(turn.say(Msg::trip_usage)), void();
  if (w[0][0] == '#' || w[0].rfind("\xEF\xBC\x83", 0) == 0) {
    auto id = parse_ticket_number(w[0]);
    if (!id) return turn.reply(turn.say(Msg::ticket_not_found, {{"id", w[0]}})), void();
    std::string rest;
    for (std::size_t i = 1; i < w.size(); ++i) rest += (rest.empty() ? "" : " ") + w[i];
    return trip_from_request(turn, *id, rest);
  }
  if (w.size() < 4) return turn.refuse(turn.say(Msg::trip_usage)), void();
  auto kind = parse_kind(w[0]);
  if (!kind) return turn.refuse(turn.say(Msg::trip_bad_kind, {{"kind", w[0]}})), void();
  std::vector<std::string> rest(w.begin() + 3, w.end());
  int seats = 1;
  if (rest.size() >= 2 && all_digits(rest.back())) {
    auto n = small_number(rest.back());
    if (!n) return turn.reply(turn.say(Msg::trip_bad_seats, {{"seats", rest.back()}})), void();
    seats = *n;
    rest.pop_back();
  }
  std::string time_text;
  for (const auto& r : rest) time_text += (time_text.empty() ? "" : " ") + r;
  auto at = parse_when(time_text, turn.now, turn.utc_offset_min(c->id));
  if (!at) return turn.reply(turn.say(Msg::trip_bad_time, {{"time", time_text}})), void();
  Trip t;
  t.community_id = c->id;
  t.kind = *kind;
  t.origin = w[1];
  t.destination = w[2];
  t.scheduled_at = *at;
  t.seats = seats;
  t.requested_by = turn.person.id;
  t.requested_at = turn.now;
  dispatch(turn, std::move(t));
}

void trip_from_request(Turn& turn, std::int64_t request_id, std::string_view args) {
  const Community* c = turn.coordinated();
  if (c == nullptr) return turn.refuse(turn.say(Msg::not_coordinator)), void();
  turn.community = c;
  auto r = turn.store.requests.get(request_id);
  if (!r || r->community_id != c->id || r->status != RequestStatus::open ||
      r->category != info(Skill::driving).code) {
    return turn.reply(
               turn.say(Msg::trip_request_not_driving, {{"id", std::to_string(request_id)}})),
           void();
  }
  // One live trip per ride: a second would let two drivers accept the same resident.
  if (auto live = turn.store.trips.of_request(r->id)) {
    return turn.reply(turn.say(Msg::trip_request_has_trip, {{"id", std::to_string(r->id)},
                                                            {"trip", std::to_string(live->id)}})),
           void();
  }
  // [kind] [time]: a ride to hospital, as soon as possible, unless the coordinator says.
  auto w = words(args);
  std::string kind = "hospital";
  if (!w.empty()) {
    if (auto k = parse_kind(w[0])) {
      kind = *k;
      w.erase(w.begin());
    }
  }
  std::string time_text;
  for (const auto& x : w) time_text += (time_text.empty() ? "" : " ") + x;
  auto at = parse_when(time_text, turn.now, turn.utc_offset_min(c->id));
  if (!at) return turn.reply(turn.say(Msg::trip_bad_time, {{"time", time_text}})), void();
  // The volunteers' round of offers stops: the fleet serves it now.
  assignments::request_claimed(turn, r->id);
  Trip t;
  t.community_id = c->id;
  t.kind = kind;
  // Where to pick up is the building; the address goes to the driver who accepts, privately.
  // A private request's details are stored as they are (the trips export has them); the drivers
  // asked and any group see only that they will be told (trip_args).
  t.origin =
      r->building.empty() ? "—" : say(turn.lang, Msg::building_label, {{"building", r->building}});
  t.destination = r->details;
  t.scheduled_at = *at;
  t.seats = 1;
  t.request_id = r->id;
  t.requested_by = turn.person.id;
  t.requested_at = turn.now;
  const std::int64_t trip = dispatch(turn, std::move(t), r->sensitive);
  // One owner: while the trip lives, the card offers no 接单 (tickets::take refuses it).
  tickets::handed_to_fleet(turn, r->id, trip);
}

void answer(Turn& turn, const Offer& o, bool accept) {
  auto t = turn.store.trips.get(o.target_id);
  if (!accept) {
    turn.store.offers.settle(o.id, OfferStatus::declined, turn.now);
    turn.reply(turn.say(Msg::offer_declined_ok));
    return next_driver(turn, o.target_id);
  }
  auto vehicle =
      t ? vehicle_for(turn.store.vehicles.of_community(t->community_id), turn.person.id, t->seats)
        : std::nullopt;
  // The conditional UPDATE decides: a trip that moved on (or a car retired meanwhile) is gone,
  // and a driver who took another trip near its time since it was offered is not free for it.
  const std::int64_t span = turn.config.assignments.trip_minutes * kMinute;
  if (!t || !vehicle ||
      !turn.store.trips.accept(t->id, turn.person.id, vehicle->id, turn.now, span)) {
    auto now = t ? turn.store.trips.get(t->id) : std::nullopt;
    if (now && now->status == TripStatus::offered && vehicle) {
      // Still waiting, so the driver's other trip stood in the way: it goes on as a decline.
      turn.store.offers.settle(o.id, OfferStatus::declined, turn.now);
      turn.reply(clash_text(turn, *now, span));
    } else {
      turn.store.offers.settle(o.id, OfferStatus::expired, turn.now);
      turn.reply(turn.say(Msg::offer_gone));
    }
    return next_driver(turn, o.target_id);
  }
  turn.store.offers.settle(o.id, OfferStatus::accepted, turn.now);
  auto args = trip_args(turn, *t, turn.lang);
  args.push_back({"plate", vehicle->plate});
  turn.reply(say(turn.lang, Msg::trip_accepted_driver, args));
  // A resident's request: the driver takes it as a task (the address, privately; the resident
  // told who comes; the card in the volunteers' group edited).
  if (t->request_id) tickets::take_with_trip(turn, t->request_id);
  Lang cl = turn.lang_of(t->requested_by);
  turn.tell(t->requested_by, say(cl, Msg::trip_accepted_coordinator,
                                 {{"driver", turn.name_of(turn.person.id)},
                                  {"id", std::to_string(t->id)},
                                  {"plate", vehicle->plate},
                                  {"time", when(turn, *t, cl)}}));
}

void next_driver(Turn& turn, std::int64_t trip_id) {
  auto t = turn.store.trips.get(trip_id);
  if (!t || t->status != TripStatus::offered) return;
  offer_next(turn, *t);
}

void finish(Turn& turn, std::int64_t id) {
  auto t = drivers_trip(turn, id);
  if (!t) return;
  // The conditional UPDATE decides: a trip cancelled meanwhile is not finished.
  if (!turn.store.trips.finish(id, turn.person.id, turn.now)) {
    return turn.reply(not_driving_text(turn, *turn.store.trips.get(id))), void();
  }
  turn.reply(turn.say(Msg::trip_done, {{"id", std::to_string(id)}}));
  // The resident's request is done with it, and they are asked to rate.
  if (t->request_id) {
    if (auto r = turn.store.requests.get(t->request_id);
        r && r->status == RequestStatus::claimed && r->volunteer_id == turn.person.id) {
      tickets::finish(turn, r->id);
    }
  }
}

void report(Turn& turn) {
  const Community* c = turn.coordinated();
  if (c == nullptr) return turn.refuse(turn.say(Msg::not_coordinator)), void();
  turn.community = c;
  Lang l = turn.lang;
  bool group = turn.in_group();
  std::string vehicles;
  for (const auto& v : turn.store.vehicles.of_community(c->id)) {
    vehicles += (vehicles.empty() ? "" : "\n") +
                turn.say(Msg::vehicle_line,
                         {{"plate", v.plate},
                          {"seats", std::to_string(v.seats)},
                          {"driver", turn.name_of(v.driver_id)},
                          {"retired", v.active ? "" : turn.say(Msg::vehicle_retired_mark)}});
  }
  vehicles = vehicles.empty() ? turn.say(Msg::vehicle_none)
                              : turn.say(Msg::vehicle_list, {{"list", vehicles}});
  int offset = turn.utc_offset_min(c->id);
  std::int64_t day = local_day_start(turn.now, offset);
  std::string trips;
  for (const auto& t : turn.store.trips.scheduled(c->id, day, day + kDay)) {
    std::string time = format_time(t.scheduled_at, offset, l);
    if (group && private_trip(turn, t)) {
      // In a group a private ride is a neutral line: no kind, place or driver.
      Trip neutral = t;
      neutral.driver_id = 0;
      std::string status = status_text(turn, neutral, l, say(l, Msg::trip_some_driver));
      trips += (trips.empty() ? "" : "\n") +
               turn.say(Msg::fleet_trip_line_private, {{"id", std::to_string(t.id)},
                                                       {"time", time.substr(time.size() - 5)},
                                                       {"status", status}});
      continue;
    }
    trips += (trips.empty() ? "" : "\n") +
             turn.say(Msg::fleet_trip_line, {{"id", std::to_string(t.id)},
                                             {"time", time.substr(time.size() - 5)},
                                             {"kind", kind_name(l, t.kind)},
                                             {"from", shown(turn, t.origin, group)},
                                             {"to", shown(turn, t.destination, group)},
                                             {"status", status_text(turn, t, l)}});
  }
  if (trips.empty()) trips = turn.say(Msg::fleet_no_trips);
  auto [n, since] = turn.store.trips.total(c->id);
  std::string total =
      n == 0 ? turn.say(Msg::fleet_total_none)
             : turn.say(Msg::fleet_total,
                        {{"n", std::to_string(n)}, {"since", since_date(turn, since, c->id, l)}});
  turn.reply(turn.say(
      Msg::fleet_report,
      {{"community", c->name}, {"vehicles", vehicles}, {"trips", trips}, {"total", total}}));
}

}  // namespace linli::fleet
