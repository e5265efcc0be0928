// The playground: a webhook request whose body is anything, then a reply to each event it gives,
// rendered as a hub call, and the hub's answer to it interpreted.

#include <exception>
#include <string>

#include <nlohmann/json.hpp>

#include "adapters/playground/playground_adapter.hpp"
#include "adapters/playground/playground_config.hpp"
#include "tests/fuzz/checks.hpp"
#include "tests/fuzz/harnesses.hpp"

namespace linli::fuzz {
namespace {

using nlohmann::json;

constexpr std::int64_t kNow = 1'718'000'999'000;

AdapterConfig config() {
  AdapterConfig c;
  c.type = "playground";
  c.name = "pg";
  c.webhook_path = "/playground/webhook";
  c.bot_username = "linli_bot";
  auto people = std::make_shared<PlaygroundConfig>();
  people->people = {{"li", "李阿姨", "zh"}, {"emma", "Emma", "en"}};
  c.settings = people;
  return c;
}

void check_event(const InboundEvent& ev) {
  LINLI_FUZZ_CHECK(ev.adapter == "pg");
  LINLI_FUZZ_CHECK(!ev.event_id.empty());
  LINLI_FUZZ_CHECK(!ev.chat.empty());
  LINLI_FUZZ_CHECK(!ev.user.empty());
  LINLI_FUZZ_CHECK(ev.at_ms == kNow);
  if (!ev.callback_id.empty()) {  // a button press
    LINLI_FUZZ_CHECK(!ev.button.empty());
    LINLI_FUZZ_CHECK(ev.text.empty() && ev.message_id.empty());
  } else {
    LINLI_FUZZ_CHECK(ev.button.empty());
  }
}

json rendered(const ApiCall& call, const char* method) {
  LINLI_FUZZ_CHECK(call.url == std::string("playground:") + method);
  json body = json::parse(call.body, nullptr, /*allow_exceptions=*/false);
  LINLI_FUZZ_CHECK(body.is_object());
  return body;
}

void check_reply(const PlaygroundAdapter& adapter, const InboundEvent& ev) {
  OutboundMessage m;
  m.adapter = ev.adapter;
  m.chat = ev.chat;
  m.private_chat = ev.chat_kind == ChatKind::private_chat;
  m.text = ev.text.empty() ? ev.button : ev.text;
  m.reply_to = ev.message_id;
  m.buttons = {{{ev.user_name, ev.button.empty() ? ev.text : ev.button}}};
  m.mentions = {ev.user};
  json send = rendered(adapter.render(m, ""), "sendMessage");
  LINLI_FUZZ_CHECK(send.value("chat", "") == ev.chat);
  LINLI_FUZZ_CHECK(send.value("text", "") == m.text);

  m.kind = OutKind::edit;
  json edit = rendered(adapter.render(m, ev.reply_to), "editMessageText");
  LINLI_FUZZ_CHECK(edit.value("message_id", "") == ev.reply_to);

  m.kind = OutKind::answer_callback;
  m.callback_id = ev.callback_id;
  json answer = rendered(adapter.render(m, ""), "answerCallbackQuery");
  LINLI_FUZZ_CHECK(answer.value("callback_id", "") == ev.callback_id);

  // The hub's answers (playground_hub.cpp): only the hub answers these calls, in process, so
  // they are not fuzzed; a message id must come back as it was given.
  m.kind = OutKind::send;
  for (const std::string& id : {ev.event_id, ev.message_id, ev.text}) {
    json answer_body = {{"ok", true}, {"message_id", id}};
    SendResult s = adapter.interpret(m, ApiResponse{200, answer_body.dump(), "", ""});
    LINLI_FUZZ_CHECK(s.status == SendStatus::ok && s.platform_id == id);
  }
  for (int status : {0, 400, 404, 500}) {
    SendResult s =
        adapter.interpret(m, ApiResponse{status, R"({"ok":false,"error":"no"})", "", ""});
    LINLI_FUZZ_CHECK(s.status != SendStatus::ok && !s.error.empty());
  }
}

}  // namespace

int fuzz_playground_webhook(const std::uint8_t* data, std::size_t size) {
  try {
    std::uint8_t shape_byte = size > 0 ? data[0] : 'S';
    std::string_view body =
        size > 0 ? std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1) : "";
    bool post = (shape_byte & 0x0F) != 4;
    HttpRequest req;
    req.method = post ? "POST" : "GET";
    req.target = req.path = "/playground/webhook";
    req.headers.emplace_back("content-type", "application/json");
    req.body = std::string(body);
    PlaygroundAdapter adapter(config());
    WebhookResult r = adapter.on_webhook(req, kNow);

    if (!post) {
      LINLI_FUZZ_CHECK(r.status == 405 && r.events.empty());
      return 0;
    }
    LINLI_FUZZ_CHECK(r.status == 200 || r.status == 400);
    LINLI_FUZZ_CHECK(r.events.size() <= (r.status == 200 ? 1u : 0u));
    for (const InboundEvent& ev : r.events) {
      check_event(ev);
      check_reply(adapter, ev);
    }
  } catch (const std::exception& e) {
    violated("exception escaped:", e.what(), __FILE__, __LINE__);
  }
  return 0;
}

}  // namespace linli::fuzz
