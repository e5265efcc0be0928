#include "adapters/playground/playground_adapter.hpp"

#include <nlohmann/json.hpp>

namespace linli {

using nlohmann::json;

namespace {
// A string field that may also be sent as a number.
std::string str(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key)) return {};
  const json& v = j.at(key);
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  return {};
}

// The member `key` of `j`, or null; a reference, never a copy: copying a value nested a few
// hundred thousand levels deep (a 1 MiB body can be) recurses until the stack overflows.
const json& member(const json& j, const char* key) {
  static const json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}
}  // namespace

WebhookResult PlaygroundAdapter::on_webhook(const HttpRequest& request, std::int64_t now_ms) {
  if (request.method != "POST") return WebhookResult::reject(405, "POST only");
  json j = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    return WebhookResult::reject(400, "body is not a JSON object");
  InboundEvent ev;
  ev.adapter = config_.name;
  ev.event_id = str(j, "update_id");
  const json& chat = member(j, "chat");
  const json& from = member(j, "from");
  ev.chat = str(chat, "id");
  ev.chat_kind = str(chat, "type") == "private" ? ChatKind::private_chat : ChatKind::group;
  ev.user = str(from, "id");
  ev.user_name = str(from, "name");
  ev.lang = str(from, "lang");
  ev.at_ms = now_ms;
  if (ev.event_id.empty() || ev.chat.empty() || ev.user.empty()) {
    return WebhookResult::reject(400, "update_id, chat.id and from.id are required");
  }
  if (j.contains("press")) {
    const json& p = j["press"];
    ev.callback_id = str(p, "id");
    ev.reply_to = str(p, "message_id");
    ev.button = str(p, "data");
    if (ev.callback_id.empty() || ev.button.empty())
      return WebhookResult::reject(400, "press.id and press.data are required");
  } else if (j.contains("message")) {
    const json& m = j["message"];
    ev.message_id = str(m, "id");
    ev.text = str(m, "text");
    ev.reply_to = str(m, "reply_to");
  } else {
    return WebhookResult{};  // nothing we act on
  }
  WebhookResult r;
  r.events.push_back(std::move(ev));
  return r;
}

ApiCall PlaygroundAdapter::render(const OutboundMessage& m,
                                  const std::string& target_platform_id) const {
  ApiCall call;
  json body = {{"chat", m.chat}, {"private", m.private_chat}};
  switch (m.kind) {
    case OutKind::send:
      call.url = "playground:sendMessage";
      body["text"] = m.text;
      if (!m.reply_to.empty()) body["reply_to"] = m.reply_to;
      if (!m.mentions.empty()) body["mentions"] = m.mentions;
      break;
    case OutKind::edit:
      call.url = "playground:editMessageText";
      body["message_id"] = target_platform_id;
      body["text"] = m.text;
      break;
    case OutKind::answer_callback:
      call.url = "playground:answerCallbackQuery";
      body["callback_id"] = m.callback_id;
      body["text"] = m.text;
      break;
  }
  if (m.kind != OutKind::answer_callback) {
    json rows = json::array();
    for (const auto& row : m.buttons) {
      json r = json::array();
      for (const auto& b : row) r.push_back({{"label", b.label}, {"data", b.data}});
      rows.push_back(std::move(r));
    }
    body["buttons"] = std::move(rows);
  }
  call.body = body.dump();
  return call;
}

SendResult PlaygroundAdapter::interpret(const OutboundMessage&, const ApiResponse& r) const {
  SendResult s;
  if (r.status == 200) {
    json j = json::parse(r.body, nullptr, false);
    if (!j.is_discarded()) s.platform_id = j.value("message_id", "");
    return s;
  }
  s.status = r.status == 0 || r.status >= 500 ? SendStatus::transient : SendStatus::rejected;
  s.error = "playground answered " + std::to_string(r.status);
  return s;
}

}  // namespace linli
