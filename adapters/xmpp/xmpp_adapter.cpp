#include "adapters/xmpp/xmpp_adapter.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <stdexcept>
#include <string_view>

#include <nlohmann/json.hpp>

#include "adapters/crypto.hpp"
#include "adapters/json_fields.hpp"
#include "adapters/utf8_text.hpp"

// Where the facts below come from: mod_rest's README, mod_rest.lua, jsonmap.lib.lua and
// res/schema-xmpp.json (prosody-modules, read through its GitHub mirror), and what a real
// Prosody 0.12 sent in the harness copied to tests/xmpp/ (its README.md):
//  - JSON stanza keys: kind, type, to, from, id, lang, body, subject, nick, occupant_id,
//    stanza_ids[{id,by}] (XEP-0359), delay (XEP-0203 stamp), replace (XEP-0308, the id of the
//    corrected message), reply{id,to} (XEP-0461), invite, error{type,condition,text,by}.
//  - Absent fields are left out, never null; a presence without type reads "available".
//  - Callback answers: 202/204 = nothing to send; 200 + a stanza = a reply; any other 2xx = an
//    empty reply; 4xx/5xx = an error stanza to the sender (in a room, then, the bot is kicked).
//  - POST /rest: 202 routed; 200 + a JSON stanza = what the server answered at once (usually an
//    error: nick conflict, "not in the room", a private message to someone offline); 401 no
//    credentials, 403 bad token, 400/413/415/422 bad payload.
//  - Joining: {"kind":"presence","to":"room@conf/nick","muc":{...}} ("join": true is the older
//    spelling jsonmap still accepts). A kick or ban reaches us as an unavailable presence from
//    room@conf/<our nick>; mod_rest's JSON carries no MUC status codes.

namespace linli {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxErrorBytes = 200;
constexpr std::int64_t kMaxRetryAfterS = 24 * 3600;
constexpr std::int64_t kWaitMs = 5000;  // a stanza error of type "wait" names no time

bool has(const json& j, const char* key) {
  return j.is_object() && j.contains(key) && !j.at(key).is_null();
}

std::string lower_ascii(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// JIDs split at the first '/': a resource (a nick) may itself hold '/'.
std::string bare(std::string_view jid) {
  return lower_ascii(std::string(jid.substr(0, jid.find('/'))));
}

std::string resource(std::string_view jid) {
  auto slash = jid.find('/');
  return slash == std::string_view::npos ? std::string() : std::string(jid.substr(slash + 1));
}

std::string trim(std::string_view s) {
  return linli::trim(s, kSpaceTabNewline, IdeographicSpace::kept);
}

// A reply (XEP-0461) from a client that quotes the message it answers: the quote is the
// fallback (XEP-0428), lines starting with '>' before the answer. mod_rest's JSON keeps only
// that a fallback is there, not its range, so the leading quoted lines go.
std::string without_quote(std::string_view body) {
  while (!body.empty() && body.front() == '>') {
    auto nl = body.find('\n');
    body = nl == std::string_view::npos ? std::string_view() : body.substr(nl + 1);
  }
  return trim(body);
}

// "zh"/"en" from xml:lang ("zh-Hans-CN", "en-GB"); "" for the rest.
std::string language(const std::string& lang) {
  std::string l = lower_ascii(lang.substr(0, lang.find_first_of("-_")));
  return l == "zh" || l == "en" ? l : std::string();
}

// The id the room gave a message (XEP-0359, by = the room), "" when none.
std::string stanza_id_by(const json& st, const std::string& by) {
  auto it = st.find("stanza_ids");
  if (it == st.end() || !it->is_array()) return {};
  for (const json& s : *it) {
    if (bare(string_field(s, "by")) == by) {
      std::string id = string_field(s, "id");
      if (!id.empty()) return id;
    }
  }
  return {};
}

// The buttons as lines people can read and type: "[维修]  [买药]". The domain accepts the
// typed label, the numbers its text lists, and replies to its message.
std::string with_buttons(const std::string& text, const std::vector<std::vector<Button>>& rows) {
  std::string out = text;
  for (const auto& row : rows) {
    std::string line;
    for (const auto& b : row) {
      if (b.label.empty()) continue;
      line += (line.empty() ? "[" : "  [") + b.label + "]";
    }
    if (!line.empty()) out += (out.empty() ? "" : "\n") + line;
  }
  return out;
}

WebhookResult accepted() {
  WebhookResult r;
  r.status = 204;
  r.body.clear();
  r.content_type = "text/plain; charset=utf-8";
  r.failure_status = 204;
  return r;
}

}  // namespace

XmppAdapter::XmppAdapter(AdapterConfig config) : config_(std::move(config)) {
  const XmppConfig* x = config_.settings_as<XmppConfig>();
  if (x == nullptr) {
    throw std::invalid_argument("xmpp adapter \"" + config_.name + "\": no xmpp settings");
  }
  xmpp_ = *x;
  secret_sha_ = crypto::sha256(xmpp_.callback_secret);
  for (const auto& room : xmpp_.rooms) rooms_.insert(lower_ascii(room));
}

void XmppAdapter::remember(const std::string& stanza_id, const std::string& our_id) {
  std::lock_guard lock(mu_);
  if (!by_stanza_id_.emplace(stanza_id, our_id).second) return;
  order_.push_back(stanza_id);
  while (order_.size() > kRememberedIds) {
    by_stanza_id_.erase(order_.front());
    order_.pop_front();
  }
}

std::string XmppAdapter::our_id_for(const std::string& stanza_id) const {
  std::lock_guard lock(mu_);
  auto it = by_stanza_id_.find(stanza_id);
  return it == by_stanza_id_.end() ? stanza_id : it->second;
}

ApiCall XmppAdapter::join(const std::string& room) const {
  json p = {{"kind", "presence"},
            {"to", room + "/" + xmpp_.nick},
            {"muc", {{"history", {{"maxstanzas", 0}}}}}};
  ApiCall call;
  call.url = xmpp_.rest_url;
  call.content_type = "application/json";
  call.headers = {{"Authorization", "Bearer " + xmpp_.token}};
  call.body = p.dump(-1, ' ', false, json::error_handler_t::replace);
  return call;
}

std::vector<ApiCall> XmppAdapter::start_calls() const {
  std::vector<ApiCall> calls;
  for (const auto& room : xmpp_.rooms) calls.push_back(join(room));
  return calls;
}

bool XmppAdapter::secret_matches(const HttpRequest& request) const {
  std::string presented = request.query_param("secret");
  return !presented.empty() && crypto::equal(crypto::sha256(presented), secret_sha_);
}

int XmppAdapter::check_headers(const HttpRequest& head) const {
  return secret_matches(head) ? 0 : 401;
}

WebhookResult XmppAdapter::on_webhook(const HttpRequest& request, std::int64_t /*now_ms*/) {
  // Before anything else: an unsigned request must not become an event, move a stored id or
  // make the bot rejoin its rooms.
  if (!secret_matches(request)) return WebhookResult::reject(401, "callback secret");
  WebhookResult result = accepted();
  if (request.method == "OPTIONS") {
    // mod_rest (re)started: whatever rooms we were in are gone with its sessions.
    result.status = 200;
    result.calls = start_calls();
    return result;
  }
  if (request.method != "POST") return result;
  // Anything we cannot read is still answered 204: an error answer would only bounce an error
  // stanza to whoever sent it, and get us kicked from the room.
  json st = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (st.is_discarded() || !st.is_object()) return result;

  const std::string kind = string_field(st, "kind");
  const std::string type = string_field(st, "type");
  const std::string from = string_field(st, "from");
  const std::string room = bare(from);
  const std::string nick = resource(from);
  const bool ours = rooms_.count(room) > 0;

  if (kind == "presence") {
    // Our own occupant left the room: kicked, banned, the room restarted. Join again.
    if (ours && nick == xmpp_.nick && type == "unavailable") result.calls.push_back(join(room));
    return result;
  }
  if (kind != "message" || from.empty()) return result;
  if (type == "error" || type == "headline" || has(st, "delay") || has(st, "invite") ||
      has(st, "replace")) {
    return result;
  }

  InboundEvent ev;
  ev.adapter = config_.name;
  ev.lang = language(string_field(st, "lang"));
  const std::string id = string_field(st, "id");
  std::string room_id;  // the room's stanza-id for this message
  if (type == "groupchat") {
    if (!ours || nick.empty()) return result;  // a room not ours, or the room itself speaking
    room_id = stanza_id_by(st, room);
    if (nick == xmpp_.nick) {
      // Our own message, echoed by the room: learn the id people will reply to it by.
      if (!room_id.empty() && !id.empty()) remember(room_id, id);
      return result;
    }
    ev.chat = room;
    ev.chat_kind = ChatKind::group;
    ev.user = room + "/" + nick;
    ev.user_name = nick;
  } else if (type == "chat" || type == "normal" || type.empty()) {
    ev.chat_kind = ChatKind::private_chat;
    if (ours) {
      if (nick.empty() || nick == xmpp_.nick) return result;
      ev.user = room + "/" + nick;  // a private message through the room
      ev.user_name = nick;
    } else {
      ev.user = room;  // their bare JID: any of their clients gets our answer
      ev.user_name = string_field(st, "nick");
      if (ev.user_name.empty()) ev.user_name = room.substr(0, room.find('@'));
    }
    ev.chat = ev.user;
  } else {
    return result;
  }

  std::string body = string_field(st, "body");
  if (const json* reply = object_field(st, "reply")) {
    std::string to = string_field(*reply, "id");
    if (!to.empty()) ev.reply_to = our_id_for(to);
    body = without_quote(body);
  }
  ev.text = trim(body);
  if (ev.text.empty()) return result;  // a subject, a chat state, a receipt
  ev.message_id = !room_id.empty() ? room_id : id;
  // The room's id is unique in the room; a client's id only per sender. Without either, the
  // body's digest: a retry of the same request is still recognised.
  if (!room_id.empty()) {
    ev.event_id = room + " " + room_id;
  } else if (!id.empty()) {
    ev.event_id = from + " " + id;
  } else {
    ev.event_id = "sha256:" + crypto::hex(crypto::sha256(request.body));
  }
  result.events.push_back(std::move(ev));
  return result;
}

ApiCall XmppAdapter::render(const OutboundMessage& m, const std::string& target_platform_id) const {
  ApiCall call;
  call.method = "POST";
  call.url = xmpp_.rest_url;
  call.content_type = "application/json";
  call.headers = {{"Authorization", "Bearer " + xmpp_.token}};
  if (m.kind == OutKind::answer_callback) {
    call.refused = "XMPP has no buttons whose press could be answered";
    return call;
  }
  std::string to = m.chat.empty() ? m.user : m.chat;
  if (to.empty()) {
    call.refused = "no JID to send to";
    return call;
  }
  // Only a room's bare JID takes groupchat; anything else (a person's JID, an occupant's
  // room@conference/nick for a private message through the room) is a chat.
  const bool group = to.find('/') == std::string::npos && rooms_.count(lower_ascii(to)) > 0;
  const std::string id = "linli-" + crypto::hex(crypto::random_bytes(12));
  json st = {{"kind", "message"},
             {"type", group ? "groupchat" : "chat"},
             {"to", to},
             {"id", id},
             {"body", fit_code_points(with_buttons(m.text, m.buttons), kMaxTextChars)}};
  if (m.kind == OutKind::edit) {
    // XEP-0308: a correction names the id of the message it corrects, and that stays the id
    // people reply to, as with Telegram's edits.
    st["replace"] = target_platform_id;
    call.platform_id = target_platform_id;
  } else {
    if (!m.reply_to.empty()) st["reply"] = {{"id", m.reply_to}};
    call.platform_id = id;
  }
  call.body = st.dump(-1, ' ', false, json::error_handler_t::replace);
  return call;
}

SendResult XmppAdapter::interpret(const OutboundMessage& m, const ApiResponse& r) const {
  SendResult s;
  const std::string status = std::to_string(r.status);
  if (r.status == 0) {
    s.status = SendStatus::transient;
    s.error =
        clip("network: " + (r.error.empty() ? std::string("no answer") : r.error), kMaxErrorBytes);
    return s;
  }
  json body = json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) body = json::object();
  const json* error = object_field(body, "error");
  std::string condition = error ? string_field(*error, "condition") : std::string();
  std::string text = error ? string_field(*error, "text") : std::string();
  std::string why = clip(condition + (text.empty() ? "" : ": " + text), kMaxErrorBytes);

  if (r.status >= 200 && r.status < 300) {
    // 202: routed. 200: the server answered at once, which is an error stanza when it says so.
    if (string_field(body, "type") != "error") return s;
    s.error = "xmpp error " + (why.empty() ? std::string("without condition") : why);
    std::string etype = error ? string_field(*error, "type") : std::string();
    if (etype == "wait") {
      s.status = SendStatus::retry_later;
      s.retry_after_ms = kWaitMs;
    } else if (m.private_chat || rooms_.count(lower_ascii(m.chat)) == 0) {
      // The person is offline, left the room, or takes no private messages.
      s.status = SendStatus::forbidden;
    } else if (condition == "not-acceptable" || condition == "not-authorized" ||
               condition == "forbidden" || condition == "item-not-found") {
      // Not in the room (yet): a kick is followed by our rejoin, a Prosody restart by its
      // OPTIONS probe and our rejoin. Try again later.
      s.status = SendStatus::transient;
    } else {
      s.status = SendStatus::rejected;
    }
    return s;
  }
  if (r.status == 429) {
    s.status = SendStatus::retry_later;
    auto seconds = parse_int(trim(r.retry_after));
    s.retry_after_ms =
        seconds && *seconds >= 0 ? std::min(*seconds, kMaxRetryAfterS) * 1000 : kWaitMs;
    s.error = "mod_rest answered 429";
    return s;
  }
  if (r.status >= 500) {
    s.status = SendStatus::transient;
    s.error = "mod_rest answered " + status + (why.empty() ? "" : ": " + why);
    return s;
  }
  // 401 (no credentials), 403 (token refused), 400/413/415/422 (a payload it will never take):
  // no retry helps. A wrong token shows in every message's dead letter and in the log.
  s.status = SendStatus::rejected;
  s.error = "mod_rest answered " + status + (why.empty() ? "" : ": " + why);
  return s;
}

}  // namespace linli
