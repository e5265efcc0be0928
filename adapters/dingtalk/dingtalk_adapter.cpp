#include "adapters/dingtalk/dingtalk_adapter.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/crypto.hpp"
#include "adapters/json_fields.hpp"
#include "adapters/utf8_text.hpp"

// Where the DingTalk facts below come from (PLATFORMS.md §d, re-read for this file through
// stored copies of open.dingtalk.com's pages and help.dingtalk.io, its English mirror):
//  - Receiving (robot HTTP mode): headers `timestamp` (ms) and `sign`; "timestamp 与系统当前时间
//    戳如果相差1小时以上，则认为是非法的请求"; sign = Base64(HmacSHA256(timestamp + "\n" +
//    appSecret)) keyed by the appSecret. Body: msgtype "text", text.content (" 你好": the @name
//    leaves a space), msgId, createAt (ms), conversationType "1" single / "2" group,
//    conversationId, conversationTitle, senderId, senderNick, senderStaffId (userid; may be
//    absent), sessionWebhook, sessionWebhookExpiredTime (ms).
//  - Nothing in that body says which message a text replies to (no reply id we could map to a
//    message of ours), so `reply_to` stays empty: cards are answered by typed words with their
//    number ("接单 #12", "报名 1"), which the domain accepts.
//  - sessionWebhook: POST {"msgtype":"text","text":{"content"},"at":{"atUserIds":[…]}}, no token;
//    answers {"errcode":0,"errmsg":"ok"}.
//  - POST /v1.0/oauth2/accessToken {appKey, appSecret} → {accessToken, expireIn} (7200 s).
//  - POST /v1.0/robot/groupMessages/send {robotCode, openConversationId, msgKey, msgParam},
//    header x-acs-dingtalk-access-token → {processQueryKey}; msgParam at most 15000 bytes.
//  - POST /v1.0/robot/oToMessages/batchSend {robotCode, userIds[≤20], msgKey, msgParam} →
//    {processQueryKey, invalidStaffIdList, flowControlledStaffIdList}.
//  - msgKey "sampleText", msgParam "{\"content\":…}".
//  - Errors of the v1.0 API: an HTTP error status with {"code","message","requestid"}.
// Not confirmed in the stored pages (from memory, handled defensively): throttling answers
// (HTTP 429, a code naming "QpsLimit"/"Throttling", errcode 130101 "send too fast" or 90018 of
// the older oapi), and 401 "InvalidAuthentication" for a token that is no longer good.

namespace linli {

using nlohmann::json;

namespace {

constexpr std::int64_t kDefaultThrottleMs = 60'000;
constexpr std::int64_t kMaxRetryAfterS = 24 * 3600;
constexpr std::size_t kMaxErrorBytes = 200;

// ASCII whitespace and the ideographic space U+3000 around the text (" 你好" after an @name).
std::string trim(std::string_view s) {
  return linli::trim(s, kSpaceTabNewline, IdeographicSpace::trimmed);
}

// A timestamp header: only digits, as DingTalk writes milliseconds.
std::optional<std::int64_t> parse_ms(std::string_view s) {
  return parse_digits(s, 18);
}

bool has_non_ascii(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

// Buttons as the words to type: DingTalk's ActionCard buttons only open links. The domain
// labels its buttons with what it accepts typed ("接单 #12", "报名 1", a choice's name).
std::string with_buttons(const OutboundMessage& m) {
  std::string text = m.text;
  bool first = true;
  for (const auto& row : m.buttons) {
    for (const auto& b : row) {
      if (b.label.empty()) continue;
      text += first ? "\n" : "";
      first = false;
      text +=
          has_non_ascii(b.label) ? "\n👉 回复「" + b.label + "」" : "\n👉 Reply \"" + b.label + "\"";
    }
  }
  return text;
}

bool throttled_code(std::string_view code) {
  for (std::string_view w :
       {"QpsLimit", "Throttling", "RateLimit", "TooManyRequests", "FlowControl", "flowControl"}) {
    if (code.find(w) != std::string_view::npos) return true;
  }
  return false;
}

bool contains(const json& list, const std::string& value) {
  if (!list.is_array()) return false;
  return std::any_of(list.begin(), list.end(),
                     [&](const json& v) { return v.is_string() && v.get<std::string>() == value; });
}

}  // namespace

DingTalkAdapter::DingTalkAdapter(AdapterConfig config) : config_(std::move(config)) {
  const DingTalkConfig* d = config_.settings_as<DingTalkConfig>();
  if (d == nullptr) {
    throw std::invalid_argument("dingtalk adapter \"" + config_.name + "\": no dingtalk settings");
  }
  dingtalk_ = *d;
}

std::string DingTalkAdapter::sign(std::string_view timestamp, std::string_view app_secret) {
  std::string message(timestamp);
  message += '\n';
  message += app_secret;
  return encode_base64(crypto::hmac_sha256(app_secret, message));
}

bool DingTalkAdapter::sign_matches(const HttpRequest& head) const {
  std::string_view ts = head.header("timestamp");
  std::string_view presented = head.header("sign");
  if (!parse_ms(ts) || presented.empty()) return false;
  return crypto::equal(presented, sign(ts, dingtalk_.app_secret));
}

int DingTalkAdapter::check_headers(const HttpRequest& head) const {
  // The window needs the time, which on_webhook has; the signature needs none.
  return sign_matches(head) ? 0 : 401;
}

WebhookResult DingTalkAdapter::on_webhook(const HttpRequest& request, std::int64_t now_ms) {
  if (!sign_matches(request)) return WebhookResult::reject(401, "unauthorized");
  std::int64_t ts = *parse_ms(request.header("timestamp"));
  // Subtracted as unsigned magnitudes: neither side can overflow.
  std::int64_t skew = ts > now_ms ? ts - now_ms : now_ms - ts;
  if (skew > kWindowMs) return WebhookResult::reject(401, "stale timestamp");
  if (request.method != "POST") return WebhookResult::reject(405, "POST only");
  json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) {
    return WebhookResult::reject(400, "body is not a JSON object");
  }
  std::string msg_id = string_field(body, "msgId");
  if (msg_id.empty()) return WebhookResult::reject(400, "msgId is required");

  WebhookResult result;
  std::string type = string_field(body, "conversationType");
  std::string conversation = string_field(body, "conversationId");
  std::string staff = string_field(body, "senderStaffId");
  std::string user = staff.empty() ? string_field(body, "senderId") : staff;
  const json* text = body.contains("text") && body["text"].is_object() ? &body["text"] : nullptr;
  std::string content = text ? trim(string_field(*text, "content")) : std::string();
  // Pictures, files, rich text, kinds added later: acknowledged and dropped (a non-2xx answer
  // only brings them again).
  if (string_field(body, "msgtype") != "text" || content.empty() || user.empty() ||
      (type != "1" && type != "2") || (type == "2" && conversation.empty())) {
    return result;
  }
  InboundEvent ev;
  ev.adapter = config_.name;
  ev.event_id = msg_id;
  ev.message_id = msg_id;
  ev.user = user;
  ev.user_name = string_field(body, "senderNick");
  ev.text = std::move(content);
  // A private chat is named by the person's userid: that is how the robot API reaches them.
  ev.chat_kind = type == "1" ? ChatKind::private_chat : ChatKind::group;
  ev.addressed = type == "2";  // a group robot hears only what @-mentions it
  ev.chat = type == "1" ? user : conversation;
  if (auto at = int_or_numeric_string_field(body, "createAt"); at && *at > 0) ev.at_ms = *at;

  std::string session = string_field(body, "sessionWebhook");
  auto expires = int_or_numeric_string_field(body, "sessionWebhookExpiredTime");
  // DingTalk signs only the timestamp, not the body: a URL of anyone's choosing would receive
  // the chat's replies (private ones too). Only DingTalk's own session endpoint is kept (or one
  // under the configured api_base, where the tests' fake lives), for at most two hours.
  const bool dingtalk_url =
      session.rfind("https://oapi.dingtalk.com/robot/sendBySession?", 0) == 0 ||
      session.rfind(dingtalk_.api_base + "/robot/sendBySession?", 0) == 0;
  if (!session.empty() && expires && *expires > now_ms && dingtalk_url) {
    constexpr std::int64_t kMaxSessionMs = 2 * 3600 * 1000;
    remember_session(ev.chat, Session{session, std::min(*expires, now_ms + kMaxSessionMs)}, now_ms);
  }
  result.events.push_back(std::move(ev));
  return result;
}

void DingTalkAdapter::remember_session(const std::string& chat, Session s, std::int64_t now_ms) {
  std::lock_guard lock(sessions_mutex_);
  if (auto it = sessions_.find(chat); it != sessions_.end()) {
    it->second = std::move(s);  // the session received last wins
    return;
  }
  if (sessions_.size() >= kMaxSessions) {
    std::erase_if(sessions_, [now_ms](const auto& kv) { return kv.second.expires_ms <= now_ms; });
  }
  if (sessions_.size() >= kMaxSessions) {
    // Still full of live ones: the one that would expire first goes; its chat is then reached
    // through the robot API.
    auto soonest = std::min_element(
        sessions_.begin(), sessions_.end(),
        [](const auto& a, const auto& b) { return a.second.expires_ms < b.second.expires_ms; });
    sessions_.erase(soonest);
  }
  sessions_.emplace(chat, std::move(s));
}

std::optional<std::string> DingTalkAdapter::live_session(const std::string& chat) const {
  std::lock_guard lock(sessions_mutex_);
  auto it = sessions_.find(chat);
  if (it == sessions_.end()) return std::nullopt;
  if (it->second.expires_ms - kSessionMarginMs <= now_ms_.load()) {
    sessions_.erase(it);
    return std::nullopt;
  }
  return it->second.url;
}

void DingTalkAdapter::forget_session(const std::string& chat) const {
  std::lock_guard lock(sessions_mutex_);
  sessions_.erase(chat);
}

std::size_t DingTalkAdapter::sessions() const {
  std::lock_guard lock(sessions_mutex_);
  return sessions_.size();
}

std::optional<ApiCall> DingTalkAdapter::token_call(std::int64_t now_ms) const {
  now_ms_.store(now_ms);
  {
    std::lock_guard lock(token_mutex_);
    if (!token_.empty() && token_expires_ms_ - kTokenMarginMs > now_ms) return std::nullopt;
  }
  ApiCall call;
  call.url = dingtalk_.api_base + "/v1.0/oauth2/accessToken";
  call.body = json{{"appKey", dingtalk_.app_key}, {"appSecret", dingtalk_.app_secret}}.dump();
  return call;
}

bool DingTalkAdapter::on_token(const ApiResponse& r, std::int64_t now_ms, std::string& error) {
  json body = json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  std::string token = string_field(body, "accessToken");
  auto expire_in = int_or_numeric_string_field(body, "expireIn");
  if (r.status < 200 || r.status >= 300 || token.empty() || !expire_in || *expire_in <= 0) {
    std::string code = string_field(body, "code");
    error = "dingtalk accessToken answered " + std::to_string(r.status) +
            (code.empty() ? "" : " " + clip(code, kMaxErrorBytes)) +
            (r.error.empty() ? "" : ": " + clip(r.error, kMaxErrorBytes));
    return false;
  }
  std::lock_guard lock(token_mutex_);
  token_ = std::move(token);
  token_expires_ms_ = now_ms + std::min(*expire_in, kMaxRetryAfterS) * 1000;
  return true;
}

void DingTalkAdapter::forget_token() {
  std::lock_guard lock(token_mutex_);
  token_.clear();
  token_expires_ms_ = 0;
}

ApiCall DingTalkAdapter::render(const OutboundMessage& m, const std::string& /*target*/) const {
  ApiCall call;
  if (m.kind == OutKind::answer_callback) {
    // DingTalk has no presses to answer: the domain never asks, as no button is ever sent.
    call.refused = "DingTalk has no button presses to answer";
    return call;
  }
  // A robot's text cannot be edited: the new text is sent as a new message.
  std::string text = clip(with_buttons(m), kMaxTextBytes - 64);
  const std::string& user = m.user.empty() ? m.chat : m.user;
  const std::string& chat = m.chat.empty() ? m.user : m.chat;
  if (chat.empty()) {
    call.refused = "no chat and no user to send to";
    return call;
  }
  if (auto session = live_session(chat)) {
    json body = {{"msgtype", "text"}, {"text", {{"content", text}}}};
    if (!m.mentions.empty()) body["at"] = {{"atUserIds", m.mentions}};
    call.url = *session;
    call.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
    return call;
  }
  std::string token;
  {
    std::lock_guard lock(token_mutex_);
    token = token_;
  }
  json param = {{"content", text}};
  json body = {{"robotCode", dingtalk_.robot_code},
               {"msgKey", "sampleText"},
               {"msgParam", param.dump(-1, ' ', false, json::error_handler_t::replace)}};
  if (m.private_chat) {
    call.url = dingtalk_.api_base + "/v1.0/robot/oToMessages/batchSend";
    body["userIds"] = json::array({user});
  } else {
    call.url = dingtalk_.api_base + "/v1.0/robot/groupMessages/send";
    body["openConversationId"] = chat;
  }
  call.headers.emplace_back("x-acs-dingtalk-access-token", token);
  call.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return call;
}

SendResult DingTalkAdapter::interpret(const OutboundMessage& m, const ApiResponse& r) const {
  SendResult s;
  const std::string status = std::to_string(r.status);
  const std::string& chat = m.chat.empty() ? m.user : m.chat;
  if (r.status == 0) {
    s.status = SendStatus::transient;
    // A network error may quote the URL, which for a sessionWebhook is a credential.
    s.error = "network: no answer";
    return s;
  }
  json body = json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) body = json::object();
  std::string code = clip(string_field(body, "code"), kMaxErrorBytes);
  auto errcode = int_or_numeric_string_field(body, "errcode");

  auto throttled = [&](std::string why) {
    s.status = SendStatus::retry_later;
    std::int64_t seconds = 0;
    std::string_view ra = r.retry_after;
    if (auto v = parse_ms(ra)) seconds = std::min(*v, kMaxRetryAfterS);
    s.retry_after_ms = seconds > 0 ? seconds * 1000 : kDefaultThrottleMs;
    s.error = std::move(why);
    return s;
  };

  if (r.status == 429 || throttled_code(code))
    return throttled("dingtalk throttled: " + status + " " + code);
  if (r.status >= 200 && r.status < 300) {
    if (errcode && *errcode != 0) {
      // The sessionWebhook's answer (oapi style).
      if (*errcode == 130101 || *errcode == 90018 || *errcode == 90002) {
        return throttled("dingtalk errcode " + std::to_string(*errcode));
      }
      // The session is gone before its time: the robot API takes over on the next try.
      forget_session(chat);
      s.status = SendStatus::transient;
      s.error = "dingtalk errcode " + std::to_string(*errcode) + ": " +
                clip(string_field(body, "errmsg"), kMaxErrorBytes);
      return s;
    }
    std::string key = string_field(body, "processQueryKey");
    if (m.private_chat && !key.empty()) {
      const std::string& user = m.user.empty() ? m.chat : m.user;
      if (contains(body.value("flowControlledStaffIdList", json()), user)) {
        return throttled("dingtalk flow-controlled the recipient");
      }
      if (contains(body.value("invalidStaffIdList", json()), user)) {
        s.status = SendStatus::forbidden;
        s.error = "dingtalk: not a valid userid for this robot";
        return s;
      }
    }
    // A sessionWebhook answers without an id; neither id is ever quoted back to us (DingTalk
    // says nothing of replies), but an edit needs its message to have one.
    s.platform_id = !key.empty() ? key : "dt-" + crypto::hex(crypto::random_bytes(8));
    return s;
  }
  std::string message = clip(string_field(body, "message"), kMaxErrorBytes);
  std::string why = "dingtalk answered " + status + (code.empty() ? "" : " " + code) +
                    (message.empty() ? "" : ": " + message);
  if (r.status == 401 || code.find("InvalidAuthentication") != std::string::npos ||
      code.find("accessToken") != std::string::npos) {
    s.status = SendStatus::transient;
    s.token_rejected = true;
    s.error = why;
    return s;
  }
  if (r.status >= 500) {
    s.status = SendStatus::transient;
    s.error = why;
    return s;
  }
  if (r.status == 404 || r.status == 410) {
    // An expired sessionWebhook's URL (the robot API's paths do not go away): the robot API
    // takes over on the next try.
    forget_session(chat);
    s.status = SendStatus::transient;
    s.error = why;
    return s;
  }
  s.status = m.private_chat && r.status == 403 ? SendStatus::forbidden : SendStatus::rejected;
  s.error = why;
  return s;
}

}  // namespace linli
