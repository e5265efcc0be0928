#include "dialogs/review.hpp"

#include "dialogs/assignments.hpp"
#include "dialogs/command_parser.hpp"
#include "dialogs/recruitment.hpp"
#include "dialogs/route.hpp"

namespace linli::review {
namespace {

void respond(Turn& turn, std::string text) {
  if (turn.pressed()) turn.answer_press(text);
  turn.reply(std::move(text));
}

}  // namespace

void notify_coordinators(Turn& turn, const Volunteer& v) {
  const Community* c = turn.dir.community(v.community_id);
  if (c == nullptr) return;
  for (std::int64_t coordinator : c->coordinators) {
    Lang l = turn.lang_of(coordinator);
    SendOptions opt;
    opt.route = Route{RouteKind::review, v.person_id}.str();
    opt.buttons = {{Button{say(l, Msg::review_approve_button),
                           Route{RouteKind::review, v.person_id, "ok"}.str()},
                    Button{say(l, Msg::review_reject_button),
                           Route{RouteKind::review, v.person_id, "no"}.str()}}};
    turn.tell(coordinator,
              say(l, Msg::review_request,
                  {{"id", std::to_string(v.person_id)},
                   {"name", v.name},
                   {"building", v.building},
                   {"phone", v.phone},
                   {"skills", skill_list_names(v.skills, l)},
                   {"availability", v.availability}}),
              std::move(opt));
  }
}

void decide(Turn& turn, std::int64_t volunteer_id, bool approve) {
  auto v = turn.store.volunteers.get(volunteer_id);
  if (!v)
    return respond(turn,
                   turn.say(Msg::volunteer_not_found, {{"id", std::to_string(volunteer_id)}}));
  // A coordinator acts only on their own community's volunteers.
  if (!turn.dir.is_coordinator(v->community_id, turn.person.id)) {
    return respond(turn, turn.say(Msg::not_coordinator));
  }
  if (v->status != VolunteerStatus::pending) {
    return respond(turn, turn.say(Msg::already_reviewed, {{"name", v->name}}));
  }
  auto status = approve ? VolunteerStatus::approved : VolunteerStatus::rejected;
  turn.store.volunteers.set_status(volunteer_id, v->community_id, status, turn.person.id, turn.now);
  respond(turn, turn.say(approve ? Msg::approved_ok : Msg::rejected_ok, {{"name", v->name}}));
  Lang vl = turn.lang_of(volunteer_id);
  const Community* c = turn.dir.community(v->community_id);
  turn.tell(volunteer_id, say(vl, approve ? Msg::approved_you : Msg::rejected_you,
                              {{"community", c ? c->name : ""}}));
  recruitment::volunteer_decided(turn, volunteer_id, approve);
  if (approve) {
    if (const auto* g = turn.dir.volunteers_group(v->community_id, turn.adapter())) {
      turn.post(*g,
                say(turn.group_lang(), Msg::welcome_volunteer,
                    {{"name", v->name}, {"building", v->building.empty() ? "—" : v->building}}));
    }
  }
}

void command(Turn& turn, std::string_view args, bool approve) {
  const Community* c = turn.coordinated();
  if (c == nullptr) return turn.refuse(turn.say(Msg::not_coordinator)), void();
  auto pending = turn.store.volunteers.pending(c->id);
  std::string a = trim(args);
  if (a.empty()) {
    if (pending.empty()) return turn.reply(turn.say(Msg::pending_none)), void();
    std::string list;
    for (const auto& v : pending) {
      list += (list.empty() ? "" : "\n") + std::to_string(v.person_id) + " · " + v.name + " · " +
              (v.building.empty() ? "—" : v.building) + " · " +
              skill_list_names(v.skills, turn.lang);
    }
    // Phone numbers are not listed here: this may be a group.
    return turn.reply(turn.say(Msg::pending_list, {{"list", list}})), void();
  }
  // A number, or a name of someone waiting; two waiting under one name are neither, as with
  // the approved (assignments::find_volunteer).
  if (auto n = number_alone(a)) return decide(turn, *n, approve);
  auto found = assignments::named_among(std::move(pending), a);
  if (found.volunteer) return decide(turn, found.volunteer->person_id, approve);
  if (!found.same_name.empty()) {
    return turn.reply(assignments::not_named(turn, found, a, Msg::pending_ambiguous)), void();
  }
  turn.refuse(turn.say(Msg::volunteer_not_found, {{"id", a}}));
}

}  // namespace linli::review
