#include "adapters/telegram/telegram_adapter.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string_view>

#include <nlohmann/json.hpp>

#include "adapters/crypto.hpp"
#include "adapters/json_fields.hpp"
#include "adapters/utf8_text.hpp"

// Where the Telegram facts below come from. Re-read for this file through the stored copies of
// the Bot API reference (core.telegram.org/bots/api, as quoted by grammy.dev, aiogram,
// python-telegram-bot and the R telegram.bot manual) and the official server's source
// (github.com/tdlib/telegram-bot-api, telegram-bot-api/Query.cpp and HttpConnection.cpp):
//  - setWebhook secret_token: sent back as the "X-Telegram-Bot-Api-Secret-Token" header.
//  - Update: update_id and at most one optional field (message, callback_query, ...).
//  - MessageEntity offset/length count UTF-16 code units (core.telegram.org/api/entities).
//  - Commands in a photo's caption are in caption_entities, not entities.
//  - message_thread_id also marks reply chains in ordinary supergroups; only
//    is_topic_message says it is a forum topic (tdlib/telegram-bot-api#356, levlam).
//  - CallbackQuery.message is absent for inline-mode buttons; InaccessibleMessage has date 0.
//  - sendMessage text 1-4096 characters; answerCallbackQuery text 0-200 characters;
//    callback_data 1-64 bytes, else 400 "BUTTON_DATA_INVALID" (refused before the call).
//  - ReplyParameters{message_id, allow_sending_without_reply}.
//  - editMessageText returns the edited Message, or True for inline messages.
//  - ResponseParameters{retry_after, migrate_to_chat_id}; a 429 reads "Too Many Requests:
//    retry after N" and the official server adds a Retry-After header.
//  - 403 "Forbidden: bot can't initiate conversation with a user" (or "bot was blocked by the
//    user") in private chats; 400 "Bad Request: message is not modified: ..." for a no-op edit.

namespace linli {

using nlohmann::json;

namespace {

constexpr std::int64_t kMaxRetryAfterS = 24 * 3600;  // a longer wait is a bug, not advice
constexpr std::size_t kMaxErrorBytes = 200;

// ---- Reading an Update whose fields may have any type: a wrong type counts as missing. ----

bool true_field(const json& j, const char* key) {
  const json* v = field(j, key);
  return v && v->is_boolean() && v->get<bool>();
}

// ---- Text. ----

// ASCII whitespace and the ideographic space U+3000, as dialogs/vocabulary.cpp trims.
std::string trim(std::string_view s) {
  return linli::trim(s, kAsciiWhitespace, IdeographicSpace::trimmed);
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// Telegram usernames are ASCII (a-z, 0-9, '_') and compared without case.
bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

// One UTF-8 sequence: its length in bytes and in UTF-16 code units (a code point above U+FFFF
// is a surrogate pair). A byte that does not start a valid sequence counts as one byte and one
// unit, as the replacement character it will be sent as. "Valid" is RFC 3629's
// (code_point_bytes, adapters/utf8_text.hpp), which json's dump() also checks. Looser, a
// surrogate's three bytes would count as one unit here and be sent as three U+FFFD (found by
// tests/fuzz).
struct CodePoint {
  std::size_t bytes;
  std::size_t units;
};

CodePoint code_point_at(std::string_view s, std::size_t i) {
  std::size_t bytes = code_point_bytes(s, i);
  return {bytes, bytes == 4 ? std::size_t{2} : std::size_t{1}};
}

std::size_t utf16_units(std::string_view s) {
  std::size_t units = 0;
  for (std::size_t i = 0; i < s.size();) {
    CodePoint cp = code_point_at(s, i);
    i += cp.bytes;
    units += cp.units;
  }
  return units;
}

// The byte position `units` UTF-16 code units into `s`; nullopt when that is past the end or
// inside a surrogate pair (an entity that does not fit the text).
std::optional<std::size_t> byte_offset(std::string_view s, std::int64_t units) {
  if (units < 0) return std::nullopt;
  std::size_t i = 0;
  std::int64_t seen = 0;
  while (seen < units) {
    if (i >= s.size()) return std::nullopt;
    CodePoint cp = code_point_at(s, i);
    i += cp.bytes;
    seen += static_cast<std::int64_t>(cp.units);
  }
  if (seen != units) return std::nullopt;
  return i;
}

// `s` if it has at most `max_units` UTF-16 code units, else its longest prefix that leaves room
// for "…" (one unit), cut between code points, followed by "…".
std::string fit(std::string_view s, std::size_t max_units) {
  if (utf16_units(s) <= max_units) return std::string(s);
  std::size_t i = 0;
  std::size_t units = 0;
  while (i < s.size()) {
    CodePoint cp = code_point_at(s, i);
    if (units + cp.units > max_units - 1) break;
    i += cp.bytes;
    units += cp.units;
  }
  return std::string(s.substr(0, i)) + "\xE2\x80\xA6";
}

// Telegram ids are integers; a chat may also be "@channelname", which stays a string.
json id_value(const std::string& s) {
  auto v = parse_int(s);
  return v ? json(*v) : json(s);
}

// ---- Update → InboundEvent. ----

// chat, chat_kind and thread from a Message (or an InaccessibleMessage); false for a channel,
// an unknown chat type or a chat without an id.
bool read_chat(const json& message, InboundEvent& ev) {
  const json* chat = object_field(message, "chat");
  if (!chat) return false;
  auto id = int_field(*chat, "id");
  std::string type = string_field(*chat, "type");
  if (!id) return false;
  if (type == "private") {
    ev.chat_kind = ChatKind::private_chat;
  } else if (type == "group" || type == "supergroup") {
    ev.chat_kind = ChatKind::group;
  } else {
    return false;
  }
  ev.chat = std::to_string(*id);
  // message_thread_id alone also marks a reply chain in a plain supergroup, which is no thread
  // we can post into: only a forum topic is.
  if (true_field(message, "is_topic_message")) {
    if (auto t = int_field(message, "message_thread_id")) ev.thread = std::to_string(*t);
  }
  return true;
}

bool read_user(const json& holder, InboundEvent& ev) {
  const json* from = object_field(holder, "from");
  if (!from) return false;
  auto id = int_field(*from, "id");
  if (!id) return false;
  ev.user = std::to_string(*id);
  ev.user_name = string_field(*from, "first_name");
  std::string last = string_field(*from, "last_name");
  if (!last.empty()) ev.user_name += (ev.user_name.empty() ? "" : " ") + last;
  ev.lang = string_field(*from, "language_code");
  return true;
}

// The id of our message that `m` replies to, "" when it replies to nothing of ours.
std::string reply_to_us(const json& m, const std::string& thread, std::string_view username) {
  const json* r = object_field(m, "reply_to_message");
  if (!r || username.empty()) return {};
  auto id = int_field(*r, "message_id");
  if (!id) return {};
  // In a forum topic every message replies to the topic's root, the "topic created" service
  // message whose id is the thread id: that is no reply to us, even when our bot made the topic.
  if (!thread.empty() && std::to_string(*id) == thread) return {};
  const json* from = object_field(*r, "from");
  if (!from || !true_field(*from, "is_bot") || !iequals(string_field(*from, "username"), username))
    return {};
  return std::to_string(*id);
}

// The first bot_command entity: "/cmd" or "/cmd@bot". An entity that does not fit the text is
// no command at all.
void read_command(const json& m, const char* entities_key, std::string_view username,
                  InboundEvent& ev) {
  const json* entities = field(m, entities_key);
  if (!entities || !entities->is_array()) return;
  for (const json& e : *entities) {
    if (string_field(e, "type") != "bot_command") continue;
    auto offset = int_field(e, "offset");
    auto length = int_field(e, "length");
    if (!offset || !length || *length <= 0) return;
    std::string_view text = ev.text;
    auto begin = byte_offset(text, *offset);
    if (!begin) return;
    auto size = byte_offset(text.substr(*begin), *length);
    if (!size) return;
    std::string_view cmd = text.substr(*begin, *size);
    if (cmd.size() < 2 || cmd.front() != '/') return;
    cmd.remove_prefix(1);
    auto at = cmd.find('@');
    std::string_view name = cmd.substr(0, at);
    if (name.empty()) return;
    if (at != std::string_view::npos) {
      std::string_view bot = cmd.substr(at + 1);
      if (bot.empty()) return;
      if (!iequals(bot, username)) {
        ev.addressed_to_other_bot = true;
        return;
      }
    }
    ev.command = std::string(name);
    ev.command_args = trim(text.substr(*begin + *size));
    return;
  }
}

std::optional<InboundEvent> from_message(const json& m, std::string_view username) {
  InboundEvent ev;
  if (!read_chat(m, ev) || !read_user(m, ev)) return std::nullopt;
  auto message_id = int_field(m, "message_id");
  if (!message_id) return std::nullopt;
  ev.message_id = std::to_string(*message_id);
  const char* entities_key = "entities";
  ev.text = string_field(m, "text");
  if (ev.text.empty()) {
    ev.text = string_field(m, "caption");
    entities_key = "caption_entities";
  }
  if (ev.text.empty())
    return std::nullopt;  // a sticker, a photo without caption, a service message
  auto date = int_field(m, "date");
  if (date && *date > 0 && *date <= std::numeric_limits<std::int64_t>::max() / 1000) {
    ev.at_ms = *date * 1000;
  }
  ev.reply_to = reply_to_us(m, ev.thread, username);
  read_command(m, entities_key, username, ev);
  return ev;
}

std::optional<InboundEvent> from_callback(const json& q, std::int64_t now_ms) {
  InboundEvent ev;
  ev.callback_id = string_field(q, "id");
  ev.button = string_field(q, "data");  // absent for game buttons, which we never send
  if (ev.callback_id.empty() || ev.button.empty() || !read_user(q, ev)) return std::nullopt;
  // No message: the button was on an inline-mode message, which has no chat we know.
  const json* m = object_field(q, "message");
  if (!m || !read_chat(*m, ev)) return std::nullopt;
  auto message_id = int_field(*m, "message_id");
  if (!message_id) return std::nullopt;
  ev.reply_to = std::to_string(*message_id);
  // A press carries no time of its own; when it reached us is the best there is.
  ev.at_ms = now_ms;
  return ev;
}

// The inline keyboard, or why Telegram would refuse it. A button's data is a route, never a
// payload, so data that does not fit is a bug to hear about: dropping the button quietly would
// leave a question without the answer it offers.
json keyboard(const std::vector<std::vector<Button>>& rows, std::string& refused) {
  json out = json::array();
  for (const auto& row : rows) {
    json r = json::array();
    for (const auto& b : row) {
      if (b.data.empty() || b.data.size() > TelegramAdapter::kMaxCallbackBytes) {
        refused = "button data of " + std::to_string(b.data.size()) +
                  " bytes: Telegram takes 1 to " +
                  std::to_string(TelegramAdapter::kMaxCallbackBytes);
        return json::array();
      }
      r.push_back(json{{"text", b.label}, {"callback_data", b.data}});
    }
    if (!r.empty()) out.push_back(std::move(r));
  }
  return out;
}

// ---- The Bot API's answer, read without building a tree. ----

// What interpret reads of an answer. sendMessage's answer repeats the whole message sent (its
// sender, chat and text): parsed into a tree that was ~30 nodes and strings per message sent,
// for one message_id (issue 10). Read as a stream of SAX events instead; a member that is not
// an object or an integer counts as missing, as with the field helpers of json_fields.hpp, and
// a later duplicate of a member replaces the earlier one, as json::parse does.
struct Answer {
  bool ok = false;
  std::string description;
  std::optional<std::int64_t> retry_after;
  std::optional<std::int64_t> migrate_to_chat_id;
  std::optional<std::int64_t> message_id;
};

class AnswerReader final : public nlohmann::json_sax<json> {
 public:
  explicit AnswerReader(Answer& a) : a_(a) {}

  bool null() override { return value(std::nullopt); }
  bool boolean(bool v) override {
    if (depth_ == 1 && key_ == "ok") {
      a_.ok = v;
      return true;
    }
    return value(std::nullopt);
  }
  bool number_integer(number_integer_t v) override { return value(v); }
  bool number_unsigned(number_unsigned_t v) override {
    if (v > static_cast<number_unsigned_t>(std::numeric_limits<std::int64_t>::max())) {
      return value(std::nullopt);
    }
    return value(static_cast<std::int64_t>(v));
  }
  bool number_float(number_float_t, const string_t&) override { return value(std::nullopt); }
  bool string(string_t& v) override {
    if (depth_ == 1 && key_ == "description") {
      a_.description = v;
      return true;
    }
    return value(std::nullopt);
  }
  bool binary(binary_t&) override { return value(std::nullopt); }
  bool start_object(std::size_t) override {
    if (depth_ == 0) {
      object_ = true;
    } else if (depth_ == 1 && key_ == "parameters") {
      in_ = In::parameters;
    } else if (depth_ == 1 && key_ == "result") {
      in_ = In::result;
    } else if (depth_ == 2) {
      value(std::nullopt);
    }
    ++depth_;
    return true;
  }
  bool key(string_t& k) override {
    if (depth_ == 1) {
      key_ = k;
      // A member given twice counts once, as its last value.
      if (k == "parameters") {
        a_.retry_after.reset();
        a_.migrate_to_chat_id.reset();
      } else if (k == "result") {
        a_.message_id.reset();
      } else if (k == "ok") {
        a_.ok = false;
      } else if (k == "description") {
        a_.description.clear();
      }
    } else if (depth_ == 2) {
      inner_key_ = k;
    }
    return true;
  }
  bool end_object() override {
    if (--depth_ == 1) in_ = In::none;
    return true;
  }
  bool start_array(std::size_t) override {
    if (depth_ == 2) value(std::nullopt);
    ++depth_;
    return true;
  }
  bool end_array() override {
    if (--depth_ == 1) in_ = In::none;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

  bool is_object() const { return object_; }

 private:
  enum class In { none, parameters, result };

  // A value at the current place: an integer, or nullopt for anything else.
  bool value(std::optional<std::int64_t> v) {
    if (depth_ == 2 && in_ == In::parameters) {
      if (inner_key_ == "retry_after") a_.retry_after = v;
      if (inner_key_ == "migrate_to_chat_id") a_.migrate_to_chat_id = v;
    } else if (depth_ == 2 && in_ == In::result && inner_key_ == "message_id") {
      a_.message_id = v;
    }
    return true;
  }

  Answer& a_;
  int depth_ = 0;
  bool object_ = false;
  In in_ = In::none;
  std::string key_;
  std::string inner_key_;
};

// A body that is no JSON object (a proxy's HTML page, or nothing) reads as an empty answer.
Answer read_answer(const std::string& body) {
  Answer a;
  AnswerReader reader(a);
  if (!json::sax_parse(body, &reader, json::input_format_t::json, /*strict=*/true) ||
      !reader.is_object()) {
    return Answer{};
  }
  return a;
}

}  // namespace

TelegramAdapter::TelegramAdapter(AdapterConfig config) : config_(std::move(config)) {
  const TelegramConfig* t = config_.settings_as<TelegramConfig>();
  if (t == nullptr) {
    throw std::invalid_argument("telegram adapter \"" + config_.name + "\": no telegram settings");
  }
  telegram_ = *t;
  username_ = telegram_.username.empty() ? config_.bot_username : telegram_.username;
  if (!username_.empty() && username_.front() == '@') username_.erase(0, 1);
  secret_sha_ = crypto::sha256(telegram_.secret_token);
}

// Compares digests, not the strings: crypto::equal takes the same time whatever the content,
// and equal-length digests do not reveal the secret's length either.
bool TelegramAdapter::secret_matches(std::string_view presented) const {
  if (telegram_.secret_token.empty() || presented.empty()) return false;
  return crypto::equal(crypto::sha256(presented), secret_sha_);
}

int TelegramAdapter::check_headers(const HttpRequest& head) const {
  return secret_matches(head.header("x-telegram-bot-api-secret-token")) ? 0 : 401;
}

WebhookResult TelegramAdapter::on_webhook(const HttpRequest& request, std::int64_t now_ms) {
  // First of all, before the method or the body: without the secret nothing is learned. The
  // server has checked the headers already; this keeps the adapter safe on its own.
  if (int status = check_headers(request)) return WebhookResult::reject(status, "unauthorized");
  if (request.method != "POST") return WebhookResult::reject(405, "POST only");
  json update = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (update.is_discarded() || !update.is_object()) {
    return WebhookResult::reject(400, "body is not a JSON object");
  }
  auto update_id = int_field(update, "update_id");
  if (!update_id) return WebhookResult::reject(400, "update_id is required");

  std::optional<InboundEvent> ev;
  if (const json* m = object_field(update, "message")) {
    ev = from_message(*m, username_);
  } else if (const json* q = object_field(update, "callback_query")) {
    ev = from_callback(*q, now_ms);
  }
  // Anything else (edited_message, channel_post, my_chat_member, kinds added later) is
  // acknowledged and dropped: a non-2xx answer would only make Telegram send it again.
  WebhookResult result;
  if (ev) {
    ev->adapter = config_.name;
    ev->event_id = std::to_string(*update_id);
    result.events.push_back(std::move(*ev));
  }
  return result;
}

ApiCall TelegramAdapter::render(const OutboundMessage& m,
                                const std::string& target_platform_id) const {
  json body = json::object();
  std::string method;
  std::string refused;
  switch (m.kind) {
    case OutKind::send:
      method = "sendMessage";
      body["chat_id"] = id_value(m.chat);
      if (!m.thread.empty()) body["message_thread_id"] = id_value(m.thread);
      body["text"] = fit(m.text, kMaxTextUnits);
      if (!m.reply_to.empty()) {
        // Sent even if that message was deleted meanwhile: the answer matters more than the
        // quote.
        body["reply_parameters"] = {{"message_id", id_value(m.reply_to)},
                                    {"allow_sending_without_reply", true}};
      }
      if (json rows = keyboard(m.buttons, refused); !rows.empty()) {
        body["reply_markup"] = {{"inline_keyboard", std::move(rows)}};
      } else if (m.force_reply) {
        // Selective: only the person whose message this replies to gets the reply box.
        body["reply_markup"] = {{"force_reply", true}, {"selective", true}};
      }
      break;
    case OutKind::edit:
      method = "editMessageText";
      body["chat_id"] = id_value(m.chat);
      body["message_id"] = id_value(target_platform_id);
      body["text"] = fit(m.text, kMaxTextUnits);
      // Always sent: an empty keyboard is how an edit takes the buttons away.
      body["reply_markup"] = {{"inline_keyboard", keyboard(m.buttons, refused)}};
      break;
    case OutKind::answer_callback:
      method = "answerCallbackQuery";
      body["callback_query_id"] = m.callback_id;
      if (!m.text.empty()) body["text"] = fit(m.text, kMaxAnswerUnits);
      break;
  }
  ApiCall call;
  call.refused = std::move(refused);
  call.method = "POST";
  call.url = telegram_.api_base + "/bot" + telegram_.token + "/" + method;
  call.content_type = "application/json";
  // Text that is not valid UTF-8 is sent with U+FFFD instead of throwing here.
  call.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return call;
}

SendResult TelegramAdapter::interpret(const OutboundMessage& m, const ApiResponse& r) const {
  // Errors go to the log: keep them short and never let the token through (a network error
  // may quote the URL).
  const std::string& token = telegram_.token;
  auto scrub = [&token](std::string s) {
    if (!token.empty()) {
      for (auto at = s.find(token); at != std::string::npos; at = s.find(token, at)) {
        s.replace(at, token.size(), "<token>");
      }
    }
    return clip(s, kMaxErrorBytes);
  };

  SendResult s;
  const std::string status = std::to_string(r.status);
  if (r.status == 0) {
    s.status = SendStatus::transient;
    s.error = scrub("network: " + (r.error.empty() ? std::string("no answer") : r.error));
    return s;
  }
  const Answer body = read_answer(r.body);
  std::string description = scrub(body.description);

  if (r.status >= 200 && r.status < 300) {
    if (!body.ok) {
      s.status = SendStatus::transient;
      s.error = "telegram answered " + status + " without ok";
      return s;
    }
    // sendMessage and editMessageText return the Message; an edit of an inline message and
    // answerCallbackQuery return True.
    if (body.message_id) s.platform_id = std::to_string(*body.message_id);
    return s;
  }
  if (r.status == 429) {
    s.status = SendStatus::retry_later;
    std::optional<std::int64_t> seconds = body.retry_after;
    if (!seconds) seconds = parse_int(trim(r.retry_after));
    s.retry_after_ms = seconds && *seconds >= 0 ? std::min(*seconds, kMaxRetryAfterS) * 1000 : 1000;
    s.error = description.empty() ? "telegram answered 429" : description;
    return s;
  }
  if (r.status >= 500) {
    s.status = SendStatus::transient;
    s.error = "telegram answered " + status + (description.empty() ? "" : ": " + description);
    return s;
  }
  if (r.status == 403) {
    // In a private chat: the person never pressed Start, or blocked the bot. Elsewhere the bot
    // was removed from the group: nothing to wait for either way.
    s.status = m.private_chat ? SendStatus::forbidden : SendStatus::rejected;
    s.error = description.empty() ? "telegram answered 403" : description;
    return s;
  }
  if (r.status == 400) {
    if (auto to = body.migrate_to_chat_id) {
      s.status = SendStatus::rejected;
      s.migrated_chat = std::to_string(*to);
      s.error = description.empty() ? "group migrated to a supergroup" : description;
      return s;
    }
    // The edit asked for what the message already shows: done.
    if (m.kind == OutKind::edit && description.find("message is not modified") != std::string::npos)
      return s;
  }
  if (r.status >= 400) {
    s.status = SendStatus::rejected;
    s.error = description.empty() ? "telegram answered " + status : description;
    return s;
  }
  s.status = SendStatus::transient;
  s.error = "telegram answered " + status;
  return s;
}

}  // namespace linli
