#pragma once
// One decision being made: who acts, where, in which language, and what the decision sends.
// A decision is about an event from a chat, or Linli's own work (a timer that fell due, a
// message that could not be delivered), which has no event. Everything a Turn writes goes into
// the unit of work the dispatcher opened, and every message it sends is an outbox row; nothing
// leaves the process from here.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "dialogs/catalogue.hpp"
#include "dialogs/directory.hpp"
#include "dialogs/message.hpp"
#include "dialogs/ports.hpp"

namespace linli {

// What one decision produced, for the dispatcher to hand on after the commit.
struct Outcome {
  std::vector<OutboxRow> messages;  // in the order they were enqueued
  std::optional<std::int64_t> earliest_timer;
};

struct SendOptions {
  std::string route;
  std::vector<std::vector<Button>> buttons;
  std::vector<std::string> mentions;
  std::string reply_to;  // platform message id; Turn::reply fills in the event's message
};

// Where a decision happens: the chat an event came from, or the chat Linli acts in of its own
// accord (a dialog's, a group's); none for a timer about a post. `event` is the event decided,
// null when Linli acts by itself.
struct Origin {
  Address chat;  // adapter "" when there is no chat to answer in
  ChatKind kind = ChatKind::private_chat;
  std::string user;  // the platform user who acts, "" for Linli itself
  const InboundEvent* event = nullptr;

  static Origin of(const InboundEvent& ev) {
    return Origin{{ev.adapter, ev.chat, ev.thread}, ev.chat_kind, ev.user, &ev};
  }
};

class Turn {
 public:
  Turn(const Config& config, Store& store, const Directory& dir, Origin origin, Person person,
       std::int64_t now, Outcome& out);

  const Config& config;
  Store& store;
  const Directory& dir;
  const Origin origin;
  Person person;
  std::int64_t now;
  Lang lang = Lang::zh;                  // the acting person's
  const Community* community = nullptr;  // where the person acts
  const Group* group = nullptr;          // the group the event came from, if any

  bool in_group() const { return origin.kind == ChatKind::group; }
  // The platform this decision happens on ("" for a timer).
  const std::string& adapter() const { return origin.chat.adapter; }
  // Whether the decision is about a press of one of our buttons, which wants an answer.
  bool pressed() const { return origin.event != nullptr && !origin.event->callback_id.empty(); }
  Lang lang_of(const Person& p) const;
  Lang lang_of(std::int64_t person_id);
  Lang group_lang() const;  // messages posted in a group speak the community's language
  // The UTC offset in minutes that the people of the turn's community read and write times in
  // (the service's default when the turn has no community), and that of a given community (a
  // post's, a volunteer's) whatever community the turn is in.
  int utc_offset_min() const;
  int utc_offset_min(const std::string& community_id) const;
  std::string name_of(std::int64_t person_id);  // volunteer name, else platform name
  std::string say(Msg m, std::initializer_list<Arg> args = {}) const {
    return linli::say(lang, m, args);
  }

  // In the chat (and topic) of the origin, as a reply to the event when in a group. Nothing when
  // the decision has no chat (a timer): it tells people and posts to groups instead.
  std::int64_t reply(std::string text, SendOptions opt = {});
  // A refusal (not the person's role) or a usage (arguments that do not parse), as a reply;
  // nothing at all with `quiet_refusals`, whose caller then changes nothing either.
  void refuse(std::string text) {
    if (!quiet_refusals) reply(std::move(text));
  }
  // A command's keyword typed in a group ("风险 很大大家小心", "报告 一下31栋停水了"): most
  // likely neighbours talking, whom a refusal or a usage posted into the group would interrupt
  // (issue 11). The slash form always answers.
  bool quiet_refusals = false;
  // What is for the acting person's eyes only (their hours, their training, their certificate):
  // in a private chat, as a reply; asked in a group, privately, with a short note in the group.
  void reply_privately(std::string text);
  // Whether the acting person is an approved volunteer (of any community).
  bool is_volunteer();
  // Where a person is reached privately on one platform (Recipient): the private chat they
  // wrote from, else their user id where the platform names private chats by it, else no chat
  // (the adapter opens one from the user id the message carries).
  Address private_address(const Identity& who) const;
  // In the private chat of a person, on the platform of this event if they are on it.
  std::int64_t tell(std::int64_t person_id, std::string text, SendOptions opt = {});
  std::int64_t post(const Group& g, std::string text, SendOptions opt = {});
  // Replaces the text (and buttons) of one of our messages, e.g. a task card once it is taken.
  void edit(std::int64_t outbox_id, std::string text,
            std::vector<std::vector<Button>> buttons = {});
  // Answers the button press this event is (once; platforms want every press answered).
  void answer_press(std::string text = "");
  bool press_answered() const { return press_answered_; }
  std::int64_t send(OutboundMessage m);
  // Hands a row that is already in the outbox (pending again) to the sender.
  void requeue(OutboxRow row);
  void arm(const Timer& timer, std::int64_t due_at);
  // Arms a timer unless it is armed already (debouncing); false when it was.
  bool arm_once(const Timer& timer, std::int64_t due_at);
  // Makes a timer fall due by `due_at` at the latest (Timers::arm_by).
  void arm_by(const Timer& timer, std::int64_t due_at);
  void disarm(const Timer& timer) { store.timers.disarm(timer); }
  // The community this person coordinates from this chat: the group's, or in a private chat
  // the first they coordinate. nullptr when they coordinate none here.
  const Community* coordinated() const;

 private:
  Outcome& out_;
  bool press_answered_ = false;
};

}  // namespace linli
