#include "adapters/slack/slack_adapter.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <optional>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "adapters/crypto.hpp"
#include "adapters/json_fields.hpp"
#include "adapters/utf8_text.hpp"

// Where the Slack facts below come from (docs.slack.dev, formerly api.slack.com; the official
// python-slack-sdk for the signature):
//  - Verifying requests: X-Slack-Request-Timestamp and X-Slack-Signature; base string
//    "v0:" + timestamp + ":" + raw body; "v0=" + hex HMAC-SHA256 with the signing secret;
//    refuse a timestamp more than five minutes from now (the SDK: abs(now - ts) > 300).
//  - url_verification: {"type":"url_verification","challenge":...}: answer the challenge.
//  - event_callback: {event_id, event_time, authorizations[{user_id, is_bot}], event{...}};
//    failed deliveries are retried with X-Slack-Retry-Num, the same event again.
//  - message events: channel, channel_type (channel, group, im, mpim), user, text, ts,
//    thread_ts, parent_user_id; bot_id on bots' messages; a subtype on everything that is not a
//    plain message from a person (bot_message, message_changed, message_deleted, channel_join,
//    ...). app_mention: the same message again, with <@BOT> in its text, and no channel_type.
//  - Text: &, < and > arrive escaped as &amp; &lt; &gt;; <@U…>, <#C…|name>, <!here>,
//    <url|label> are Slack's markup; what we send must escape the same three characters.
//  - Interactivity: a form with payload=<JSON>, type "block_actions": user{id, name},
//    channel{id}, container{message_ts, channel_id}, message{ts, thread_ts}, trigger_id,
//    actions[{action_id, value, action_ts}]. Acknowledged by the HTTP 200 within 3 s.
//  - chat.postMessage {channel, text, thread_ts, blocks} answers {ok, channel, ts}; a user id
//    as channel posts to the app's DM with that person. chat.update {channel, ts, text,
//    blocks}. chat.postEphemeral {channel, user, text}. Errors are HTTP 200 with
//    {"ok":false,"error":"..."}; rate limiting is HTTP 429 with Retry-After (seconds) and
//    "ratelimited".

namespace linli {

using nlohmann::json;

namespace {

constexpr std::int64_t kMaxRetryAfterS = 3600;  // a longer wait is a bug, not advice
constexpr std::size_t kMaxErrorBytes = 200;
// A Slack timestamp's seconds: at most 15 digits, so that times 1000 they still fit in 64 bits.
constexpr std::size_t kMaxTsDigits = 15;

// ---- Reading JSON whose fields may have any type: a wrong type counts as missing. ----

const json& object_at(const json& j, const char* key) {
  static const json kNone = json::object();
  const json* v = object_field(j, key);
  return v ? *v : kNone;
}

// ---- Numbers. ----

// A Slack ts ("1700000000.000100") in milliseconds; 0 when it is not one.
std::int64_t ts_ms(std::string_view ts) {
  auto dot = ts.find('.');
  auto s = parse_digits(ts.substr(0, dot), kMaxTsDigits);
  return s ? *s * 1000 : 0;
}

// ---- Text. ----

// Pieces of at most `max` characters each, cut between characters, in order.
std::vector<std::string> pieces(std::string_view s, std::size_t max) {
  std::vector<std::string> out;
  while (!s.empty()) {
    std::size_t n = code_point_prefix(s, max);
    out.emplace_back(s.substr(0, n));
    s.remove_prefix(n);
  }
  return out;
}

// What Slack's mrkdwn must not read as markup: &, < and >.
std::string escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else {
      out += c;
    }
  }
  return out;
}

std::string unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '&') {
      if (s.substr(i, 5) == "&amp;") {
        out += '&';
        i += 4;
        continue;
      }
      if (s.substr(i, 4) == "&lt;") {
        out += '<';
        i += 3;
        continue;
      }
      if (s.substr(i, 4) == "&gt;") {
        out += '>';
        i += 3;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

// ASCII whitespace and the ideographic space U+3000, as dialogs/vocabulary.cpp trims.
std::string_view strip(std::string_view s) {
  constexpr std::string_view kWide = "\xE3\x80\x80";
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  for (bool more = true; more;) {
    more = false;
    if (!s.empty() && blank(s.front())) s.remove_prefix(1), more = true;
    if (!s.empty() && blank(s.back())) s.remove_suffix(1), more = true;
    if (s.substr(0, 3) == kWide) s.remove_prefix(3), more = true;
    if (s.size() >= 3 && s.substr(s.size() - 3) == kWide) s.remove_suffix(3), more = true;
  }
  return s;
}

// A message's text as the person typed it: Slack's markup read back (our own mention dropped,
// links by their label, other mentions as "@U…"), its three escapes undone, trimmed.
// `bot` is our user id; "" when unknown, then `drop_first_mention` drops a leading mention
// (an app_mention's text always starts by naming us).
std::string plain_text(std::string_view raw, std::string_view bot, bool drop_first_mention) {
  std::string out;
  bool first = true;
  while (!raw.empty()) {
    auto open = raw.find('<');
    auto close = open == std::string_view::npos ? open : raw.find('>', open);
    if (close == std::string_view::npos) {
      out += unescape(raw);
      break;
    }
    out += unescape(raw.substr(0, open));
    std::string_view token = raw.substr(open + 1, close - open - 1);
    raw.remove_prefix(close + 1);
    auto bar = token.find('|');
    std::string_view target = token.substr(0, bar);
    bool leading = first && strip(out).empty();
    first = false;
    if (!target.empty() && target[0] == '@') {
      std::string_view id = target.substr(1);
      if ((!bot.empty() && id == bot) || (bot.empty() && drop_first_mention && leading)) continue;
      out += "@" + unescape(bar == std::string_view::npos ? id : token.substr(bar + 1));
    } else if (bar != std::string_view::npos) {
      std::string label = unescape(token.substr(bar + 1));
      out += !target.empty() && target[0] == '#' ? "#" + label : label;
    } else if (!target.empty() && target[0] == '!') {
      out += "@" + std::string(target.substr(1));
    } else {
      out += unescape(target);
    }
  }
  return std::string(strip(out));
}

// ---- Requests. ----

bool is_form(const HttpRequest& r) {
  std::string_view type = r.header("content-type");
  return type.find("application/x-www-form-urlencoded") != std::string_view::npos ||
         (type.empty() && r.body.rfind("payload=", 0) == 0);
}

// One field of a form body, percent-decoded; "" when absent. A form body is a query string.
std::string form_field(const std::string& body, std::string_view name) {
  HttpRequest form;
  form.query = body;
  return form.query_param(name);
}

// Our bot user's id: the configured one, else the one the envelope says the event is for.
std::string bot_of(const json& envelope, const std::string& configured) {
  if (!configured.empty()) return configured;
  const json* auths = field(envelope, "authorizations");
  if (!auths || !auths->is_array()) return {};
  for (const json& a : *auths) {
    const json* is_bot = field(a, "is_bot");
    if (is_bot && is_bot->is_boolean() && is_bot->get<bool>()) return string_field(a, "user_id");
  }
  return {};
}

// A DM's channel id starts with D (a public channel's with C, a private one's with G).
ChatKind kind_of(const std::string& channel, const std::string& channel_type) {
  if (channel_type == "im") return ChatKind::private_chat;
  if (channel_type.empty() && !channel.empty() && channel[0] == 'D') return ChatKind::private_chat;
  return ChatKind::group;
}

std::string name_in(const json& profile) {
  for (const char* key : {"display_name", "real_name", "name"}) {
    std::string n = string_field(profile, key);
    if (!n.empty()) return n;
  }
  return {};
}

// A person's message (a message event or an app_mention), or nothing to act on.
std::optional<InboundEvent> from_message(const json& e, const std::string& bot) {
  // Bots' messages (ours among them) and everything that is not a person writing (edits,
  // deletions, joins) are not for us: answering them could loop.
  if (field(e, "bot_id") && !field(e, "bot_id")->is_null()) return std::nullopt;
  std::string subtype = string_field(e, "subtype");
  if (field(e, "subtype") && subtype != "thread_broadcast" && subtype != "file_share")
    return std::nullopt;
  InboundEvent ev;
  ev.user = string_field(e, "user");
  ev.chat = string_field(e, "channel");
  ev.message_id = string_field(e, "ts");
  if (ev.user.empty() || ev.chat.empty() || ev.message_id.empty() || ev.user == bot)
    return std::nullopt;
  ev.chat_kind = kind_of(ev.chat, string_field(e, "channel_type"));
  ev.text = plain_text(string_field(e, "text"), bot, string_field(e, "type") == "app_mention");
  // Spoken to us: an app_mention, or the same text as a message event naming us.
  ev.addressed = string_field(e, "type") == "app_mention" ||
                 (!bot.empty() &&
                  string_field(e, "text").find("<@" + std::string(bot) + ">") != std::string::npos);
  if (ev.text.empty()) return std::nullopt;  // a file without a caption, a bare mention
  ev.user_name = name_in(object_at(e, "user_profile"));
  ev.at_ms = ts_ms(ev.message_id);
  std::string thread = string_field(e, "thread_ts");
  if (!thread.empty() && thread != ev.message_id) {
    // A reply in a thread: answered in that thread. Its root is the message it replies to; the
    // domain finds out whether that root is ours (a task card, a question) by its ts. When Slack
    // names the root's author and it is someone else, it is no reply to us.
    ev.thread = thread;
    std::string parent = string_field(e, "parent_user_id");
    if (parent.empty() || bot.empty() || parent == bot) ev.reply_to = thread;
  }
  // The same message comes as "message" and again as "app_mention" when the app subscribes to
  // both, each with an event_id of its own: named by its channel and ts, it is handled once,
  // and a retry of either is too.
  ev.event_id = "m:" + ev.chat + ":" + ev.message_id;
  return ev;
}

// A press on one of our buttons.
std::optional<InboundEvent> from_press(const json& p) {
  const json* actions = field(p, "actions");
  if (!actions || !actions->is_array() || actions->empty()) return std::nullopt;
  const json& action = (*actions)[0];
  InboundEvent ev;
  ev.button = string_field(action, "value");
  const json& user = object_at(p, "user");
  ev.user = string_field(user, "id");
  ev.user_name = name_in(user);
  const json& container = object_at(p, "container");
  const json& message = object_at(p, "message");
  ev.chat = string_field(object_at(p, "channel"), "id");
  if (ev.chat.empty()) ev.chat = string_field(container, "channel_id");
  ev.reply_to = string_field(container, "message_ts");
  if (ev.reply_to.empty()) ev.reply_to = string_field(message, "ts");
  if (ev.button.empty() || ev.user.empty() || ev.chat.empty() || ev.reply_to.empty())
    return std::nullopt;
  ev.chat_kind = kind_of(ev.chat, "");
  std::string thread = string_field(message, "thread_ts");
  if (!thread.empty() && thread != ev.reply_to) ev.thread = thread;
  // The press is answered to the person who pressed it (chat.postEphemeral needs their id).
  ev.callback_id = ev.user;
  std::string action_ts = string_field(action, "action_ts");
  ev.at_ms = ts_ms(action_ts);
  ev.event_id = "a:" + ev.chat + ":" + ev.reply_to + ":" + ev.user + ":" +
                (action_ts.empty() ? string_field(p, "trigger_id") : action_ts);
  return ev;
}

// ---- Messages. ----

// "<@U…> " for each person the message mentions (Slack shows their name).
std::string mention_prefix(const OutboundMessage& m) {
  std::string out;
  for (const auto& u : m.mentions) {
    bool id = !u.empty() && std::all_of(u.begin(), u.end(), [](char c) {
      return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    });
    if (id) out += "<@" + u + "> ";
  }
  return out;
}

// Section blocks for the text and an actions block per row of buttons, or why Slack would
// refuse them. A button's value is a route, never a payload: one that does not fit is a bug to
// hear about, not a button to drop.
json blocks(const OutboundMessage& m, std::string& refused) {
  json out = json::array();
  std::string prefix = mention_prefix(m);
  for (const auto& piece : pieces(fit_code_points(m.text, SlackAdapter::kMaxTextChars),
                                  SlackAdapter::kMaxSectionChars)) {
    // Escaped after cutting, so no cut falls inside an "&amp;".
    std::string text = (out.empty() ? prefix : std::string()) + escape(piece);
    out.push_back({{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", std::move(text)}}}});
  }
  for (std::size_t r = 0; r < m.buttons.size(); ++r) {
    const auto& row = m.buttons[r];
    if (row.empty()) continue;
    if (row.size() > SlackAdapter::kMaxRowButtons) {
      refused = "a row of " + std::to_string(row.size()) + " buttons: Slack takes 25";
      return json::array();
    }
    json elements = json::array();
    for (std::size_t c = 0; c < row.size(); ++c) {
      const Button& b = row[c];
      if (b.data.empty() || code_points(b.data) > SlackAdapter::kMaxValueChars) {
        refused = "button value of " + std::to_string(code_points(b.data)) +
                  " characters: Slack takes 1 to 2000";
        return json::array();
      }
      elements.push_back({{"type", "button"},
                          // Unique within the message, as Slack wants; the route is in the value.
                          {"action_id", "b" + std::to_string(r) + "_" + std::to_string(c)},
                          {"text",
                           {{"type", "plain_text"},
                            {"text", fit_code_points(b.label, SlackAdapter::kMaxLabelChars)}}},
                          {"value", b.data}});
    }
    out.push_back({{"type", "actions"}, {"elements", std::move(elements)}});
  }
  if (out.size() > SlackAdapter::kMaxBlocks) {
    refused = std::to_string(out.size()) + " blocks: Slack takes 50";
    return json::array();
  }
  return out;
}

bool one_of(const std::string& s, std::initializer_list<const char*> list) {
  return std::any_of(list.begin(), list.end(), [&](const char* x) { return s == x; });
}

}  // namespace

SlackAdapter::SlackAdapter(AdapterConfig config) : config_(std::move(config)) {
  const auto* s = config_.settings_as<SlackConfig>();
  if (!s)
    throw std::invalid_argument("slack adapter \"" + config_.name + "\" without its settings");
  slack_ = *s;
}

std::string SlackAdapter::signature(std::string_view secret, std::string_view timestamp,
                                    std::string_view body) {
  std::string base = "v0:";
  base.append(timestamp).append(":").append(body);
  return "v0=" + crypto::hex(crypto::hmac_sha256(secret, base));
}

int SlackAdapter::check_headers(const HttpRequest& head) const {
  bool signed_request =
      parse_digits(head.header("x-slack-request-timestamp"), kMaxTsDigits).has_value() &&
      head.header("x-slack-signature").rfind("v0=", 0) == 0;
  return signed_request ? 0 : 401;
}

WebhookResult SlackAdapter::on_webhook(const HttpRequest& request, std::int64_t now_ms) {
  // Before anything else is looked at: the signature over the raw body, within the window.
  if (int status = check_headers(request)) return WebhookResult::reject(status, "unsigned");
  std::string_view timestamp = request.header("x-slack-request-timestamp");
  std::int64_t sent_ms = *parse_digits(timestamp, kMaxTsDigits) * 1000;
  if (sent_ms < now_ms - kWindowMs || sent_ms > now_ms + kWindowMs) {
    return WebhookResult::reject(401, "timestamp outside the five minutes");
  }
  if (!crypto::equal(signature(slack_.signing_secret, timestamp, request.body),
                     request.header("x-slack-signature"))) {
    return WebhookResult::reject(401, "bad signature");
  }
  if (request.method != "POST") return WebhookResult::reject(405, "POST only");

  WebhookResult result;
  std::optional<InboundEvent> ev;
  if (is_form(request)) {
    // Interactivity: one payload= field holding JSON. Presses are acknowledged by this 200;
    // any other interaction (shortcuts, dialogs) is acknowledged and dropped.
    std::string payload = form_field(request.body, "payload");
    // A slash command (Linli offers none; the words work in any message) is acknowledged with
    // nothing to show.
    if (payload.empty() && !form_field(request.body, "command").empty()) return result;
    if (payload.empty()) return WebhookResult::reject(400, "payload is required");
    json p = json::parse(payload, nullptr, /*allow_exceptions=*/false);
    if (p.is_discarded() || !p.is_object()) return WebhookResult::reject(400, "bad payload");
    if (string_field(p, "type") == "block_actions") ev = from_press(p);
  } else {
    json envelope = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (envelope.is_discarded() || !envelope.is_object()) {
      return WebhookResult::reject(400, "body is not a JSON object");
    }
    std::string type = string_field(envelope, "type");
    if (type == "url_verification") {
      result.body = json{{"challenge", string_field(envelope, "challenge")}}.dump(
          -1, ' ', false, json::error_handler_t::replace);
      return result;
    }
    if (type == "event_callback") {
      const json& e = object_at(envelope, "event");
      std::string kind = string_field(e, "type");
      if (kind == "message" || kind == "app_mention") {
        ev = from_message(e, bot_of(envelope, slack_.bot_user_id));
      }
    }
    // Anything else (app_rate_limited, events we did not ask for) is acknowledged and dropped:
    // an error would only make Slack send it again.
  }
  if (ev) {
    ev->adapter = config_.name;
    result.events.push_back(std::move(*ev));
  }
  return result;
}

ApiCall SlackAdapter::render(const OutboundMessage& m,
                             const std::string& target_platform_id) const {
  json body = json::object();
  std::string method;
  std::string refused;
  switch (m.kind) {
    case OutKind::send:
      method = "chat.postMessage";
      // A private message to someone who never wrote to the bot privately names no chat: the
      // user id as channel reaches them in the app's DM.
      body["channel"] = m.chat.empty() ? m.user : m.chat;
      if (body["channel"].get_ref<const std::string&>().empty()) refused = "no channel and no user";
      if (!m.thread.empty()) body["thread_ts"] = m.thread;
      body["text"] = mention_prefix(m) + escape(fit_code_points(m.text, kMaxTextChars));
      if (!m.buttons.empty()) body["blocks"] = blocks(m, refused);
      break;
    case OutKind::edit:
      method = "chat.update";
      if (m.chat.empty()) refused = "chat.update needs the DM's channel id, which is not known yet";
      body["channel"] = m.chat;
      body["ts"] = target_platform_id;
      body["text"] = mention_prefix(m) + escape(fit_code_points(m.text, kMaxTextChars));
      // Always sent: blocks without an actions block are how an edit takes the buttons away.
      body["blocks"] = blocks(m, refused);
      break;
    case OutKind::answer_callback:
      if (m.text.empty() || m.chat.empty() || m.callback_id.empty()) {
        // Slack stops a button's spinner on the webhook's 200: there is nothing left to say.
        ApiCall none;
        none.nothing = true;
        return none;
      }
      method = "chat.postEphemeral";
      body["channel"] = m.chat;
      body["user"] = m.callback_id;
      body["text"] = fit_code_points(escape(m.text), kMaxTextChars);
      break;
  }
  ApiCall call;
  call.refused = std::move(refused);
  call.method = "POST";
  call.url = slack_.api_base + "/api/" + method;
  call.content_type = "application/json; charset=utf-8";
  call.headers.emplace_back("Authorization", "Bearer " + slack_.bot_token);
  // Text that is not valid UTF-8 is sent with U+FFFD instead of throwing here.
  call.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return call;
}

SendResult SlackAdapter::interpret(const OutboundMessage& m, const ApiResponse& r) const {
  // Errors go to the log: short, and never the token (a network error may quote a header).
  const std::string& token = slack_.bot_token;
  auto scrub = [&token](std::string s) {
    for (auto at = s.find(token); !token.empty() && at != std::string::npos; at = s.find(token, at))
      s.replace(at, token.size(), "<token>");
    return clip(s, kMaxErrorBytes);
  };
  SendResult s;
  if (r.status == 0) {
    s.status = SendStatus::transient;
    s.error = scrub("network: " + (r.error.empty() ? std::string("no answer") : r.error));
    return s;
  }
  json body = json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) body = json::object();  // a proxy's HTML page, or nothing
  std::string error = scrub(string_field(body, "error"));
  const std::string status = std::to_string(r.status);
  if (r.status == 429 || error == "ratelimited" || error == "rate_limited") {
    s.status = SendStatus::retry_later;
    auto seconds = parse_digits(strip(r.retry_after), kMaxTsDigits);
    s.retry_after_ms = (seconds ? std::min(*seconds, kMaxRetryAfterS) : 1) * 1000;
    s.error = "slack: ratelimited";
    return s;
  }
  if (r.status >= 500) {
    s.status = SendStatus::transient;
    s.error = "slack answered " + status + (error.empty() ? "" : ": " + error);
    return s;
  }
  const json* ok = field(body, "ok");
  if (r.status >= 200 && r.status < 300 && ok && ok->is_boolean() && ok->get<bool>()) {
    // chat.postMessage and chat.update name the message by its ts; chat.postEphemeral's
    // message_ts names nothing anyone can reply to.
    if (m.kind != OutKind::answer_callback) s.platform_id = string_field(body, "ts");
    return s;
  }
  if (r.status >= 200 && r.status < 300 && error.empty()) {
    s.status = SendStatus::transient;
    s.error = "slack answered " + status + " without ok";
    return s;
  }
  if (one_of(error, {"internal_error", "fatal_error", "service_unavailable", "request_timeout"})) {
    s.status = SendStatus::transient;
    s.error = "slack: " + error;
    return s;
  }
  // Everything else will not change by trying again: not_in_channel, channel_not_found,
  // is_archived, msg_too_long, invalid_blocks, message_not_found, cant_update_message...
  s.status = SendStatus::rejected;
  if (one_of(error,
             {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired",
              "no_permission", "missing_scope", "not_allowed_token_type"})) {
    s.error = "slack refused the bot token (" + error + "): check bot_token of adapter \"" +
              config_.name + "\" and the app's scopes (chat:write)";
  } else {
    s.error = "slack: " + (error.empty() ? "answered " + status : error);
  }
  return s;
}

}  // namespace linli
