#pragma once
// The neutral messages that flow through Linli (DESIGN.md §4): adapters turn platform webhooks
// into InboundEvents and OutboundMessages into platform API calls; nothing else knows platforms.

#include <cstdint>
#include <string>
#include <vector>

namespace linli {

enum class ChatKind { private_chat, group };

// One thing a person did on a platform: a message, a reply to one of our messages, or a press on
// one of our buttons.
struct InboundEvent {
  std::string adapter;   // adapter instance name, e.g. "tg"
  std::string event_id;  // unique per adapter; platforms retry, we handle each id once
  std::string chat;      // platform chat id
  ChatKind chat_kind = ChatKind::group;
  std::string thread;      // forum topic / thread id, "" when none
  std::string user;        // platform user id
  std::string user_name;   // display name as the platform gives it
  std::string lang;        // platform language code, "" when unknown
  std::string message_id;  // platform id of this message ("" for button presses)
  std::string text;        // the text as typed
  // Set by adapters that find commands themselves (Telegram's bot_command entities): the command
  // without '/' and '@bot', and the text after it. Empty: the command parser reads `text`.
  std::string command;
  std::string command_args;
  bool addressed_to_other_bot = false;  // "/cmd@otherbot": not ours, ignore
  // The person @-mentioned the bot in a group (WeCom's and DingTalk's robots and Feishu hear only
  // such messages there; Slack's app_mention): spoken to the bot, so a refusal is an answer.
  bool addressed = false;
  std::string reply_to;     // platform id of our message this one replies to, "" when none
  std::string button;       // callback data of a pressed button, "" when none
  std::string callback_id;  // platform id of the press, to answer it
  std::int64_t at_ms = 0;   // when the platform says it happened (0: unknown)
};

struct Button {
  std::string label;
  std::string data;  // a short route such as "t:12:claim", never the payload (Telegram: 64 bytes)
};

enum class OutKind { send, edit, answer_callback };

// Where a message goes: a platform (adapter instance), a chat there, and a thread in it.
struct Address {
  std::string adapter;
  std::string chat;
  std::string thread;
};

// A person to reach privately on one platform. The private chat is the platform's own: the
// user id on Telegram and the playground, a chat of its own on Slack, Feishu or WeCom, learned
// when the person first writes to the bot privately.
struct Recipient {
  std::string adapter;
  std::string user;
  std::string private_chat;  // "" while not learned

  // The private chat to address, or none yet: on a platform whose private chats are not named
  // by the user id, the adapter must open one from `user` (OutboundMessage::user).
  Address address(bool private_chat_is_user_id) const {
    if (!private_chat.empty()) return {adapter, private_chat, ""};
    return {adapter, private_chat_is_user_id ? user : "", ""};
  }
};

// One message the bot decided to send. Stored in the outbox in the same transaction as the
// decision, delivered later by the outbox sender through the adapter that owns `adapter`.
struct OutboundMessage {
  OutKind kind = OutKind::send;
  std::string adapter;
  std::string chat;    // platform chat id; for a private message, the person's private chat
  std::string user;    // a private message: the person's user id (to open a private chat)
  std::string thread;  // forum topic / thread to post into
  bool private_chat = false;
  std::string text;
  std::vector<std::vector<Button>> buttons;
  std::string reply_to;               // platform message id to reply to
  std::int64_t edit_of = 0;           // outbox id of our message to edit (kind == edit)
  std::string callback_id;            // press to answer (kind == answer_callback)
  std::string route;                  // what this message carries: a reply to it is routed there
  std::vector<std::string> mentions;  // platform user ids to mention, where platforms can
  // A question in a group that wants its answer as a reply: platforms that can (Telegram's
  // ForceReply) open the reply for the person, so a privacy-mode bot receives the answer.
  bool force_reply = false;
};

}  // namespace linli
