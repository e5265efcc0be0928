#pragma once
// Webhook Updates shaped as Telegram sends them, for integration tests: update_id and
// message_id increase with each one; a "/command" anywhere in the text gets its bot_command
// entity with offset and length in UTF-16 code units; forum topics carry message_thread_id,
// is_topic_message and the topic's root as reply_to_message; a reply in a plain supergroup
// carries message_thread_id without is_topic_message, as Telegram's do.
//
// Message ids start at 1000001 so that they never meet the FakeTelegram's ids for the bot's own
// messages (1, 2, 3... per chat). Not thread-safe: one builder per test thread.
//
//   TelegramUpdates ups;                            // bot @linli_bot, id 7000000001
//   TelegramUser li{123456789, "秀英", "李", "", "zh-hans"};
//   post(ups.message(-1001234567890, "supergroup", li, "🙏请帮忙 /help 水管漏了").dump());
//   post(ups.callback(-1001234567890, li, bot_message_id, "t:12:claim").dump());

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace linli::test {

struct TelegramUser {
  std::int64_t id = 0;
  std::string first_name;
  std::string last_name;      // "" → absent
  std::string username;       // "" → absent
  std::string language_code;  // "" → absent
};

// Set with the chained setters, which -Wextra prefers to designated initializers:
//   TelegramMessageOptions().replying_to_bot(5).in_topic(77)
struct TelegramMessageOptions {
  std::optional<std::int64_t> reply_to_bot_message_id;  // a reply to our bot's message
  std::optional<std::int64_t> reply_to_message_id;      // a reply to someone else's message,
  std::optional<TelegramUser> reply_to_user;  // sent by this person (default: a neighbour)
  bool reply_to_other_bot = false;            // ... or by @OtherHelperBot
  std::optional<std::int64_t> thread_id;      // in this forum topic (its root's id)
  bool as_caption = false;                    // the text is a photo's caption
  std::optional<std::int64_t> date;           // unix seconds; else the builder's date

  TelegramMessageOptions& replying_to_bot(std::int64_t bot_message_id) {
    reply_to_bot_message_id = bot_message_id;
    return *this;
  }
  TelegramMessageOptions& replying_to(std::int64_t message_id, TelegramUser sender) {
    reply_to_message_id = message_id;
    reply_to_user = std::move(sender);
    return *this;
  }
  TelegramMessageOptions& replying_to_other_bot(std::int64_t message_id) {
    reply_to_message_id = message_id;
    reply_to_other_bot = true;
    return *this;
  }
  TelegramMessageOptions& in_topic(std::int64_t root_message_id) {
    thread_id = root_message_id;
    return *this;
  }
  TelegramMessageOptions& caption() {
    as_caption = true;
    return *this;
  }
  TelegramMessageOptions& on(std::int64_t unix_s) {
    date = unix_s;
    return *this;
  }
};

class TelegramUpdates {
 public:
  explicit TelegramUpdates(std::string bot_username = "linli_bot", std::int64_t bot_id = 7000000001)
      : bot_username_(std::move(bot_username)), bot_id_(bot_id) {}

  // A new message; `chat_type` is "private", "group" or "supergroup".
  nlohmann::json message(std::int64_t chat_id, const std::string& chat_type,
                         const TelegramUser& user, const std::string& text,
                         const TelegramMessageOptions& options = {}) {
    using nlohmann::json;
    std::int64_t date = options.date.value_or(date_);
    json chat = chat_json(chat_id, chat_type, options.thread_id.has_value(), user);
    json m = {
        {"message_id", ++message_id_}, {"from", user_json(user)}, {"chat", chat}, {"date", date}};
    json reply;
    if (options.reply_to_bot_message_id) {
      reply = {{"message_id", *options.reply_to_bot_message_id},
               {"from", bot_json()},
               {"chat", chat},
               {"date", date},
               {"text", "…"}};
    } else if (options.reply_to_message_id) {
      json from =
          options.reply_to_other_bot
              ? json{{"id", 6900000002},
                     {"is_bot", true},
                     {"first_name", "Helper"},
                     {"username", "OtherHelperBot"}}
              : user_json(options.reply_to_user.value_or(TelegramUser{1, "邻居", "", "", ""}));
      reply = {{"message_id", *options.reply_to_message_id},
               {"from", from},
               {"chat", chat},
               {"date", date},
               {"text", "…"}};
    }
    if (options.thread_id) {
      m["message_thread_id"] = *options.thread_id;
      m["is_topic_message"] = true;
      if (reply.is_null()) {
        // Every message in a topic replies to the topic's root, the "topic created" message.
        reply = {{"message_id", *options.thread_id},
                 {"from", user_json(user)},
                 {"chat", chat},
                 {"date", date},
                 {"forum_topic_created", {{"name", "话题"}, {"icon_color", 7322096}}}};
      }
      reply["message_thread_id"] = *options.thread_id;
      reply["is_topic_message"] = true;
    } else if (!reply.is_null() && chat_type == "supergroup") {
      // A reply chain in a plain supergroup is a "thread" too, but not a topic.
      m["message_thread_id"] = reply["message_id"];
    }
    if (!reply.is_null()) m["reply_to_message"] = reply;
    json entities = command_entities(text);
    if (options.as_caption) {
      m["photo"] = json::array({{{"file_id", "AgACAgUAAxkBAAIB" + std::to_string(message_id_)},
                                 {"file_unique_id", "AQAD" + std::to_string(message_id_)},
                                 {"width", 90},
                                 {"height", 67}}});
      m["caption"] = text;
      if (!entities.empty()) m["caption_entities"] = entities;
    } else {
      m["text"] = text;
      if (!entities.empty()) m["entities"] = entities;
    }
    return {{"update_id", ++update_id_}, {"message", m}};
  }

  // A press on a button of the bot's message `bot_message_id`.
  nlohmann::json callback(std::int64_t chat_id, const TelegramUser& user,
                          std::int64_t bot_message_id, const std::string& data,
                          std::optional<std::int64_t> thread_id = std::nullopt) {
    using nlohmann::json;
    std::string type = chat_id > 0                   ? "private"
                       : chat_id <= -1000000000000LL ? "supergroup"
                                                     : "group";
    json message = {{"message_id", bot_message_id},
                    {"from", bot_json()},
                    {"chat", chat_json(chat_id, type, thread_id.has_value(), user)},
                    {"date", date_},
                    {"text", "…"}};
    if (thread_id) {
      message["message_thread_id"] = *thread_id;
      message["is_topic_message"] = true;
    }
    last_callback_id_ = std::to_string(4'000'000'000'000'000'000LL + ++callback_seq_);
    json q = {{"id", last_callback_id_},
              {"from", user_json(user)},
              {"message", message},
              {"chat_instance", std::to_string(-8'000'000'000'000'000'000LL - chat_id)},
              {"data", data}};
    return {{"update_id", ++update_id_}, {"callback_query", q}};
  }

  // The date of the updates that follow (unix seconds).
  void set_date(std::int64_t unix_s) { date_ = unix_s; }
  std::int64_t last_update_id() const { return update_id_; }
  std::int64_t last_message_id() const { return message_id_; }
  const std::string& last_callback_id() const { return last_callback_id_; }
  nlohmann::json bot_json() const {
    return {
        {"id", bot_id_}, {"is_bot", true}, {"first_name", "Linli"}, {"username", bot_username_}};
  }

  // Length of `s` in UTF-16 code units, as Telegram counts entity offsets.
  static std::size_t utf16_length(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s) {
      if ((c & 0xC0) != 0x80) n += c >= 0xF0 ? 2 : 1;
    }
    return n;
  }

  // A bot_command entity for each "/cmd" or "/cmd@bot" at the start of the text or after a
  // space: '/' then [A-Za-z0-9_]+, then optionally '@' and a username.
  static nlohmann::json command_entities(std::string_view text) {
    auto word = [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    };
    auto space_before = [&](std::size_t i) {
      if (i == 0) return true;
      char c = text[i - 1];
      if (c == ' ' || c == '\n' || c == '\t') return true;
      return i >= 3 && text.substr(i - 3, 3) == "\xE3\x80\x80";  // U+3000
    };
    nlohmann::json out = nlohmann::json::array();
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] != '/' || !space_before(i)) continue;
      std::size_t end = i + 1;
      while (end < text.size() && word(text[end])) ++end;
      if (end == i + 1) continue;
      if (end < text.size() && text[end] == '@') {
        std::size_t at_end = end + 1;
        while (at_end < text.size() && word(text[at_end])) ++at_end;
        if (at_end > end + 1) end = at_end;
      }
      out.push_back({{"offset", utf16_length(text.substr(0, i))},
                     {"length", end - i},  // ASCII only: bytes are code units
                     {"type", "bot_command"}});
      i = end - 1;
    }
    return out;
  }

 private:
  static nlohmann::json user_json(const TelegramUser& u) {
    nlohmann::json j = {{"id", u.id}, {"is_bot", false}, {"first_name", u.first_name}};
    if (!u.last_name.empty()) j["last_name"] = u.last_name;
    if (!u.username.empty()) j["username"] = u.username;
    if (!u.language_code.empty()) j["language_code"] = u.language_code;
    return j;
  }

  static nlohmann::json chat_json(std::int64_t id, const std::string& type, bool forum,
                                  const TelegramUser& user) {
    nlohmann::json c = {{"id", id}, {"type", type}};
    if (type == "private") {
      c["first_name"] = user.first_name;
      if (!user.last_name.empty()) c["last_name"] = user.last_name;
    } else {
      c["title"] = "邻里群 " + std::to_string(id);
      if (forum) c["is_forum"] = true;
    }
    return c;
  }

  std::string bot_username_;
  std::int64_t bot_id_;
  std::int64_t update_id_ = 900'000'000;
  std::int64_t message_id_ = 1'000'000;
  std::int64_t callback_seq_ = 0;
  std::int64_t date_ = 1'718'000'000;
  std::string last_callback_id_;
};

}  // namespace linli::test
