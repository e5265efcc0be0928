#include "dialogs/engine.hpp"

#include <array>
#include <stdexcept>

#include "dialogs/assignments.hpp"
#include "dialogs/certificates.hpp"
#include "dialogs/commend.hpp"
#include "dialogs/fleet.hpp"
#include "dialogs/help_dialog.hpp"
#include "dialogs/hours.hpp"
#include "dialogs/post_dialog.hpp"
#include "dialogs/post_roster.hpp"
#include "dialogs/recruitment.hpp"
#include "dialogs/report.hpp"
#include "dialogs/review.hpp"
#include "dialogs/route.hpp"
#include "dialogs/shifts.hpp"
#include "dialogs/signup_dialog.hpp"
#include "dialogs/stats.hpp"
#include "dialogs/support.hpp"
#include "dialogs/tickets.hpp"
#include "dialogs/time_text.hpp"

namespace linli {
namespace {

const std::array<const DialogSpec*, 3> kDialogs = {&signup_dialog(), &help_dialog(),
                                                   &post_dialog()};

// Whether a message is an answer to the dialog: from the chat the dialog is in.
bool in_dialog_chat(const DialogRecord& d, const InboundEvent& ev) {
  if (ev.adapter != d.adapter) return false;
  if (d.private_chat) return ev.chat_kind == ChatKind::private_chat;
  return ev.chat == d.chat && ev.thread == d.thread;
}

// Yes or no to the last thing Linli asked this person privately, when they answer without
// replying to it: on platforms that carry no reply (DingTalk) and in clients that cannot reply.
// Whichever was asked last of an open offer and an unconfirmed shift reminder is answered.
bool answer_without_reply(Turn& turn, const std::string& text) {
  ReplyWord word = parse_reply_word(text);
  YesNo yn = parse_yes_no(text);
  bool yes = word == ReplyWord::take || yn == YesNo::yes;
  bool no = word == ReplyWord::decline || yn == YesNo::no;
  if (yes == no) return false;  // neither, or both ("好的不行")
  std::optional<Offer> offer;
  for (auto& o : turn.store.offers.open_to(turn.person.id)) {
    if (!offer || o.offered_at > offer->offered_at) offer = std::move(o);
  }
  std::optional<RosterEntry> shift;
  for (auto& e : turn.store.roster.of_person(turn.person.id)) {
    if (e.status != RosterStatus::taken || e.confirmed || e.reminded_at == 0) continue;
    auto p = turn.store.posts.get(e.post_id);
    if (!p || p->starts_at <= turn.now) continue;
    if (!shift || e.reminded_at > shift->reminded_at) shift = std::move(e);
  }
  if (offer && (!shift || offer->offered_at >= shift->reminded_at)) {
    assignments::answer(turn, offer->id, yes);
    return true;
  }
  if (shift) {
    shifts::answer(turn, shift->post_id, yes);
    return true;
  }
  return false;
}

}  // namespace

Engine::Engine(const Config& config, Store& store, const Directory& dir)
    : config_(config), store_(store), dir_(dir), dialogs_(kDialogs) {}

Person Engine::identify(const InboundEvent& ev, std::int64_t now) {
  Person p = store_.people.resolve(ev.adapter, ev.user, ev.user_name, now);
  if (!ev.user_name.empty() && p.name != ev.user_name) {
    store_.people.set_name(p.id, ev.user_name);
    p.name = ev.user_name;
  }
  if (!p.lang_chosen && !ev.lang.empty()) {
    std::string code(lang_code(lang_from_code(ev.lang, Lang::zh)));
    if (p.lang != code) {
      store_.people.set_lang(p.id, code, false);
      p.lang = code;
    }
  }
  if (ev.chat_kind == ChatKind::private_chat && !ev.chat.empty() && !ev.user.empty()) {
    // Where this person is reached privately on this platform (Recipient): a no-op once known.
    store_.people.set_private_chat(ev.adapter, ev.user, ev.chat);
  }
  if (ev.chat_kind == ChatKind::group) {
    if (const Group* g = dir_.group(ev.adapter, ev.chat); g && g->community_id != p.community_id) {
      store_.people.set_community(p.id, g->community_id);
      p.community_id = g->community_id;
    }
    if (p.last_group_adapter != ev.adapter || p.last_group_chat != ev.chat) {
      store_.people.set_last_group(p.id, ev.adapter, ev.chat);
      p.last_group_adapter = ev.adapter;
      p.last_group_chat = ev.chat;
    }
  }
  return p;
}

void Engine::handle(const InboundEvent& ev, std::int64_t now, Outcome& out) {
  if (ev.addressed_to_other_bot) return;
  Turn turn(config_, store_, dir_, Origin::of(ev), identify(ev, now), now, out);

  if (!ev.button.empty()) {
    on_button(turn);
  } else {
    const AdapterConfig* adapter = config_.adapter(ev.adapter);
    ParsedCommand cmd = ev.command.empty()
                            ? parse_command(ev.text, adapter ? adapter->bot_username : "")
                            : command_from_name(ev.command, ev.command_args);
    if (cmd.kind == ParseKind::other_bot) return;
    bool handled = false;
    // A reply to one of our messages answers what that message asked, unless it is a slash
    // command, which always means itself.
    if (!ev.reply_to.empty() && !(cmd.kind != ParseKind::none && cmd.slash)) {
      if (auto routed = store_.outbox.by_platform_id(ev.adapter, ev.chat, ev.reply_to)) {
        handled = on_reply(turn, routed->route, cmd);
      }
    }
    if (!handled) {
      if (cmd.kind == ParseKind::ours) {
        turn.quiet_refusals = turn.in_group() && !cmd.slash && !ev.addressed;
        on_command(turn, cmd);
      } else if (cmd.kind == ParseKind::unknown) {
        unknown_command(turn, cmd);
      } else if (auto dialog = store_.dialogs.get(turn.person.id);
                 dialog && in_dialog_chat(*dialog, ev)) {
        // In a group only a reply to the question (or its button) answers it: anything else
        // there is the person talking to their neighbours, typos of commands included.
        if (turn.in_group()) {
          remind_open_dialog(turn, std::move(*dialog));
        } else {
          on_dialog_input(turn, std::move(*dialog), cmd, ev.text);
        }
      } else if (!turn.in_group()) {
        auto waiting = tickets::awaiting_rating(turn);
        if (waiting && tickets::parse_rating(ev.text)) {
          tickets::rate(turn, *waiting, ev.text);
        } else if (answer_without_reply(turn, ev.text)) {
          // answered an offer or a shift reminder
        } else {
          turn.reply(turn.say(Msg::unknown_private));
        }
      }
      // Anything else in a group is neighbours talking to each other.
    }
  }
  if (!ev.callback_id.empty()) turn.answer_press();
}

// A slash command we do not have. In a group, commands of other bots arrive without "@name":
// only one close to ours ("/hepl") is answered there, briefly, and once a day per person, so a
// group is not told about every typo; in a private chat it always gets a hint.
void Engine::unknown_command(Turn& turn, const ParsedCommand& cmd) {
  auto closest = closest_command(cmd.typed);
  if (turn.in_group()) {
    if (!closest || !turn.arm_once(Timer{TimerKind::typo_hint, turn.person.id}, turn.now + kDay)) {
      return;
    }
    turn.reply(
        turn.say(Msg::unknown_command_closest,
                 {{"name", turn.person.name}, {"command", cmd.typed}, {"closest", *closest}}));
    return;
  }
  turn.reply(closest ? turn.say(Msg::unknown_command_closest, {{"name", turn.person.name},
                                                               {"command", cmd.typed},
                                                               {"closest", *closest}})
                     : turn.say(Msg::unknown_command, {{"command", cmd.typed}}));
}

void Engine::slow_down(const InboundEvent& ev, std::int64_t now, Outcome& out) {
  Turn turn(config_, store_, dir_, Origin::of(ev), identify(ev, now), now, out);
  std::string text = turn.say(Msg::slow_down, {{"name", turn.person.name},
                                               {"seconds", std::to_string(config_.flood.pause_s)}});
  if (!ev.callback_id.empty()) {
    turn.answer_press(std::move(text));
  } else {
    turn.reply(std::move(text));
  }
}

void Engine::on_dialog_input(Turn& turn, DialogRecord dialog, const ParsedCommand& cmd,
                             const std::string& text) {
  Input input = Input::answer;
  if (cmd.kind == ParseKind::ours && cmd.command == Command::cancel) {
    // "撤销 #3" is about request 3, not this dialog, which stays where it is.
    if (auto id = parse_ticket_number(cmd.args)) return tickets::cancel(turn, *id);
    input = Input::cancel;
  } else if (cmd.kind == ParseKind::ours && cmd.command == Command::back) {
    input = Input::back;
  } else if (const DialogSpec* spec = dialogs_.spec(dialog.kind)) {
    for (const auto& s : spec->states) {
      if (s.name == dialog.state && s.yes_no) {
        YesNo yn = parse_yes_no(text);
        if (yn != YesNo::neither) input = yn == YesNo::yes ? Input::yes : Input::no;
      }
    }
  }
  dialogs_.feed(turn, std::move(dialog), input, trim(text));
}

// Said once per dialog, privately: the dialog in this group waits for a reply to its question.
// Not an answer, so the dialog's time-out runs on from its last answer.
void Engine::remind_open_dialog(Turn& turn, DialogRecord dialog) {
  Answers answers;
  std::vector<std::string> path;
  Choices choices;
  decode_dialog_data(dialog.data, answers, path, &choices);
  if (answers.count(kRemindedInGroup) != 0) return;
  answers[kRemindedInGroup] = "1";
  dialog.data = encode_dialog_data(answers, path, choices);
  store_.dialogs.put(dialog);
  const DialogSpec* spec = dialogs_.spec(dialog.kind);
  std::string group = turn.group && !turn.group->title.empty() ? turn.group->title : dialog.chat;
  turn.tell(turn.person.id,
            turn.say(Msg::dialog_open_in_group,
                     {{"group", group}, {"what", spec ? turn.say(spec->title) : std::string()}}));
}

void Engine::on_button(Turn& turn) {
  auto route = Route::parse(turn.origin.event->button);
  if (!route) return;
  if (route->kind == RouteKind::dialog) {
    auto dialog = store_.dialogs.get(turn.person.id);
    if (route->id != turn.person.id || !dialog) {
      // Someone else's question, or a dialog that has ended: the button is stale.
      std::string owner = turn.name_of(route->id);
      turn.answer_press(route->id != turn.person.id
                            ? turn.say(Msg::question_for_other, {{"name", owner}})
                            : turn.say(Msg::nothing_to_cancel));
      return;
    }
    auto value = pressed_choice(*dialog, route->value);
    if (!value) return turn.answer_press(turn.say(Msg::question_moved_on));
    ParsedCommand none;
    on_dialog_input(turn, std::move(*dialog), none, *value);
  } else if (route->kind == RouteKind::ticket) {
    tickets::take(turn, route->id);
  } else if (route->kind == RouteKind::rating) {
    tickets::rate(turn, route->id, route->value);
  } else if (route->kind == RouteKind::review) {
    review::decide(turn, route->id, route->value == "ok");
  } else if (route->kind == RouteKind::call) {
    if (recruitment::join(turn, route->id)) start_signup(turn);
  } else if (route->kind == RouteKind::shift) {
    shifts::answer(turn, route->id, route->value == "yes");
  } else if (route->kind == RouteKind::offer) {
    assignments::answer(turn, route->id, route->value == "yes");
  }
}

bool Engine::on_reply(Turn& turn, const std::string& route_text, const ParsedCommand& cmd) {
  auto route = Route::parse(route_text);
  if (!route) return false;
  const std::string& text = turn.origin.event->text;
  if (route->kind == RouteKind::dialog) {
    if (route->id != turn.person.id) return true;  // someone else's question: not for us to answer
    auto dialog = store_.dialogs.get(turn.person.id);
    // A reply to a question of the group after the dialog went on privately answers nothing
    // there: what comes next (an address) must not be typed into the group.
    if (!dialog || !in_dialog_chat(*dialog, *turn.origin.event)) return false;
    on_dialog_input(turn, std::move(*dialog), cmd, text);
    return true;
  }
  if (route->kind == RouteKind::ticket) {
    // A coordinator's 派车 to a request's card makes it a trip of the fleet.
    if (cmd.kind == ParseKind::ours && cmd.command == Command::trip) {
      fleet::trip_from_request(turn, route->id, cmd.args);
      return true;
    }
    if (parse_reply_word(text) != ReplyWord::take) return false;
    tickets::take(turn, route->id);
    return true;
  }
  if (route->kind == RouteKind::rating) {
    tickets::rate(turn, route->id, text);
    return true;
  }
  if (route->kind == RouteKind::review) {
    bool approve;
    if (cmd.kind == ParseKind::ours &&
        (cmd.command == Command::approve || cmd.command == Command::reject)) {
      approve = cmd.command == Command::approve;
    } else {
      std::string t = lower_ascii(trim(text));
      if (t == "approve" || t == "同意") {
        approve = true;
      } else if (t == "reject") {
        approve = false;
      } else {
        YesNo yn = parse_yes_no(text);
        if (yn == YesNo::neither) return false;
        approve = yn == YesNo::yes;
      }
    }
    review::decide(turn, route->id, approve);
    return true;
  }
  ReplyWord word = parse_reply_word(text);
  if (route->kind == RouteKind::call) {  // a recruitment call's card
    if (word == ReplyWord::join) {
      if (recruitment::join(turn, route->id)) start_signup(turn);
      return true;
    }
    if (word == ReplyWord::withdraw) {
      auto call = store_.posts.call(route->id);
      recruitment::withdraw(turn, call ? std::optional(call->post_id) : std::nullopt);
      return true;
    }
    return false;
  }
  if (route->kind == RouteKind::shift ||
      route->kind == RouteKind::offer) {  // a shift reminder, an offer
    bool yes = word == ReplyWord::take;
    if (!yes && word != ReplyWord::decline && parse_yes_no(text) == YesNo::neither) return false;
    if (!yes && word != ReplyWord::decline) yes = parse_yes_no(text) == YesNo::yes;
    if (route->kind == RouteKind::shift) {
      shifts::answer(turn, route->id, yes);
    } else {
      assignments::answer(turn, route->id, yes);
    }
    return true;
  }
  return false;
}

void Engine::on_command(Turn& turn, const ParsedCommand& cmd) {
  switch (cmd.command) {
    case Command::start:
      return start(turn);
    case Command::menu:
      return menu(turn);
    case Command::join:
      return start_signup(turn);
    case Command::help:
      return start_help(turn, cmd.args);
    case Command::mine:
      return tickets::mine(turn);
    case Command::cancel:
      // "/cancel #3", "撤销 #3": the resident's request 3; without a number, the dialog.
      if (auto id = parse_ticket_number(cmd.args)) return tickets::cancel(turn, *id);
      [[fallthrough]];
    case Command::back: {
      auto dialog = store_.dialogs.get(turn.person.id);
      // Nothing to cancel: in a group, "取消" of someone with no dialog is talk.
      if (!dialog) return turn.refuse(turn.say(Msg::nothing_to_cancel));
      return on_dialog_input(turn, std::move(*dialog), cmd, "");
    }
    case Command::lang:
      return set_lang(turn, cmd.args);
    case Command::done: {
      if (auto trip = fleet::parse_trip_number(cmd.args)) return fleet::finish(turn, *trip);
      // A number alone: "完成 1个了" is not about task 1, and "完成 了吗" asks the neighbours;
      // neither marks a task done. "完成了" said in a private chat is the bare word.
      auto id = number_alone(cmd.args);
      const bool bare = no_words(cmd.args) || (!turn.in_group() && filler_only(cmd.args));
      if (!id && !bare) return turn.refuse(turn.say(Msg::done_usage));
      return tickets::finish(turn, id);
    }
    case Command::approve:
    case Command::reject:
      return review::command(turn, cmd.args, cmd.command == Command::approve);
    case Command::post:
      return start_post(turn, cmd.args);
    case Command::recruit:
      return recruitment::recruit(turn, cmd.args);
    case Command::quit: {
      auto post = trim(cmd.args).empty() ? std::nullopt : recruitment::find_post(turn, cmd.args);
      if (!trim(cmd.args).empty() && !post) {
        return turn.refuse(turn.say(Msg::post_not_found, {{"id", trim(cmd.args)}}));
      }
      return recruitment::withdraw(turn, post ? std::optional(post->id) : std::nullopt);
    }
    case Command::assign:
      return assignments::assign(turn, cmd.args);
    case Command::checkin:
      return shifts::check_in(turn);
    case Command::checkout:
      return shifts::check_out(turn);
    case Command::hours:
      return hours::show(turn, cmd.args);
    case Command::hours_fix:
      return hours::fix(turn, cmd.args);
    case Command::cert:
      return certificates::command(turn, cmd.args);
    case Command::verify:
      return certificates::verify(turn, cmd.args);
    case Command::stats:
      return stats::report(turn);
    case Command::team:
      return recruitment::teams(turn, cmd.args);
    case Command::roster:
      return post_roster::show(turn, cmd.args);
    case Command::take: {
      // What replying 接单 to the card does, for platforms that do not say what a message
      // replies to (DingTalk).
      auto id = parse_ticket_number(cmd.args);
      if (!id) return turn.reply(turn.say(Msg::ticket_not_found, {{"id", trim(cmd.args)}})), void();
      return tickets::take(turn, *id);
    }
    case Command::enlist: {
      // What replying 报名 to a call's card does: the post's open call, by the post's number.
      auto post = recruitment::find_post(turn, cmd.args);
      if (!post) return turn.reply(turn.say(Msg::post_not_found, {{"id", trim(cmd.args)}})), void();
      auto call = store_.posts.open_call(post->id);
      if (!call) {
        return turn.reply(turn.say(Msg::call_closed_reply, {{"id", std::to_string(post->id)}})),
               void();
      }
      if (recruitment::join(turn, call->id)) start_signup(turn);
      return;
    }
    case Command::report:
      return report::run(turn, cmd.args);
    case Command::commend:
      return commend::run(turn, cmd.args);
    case Command::train:
      return support::train(turn, cmd.args);
    case Command::stock:
      return support::stock(turn, cmd.args);
    case Command::issue:
      return support::issue(turn, cmd.args);
    case Command::risk:
      return support::risk(turn, cmd.args);
    case Command::supply:
      return support::supply(turn, cmd.args);
    case Command::vehicle:
      return fleet::vehicle(turn, cmd.args);
    case Command::trip:
      return fleet::trip(turn, cmd.args);
    case Command::fleet:
      return fleet::report(turn);
  }
}

void Engine::start_post(Turn& turn, const std::string& args) {
  const Community* c = turn.coordinated();
  if (c == nullptr) return turn.refuse(turn.say(Msg::not_coordinator)), void();
  turn.community = c;
  Answers initial;
  if (!trim(args).empty()) {
    auto post = recruitment::find_post(turn, args);
    if (!post) return turn.refuse(turn.say(Msg::post_not_found, {{"id", trim(args)}}));
    initial = post_answers(*post);
    support::edit_answers(store_, post->id, initial);
  }
  dialogs_.start(turn, post_dialog(), std::move(initial));
}

// What each role can do, and nothing it cannot: a coordinator sees the commands of the five
// steps, an approved volunteer those of their shifts and tasks (not the sign-up they have
// done), a resident asking for help and how to become a volunteer.
void Engine::menu(Turn& turn) {
  std::string text =
      turn.say(Msg::menu_header, {{"community", turn.community ? turn.community->name : ""}});
  auto v = store_.volunteers.get(turn.person.id);
  const bool volunteer = v && v->status == VolunteerStatus::approved;
  const bool coordinator = !dir_.coordinated_by(turn.person.id).empty();
  if (coordinator) text += "\n" + turn.say(Msg::menu_coordinator);
  if (coordinator) text += "\n" + turn.say(Msg::menu_coordinator_evaluation);
  if (coordinator) text += "\n" + turn.say(Msg::menu_support);
  if (coordinator) text += "\n" + turn.say(Msg::menu_coordinator_fleet);
  if (coordinator) text += "\n" + turn.say(Msg::menu_coordinator_records);
  if (!coordinator) text += "\n" + turn.say(Msg::menu_resident);
  if (!coordinator) text += "\n" + turn.say(Msg::menu_resident_cancel);
  if (volunteer) {
    text += "\n" + turn.say(Msg::menu_volunteer);
    text += "\n" + turn.say(Msg::menu_support_volunteer);
    text += "\n" + turn.say(Msg::menu_volunteer_records);
  } else if (!coordinator) {
    bool pending = v && v->status == VolunteerStatus::pending;
    text += "\n" + turn.say(pending ? Msg::menu_pending : Msg::menu_join);
  }
  text += "\n" + turn.say(Msg::menu_verify);
  text += "\n" + turn.say(Msg::menu_lang);
  text += "\n" + turn.say(Msg::menu_join_hint);
  turn.reply(std::move(text));
}

// "/start" is what a platform sends when someone opens a private chat with the bot (Telegram's
// deep link adds a payload): deliver what was held for them, then show the menu.
void Engine::start(Turn& turn) {
  if (!turn.in_group()) {
    auto held = store_.outbox.release_held(turn.origin.chat.adapter, turn.origin.chat.chat);
    if (!held.empty()) {
      turn.reply(turn.say(Msg::start_private_ok, {{"name", turn.person.name}}));
      for (auto& row : held) turn.requeue(std::move(row));
      return;
    }
  }
  menu(turn);
}

void Engine::start_signup(Turn& turn) {
  if (turn.community == nullptr) return turn.reply(turn.say(Msg::no_community)), void();
  if (auto v = store_.volunteers.get(turn.person.id)) {
    if (v->status == VolunteerStatus::approved) {
      const Community* c = dir_.community(v->community_id);
      return turn.reply(turn.say(Msg::signup_already_volunteer, {{"community", c ? c->name : ""}})),
             void();
    }
    if (v->status == VolunteerStatus::pending) {
      return turn.reply(turn.say(Msg::signup_already_pending)), void();
    }
  }
  dialogs_.start(turn, signup_dialog(), {});
}

void Engine::start_help(Turn& turn, const std::string& inline_text) {
  if (turn.community == nullptr) return turn.reply(turn.say(Msg::no_community)), void();
  auto n = utf8_length(inline_text);
  if (n > kMaxHelpDetails) {
    // Said, and nothing started: the person shortens it and sends 求助 again.
    return turn.reply(turn.say(Msg::help_too_long, {{"limit", std::to_string(kMaxHelpDetails)},
                                                    {"count", std::to_string(n)}})),
           void();
  }
  Answers initial;
  if (n >= 2) initial["details"] = inline_text;
  if (turn.group && turn.group->kind == GroupKind::residents) {
    initial["group_building"] = turn.group->building;
  }
  dialogs_.start(turn, help_dialog(), std::move(initial));
}

void Engine::set_lang(Turn& turn, const std::string& args) {
  std::string a = lower_ascii(trim(args));
  std::optional<Lang> l;
  if (a == "en" || a == "english" || a == "英文" || a == "英语") l = Lang::en;
  if (a == "zh" || a == "cn" || a == "chinese" || a == "中文" || a == "汉语") l = Lang::zh;
  if (!l) return turn.refuse(turn.say(Msg::lang_usage));
  store_.people.set_lang(turn.person.id, std::string(lang_code(*l)), true);
  turn.lang = *l;
  turn.reply(turn.say(Msg::lang_set));
}

void Engine::undeliverable(const OutboxRow& row, bool forbidden, const std::string& error,
                           std::int64_t now, Outcome& out) {
  const OutboundMessage& m = row.msg;
  // The row is held or marked dead here, in the unit of work that decides whom to tell: a crash
  // cannot record a dead letter and lose the notice about it.
  if (forbidden && m.private_chat) {
    store_.outbox.hold(row.id);
    auto person = store_.people.find_by_private_chat(m.adapter, m.chat);
    const AdapterConfig* adapter = config_.adapter(m.adapter);
    // One invitation per wait: later messages join the first one that is held.
    if (!person || !adapter || adapter->capabilities.open_private_url.empty() ||
        person->last_group_chat.empty() || store_.outbox.held_count(m.adapter, m.chat) > 1) {
      return;
    }
    // Asked in the group they last wrote in, naming them, to open the private chat.
    std::string user = m.user.empty() ? m.chat : m.user;
    Origin group{{person->last_group_adapter, person->last_group_chat, ""}, ChatKind::group, user};
    Turn turn(config_, store_, dir_, std::move(group), *person, now, out);
    SendOptions opt;
    opt.mentions = {user};
    turn.reply(say(turn.group_lang(), Msg::open_private_chat,
                   {{"name", person->name}, {"link", adapter->capabilities.open_private_url}}),
               std::move(opt));
    return;
  }
  // A dead letter. The notice about one is never itself the subject of another; a button's
  // answer or a card's edit that did not go through is not worth a coordinator's attention.
  store_.outbox.mark_dead(row.id, row.attempts, error);
  if (m.route == kDeadLetterRoute || m.kind != OutKind::send) return;
  // The coordinators of the community the message was for: the group's, or the person's.
  Person about;
  std::string to;
  if (m.private_chat) {
    if (auto p = store_.people.find_by_private_chat(m.adapter, m.chat)) about = *p;
    to = about.name.empty() ? m.chat : about.name;
  } else {
    const Group* g = dir_.group(m.adapter, m.chat);
    to = g && !g->title.empty() ? g->title : m.chat;
  }
  Origin where{
      {m.adapter, m.chat, m.thread}, m.private_chat ? ChatKind::private_chat : ChatKind::group, ""};
  Turn turn(config_, store_, dir_, std::move(where), about, now, out);
  if (turn.community == nullptr) return;
  for (std::int64_t coordinator : turn.community->coordinators) {
    SendOptions opt;
    opt.route = kDeadLetterRoute;
    turn.tell(coordinator,
              say(turn.lang_of(coordinator), Msg::dead_letter,
                  {{"to", to}, {"tries", std::to_string(row.attempts)}, {"error", error}}),
              std::move(opt));
  }
}

namespace {

// The community a timer about a post, call, offer, request or shift belongs to; "" when what it
// is about is gone.
std::string community_of(Store& store, const Timer& t) {
  switch (t.kind) {
    case TimerKind::cards:
    case TimerKind::deadline:
      if (auto c = store.posts.call(t.subject)) return c->community_id;
      return "";
    case TimerKind::remind:
    case TimerKind::replace:
      if (auto p = store.posts.get(t.subject)) return p->community_id;
      return "";
    case TimerKind::offer:
      if (auto o = store.offers.get(t.subject)) {
        if (o->kind == "trip") {
          if (auto trip = store.trips.get(o->target_id)) return trip->community_id;
        } else if (o->kind == "post") {
          if (auto p = store.posts.get(o->target_id)) return p->community_id;
        } else if (auto r = store.requests.get(o->target_id)) {
          return r->community_id;
        }
      }
      return "";
    case TimerKind::unclaimed:
      if (auto r = store.requests.get(t.subject)) return r->community_id;
      return "";
    case TimerKind::shift:
      if (auto s = store.shifts.get(t.subject)) return s->community_id;
      return "";
    case TimerKind::dialog:
    case TimerKind::purge:
    case TimerKind::typo_hint:
      return "";
  }
  return "";
}

}  // namespace

void Engine::fire(const TimerRecord& record, std::int64_t now, Outcome& out) {
  auto timer = Timer::of(record);
  if (!timer) {
    // Written by a newer version, or damaged: failing lets the dispatcher park it and say so.
    throw std::runtime_error("a timer this version does not know: kind '" + record.kind +
                             "', key '" + record.key + "'");
  }
  switch (timer->kind) {
    case TimerKind::purge:
      return purge(now, out);
    case TimerKind::dialog:
      return dialog_timeout(timer->subject, now, out);
    case TimerKind::typo_hint:
      return;  // its time of quiet is over
    default:
      break;
  }
  // Linli acts by itself, in no chat: in the community of what the timer is about.
  Turn turn(config_, store_, dir_, Origin{}, Person{}, now, out);
  turn.community = dir_.community(community_of(store_, *timer));
  if (turn.community == nullptr) return;
  const std::int64_t id = timer->subject;
  switch (timer->kind) {
    case TimerKind::cards:
      return recruitment::refresh_cards(turn, id);
    case TimerKind::deadline:
      return recruitment::close_call(turn, id);
    case TimerKind::remind:
      return shifts::remind(turn, id);
    case TimerKind::replace:
      return shifts::replace(turn, id);
    case TimerKind::offer:
      return assignments::expire(turn, id);
    case TimerKind::unclaimed:
      return assignments::unclaimed(turn, id);
    case TimerKind::shift:
      return shifts::close(turn, id);
    case TimerKind::dialog:
    case TimerKind::purge:
    case TimerKind::typo_hint:
      return;
  }
}

// Once a day: addresses of closed requests, and event ids older than platforms retry.
void Engine::purge(std::int64_t now, Outcome& out) {
  const std::int64_t kept_from = now - config_.privacy.address_retention_days * kDay;
  store_.requests.purge_addresses(kept_from);
  store_.outbox.purge_texts(kept_from);
  store_.outbox.purge_held(kept_from);
  store_.events.purge(now - config_.privacy.event_retention_days * kDay);
  Turn turn(config_, store_, dir_, Origin{}, Person{}, now, out);
  turn.arm(Timer{TimerKind::purge, 0}, now + kDay);
}

// A dialog nobody answered: it times out in its own chat, unless it moved on since.
void Engine::dialog_timeout(std::int64_t person_id, std::int64_t now, Outcome& out) {
  auto dialog = store_.dialogs.get(person_id);
  if (!dialog) return;
  const std::int64_t deadline = dialog->updated_at + config_.dialogs.timeout_s * 1000;
  if (deadline > now) {
    // Fired early: the dialog moved on since its timer was armed (a step only moves the timer
    // when it would be late, DialogRunner::save). It falls due again at the dialog's deadline.
    store_.timers.arm(Timer{TimerKind::dialog, person_id}, deadline);
    if (!out.earliest_timer || deadline < *out.earliest_timer) out.earliest_timer = deadline;
    return;
  }
  auto person = store_.people.get(person_id);
  auto who = store_.people.identity(person_id, dialog->adapter);
  if (!person || !who) return;
  Origin where{{dialog->adapter, dialog->chat, dialog->thread},
               dialog->private_chat ? ChatKind::private_chat : ChatKind::group,
               who->user};
  Turn turn(config_, store_, dir_, std::move(where), *person, now, out);
  dialogs_.feed(turn, std::move(*dialog), Input::timeout, "");
}

}  // namespace linli
