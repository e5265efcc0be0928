#include "adapters/wecom/wecom_adapter.hpp"

#include <limits>
#include <stdexcept>
#include <string_view>

#include <nlohmann/json.hpp>

#include "adapters/crypto.hpp"
#include "adapters/json_fields.hpp"
#include "adapters/utf8_text.hpp"
#include "adapters/wecom/wecom_crypt.hpp"
#include "adapters/wecom/wecom_xml.hpp"

// Where the WeCom facts below come from (PLATFORMS.md §b, re-read for this file):
//  - 加解密方案 (developer.work.weixin.qq.com/document/path/91144) and the official SDKs
//    (github.com/workweixin/weworkapi_cplusplus json_callback/, github.com/sbzhu/weworkapi_python
//    callback/): the URL check by GET with msg_signature, timestamp, nonce and a URL-encoded
//    echostr, answered with the bare decrypted echostr; POSTs signed over their Encrypt element;
//    receiveid is the CorpID for a self-built app. The SDKs check no timestamp window.
//  - 接收消息 (/90238, /90240): ToUserName, FromUserName, CreateTime, MsgType, Content, MsgId,
//    AgentID; events add Event, EventKey; a template card's button press is the event
//    "template_card_event" with EventKey (the button's key) and TaskId. WeCom retries a callback
//    not answered in 5 s: de-duplicate by MsgId, events by FromUserName + CreateTime (and, for a
//    card's press, its TaskId and EventKey, which a retry repeats too).
//  - 智能机器人 接收消息 (/100719): JSON {msgid, aibotid, chatid, chattype "group"|"single",
//    from{userid}, response_url, msgtype "text", text{content}} for an @-mention in a group or a
//    message in a one-to-one chat; same signature and encryption, the envelope {"encrypt": ...}.
//    Its receiveid is "" for a robot of the company's own (third-party code quoting the official
//    demo, not the doc): accepted there, and only there, besides the CorpID.
//  - gettoken (/91039): GET /cgi-bin/gettoken?corpid&corpsecret → {errcode, access_token,
//    expires_in: 7200}; 40014 invalid and 42001 expired access_token.
//  - message/send (/90236): {touser, msgtype "text"|"template_card", agentid, text{content}}
//    → {errcode, errmsg, msgid}; text at most 2048 bytes; button_interaction cards with up to 6
//    buttons whose key comes back as EventKey. appchat/send (/90248): {chatid, msgtype, text}.
//  - Global error codes (/90313): 45009 API frequency limit, 45033 too many concurrent calls,
//    -1 system busy, 81013 no recipient in the app's visible range.

namespace linli {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxErrorBytes = 200;
constexpr std::int64_t kDefaultTokenLifeS = 7200;

std::string xml_field(const wecom::XmlFields& f, std::string_view key) {
  auto it = f.find(key);
  return it == f.end() ? std::string() : it->second;
}

// ASCII spaces, and the spaces WeCom's clients put after an @name (U+2005, U+00A0, U+3000).
std::size_t space_at(std::string_view s, std::size_t i) {
  for (std::string_view sp : {" ", "\t", "\n", "\r", "\xE2\x80\x85", "\xC2\xA0", "\xE3\x80\x80"}) {
    if (s.substr(i, sp.size()) == sp) return sp.size();
  }
  return 0;
}

// In a group the robot hears only messages that @-mention it, which begin with "@its name":
// the text after that mention is what the person said.
std::string without_leading_mention(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && space_at(s, i)) i += space_at(s, i);
  if (i >= s.size() || s[i] != '@') return std::string(s);
  while (i < s.size() && !space_at(s, i)) i += code_point_bytes(s, i);
  while (i < s.size() && space_at(s, i)) i += space_at(s, i);
  return std::string(s.substr(i));
}

// A text message of the app's callback, or a card button's press; nothing for other kinds.
std::optional<InboundEvent> from_app_xml(const wecom::XmlFields& f) {
  InboundEvent ev;
  ev.user = xml_field(f, "FromUserName");
  std::string created = xml_field(f, "CreateTime");
  if (ev.user.empty() || created.empty()) return std::nullopt;
  // App callbacks come from one person's chat with the app: the chat is named by their userid.
  ev.chat = ev.user;
  ev.chat_kind = ChatKind::private_chat;
  if (auto t = parse_digits(created, 18);
      t && *t <= std::numeric_limits<std::int64_t>::max() / 1000) {
    ev.at_ms = *t * 1000;
  }
  std::string type = xml_field(f, "MsgType");
  if (type == "text") {
    ev.text = xml_field(f, "Content");
    ev.message_id = xml_field(f, "MsgId");
    if (ev.text.empty()) return std::nullopt;
    ev.event_id = ev.message_id.empty() ? "ev:" + ev.user + ":" + created : ev.message_id;
    return ev;
  }
  if (type == "event" && xml_field(f, "Event") == "template_card_event") {
    ev.button = xml_field(f, "EventKey");
    if (ev.button.empty()) return std::nullopt;
    // WeCom advises FromUserName + CreateTime; a second press within the same second, on
    // another card or button, is no retry: the card's TaskId and the key tell them apart.
    ev.event_id = "ev:" + ev.user + ":" + created + ":" + xml_field(f, "TaskId") + ":" + ev.button;
    // WeCom acknowledges a press itself: there is nothing to answer, so no callback_id.
    return ev;
  }
  return std::nullopt;
}

// A text the 智能机器人 received: an @-mention in a group, or a message in its one-to-one chat.
std::optional<InboundEvent> from_robot_json(const json& j) {
  if (string_field(j, "msgtype") != "text") return std::nullopt;
  InboundEvent ev;
  ev.event_id = string_field(j, "msgid");
  if (const json* from = object_field(j, "from")) ev.user = string_field(*from, "userid");
  if (const json* text = object_field(j, "text")) ev.text = string_field(*text, "content");
  std::string chattype = string_field(j, "chattype");
  if (ev.event_id.empty() || ev.user.empty()) return std::nullopt;
  if (chattype == "group") {
    ev.chat = string_field(j, "chatid");
    ev.chat_kind = ChatKind::group;
    ev.text = without_leading_mention(ev.text);
    ev.addressed = true;
  } else if (chattype == "single") {
    ev.chat = ev.user;
    ev.chat_kind = ChatKind::private_chat;
  } else {
    return std::nullopt;
  }
  ev.message_id = ev.event_id;
  if (ev.chat.empty() || ev.text.empty()) return std::nullopt;
  return ev;
}

// Buttons as text to type, for chats where WeCom shows none: "[维修] [购物]".
std::string typed_options(const std::vector<std::vector<Button>>& rows) {
  std::string out;
  for (const auto& row : rows) {
    for (const auto& b : row) out += (out.empty() ? "" : " ") + ("[" + b.label + "]");
  }
  return out;
}

// What someone typed, as a label to compare: without surrounding spaces and trailing "!" or
// "。" ("接单！").
std::string as_label(std::string_view s) {
  std::size_t b = 0;
  while (b < s.size() && space_at(s, b)) b += space_at(s, b);
  s.remove_prefix(b);
  for (bool cut = true; cut && !s.empty();) {
    cut = false;
    for (std::string_view tail : {" ", "\t", "\n", "\r", "!", ".", "\xEF\xBC\x81", "\xE3\x80\x82",
                                  "\xE2\x80\x85", "\xC2\xA0", "\xE3\x80\x80"}) {
      if (s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail) {
        s.remove_suffix(tail.size());
        cut = true;
      }
    }
  }
  return std::string(s);
}

std::size_t button_count(const std::vector<std::vector<Button>>& rows) {
  std::size_t n = 0;
  for (const auto& row : rows) n += row.size();
  return n;
}

}  // namespace

WecomAdapter::WecomAdapter(AdapterConfig config) : config_(std::move(config)) {
  const WecomConfig* w = config_.settings_as<WecomConfig>();
  if (w == nullptr) {
    throw std::invalid_argument("wecom adapter \"" + config_.name + "\": no wecom settings");
  }
  wecom_ = *w;
}

WebhookResult WecomAdapter::on_webhook(const HttpRequest& request, std::int64_t /*now_ms*/) {
  if (request.method != "GET" && request.method != "POST") {
    return WebhookResult::reject(405, "GET or POST only");
  }
  std::string signature = request.query_param("msg_signature");
  std::string timestamp = request.query_param("timestamp");
  std::string nonce = request.query_param("nonce");
  if (signature.empty() || timestamp.empty() || nonce.empty()) {
    return WebhookResult::reject(401, "unsigned");
  }
  auto signed_by_us = [&](std::string_view encrypt) {
    return crypto::equal(wecom::signature(wecom_.token, timestamp, nonce, encrypt), signature);
  };
  // The app's receiveid is the CorpID; the 智能机器人's is "" (see the sources above).
  auto ours = [&](const std::string& receive_id, bool robot_may_send) {
    return receive_id == wecom_.corp_id || (robot_may_send && receive_id.empty());
  };

  if (request.method == "GET") {
    // The URL check. query_param decodes '+' as a space, which base64 never holds: a '+' that
    // came unencoded is put back.
    std::string echostr = request.query_param("echostr");
    for (char& c : echostr) {
      if (c == ' ') c = '+';
    }
    if (echostr.empty()) return WebhookResult::reject(400, "echostr is required");
    if (!signed_by_us(echostr)) return WebhookResult::reject(401, "bad signature");
    auto plain = wecom::decrypt(wecom_.aes_key, echostr);
    if (!plain) return WebhookResult::reject(403, "cannot decrypt");
    if (!ours(plain->receive_id, true)) return WebhookResult::reject(403, "not our receiveid");
    WebhookResult r;
    r.content_type = "text/plain; charset=utf-8";
    r.body = plain->msg;
    return r;
  }

  // The envelope: the app's <xml><ToUserName/><Encrypt/><AgentID/></xml>, or JSON
  // {"encrypt": ...} (the robot's, and the SDK's JSON variant with tousername and agentid).
  std::string encrypt;
  std::string_view body = request.body;
  while (!body.empty() && (body.front() == ' ' || body.front() == '\n' || body.front() == '\r' ||
                           body.front() == '\t')) {
    body.remove_prefix(1);
  }
  if (!body.empty() && body.front() == '<') {
    auto outer = wecom::parse_flat_xml(body);
    if (!outer) return WebhookResult::reject(400, "body is not WeCom's XML");
    encrypt = xml_field(*outer, "Encrypt");
  } else {
    json outer = json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (!outer.is_object()) return WebhookResult::reject(400, "body is neither XML nor JSON");
    encrypt = string_field(outer, "encrypt");
  }
  if (encrypt.empty()) return WebhookResult::reject(400, "Encrypt is required");
  if (!signed_by_us(encrypt)) return WebhookResult::reject(401, "bad signature");
  auto plain = wecom::decrypt(wecom_.aes_key, encrypt);
  if (!plain) return WebhookResult::reject(403, "cannot decrypt");

  std::optional<InboundEvent> ev;
  std::string_view msg = plain->msg;
  while (!msg.empty() && (msg.front() == ' ' || msg.front() == '\n' || msg.front() == '\r')) {
    msg.remove_prefix(1);
  }
  if (!msg.empty() && msg.front() == '<') {
    if (!ours(plain->receive_id, false)) return WebhookResult::reject(403, "not our receiveid");
    auto fields = wecom::parse_flat_xml(msg);
    if (!fields) return WebhookResult::reject(400, "message is not WeCom's XML");
    ev = from_app_xml(*fields);
  } else {
    if (!ours(plain->receive_id, true)) return WebhookResult::reject(403, "not our receiveid");
    json j = json::parse(msg, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) return WebhookResult::reject(400, "message is neither XML nor JSON");
    ev = from_robot_json(j);
    if (ev && ev->chat_kind == ChatKind::group) {
      if (auto data = typed_press(ev->chat, ev->text)) ev->button = std::move(*data);
    }
  }
  // An empty answer: no passive reply (ours go through the API). Kinds we do not read are
  // acknowledged too, or WeCom would send them again.
  WebhookResult result;
  result.content_type = "text/plain; charset=utf-8";
  result.body = "";
  if (ev) {
    ev->adapter = config_.name;
    result.events.push_back(std::move(*ev));
  }
  return result;
}

std::string WecomAdapter::token() const {
  std::lock_guard lock(mutex_);
  return access_token_;
}

std::optional<ApiCall> WecomAdapter::token_call(std::int64_t now_ms) const {
  {
    std::lock_guard lock(mutex_);
    if (!access_token_.empty() && now_ms < token_expires_ms_ - kRefreshBeforeMs) {
      return std::nullopt;
    }
  }
  ApiCall call;
  call.method = "GET";
  call.url = wecom_.api_base + "/cgi-bin/gettoken?corpid=" + percent_encode(wecom_.corp_id) +
             "&corpsecret=" + percent_encode(wecom_.secret);
  call.content_type = "";
  return call;
}

bool WecomAdapter::on_token(const ApiResponse& r, std::int64_t now_ms, std::string& error) {
  json body = json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  if (r.status != 200 || !body.is_object()) {
    error = "gettoken answered " + std::to_string(r.status);
    return false;
  }
  auto errcode = int_field(body, "errcode").value_or(0);
  std::string token = string_field(body, "access_token");
  if (errcode != 0 || token.empty()) {
    error = fit_bytes(
        "gettoken errcode " + std::to_string(errcode) + ": " + string_field(body, "errmsg"),
        kMaxErrorBytes);
    return false;
  }
  std::int64_t life_s = int_field(body, "expires_in").value_or(kDefaultTokenLifeS);
  if (life_s <= 0 || life_s > 86400) life_s = kDefaultTokenLifeS;
  std::lock_guard lock(mutex_);
  access_token_ = std::move(token);
  token_expires_ms_ = now_ms + life_s * 1000;
  return true;
}

void WecomAdapter::remember_typed(const OutboundMessage& m) const {
  std::lock_guard lock(mutex_);
  auto it = typed_.find(m.chat);
  if (it == typed_.end()) {
    if (typed_.size() >= kTypedChats) typed_.erase(typed_.begin());
    it = typed_.emplace(m.chat, std::deque<std::pair<std::string, std::string>>()).first;
  }
  for (const auto& row : m.buttons) {
    for (const auto& b : row) {
      std::string label = as_label(b.label);
      if (label.empty()) continue;
      it->second.emplace_back(std::move(label), b.data);
      if (it->second.size() > kTypedPerChat) it->second.pop_front();
    }
  }
}

std::optional<std::string> WecomAdapter::typed_press(const std::string& chat,
                                                     const std::string& text) const {
  std::string label = as_label(text);
  std::lock_guard lock(mutex_);
  auto it = typed_.find(chat);
  if (label.empty() || it == typed_.end()) return std::nullopt;
  for (auto b = it->second.rbegin(); b != it->second.rend(); ++b) {
    if (b->first == label) return b->second;
  }
  return std::nullopt;
}

void WecomAdapter::forget_token() {
  std::lock_guard lock(mutex_);
  access_token_.clear();
  token_expires_ms_ = 0;
}

ApiCall WecomAdapter::render(const OutboundMessage& m, const std::string& /*target*/) const {
  // WeCom edits no text message: an edit arrives as a new message, and a press needs no answer
  // (presses carry no callback_id, so the domain asks for none).
  std::string text = m.text;
  json body = json::object();
  ApiCall call;
  call.method = "POST";
  call.content_type = "application/json";
  if (m.kind == OutKind::answer_callback && text.empty()) {
    call.refused = "WeCom has no answer to a press";
    return call;
  }
  bool private_chat = m.private_chat || m.chat.empty();
  bool card = private_chat && !m.buttons.empty() && button_count(m.buttons) <= kMaxCardButtons;
  if (!m.buttons.empty() && !card) text += "\n" + typed_options(m.buttons);
  if (private_chat) {
    std::string to = m.chat.empty() ? m.user : m.chat;
    if (to.empty()) {
      call.refused = "a private message without a user";
      return call;
    }
    body["touser"] = to;
    body["agentid"] = wecom_.agent_id;
    if (card) {
      json buttons = json::array();
      for (const auto& row : m.buttons) {
        for (const auto& b : row)
          buttons.push_back({{"text", b.label}, {"style", 1}, {"key", b.data}});
      }
      body["msgtype"] = "template_card";
      body["template_card"] = {{"card_type", "button_interaction"},
                               {"sub_title_text", fit_bytes(text, kMaxTextBytes)},
                               // Unique per card, as WeCom requires (42014 otherwise).
                               {"task_id", "linli_" + crypto::hex(crypto::random_bytes(12))},
                               {"button_list", std::move(buttons)}};
    } else {
      body["msgtype"] = "text";
      body["text"] = {{"content", fit_bytes(text, kMaxTextBytes)}};
    }
    call.url = wecom_.api_base + "/cgi-bin/message/send?access_token=" + token();
  } else {
    // A message to the whole group (not a question answering someone's message): its buttons,
    // written as text, may be pressed by typing them.
    if (!m.buttons.empty() && m.reply_to.empty() && m.kind == OutKind::send) remember_typed(m);
    body["chatid"] = m.chat;
    body["msgtype"] = "text";
    body["text"] = {{"content", fit_bytes(text, kMaxTextBytes)}};
    call.url = wecom_.api_base + "/cgi-bin/appchat/send?access_token=" + token();
  }
  call.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return call;
}

SendResult WecomAdapter::interpret(const OutboundMessage& m, const ApiResponse& r) const {
  const std::string access = token();
  auto scrub = [&](std::string s) {
    for (const std::string* secret : {&access, &wecom_.secret}) {
      if (secret->empty()) continue;
      for (auto at = s.find(*secret); at != std::string::npos; at = s.find(*secret, at)) {
        s.replace(at, secret->size(), "<secret>");
      }
    }
    return fit_bytes(s, kMaxErrorBytes);
  };
  SendResult s;
  if (r.status == 0) {
    s.status = SendStatus::transient;
    s.error = scrub("network: " + (r.error.empty() ? std::string("no answer") : r.error));
    return s;
  }
  if (r.status >= 500 || r.status == 429) {
    s.status = r.status == 429 ? SendStatus::retry_later : SendStatus::transient;
    s.retry_after_ms = 1000;
    s.error = "wecom answered " + std::to_string(r.status);
    return s;
  }
  json body = json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  auto code = body.is_object() ? int_field(body, "errcode") : std::nullopt;
  if (r.status != 200 || !code) {
    s.status = r.status == 200 ? SendStatus::transient : SendStatus::rejected;
    s.error = "wecom answered " + std::to_string(r.status) + " without errcode";
    return s;
  }
  const std::int64_t errcode = code.value_or(0);
  std::string errmsg = scrub(string_field(body, "errmsg"));
  s.error = errcode == 0 ? "" : "errcode " + std::to_string(errcode) + ": " + errmsg;
  switch (errcode) {
    case 0:
      s.platform_id = string_field(body, "msgid");
      // appchat/send names no message: an id of our own lets edits and routes refer to it.
      if (s.platform_id.empty()) s.platform_id = "linli-" + crypto::hex(crypto::random_bytes(8));
      return s;
    case 40014:  // invalid access_token
    case 42001:  // access_token expired
      s.status = SendStatus::transient;
      s.token_rejected = true;
      return s;
    case 45009:  // API call frequency out of limit: per minute, so wait one
      s.status = SendStatus::retry_later;
      s.retry_after_ms = 60'000;
      return s;
    case 45033:  // too many concurrent calls
      s.status = SendStatus::retry_later;
      s.retry_after_ms = 2'000;
      return s;
    case -1:  // system busy
      s.status = SendStatus::transient;
      return s;
    case 81013:  // no recipient in the app's visible range
    case 60111:  // no such userid
      s.status = m.private_chat || m.chat.empty() ? SendStatus::forbidden : SendStatus::rejected;
      return s;
    default:
      s.status = SendStatus::rejected;
      return s;
  }
}

}  // namespace linli
