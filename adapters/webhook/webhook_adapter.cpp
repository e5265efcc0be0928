#include "adapters/webhook/webhook_adapter.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <stdexcept>
#include <string_view>

#include <nlohmann/json.hpp>

#include "adapters/crypto.hpp"
#include "adapters/json_fields.hpp"
#include "adapters/utf8_text.hpp"

namespace linli {

using nlohmann::json;

namespace {

constexpr std::int64_t kMaxRetryAfterS = 24 * 3600;
constexpr std::size_t kMaxErrorBytes = 200;
constexpr std::size_t kMaxFieldBytes = 256;  // ids, chats, users: what a route may carry
constexpr std::size_t kMaxTextBytes = 16'384;

// Unix seconds: digits only, not absurdly many.
std::optional<std::int64_t> parse_seconds(std::string_view s) {
  return parse_digits(s, 12);
}

bool well_formed_signature(std::string_view s) {
  if (s.size() != 3 + 64 || s.substr(0, 3) != "v1=") return false;
  return std::all_of(s.begin() + 3, s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// A string field, or an integer one written out (ids may be numbers); "" for the rest.
std::string id_or_text_field(const json& j, const char* key) {
  const json* v = field(j, key);
  if (v && v->is_number_integer()) return v->dump();
  return v && v->is_string() ? v->get<std::string>() : std::string();
}

}  // namespace

WebhookAdapter::WebhookAdapter(AdapterConfig config) : config_(std::move(config)) {
  const WebhookConfig* w = config_.settings_as<WebhookConfig>();
  if (w == nullptr) {
    throw std::invalid_argument("webhook adapter \"" + config_.name + "\": no webhook settings");
  }
  webhook_ = *w;
}

std::string WebhookAdapter::signature(std::string_view secret, std::string_view timestamp,
                                      std::string_view body) {
  std::string message(timestamp);
  message += '.';
  message += body;
  return "v1=" + crypto::hex(crypto::hmac_sha256(secret, message));
}

int WebhookAdapter::check_headers(const HttpRequest& head) const {
  // The signature covers the body, which is not read yet: here only its shape.
  return parse_seconds(head.header("x-linli-timestamp")) &&
                 well_formed_signature(head.header("x-linli-signature"))
             ? 0
             : 401;
}

WebhookResult WebhookAdapter::on_webhook(const HttpRequest& request, std::int64_t now_ms) {
  if (check_headers(request) != 0) return WebhookResult::reject(401, "unauthorized");
  std::string_view ts = request.header("x-linli-timestamp");
  std::string expected = signature(webhook_.secret, ts, request.body);
  if (!crypto::equal(request.header("x-linli-signature"), expected)) {
    return WebhookResult::reject(401, "unauthorized");
  }
  std::int64_t t = *parse_seconds(ts);
  std::int64_t now_s = now_ms / 1000;
  if ((t > now_s ? t - now_s : now_s - t) > kWindowS) {
    return WebhookResult::reject(401, "stale timestamp");
  }
  if (request.method != "POST") return WebhookResult::reject(405, "POST only");
  json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) {
    return WebhookResult::reject(400, "body is not a JSON object");
  }
  InboundEvent ev;
  ev.adapter = config_.name;
  ev.event_id = id_or_text_field(body, "id");
  ev.chat = id_or_text_field(body, "chat");
  ev.user = id_or_text_field(body, "user");
  std::string type = id_or_text_field(body, "chat_type");
  if (ev.event_id.empty() || ev.chat.empty() || ev.user.empty()) {
    return WebhookResult::reject(400, "id, chat and user are required");
  }
  if (type != "group" && type != "private") {
    return WebhookResult::reject(400, "chat_type must be \"group\" or \"private\"");
  }
  for (const std::string* s : {&ev.event_id, &ev.chat, &ev.user}) {
    if (s->size() > kMaxFieldBytes) return WebhookResult::reject(400, "an id is too long");
  }
  ev.chat_kind = type == "group" ? ChatKind::group : ChatKind::private_chat;
  ev.thread = id_or_text_field(body, "thread");
  ev.user_name = id_or_text_field(body, "user_name");
  ev.lang = id_or_text_field(body, "lang");
  ev.message_id = id_or_text_field(body, "message_id");
  ev.text = clip(id_or_text_field(body, "text"), kMaxTextBytes);
  ev.reply_to = id_or_text_field(body, "reply_to");
  ev.button = id_or_text_field(body, "button");
  if (ev.text.empty() && ev.button.empty()) {
    return WebhookResult::reject(400, "text or button is required");
  }
  // A press is answered ("kind": "answer") by its event id.
  if (!ev.button.empty()) ev.callback_id = ev.event_id;
  ev.at_ms = now_ms;
  WebhookResult result;
  result.events.push_back(std::move(ev));
  return result;
}

std::optional<ApiCall> WebhookAdapter::token_call(std::int64_t now_ms) const {
  now_ms_.store(now_ms);
  return std::nullopt;
}

ApiCall WebhookAdapter::render(const OutboundMessage& m,
                               const std::string& target_platform_id) const {
  json body = json::object();
  switch (m.kind) {
    case OutKind::send:
      body["kind"] = "send";
      break;
    case OutKind::edit:
      body["kind"] = "edit";
      body["edit_of"] = target_platform_id;
      break;
    case OutKind::answer_callback:
      body["kind"] = "answer";
      body["callback_id"] = m.callback_id;
      break;
  }
  body["chat"] = m.chat;
  if (!m.user.empty()) body["user"] = m.user;
  body["private"] = m.private_chat;
  if (!m.thread.empty()) body["thread"] = m.thread;
  body["text"] = m.text;
  if (!m.buttons.empty()) {
    json rows = json::array();
    for (const auto& row : m.buttons) {
      json r = json::array();
      for (const auto& b : row) r.push_back({{"label", b.label}, {"data", b.data}});
      rows.push_back(std::move(r));
    }
    body["buttons"] = std::move(rows);
  }
  if (!m.reply_to.empty()) body["reply_to"] = m.reply_to;
  if (!m.mentions.empty()) body["mentions"] = m.mentions;

  ApiCall call;
  call.url = webhook_.callback_url;
  call.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  std::string ts = std::to_string(now_ms_.load() / 1000);
  call.headers = {{"X-Linli-Timestamp", ts},
                  {"X-Linli-Signature", signature(webhook_.secret, ts, call.body)}};
  return call;
}

SendResult WebhookAdapter::interpret(const OutboundMessage& /*m*/, const ApiResponse& r) const {
  SendResult s;
  std::string status = std::to_string(r.status);
  if (r.status == 0) {
    s.status = SendStatus::transient;
    s.error = "bridge: no answer" + (r.error.empty() ? "" : ": " + clip(r.error, kMaxErrorBytes));
    return s;
  }
  if (r.status >= 200 && r.status < 300) {
    json body = json::parse(r.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_object()) s.platform_id = clip(id_or_text_field(body, "id"), kMaxFieldBytes);
    return s;
  }
  s.error = "bridge answered " + status;
  if (r.status == 429) {
    s.status = SendStatus::retry_later;
    auto seconds = parse_seconds(r.retry_after);
    s.retry_after_ms = seconds ? std::min(*seconds, kMaxRetryAfterS) * 1000 : 1000;
    return s;
  }
  s.status = r.status >= 500 ? SendStatus::transient : SendStatus::rejected;
  return s;
}

}  // namespace linli
