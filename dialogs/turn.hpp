#pragma once
// One event being decided: who acts, where, in which language, and what the decision sends.
// Everything a Turn writes goes into the transaction the dispatcher opened for the event, and
// every message it sends is an outbox row; nothing leaves the process from here.

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

class Turn {
 public:
  Turn(const Config& config, Store& store, const Directory& dir, const InboundEvent& ev,
       Person person, std::int64_t now, Outcome& out);

  const Config& config;
  Store& store;
  const Directory& dir;
  const InboundEvent& ev;
  Person person;
  std::int64_t now;
  Lang lang = Lang::zh;                  // the acting person's
  const Community* community = nullptr;  // where the person acts
  const Group* group = nullptr;          // the group the event came from, if any

  bool in_group() const { return ev.chat_kind == ChatKind::group; }
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

  // In the chat (and topic) the event came from, as a reply to it when in a group.
  std::int64_t reply(std::string text, SendOptions opt = {});
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
  void arm_timer(const std::string& key, std::int64_t due_at, const std::string& kind,
                 const std::string& payload);
  // Arms a timer unless one of that name is armed already (debouncing).
  void arm_timer_once(const std::string& key, std::int64_t due_at, const std::string& kind,
                      const std::string& payload);
  // The community this person coordinates from this chat: the group's, or in a private chat
  // the first they coordinate. nullptr when they coordinate none here.
  const Community* coordinated() const;

 private:
  Outcome& out_;
  bool press_answered_ = false;
};

}  // namespace linli
