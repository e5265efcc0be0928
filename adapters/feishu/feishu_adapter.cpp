#include "adapters/feishu/feishu_adapter.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <stdexcept>
#include <string_view>

#include <nlohmann/json.hpp>

#include "adapters/crypto.hpp"
#include "adapters/json_fields.hpp"
#include "adapters/utf8_text.hpp"

// Where the Feishu facts below come from (../shared/PLATFORMS.md §c, re-read for this file):
//  - open.feishu.cn event subscription guide (encrypt-key and request-url configuration) and
//    github.com/larksuite/oapi-sdk-go event/event.go: {"encrypt": base64}, key SHA-256(Encrypt
//    Key), IV = first 16 bytes, AES-256-CBC, PKCS#7; X-Lark-Signature = hex(sha256(timestamp +
//    nonce + encrypt_key + body)) with X-Lark-Request-Timestamp / X-Lark-Request-Nonce.
//  - url_verification {challenge, token, type}: answer {"challenge": ...}.
//  - Schema 2.0 envelope {schema, header{event_id, event_type, create_time, token}, event}.
//  - im.message.receive_v1: event.sender{sender_id{open_id}, sender_type},
//    event.message{message_id, parent_id, chat_id, chat_type p2p|group, message_type, content
//    (a JSON string), create_time, mentions[{key "@_user_N", id{open_id}, name}]}.
//  - card.action.trigger: event{operator{open_id}, action{value}, context{open_message_id,
//    open_chat_id}}; answered with {"toast": {type, content, i18n}}.
//  - IM API (open.feishu.cn/document/server-docs/im-v1/message/{create,reply,patch}):
//    POST /open-apis/im/v1/messages?receive_id_type=chat_id|open_id {receive_id, msg_type,
//    content}, POST /open-apis/im/v1/messages/{id}/reply, PATCH /open-apis/im/v1/messages/{id}
//    (cards only); answers {code, msg, data{message_id}}; 5 QPS per user and per group.
//  - auth-v3 tenant_access_token/internal {app_id, app_secret} → {code, msg,
//    tenant_access_token, expire (s)}; at most 2 h; a new one only with < 30 min left.
//  - Token refused: 99991663 (tenant token invalid; oapi-sdk-go core/constants.go), 99991661
//    (Authorization malformed) and 99991668 (token expired) per the generic error-code list.
//    Rate limited: HTTP 429 or code 99991400.

namespace linli {

using nlohmann::json;

namespace {

// One answer for every refusal of a body: which step failed (padding, JSON, token) would
// tell whoever holds a captured ciphertext how to decrypt it, byte by byte.
constexpr const char* kNotVerified = "not verified";
constexpr std::size_t kMaxErrorBytes = 200;
constexpr std::int64_t kMaxRetryAfterS = 3600;

// At most `max` code points of `s` (cut between code points), then "…" when cut: max + 1 in
// all, unlike fit_code_points.
std::string fit(std::string_view s, std::size_t max) {
  if (code_points(s) <= max) return std::string(s);
  return std::string(s.substr(0, code_point_prefix(s, max))) + std::string(kEllipsis);
}

// ASCII spaces and the ideographic space U+3000, as dialogs/vocabulary.cpp trims.
std::string trim(std::string_view s) {
  return linli::trim(s, kSpaceTabNewline, IdeographicSpace::trimmed);
}

// An error string for the logs.
std::string clip(std::string_view s) {
  return linli::clip(s, kMaxErrorBytes);
}

std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

bool token_matches(const std::string& presented, const std::string& expected) {
  if (presented.empty() || expected.empty()) return false;
  // Digests of equal length: the comparison reveals neither where they differ nor the length.
  return crypto::equal(crypto::sha256(presented), crypto::sha256(expected));
}

// ---- Events → InboundEvent. ----

// The text of a text message, without the @-mention placeholders ("@_user_1"): in groups Feishu
// delivers only messages that @ the bot (or, with the wider scope, replies to it), so the
// mentions are the bot's or a neighbour's, and none of them is part of what was said.
std::string message_text(const json& message) {
  if (string_field(message, "message_type") != "text") return {};
  json content = json::parse(string_field(message, "content"), nullptr, false);
  std::string text = string_field(content, "text");
  if (const json* mentions = field(message, "mentions"); mentions && mentions->is_array()) {
    for (const json& m : *mentions) {
      std::string key = string_field(m, "key");
      if (key.empty()) continue;
      for (auto at = text.find(key); at != std::string::npos; at = text.find(key, at)) {
        // "@_user_1" must not eat the head of "@_user_12".
        std::size_t end = at + key.size();
        if (end < text.size() && text[end] >= '0' && text[end] <= '9') {
          at = end;
          continue;
        }
        text.erase(at, key.size());
      }
    }
  }
  for (auto at = text.find("@_all"); at != std::string::npos; at = text.find("@_all", at))
    text.erase(at, 5);
  return trim(text);
}

std::optional<InboundEvent> from_message(const json& event) {
  const json* sender = object_field(event, "sender");
  const json* message = object_field(event, "message");
  if (!sender || !message) return std::nullopt;
  // Only people: another app's messages (and so never our own) start no conversation.
  if (string_field(*sender, "sender_type") != "user") return std::nullopt;
  InboundEvent ev;
  if (const json* id = object_field(*sender, "sender_id")) ev.user = string_field(*id, "open_id");
  ev.chat = string_field(*message, "chat_id");
  ev.message_id = string_field(*message, "message_id");
  std::string type = string_field(*message, "chat_type");
  if (type == "p2p") {
    ev.chat_kind = ChatKind::private_chat;
  } else if (type == "group") {
    ev.chat_kind = ChatKind::group;
  } else {
    return std::nullopt;
  }
  if (ev.user.empty() || ev.chat.empty() || ev.message_id.empty()) return std::nullopt;
  ev.text = message_text(*message);
  if (ev.text.empty()) return std::nullopt;  // an image, a file, a sticker, a bare mention
  // In a group Feishu delivers what @-mentions the bot: a message that mentions someone was
  // spoken to it (with the wider scope, perhaps to a neighbour: then a refusal is still polite).
  if (const json* ms = field(*message, "mentions"); ms && ms->is_array() && !ms->empty()) {
    ev.addressed = ev.chat_kind == ChatKind::group;
  }
  // The message it answers, by Feishu's "reply": when it is ours, the id we stored on sending.
  ev.reply_to = string_field(*message, "parent_id");
  if (auto ms = parse_int(string_field(*message, "create_time")); ms && *ms > 0) ev.at_ms = *ms;
  return ev;
}

// Our buttons carry {"d": route, "p": 1 when in a private chat}: the callback names the chat
// but not whether it is a private one.
std::optional<InboundEvent> from_card_action(const json& event, std::int64_t now_ms) {
  const json* op = object_field(event, "operator");
  const json* action = object_field(event, "action");
  const json* context = object_field(event, "context");
  if (!op || !action || !context) return std::nullopt;
  const json* value = object_field(*action, "value");
  if (!value) return std::nullopt;
  InboundEvent ev;
  ev.user = string_field(*op, "open_id");
  ev.button = string_field(*value, "d");
  ev.chat = string_field(*context, "open_chat_id");
  ev.reply_to = string_field(*context, "open_message_id");
  const json* p = field(*value, "p");
  ev.chat_kind = p && p->is_number_integer() && p->get<std::int64_t>() == 1 ? ChatKind::private_chat
                                                                            : ChatKind::group;
  if (ev.user.empty() || ev.button.empty() || ev.chat.empty()) return std::nullopt;
  // The press is answered by the toast of the webhook's answer, there and then: Feishu has no
  // call to answer it later. So no callback id: what the domain says about a press (taken
  // already, ...) comes as a message in the chat instead.
  ev.at_ms = now_ms;
  return ev;
}

// ---- OutboundMessage → API call. ----

json card(const OutboundMessage& m, std::size_t max_text, std::size_t max_data,
          std::string& refused) {
  json elements = json::array();
  elements.push_back(
      {{"tag", "div"}, {"text", {{"tag", "plain_text"}, {"content", fit(m.text, max_text)}}}});
  if (!m.mentions.empty()) {
    std::string at;
    for (const auto& id : m.mentions) at += (at.empty() ? "" : " ") + ("<at id=" + id + "></at>");
    elements.push_back({{"tag", "div"}, {"text", {{"tag", "lark_md"}, {"content", at}}}});
  }
  for (const auto& row : m.buttons) {
    json actions = json::array();
    for (const auto& b : row) {
      if (b.data.empty() || b.data.size() > max_data) {
        refused = "button data of " + std::to_string(b.data.size()) + " bytes: at most " +
                  std::to_string(max_data);
        return json::object();
      }
      json value = {{"d", b.data}};
      if (m.private_chat) value["p"] = 1;
      actions.push_back({{"tag", "button"},
                         {"text", {{"tag", "plain_text"}, {"content", b.label}}},
                         {"type", "default"},
                         {"value", std::move(value)}});
    }
    if (!actions.empty()) elements.push_back({{"tag", "action"}, {"actions", std::move(actions)}});
  }
  // update_multi: the card is one for everyone in the chat, so an edit shows to all of them.
  return {{"config", {{"wide_screen_mode", true}, {"update_multi", true}}},
          {"elements", std::move(elements)}};
}

std::string text_content(const OutboundMessage& m, std::size_t max_text) {
  std::string text = fit(m.text, max_text);
  for (const auto& id : m.mentions) text += " <at user_id=\"" + id + "\"></at>";
  return dump(json{{"text", text}});
}

}  // namespace

FeishuAdapter::FeishuAdapter(AdapterConfig config) : config_(std::move(config)) {
  const FeishuConfig* f = config_.settings_as<FeishuConfig>();
  if (f == nullptr) {
    throw std::invalid_argument("feishu adapter \"" + config_.name + "\": no feishu settings");
  }
  feishu_ = *f;
}

std::optional<std::string> FeishuAdapter::decrypt(std::string_view encrypt_key,
                                                  std::string_view encrypted_base64) {
  auto raw = decode_base64(encrypted_base64);
  if (!raw || raw->size() < 32 || raw->size() % 16 != 0) return std::nullopt;
  std::string_view bytes = *raw;
  auto plain = crypto::aes256_cbc_decrypt(crypto::sha256(encrypt_key), bytes.substr(0, 16),
                                          bytes.substr(16));
  if (!plain) return std::nullopt;
  return crypto::pkcs7_unpad(*plain, 16);
}

std::string FeishuAdapter::signature(std::string_view timestamp, std::string_view nonce,
                                     std::string_view encrypt_key, std::string_view body) {
  std::string data;
  data.reserve(timestamp.size() + nonce.size() + encrypt_key.size() + body.size());
  data.append(timestamp).append(nonce).append(encrypt_key).append(body);
  return crypto::hex(crypto::sha256(data));
}

WebhookResult FeishuAdapter::on_webhook(const HttpRequest& request, std::int64_t now_ms) {
  if (request.method != "POST") return WebhookResult::reject(405, "POST only");

  // 1. The signature, over the raw body, before anything in it is believed.
  std::string_view ts = request.header("x-lark-request-timestamp");
  std::string_view nonce = request.header("x-lark-request-nonce");
  std::string_view sig = request.header("x-lark-signature");
  bool signed_ok = false;
  if (!ts.empty() || !nonce.empty() || !sig.empty()) {
    auto seconds = parse_int(ts);
    if (!seconds || sig.empty() || *seconds < 0 ||
        *seconds > std::numeric_limits<std::int64_t>::max() / 1000) {
      return WebhookResult::reject(401, "bad signature headers");
    }
    std::int64_t skew = *seconds * 1000 - now_ms;
    if (skew > kMaxSkewMs || skew < -kMaxSkewMs) return WebhookResult::reject(401, "stale");
    std::string expected = signature(ts, nonce, feishu_.encrypt_key, request.body);
    if (!crypto::equal(expected, std::string(sig))) return WebhookResult::reject(401, "signature");
    signed_ok = true;
  }

  // 2. The envelope: {"encrypt": ...}, or a plain body.
  json outer = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (outer.is_discarded() || !outer.is_object()) return WebhookResult::reject(400, "not JSON");
  json body;
  if (const json* enc = field(outer, "encrypt")) {
    if (!enc->is_string()) return WebhookResult::reject(400, "encrypt is not a string");
    auto plain = decrypt(feishu_.encrypt_key, enc->get<std::string>());
    // A wrong key fails the padding check (or yields no JSON): not ours.
    if (!plain) return WebhookResult::reject(401, kNotVerified);
    body = json::parse(*plain, nullptr, false);
    if (body.is_discarded() || !body.is_object()) return WebhookResult::reject(401, kNotVerified);
  } else {
    body = std::move(outer);
  }

  const json* header = object_field(body, "header");
  // Schema 2.0 carries the token in its header; 1.0 and the URL check at the top level.
  std::string token = string_field(body, "token");
  if (token.empty() && header) token = string_field(*header, "token");
  bool token_ok = token_matches(token, feishu_.verification_token);

  // 3. The URL check: it changes nothing and only echoes the challenge, so it is answered when
  // the token matches even unsigned (the SDK does not check its signature either).
  if (string_field(body, "type") == "url_verification") {
    if (!token_ok) return WebhookResult::reject(401, kNotVerified);
    std::string challenge = string_field(body, "challenge");
    if (challenge.empty()) return WebhookResult::reject(400, "no challenge");
    WebhookResult r;
    r.body = dump(json{{"challenge", challenge}});
    return r;
  }
  // Every event must be signed with our Encrypt Key and carry our verification token.
  if (!signed_ok) return WebhookResult::reject(401, kNotVerified);
  if (!token_ok) return WebhookResult::reject(401, kNotVerified);

  std::string event_id;
  std::string event_type;
  const json* event = object_field(body, "event");
  if (header) {
    event_id = string_field(*header, "event_id");
    event_type = string_field(*header, "event_type");
  } else {  // schema 1.0: {uuid, type: "event_callback", event{type}}
    event_id = string_field(body, "uuid");
    if (event) event_type = string_field(*event, "type");
  }
  if (event_id.empty()) return WebhookResult::reject(400, "no event id");

  WebhookResult result;
  std::optional<InboundEvent> ev;
  if (event && event_type == "im.message.receive_v1") {
    ev = from_message(*event);
  } else if (event && event_type == "card.action.trigger") {
    ev = from_card_action(*event, now_ms);
    // The toast shows at once; what the press did follows as messages.
    result.body = dump(json{{"toast",
                             {{"type", "info"},
                              {"content", "已收到"},
                              {"i18n", {{"zh_cn", "已收到"}, {"en_us", "Received"}}}}}});
  }
  // Anything else (chat member changes, message reads, kinds added later) is acknowledged and
  // dropped: another answer would only make Feishu send it again.
  if (ev) {
    ev->adapter = config_.name;
    ev->event_id = event_id;
    result.events.push_back(std::move(*ev));
  }
  return result;
}

ApiCall FeishuAdapter::render(const OutboundMessage& m,
                              const std::string& target_platform_id) const {
  const std::size_t max_text = config_.capabilities.max_text;
  const std::size_t max_data = config_.capabilities.max_button_data;
  ApiCall call;
  call.content_type = "application/json; charset=utf-8";
  {
    std::lock_guard lock(token_mutex_);
    call.headers.emplace_back("Authorization", "Bearer " + token_);
  }
  const std::string messages = feishu_.api_base + "/open-apis/im/v1/messages";
  json body = json::object();
  std::string refused;
  switch (m.kind) {
    case OutKind::send: {
      bool is_card = !m.buttons.empty();
      body["msg_type"] = is_card ? "interactive" : "text";
      body["content"] =
          is_card ? dump(card(m, max_text, max_data, refused)) : text_content(m, max_text);
      call.method = "POST";
      if (!m.reply_to.empty()) {
        call.url = messages + "/" + m.reply_to + "/reply";
      } else if (!m.chat.empty()) {
        call.url = messages + "?receive_id_type=chat_id";
        body["receive_id"] = m.chat;
      } else if (!m.user.empty()) {
        // A person whose private chat we have not learned yet: Feishu opens it by open_id.
        call.url = messages + "?receive_id_type=open_id";
        body["receive_id"] = m.user;
      } else {
        refused = "a message with neither chat nor user";
      }
      break;
    }
    case OutKind::edit:
      // Only cards can be edited; everything Linli edits was sent with buttons, as a card. An
      // edit without buttons leaves a card without them.
      call.method = "PATCH";
      call.url = messages + "/" + target_platform_id;
      body["content"] = dump(card(m, max_text, max_data, refused));
      break;
    case OutKind::answer_callback:
      // Never asked for: our events carry no callback id (the toast answered the press).
      refused = "Feishu answers a press in the webhook's answer only";
      break;
  }
  call.refused = std::move(refused);
  call.body = dump(body);
  return call;
}

SendResult FeishuAdapter::interpret(const OutboundMessage& m, const ApiResponse& r) const {
  SendResult s;
  if (r.status == 0) {
    s.status = SendStatus::transient;
    s.error = clip("network: " + (r.error.empty() ? std::string("no answer") : r.error));
    return s;
  }
  json body = json::parse(r.body, nullptr, false);
  if (!body.is_object()) body = json::object();  // a proxy's HTML page, or nothing
  auto code = int_field(body, "code");
  std::string what = "feishu answered " + std::to_string(r.status) +
                     (code ? " code " + std::to_string(*code) : std::string()) +
                     (string_field(body, "msg").empty() ? "" : ": " + string_field(body, "msg"));
  s.error = clip(what);

  if (r.status == 429 || (code && *code == 99991400)) {
    s.status = SendStatus::retry_later;
    auto seconds = parse_int(trim(r.retry_after));
    s.retry_after_ms = seconds && *seconds >= 0 ? std::min(*seconds, kMaxRetryAfterS) * 1000 : 1000;
    return s;
  }
  if (code && (*code == 99991663 || *code == 99991668 || *code == 99991661)) {
    s.status = SendStatus::transient;
    s.token_rejected = true;
    return s;
  }
  if (r.status >= 200 && r.status < 300 && code && *code == 0) {
    s.error.clear();
    if (const json* data = object_field(body, "data"))
      s.platform_id = string_field(*data, "message_id");
    return s;
  }
  if (r.status >= 500 || (r.status >= 200 && r.status < 300 && !code)) {
    s.status = SendStatus::transient;
    return s;
  }
  // 230013: the person is outside the app's availability, so the bot cannot reach them.
  if (m.private_chat && code && *code == 230013) {
    s.status = SendStatus::forbidden;
    return s;
  }
  s.status = SendStatus::rejected;
  return s;
}

std::optional<ApiCall> FeishuAdapter::token_call(std::int64_t now_ms) const {
  {
    std::lock_guard lock(token_mutex_);
    if (!token_.empty() && now_ms < refresh_at_ms_) return std::nullopt;
  }
  ApiCall call;
  call.method = "POST";
  call.url = feishu_.api_base + "/open-apis/auth/v3/tenant_access_token/internal";
  call.content_type = "application/json; charset=utf-8";
  call.body = dump(json{{"app_id", feishu_.app_id}, {"app_secret", feishu_.app_secret}});
  return call;
}

bool FeishuAdapter::on_token(const ApiResponse& r, std::int64_t now_ms, std::string& error) {
  json body = json::parse(r.body, nullptr, false);
  if (!body.is_object()) body = json::object();
  auto code = int_field(body, "code");
  std::string token = string_field(body, "tenant_access_token");
  auto expire = int_field(body, "expire");
  if (r.status != 200 || !code || *code != 0 || token.empty() || !expire || *expire <= 0) {
    error = r.status == 0 ? clip("network: " + r.error)
                          : clip("feishu answered " + std::to_string(r.status) +
                                 (code ? " code " + std::to_string(*code) : std::string()) +
                                 " to the token request: " + string_field(body, "msg"));
    return false;
  }
  std::int64_t seconds = std::min<std::int64_t>(*expire, 24 * 3600);
  std::int64_t keep_ms =
      seconds * 1000 > 2 * kRefreshBeforeMs ? seconds * 1000 - kRefreshBeforeMs : seconds * 500;
  std::lock_guard lock(token_mutex_);
  token_ = std::move(token);
  refresh_at_ms_ = now_ms + keep_ms;
  return true;
}

void FeishuAdapter::forget_token() {
  std::lock_guard lock(token_mutex_);
  token_.clear();
  refresh_at_ms_ = 0;
}

}  // namespace linli
