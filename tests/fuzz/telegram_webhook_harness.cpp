// Telegram: a webhook request whose body is anything, and a reply to each event it gives,
// rendered as an API call; then the same input as a text we send and as the API's answer.

#include <exception>
#include <string>

#include <nlohmann/json.hpp>

#include "adapters/telegram/telegram_adapter.hpp"
#include "adapters/telegram/telegram_config.hpp"
#include "tests/fuzz/checks.hpp"
#include "tests/fuzz/harnesses.hpp"

namespace linli::fuzz {
namespace {

using nlohmann::json;

constexpr const char* kToken = "7000000001:AAE-fuzz-token";
constexpr const char* kSecret = "fuzz-Secret_0123456789";
constexpr const char* kApiBase = "https://api.telegram.org";
constexpr std::int64_t kNow = 1'718'000'999'000;

AdapterConfig config() {
  AdapterConfig c;
  c.type = "telegram";
  c.name = "tg";
  c.webhook_path = "/telegram/tg";
  c.bot_username = "linli_bot";
  auto t = std::make_shared<TelegramConfig>();
  t->token = kToken;
  t->secret_token = kSecret;
  t->username = "linli_bot";
  t->api_base = kApiBase;
  c.settings = t;
  return c;
}

// The request the first byte asks for (harnesses.hpp).
struct Shape {
  std::string secret = kSecret;  // "" sends no header
  bool right_secret = true;
  std::string method = "POST";
};

Shape shape_of(std::uint8_t byte) {
  Shape s;
  switch (byte & 0x0F) {
    case 0:
      s.secret.clear();
      s.right_secret = false;
      break;
    case 1:
      s.secret.back() = 'X';
      s.right_secret = false;
      break;
    case 2:
      s.secret.pop_back();
      s.right_secret = false;
      break;
    case 4:
      s.method = "GET";
      break;
    default:
      break;
  }
  return s;
}

void check_event(const InboundEvent& ev) {
  LINLI_FUZZ_CHECK(ev.adapter == "tg");
  LINLI_FUZZ_CHECK(is_integer(ev.event_id));
  LINLI_FUZZ_CHECK(is_integer(ev.user));
  LINLI_FUZZ_CHECK(is_integer(ev.chat));
  LINLI_FUZZ_CHECK(ev.thread.empty() || is_integer(ev.thread));
  LINLI_FUZZ_CHECK(ev.reply_to.empty() || is_integer(ev.reply_to));
  if (!ev.callback_id.empty()) {  // a button press
    LINLI_FUZZ_CHECK(!ev.button.empty());
    LINLI_FUZZ_CHECK(is_integer(ev.reply_to));
    LINLI_FUZZ_CHECK(ev.message_id.empty() && ev.text.empty() && ev.command.empty());
    LINLI_FUZZ_CHECK(ev.at_ms == kNow);
  } else {  // a message
    LINLI_FUZZ_CHECK(ev.button.empty());
    LINLI_FUZZ_CHECK(is_integer(ev.message_id));
    LINLI_FUZZ_CHECK(!ev.text.empty());
    LINLI_FUZZ_CHECK(ev.at_ms >= 0);
  }
  if (!ev.command.empty()) {
    LINLI_FUZZ_CHECK(!ev.addressed_to_other_bot);
    LINLI_FUZZ_CHECK(ev.command.find('@') == std::string::npos);
    LINLI_FUZZ_CHECK(ev.text.find("/" + ev.command) != std::string::npos);
    LINLI_FUZZ_CHECK(is_trimmed(ev.command_args));
  } else {
    LINLI_FUZZ_CHECK(ev.command_args.empty());
  }
}

// The text Telegram would show: at most `max_units` UTF-16 code units.
void check_text(const json& body, const char* key, std::size_t max_units) {
  auto it = body.find(key);
  if (it == body.end()) return;
  LINLI_FUZZ_CHECK(it->is_string());
  LINLI_FUZZ_CHECK(utf16_units(it->get_ref<const std::string&>()) <= max_units);
}

json rendered(const ApiCall& call, const char* method) {
  LINLI_FUZZ_CHECK(call.method == "POST");
  LINLI_FUZZ_CHECK(call.url == std::string(kApiBase) + "/bot" + kToken + "/" + method);
  json body = json::parse(call.body, nullptr, /*allow_exceptions=*/false);
  LINLI_FUZZ_CHECK(body.is_object());
  if (auto markup = body.find("reply_markup"); markup != body.end()) {
    for (const json& row : markup->at("inline_keyboard")) {
      LINLI_FUZZ_CHECK(!row.empty());
      for (const json& button : row) {
        std::size_t n = button.at("callback_data").get_ref<const std::string&>().size();
        LINLI_FUZZ_CHECK(n >= 1 && n <= TelegramAdapter::kMaxCallbackBytes);
      }
    }
  }
  return body;
}

// Our reply to `ev`, as the outbox sender would deliver it.
void check_reply(const TelegramAdapter& adapter, const InboundEvent& ev) {
  OutboundMessage m;
  m.adapter = ev.adapter;
  m.chat = ev.chat;
  m.thread = ev.thread;
  m.private_chat = ev.chat_kind == ChatKind::private_chat;
  m.text = ev.text.empty() ? ev.button : ev.text;
  m.reply_to = ev.message_id;
  m.buttons = {{{ev.user_name, ev.button.empty() ? ev.text : ev.button}, {"ok", "t:1:take"}}};
  m.mentions = {ev.user};
  json send = rendered(adapter.render(m, ""), "sendMessage");
  check_text(send, "text", TelegramAdapter::kMaxTextUnits);
  if (utf16_units(m.text) <= TelegramAdapter::kMaxTextUnits) {
    LINLI_FUZZ_CHECK(send.at("text") == m.text);
  }
  LINLI_FUZZ_CHECK(send.at("chat_id").dump() == ev.chat);

  m.kind = OutKind::edit;
  json edit = rendered(adapter.render(m, ev.reply_to.empty() ? ev.message_id : ev.reply_to),
                       "editMessageText");
  check_text(edit, "text", TelegramAdapter::kMaxTextUnits);

  m.kind = OutKind::answer_callback;
  m.callback_id = ev.callback_id;
  json answer = rendered(adapter.render(m, ""), "answerCallbackQuery");
  LINLI_FUZZ_CHECK(answer.at("callback_query_id") == ev.callback_id);
  check_text(answer, "text", TelegramAdapter::kMaxAnswerUnits);
}

// Whatever the input, it is also a text we send (its bytes as they are, not always UTF-8) and an
// answer of the Bot API (a JSON error, a proxy's page, anything).
void check_send(const TelegramAdapter& adapter, std::string_view raw) {
  OutboundMessage m;
  m.adapter = "tg";
  m.chat = "-1001234567890";
  m.text = raw;
  // Button data are routes our dialogs write ("t:12:take"), never text from outside.
  m.buttons = {{{std::string(raw), "t:12:take"}}};
  // An edit's text is cut as a message's is (check_reply renders edits).
  json send = rendered(adapter.render(m, ""), "sendMessage");
  check_text(send, "text", TelegramAdapter::kMaxTextUnits);
  // Past a limit, which every method cuts the same way: the answer's is the cheapest to reach.
  m.kind = OutKind::answer_callback;
  while (!raw.empty() && m.text.size() <= 4 * TelegramAdapter::kMaxAnswerUnits) m.text += raw;
  check_text(rendered(adapter.render(m, ""), "answerCallbackQuery"), "text",
             TelegramAdapter::kMaxAnswerUnits);

  struct Case {
    int status;
    OutKind kind;
    bool private_chat;
  };
  // Each branch of interpret once: the parse of the answer is the same in all of them.
  constexpr Case kCases[] = {{0, OutKind::send, false},   {200, OutKind::send, false},
                             {302, OutKind::send, false}, {400, OutKind::edit, false},
                             {403, OutKind::send, true},  {429, OutKind::send, false},
                             {500, OutKind::edit, false}};
  for (const Case& c : kCases) {
    m.kind = c.kind;
    m.private_chat = c.private_chat;
    ApiResponse r{c.status, std::string(raw), std::string(raw.substr(0, 16)), std::string(raw)};
    SendResult s = adapter.interpret(m, r);
    LINLI_FUZZ_CHECK(s.error.find(kToken) == std::string::npos);
    LINLI_FUZZ_CHECK(s.platform_id.empty() || is_integer(s.platform_id));
    LINLI_FUZZ_CHECK(s.migrated_chat.empty() || is_integer(s.migrated_chat));
    LINLI_FUZZ_CHECK(s.retry_after_ms >= 0 && s.retry_after_ms <= 24 * 3600 * 1000);
    if (c.status == 0 || c.status >= 500) LINLI_FUZZ_CHECK(s.status == SendStatus::transient);
    if (c.status == 429) LINLI_FUZZ_CHECK(s.status == SendStatus::retry_later);
    if (c.status == 403) {
      LINLI_FUZZ_CHECK(s.status == (c.private_chat ? SendStatus::forbidden : SendStatus::rejected));
    }
    if (s.status != SendStatus::ok) LINLI_FUZZ_CHECK(!s.error.empty());
  }
}

}  // namespace

int fuzz_telegram_webhook(const std::uint8_t* data, std::size_t size) {
  try {
    std::uint8_t shape_byte = size > 0 ? data[0] : 'S';
    std::string_view body =
        size > 0 ? std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1) : "";
    Shape shape = shape_of(shape_byte);
    HttpRequest req;
    req.method = shape.method;
    req.target = req.path = "/telegram/tg";
    req.headers.emplace_back("content-type", "application/json");
    if (!shape.secret.empty())
      req.headers.emplace_back("x-telegram-bot-api-secret-token", shape.secret);
    req.body = std::string(body);
    TelegramAdapter adapter(config());
    WebhookResult r = adapter.on_webhook(req, kNow);

    check_send(adapter, body);

    // Without the secret, nothing is read, whatever the method or body.
    if (!shape.right_secret) {
      LINLI_FUZZ_CHECK(r.status == 401 && r.events.empty());
      return 0;
    }
    if (shape.method != "POST") {
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
