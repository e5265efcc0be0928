#include "tests/support/fake_telegram.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <condition_variable>
#include <deque>
#include <limits>
#include <list>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "adapters/http_types.hpp"

// Answers follow the Bot API reference (core.telegram.org/bots/api) and the official server
// (github.com/tdlib/telegram-bot-api): 401 "Unauthorized" for a bad token, 404 "Not Found" for
// an unknown method, {"ok":false,"error_code":N,"description":...} for errors, a Retry-After
// header on 429, method names matched without case.

namespace linli::test {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using nlohmann::json;
using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

namespace {

constexpr std::size_t kBodyLimit = 1 << 20;
constexpr std::size_t kHeaderLimit = 16 * 1024;
constexpr std::size_t kMaxConnections = 256;
constexpr std::size_t kMaxCalls = 100'000;  // recorded; and messages kept per chat
constexpr auto kIdleTimeout = 30s;
constexpr auto kIoTimeout = 10s;
constexpr std::chrono::milliseconds kMaxDelay = 60s;
constexpr std::chrono::milliseconds kMaxWait = 60s;
constexpr std::size_t kMaxTextUnits = 4096;    // sendMessage / editMessageText text
constexpr std::size_t kMaxAnswerUnits = 200;   // answerCallbackQuery text
constexpr std::size_t kMaxCallbackBytes = 64;  // InlineKeyboardButton.callback_data

constexpr const char* kCantInitiate = "Forbidden: bot can't initiate conversation with a user";
constexpr const char* kNotModified =
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message";
// What the proxy in front of api.telegram.org answers when the Bot API server is down.
constexpr const char* kBadGatewayPage =
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n"
    "</html>\r\n";

constexpr std::array<const char*, 8> kMethods = {
    "getMe",       "setWebhook",      "deleteWebhook",       "getWebhookInfo",
    "sendMessage", "editMessageText", "answerCallbackQuery", "deleteMessage"};

// One answer. status -1: close the connection instead.
struct Reply {
  int status = 200;
  json body;
  std::string raw;  // sent instead of `body` when set
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};

Reply ok(json result) {
  Reply r;
  r.body = {{"ok", true}, {"result", std::move(result)}};
  return r;
}

Reply error(int status, std::string description) {
  Reply r;
  r.status = status;
  r.body = {{"ok", false}, {"error_code", status}, {"description", std::move(description)}};
  return r;
}

Reply bad_request(const std::string& what) {
  return error(400, "Bad Request: " + what);
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

// Telegram counts text length in UTF-16 code units: a 4-byte UTF-8 sequence is two.
std::size_t utf16_units(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) n += c >= 0xF0 ? 2 : 1;
  }
  return n;
}

bool blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
  });
}

std::optional<std::int64_t> parse_int(std::string_view s) {
  std::int64_t v = 0;
  if (s.empty()) return std::nullopt;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// Parameters as Telegram reads them: numbers may come as strings (form fields always do), and
// objects as JSON-serialized strings.
std::optional<std::int64_t> int_param(const json& p, const char* key) {
  auto it = p.find(key);
  if (it == p.end()) return std::nullopt;
  if (it->is_number_unsigned()) {
    auto u = it->get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      return std::nullopt;
    return static_cast<std::int64_t>(u);
  }
  if (it->is_number_integer()) return it->get<std::int64_t>();
  if (it->is_string()) return parse_int(it->get_ref<const std::string&>());
  return std::nullopt;
}

std::optional<std::string> string_param(const json& p, const char* key) {
  auto it = p.find(key);
  if (it == p.end()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return it->dump();
  return std::nullopt;
}

// An object or array parameter; null when absent or unreadable.
json structured_param(const json& p, const char* key) {
  auto it = p.find(key);
  if (it == p.end()) return nullptr;
  if (it->is_string()) {
    json v = json::parse(it->get_ref<const std::string&>(), nullptr, false);
    return v.is_discarded() ? json("unreadable") : v;
  }
  return *it;
}

void add_form_fields(json& params, std::string_view s) {
  while (!s.empty()) {
    auto amp = s.find('&');
    std::string_view pair = s.substr(0, amp);
    auto eq = pair.find('=');
    std::string key = percent_decode(pair.substr(0, eq));
    if (!key.empty()) {
      params[key] =
          eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    s.remove_prefix(amp + 1);
  }
}

bool valid_secret(std::string_view s) {
  return !s.empty() && s.size() <= 256 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

TelegramFault TelegramFault::too_many_requests(std::string method, int retry_after_s, int times) {
  TelegramFault f;
  f.method = std::move(method);
  f.status = 429;
  f.retry_after_s = retry_after_s;
  f.times = times;
  return f;
}

TelegramFault TelegramFault::server_error(std::string method, int status, int times) {
  TelegramFault f;
  f.method = std::move(method);
  f.status = status;
  f.times = times;
  return f;
}

TelegramFault TelegramFault::forbidden(std::string method, int times, std::string description) {
  TelegramFault f;
  f.method = std::move(method);
  f.status = 403;
  f.description = std::move(description);
  f.times = times;
  return f;
}

TelegramFault TelegramFault::bad_request(std::string method, std::string description, int times) {
  TelegramFault f;
  f.method = std::move(method);
  f.status = 400;
  f.description = std::move(description);
  f.times = times;
  return f;
}

TelegramFault TelegramFault::slow(std::string method, std::chrono::milliseconds delay, int times) {
  TelegramFault f;
  f.method = std::move(method);
  f.delay = delay;
  f.times = times;
  return f;
}

TelegramFault TelegramFault::disconnect(std::string method, int times) {
  TelegramFault f;
  f.method = std::move(method);
  f.status = -1;
  f.times = times;
  return f;
}

TelegramFault TelegramFault::in_chat(std::int64_t chat) const {
  TelegramFault f = *this;
  f.chat_id = chat;
  return f;
}

TelegramFault TelegramFault::after(std::chrono::milliseconds wait) const {
  TelegramFault f = *this;
  f.delay = wait;
  return f;
}

struct FakeTelegram::Impl {
  Impl(std::string t, std::string u, std::int64_t id)
      : token(std::move(t)), username(std::move(u)), bot_id(id) {}

  // A request read and routed: answered at once, or after its fault's delay.
  struct Routed {
    std::string method;
    json params = json::object();
    Steady::time_point at;
    std::optional<Reply> early;  // 401, 404, unreadable parameters
    std::optional<TelegramFault> fault;
  };

  net::awaitable<void> accept_loop();
  net::awaitable<void> session(tcp::socket socket);
  void stop();

  Routed route(const http::request<http::string_body>& req);
  Reply answer(const Routed& r);
  // The rest run under `mu`.
  Reply perform(const std::string& method, const json& p);
  Reply fault_reply(const TelegramFault& f) const;
  Reply set_webhook(const json& p);
  Reply get_webhook_info() const;
  std::optional<Reply> moved(std::int64_t chat) const;
  Reply send_message(const json& p);
  Reply edit_message_text(const json& p);
  Reply answer_callback_query(const json& p);
  Reply delete_message(const json& p);
  // A 429 when `r` would go beyond the limits; else nothing, and `r` is not counted yet.
  std::optional<Reply> over_limits(const Routed& r);
  void count_sent(const Routed& r);
  std::optional<Reply> read_markup(const json& p, json& markup) const;
  TelegramMessage* find(std::int64_t chat, std::int64_t id);
  json bot_user() const;
  json chat_json(std::int64_t id) const;
  json message_json(const TelegramMessage& m) const;
  void record(TelegramCall call);
  void hold(bool held_back);

  // Set in the constructor, read-only afterwards.
  const std::string token;
  const std::string username;
  const std::int64_t bot_id;
  net::io_context io{1};
  tcp::acceptor acceptor{io};
  std::uint16_t port = 0;
  std::thread thread;

  // The server thread's alone.
  struct Conn {
    beast::tcp_stream* stream;
    net::steady_timer* timer;
  };
  std::list<Conn> conns;
  bool stopping = false;

  // Shared with the tests' threads, under `mu`.
  mutable std::mutex mu;
  mutable std::condition_variable changed;
  std::uint64_t generation = 0;  // one more per answered call, and per call held or let go
  std::size_t held = 0;          // calls waiting out a fault's delay
  std::deque<TelegramCall> calls;
  std::map<std::int64_t, std::vector<TelegramMessage>> chats;
  std::map<std::int64_t, std::int64_t> last_id;  // per chat
  std::vector<TelegramFault> faults;
  std::set<std::int64_t> blocked;
  std::map<std::int64_t, std::int64_t> migrated;  // group -> the supergroup it became
  std::string webhook_url;
  std::string webhook_secret;
  json webhook_allowed_updates = json::array();
  std::optional<TelegramLimits> limits;
  std::deque<Steady::time_point> sent;                             // in the global window
  std::map<std::int64_t, std::deque<Steady::time_point>> sent_to;  // per group, the last minute
  std::size_t limited = 0;
  std::int64_t webhook_max_connections = 40;
};

// ---- The server: one coroutine accepting, one per connection (STYLE 2). ----

net::awaitable<void> FakeTelegram::Impl::accept_loop() {
  for (;;) {
    beast::error_code ec;
    tcp::socket socket =
        co_await acceptor.async_accept(net::redirect_error(net::use_awaitable, ec));
    if (stopping || ec == net::error::operation_aborted) co_return;
    if (ec) {  // out of descriptors, say: wait instead of spinning
      net::steady_timer pause(io, 50ms);
      co_await pause.async_wait(net::redirect_error(net::use_awaitable, ec));
      continue;
    }
    if (conns.size() >= kMaxConnections) {
      socket.close(ec);
      continue;
    }
    net::co_spawn(io, session(std::move(socket)), net::detached);
  }
}

net::awaitable<void> FakeTelegram::Impl::session(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  net::steady_timer timer(io);
  auto self = conns.insert(conns.end(), Conn{&stream, &timer});
  beast::flat_buffer buffer;
  beast::error_code ec;
  // `stopping` is checked after every wait: stop() cancels what is pending, but an operation
  // that had already completed resumes us normally.
  while (!stopping) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(kHeaderLimit);
    parser.body_limit(kBodyLimit);
    stream.expires_after(kIdleTimeout);
    co_await http::async_read(stream, buffer, parser, net::redirect_error(net::use_awaitable, ec));
    if (ec || stopping) break;
    const auto& req = parser.get();
    Routed routed = route(req);
    if (routed.fault && routed.fault->delay > 0ms) {
      // A timer of this session's own: the other connections are answered meanwhile.
      hold(true);
      timer.expires_after(std::min(routed.fault->delay, kMaxDelay));
      co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
      hold(false);
      if (stopping) break;
    }
    Reply reply = answer(routed);
    if (reply.status < 0) break;  // the fault drops the connection
    http::response<http::string_body> res{static_cast<http::status>(reply.status), req.version()};
    res.set(http::field::server, "fake-telegram");
    res.set(http::field::content_type, reply.content_type);
    for (const auto& [name, value] : reply.headers) res.set(name, value);
    res.body() = reply.raw.empty() ? reply.body.dump(-1, ' ', false, json::error_handler_t::replace)
                                   : reply.raw;
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    stream.expires_after(kIoTimeout);
    co_await http::async_write(stream, res, net::redirect_error(net::use_awaitable, ec));
    if (ec || !res.keep_alive()) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream.close();
  conns.erase(self);
}

void FakeTelegram::Impl::stop() {
  stopping = true;
  beast::error_code ec;
  acceptor.close(ec);
  for (auto& c : conns) {
    c.stream->cancel();
    c.timer->cancel();
  }
}

// ---- Routing: path, token, method, parameters, fault. ----

FakeTelegram::Impl::Routed FakeTelegram::Impl::route(const http::request<http::string_body>& req) {
  Routed r;
  r.at = Steady::now();
  std::string_view target = req.target();
  auto q = target.find('?');
  std::string_view path = target.substr(0, q);
  std::string_view query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);

  // "/bot<token>/<method>"
  auto slash = path.find('/', 4);
  if (path.substr(0, 4) != "/bot" || slash == std::string_view::npos) {
    r.method = std::string(path);
    r.early = error(404, "Not Found");
    return r;
  }
  std::string_view token_seen = path.substr(4, slash - 4);
  std::string_view method = path.substr(slash + 1);
  r.method = std::string(method);
  for (const char* m : kMethods) {
    if (lower(m) == lower(method)) r.method = m;
  }
  if (token_seen != token) {
    r.early = error(401, "Unauthorized");
    return r;
  }
  if (std::find(kMethods.begin(), kMethods.end(), r.method) == kMethods.end()) {
    r.early = error(404, "Not Found");
    return r;
  }

  add_form_fields(r.params, query);
  std::string content_type = lower(req[http::field::content_type]);
  if (content_type.rfind("application/x-www-form-urlencoded", 0) == 0) {
    add_form_fields(r.params, req.body());
  } else if (!blank(req.body())) {
    json body = json::parse(req.body(), nullptr, /*allow_exceptions=*/false);
    if (!body.is_object()) {
      r.early = bad_request("can't parse JSON object");
      return r;
    }
    for (auto& [key, value] : body.items()) r.params[key] = value;
  }

  auto chat = int_param(r.params, "chat_id");
  std::lock_guard lock(mu);
  for (auto it = faults.begin(); it != faults.end(); ++it) {
    if (it->method != r.method || (it->chat_id && it->chat_id != chat)) continue;
    r.fault = *it;
    if (--it->times <= 0) faults.erase(it);
    break;
  }
  return r;
}

Reply FakeTelegram::Impl::answer(const Routed& r) {
  std::lock_guard lock(mu);
  Reply reply;
  if (r.early) {
    reply = *r.early;
  } else if (r.fault && r.fault->status != 0) {
    reply = fault_reply(*r.fault);
  } else if (auto over = over_limits(r)) {
    reply = *over;
  } else {
    try {
      reply = perform(r.method, r.params);
    } catch (const std::exception&) {
      reply = error(500, "Internal Server Error");  // a bug of the fake: let the test see it
    }
    if (reply.status == 200) count_sent(r);
  }
  record(TelegramCall{r.method, r.params, std::max(reply.status, 0), r.at});
  return reply;
}

void FakeTelegram::Impl::record(TelegramCall call) {
  calls.push_back(std::move(call));
  if (calls.size() > kMaxCalls) calls.pop_front();
  ++generation;
  changed.notify_all();
}

void FakeTelegram::Impl::hold(bool held_back) {
  std::lock_guard lock(mu);
  held = held_back ? held + 1 : held - 1;
  ++generation;
  changed.notify_all();
}

Reply FakeTelegram::Impl::fault_reply(const TelegramFault& f) const {
  switch (f.status) {
    case -1: {
      Reply r;
      r.status = -1;
      return r;
    }
    case 429: {
      std::string n = std::to_string(f.retry_after_s);
      Reply r = error(429, "Too Many Requests: retry after " + n);
      r.body["parameters"] = {{"retry_after", f.retry_after_s}};
      r.headers.emplace_back("Retry-After", n);
      return r;
    }
    case 502: {
      Reply r;
      r.status = 502;
      r.content_type = "text/html";
      r.raw = kBadGatewayPage;
      return r;
    }
    default:
      break;
  }
  std::string description = f.description;
  if (description.empty()) {
    description = f.status == 400   ? "Bad Request"
                  : f.status == 403 ? kCantInitiate
                  : f.status == 500 ? "Internal Server Error"
                                    : "Error";
  }
  return error(f.status, description);
}

// ---- Telegram's limits. ----

namespace {
bool limited_method(const std::string& method) {
  return method == "sendMessage" || method == "editMessageText";
}
}  // namespace

std::optional<Reply> FakeTelegram::Impl::over_limits(const Routed& r) {
  if (!limits || !limited_method(r.method)) return std::nullopt;
  auto chat = int_param(r.params, "chat_id");
  auto drop_before = [](std::deque<Steady::time_point>& q, Steady::time_point t) {
    while (!q.empty() && q.front() <= t) q.pop_front();
  };
  drop_before(sent, r.at - limits->global_window);
  // The time at which the window has room again.
  std::optional<Steady::time_point> room;
  if (static_cast<int>(sent.size()) >= limits->global_per_s) {
    room =
        sent[sent.size() - static_cast<std::size_t>(limits->global_per_s)] + limits->global_window;
  }
  if (chat && *chat < 0) {
    auto it = sent_to.find(*chat);
    if (it != sent_to.end()) {
      drop_before(it->second, r.at - 60s);
      if (static_cast<int>(it->second.size()) >= limits->per_group_per_min) {
        auto t =
            it->second[it->second.size() - static_cast<std::size_t>(limits->per_group_per_min)] +
            60s;
        room = room ? std::max(*room, t) : t;
      }
    }
  }
  if (!room) return std::nullopt;
  ++limited;
  // Whole seconds, as Telegram gives them, and at least one.
  auto wait = std::chrono::ceil<std::chrono::seconds>(*room - r.at).count();
  return fault_reply(TelegramFault::too_many_requests(
      r.method, static_cast<int>(std::max<std::int64_t>(1, wait))));
}

void FakeTelegram::Impl::count_sent(const Routed& r) {
  if (!limits || !limited_method(r.method)) return;
  sent.push_back(r.at);
  auto chat = int_param(r.params, "chat_id");
  if (chat && *chat < 0) sent_to[*chat].push_back(r.at);
}

// ---- The methods. ----

Reply FakeTelegram::Impl::perform(const std::string& method, const json& p) {
  if (method == "getMe") {
    json me = bot_user();
    me["can_join_groups"] = true;
    me["can_read_all_group_messages"] = false;
    me["supports_inline_queries"] = false;
    return ok(me);
  }
  if (method == "setWebhook") return set_webhook(p);
  if (method == "deleteWebhook") {
    webhook_url.clear();
    webhook_secret.clear();
    Reply r = ok(true);
    r.body["description"] = "Webhook was deleted";
    return r;
  }
  if (method == "getWebhookInfo") return get_webhook_info();
  if (method == "sendMessage") return send_message(p);
  if (method == "editMessageText") return edit_message_text(p);
  if (method == "answerCallbackQuery") return answer_callback_query(p);
  if (method == "deleteMessage") return delete_message(p);
  return error(404, "Not Found");
}

Reply FakeTelegram::Impl::set_webhook(const json& p) {
  std::string url = string_param(p, "url").value_or("");
  if (!url.empty() && url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) {
    return bad_request("bad webhook: HTTPS url must be provided for webhook");
  }
  auto secret = string_param(p, "secret_token");
  if (secret && !valid_secret(*secret)) {
    return bad_request("secret token contains unallowed characters");
  }
  json allowed = structured_param(p, "allowed_updates");
  if (!allowed.is_null() && !allowed.is_array()) {
    return bad_request("can't parse allowed updates: expected an Array");
  }
  webhook_url = url;
  webhook_secret = url.empty() ? "" : secret.value_or("");
  if (allowed.is_array()) webhook_allowed_updates = allowed;
  if (auto n = int_param(p, "max_connections")) {
    webhook_max_connections = std::clamp<std::int64_t>(*n, 1, 100);
  }
  Reply r = ok(true);
  r.body["description"] = url.empty() ? "Webhook was deleted" : "Webhook was set";
  return r;
}

Reply FakeTelegram::Impl::get_webhook_info() const {
  json info = {
      {"url", webhook_url}, {"has_custom_certificate", false}, {"pending_update_count", 0}};
  if (!webhook_url.empty()) {
    info["max_connections"] = webhook_max_connections;
    if (!webhook_allowed_updates.empty()) info["allowed_updates"] = webhook_allowed_updates;
  }
  return ok(info);
}

// Reads reply_markup into `markup` (null: no buttons); an error reply when Telegram refuses it.
std::optional<Reply> FakeTelegram::Impl::read_markup(const json& p, json& markup) const {
  markup = nullptr;
  json m = structured_param(p, "reply_markup");
  if (m.is_null()) return std::nullopt;
  if (!m.is_object()) return bad_request("can't parse reply keyboard markup JSON object");
  auto kb = m.find("inline_keyboard");
  if (kb == m.end()) return std::nullopt;  // a reply keyboard: nothing shown on the message
  if (!kb->is_array()) return bad_request("field \"inline_keyboard\" must be of type Array");
  bool any = false;
  for (const json& row : *kb) {
    if (!row.is_array()) return bad_request("field \"inline_keyboard\" must be of type Array");
    for (const json& b : row) {
      auto text = b.is_object() ? b.find("text") : b.end();
      if (!b.is_object() || text == b.end() || !text->is_string()) {
        return bad_request(
            "can't parse inline keyboard button: Field \"text\" must be of type String");
      }
      auto data = b.find("callback_data");
      if (data != b.end()) {
        if (!data->is_string() || data->get_ref<const std::string&>().empty() ||
            data->get_ref<const std::string&>().size() > kMaxCallbackBytes) {
          return bad_request("BUTTON_DATA_INVALID");
        }
      } else if (!b.contains("url")) {
        return bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline "
            "keyboard");
      }
      any = true;
    }
  }
  if (any) markup = {{"inline_keyboard", *kb}};
  return std::nullopt;
}

TelegramMessage* FakeTelegram::Impl::find(std::int64_t chat, std::int64_t id) {
  auto c = chats.find(chat);
  if (c == chats.end()) return nullptr;
  for (auto& m : c->second) {
    if (m.message_id == id) return &m;
  }
  return nullptr;
}

// A group upgraded to a supergroup answers every call with the supergroup's id.
std::optional<Reply> FakeTelegram::Impl::moved(std::int64_t chat) const {
  auto it = migrated.find(chat);
  if (it == migrated.end()) return std::nullopt;
  Reply r = bad_request("group chat was upgraded to a supergroup chat");
  r.body["parameters"] = {{"migrate_to_chat_id", it->second}};
  return r;
}

Reply FakeTelegram::Impl::send_message(const json& p) {
  auto chat = int_param(p, "chat_id");
  if (!chat) return bad_request("chat not found");
  if (auto r = moved(*chat)) return *r;
  std::string text = string_param(p, "text").value_or("");
  if (blank(text)) return bad_request("message text is empty");
  if (utf16_units(text) > kMaxTextUnits) return bad_request("message is too long");
  if (*chat > 0 && blocked.count(*chat)) return error(403, kCantInitiate);
  TelegramMessage m;
  if (auto e = read_markup(p, m.reply_markup)) return *e;
  m.chat_id = *chat;
  m.text = text;
  m.thread_id = int_param(p, "message_thread_id").value_or(0);
  m.date = unix_now();
  std::optional<std::int64_t> reply_to = int_param(p, "reply_to_message_id");
  json rp = structured_param(p, "reply_parameters");
  if (rp.is_object()) reply_to = int_param(rp, "message_id");
  // The fake sees only the bot's messages, not people's, so any positive id is taken to exist.
  if (reply_to && *reply_to > 0) m.reply_to = *reply_to;
  m.message_id = ++last_id[*chat];
  auto& shown = chats[*chat];
  shown.push_back(m);
  if (shown.size() > kMaxCalls) shown.erase(shown.begin());
  return ok(message_json(m));
}

Reply FakeTelegram::Impl::edit_message_text(const json& p) {
  auto chat = int_param(p, "chat_id");
  if (!chat) {
    return bad_request(p.contains("inline_message_id") ? "message to edit not found"
                                                       : "chat not found");
  }
  if (auto r = moved(*chat)) return *r;
  std::string text = string_param(p, "text").value_or("");
  if (blank(text)) return bad_request("message text is empty");
  if (utf16_units(text) > kMaxTextUnits) return bad_request("message is too long");
  json markup;
  if (auto e = read_markup(p, markup)) return *e;
  auto id = int_param(p, "message_id");
  TelegramMessage* m = id ? find(*chat, *id) : nullptr;
  if (!m) return bad_request("message to edit not found");
  // Without reply_markup an edit takes the buttons away, as Telegram's does.
  if (m->text == text && m->reply_markup == markup) return error(400, kNotModified);
  m->text = text;
  m->reply_markup = markup;
  ++m->edits;
  json result = message_json(*m);
  result["edit_date"] = unix_now();
  return ok(result);
}

Reply FakeTelegram::Impl::answer_callback_query(const json& p) {
  auto id = string_param(p, "callback_query_id");
  if (!id || id->empty()) return bad_request("parameter \"callback_query_id\" is required");
  auto text = string_param(p, "text");
  if (text && utf16_units(*text) > kMaxAnswerUnits) return bad_request("MESSAGE_TOO_LONG");
  return ok(true);
}

Reply FakeTelegram::Impl::delete_message(const json& p) {
  auto chat = int_param(p, "chat_id");
  if (!chat) return bad_request("chat not found");
  auto id = int_param(p, "message_id");
  auto c = chats.find(*chat);
  if (!id || c == chats.end()) return bad_request("message to delete not found");
  auto& list = c->second;
  auto it = std::find_if(list.begin(), list.end(),
                         [&](const TelegramMessage& m) { return m.message_id == *id; });
  if (it == list.end()) return bad_request("message to delete not found");
  list.erase(it);
  return ok(true);
}

json FakeTelegram::Impl::bot_user() const {
  return {{"id", bot_id}, {"is_bot", true}, {"first_name", "Linli"}, {"username", username}};
}

json FakeTelegram::Impl::chat_json(std::int64_t id) const {
  return {{"id", id}, {"type", id > 0 ? "private" : "supergroup"}};
}

json FakeTelegram::Impl::message_json(const TelegramMessage& m) const {
  json j = {{"message_id", m.message_id},
            {"from", bot_user()},
            {"chat", chat_json(m.chat_id)},
            {"date", m.date},
            {"text", m.text}};
  if (m.thread_id != 0) {
    j["message_thread_id"] = m.thread_id;
    j["is_topic_message"] = true;
  }
  if (m.reply_to != 0) {
    j["reply_to_message"] = {
        {"message_id", m.reply_to}, {"chat", chat_json(m.chat_id)}, {"date", m.date}};
  }
  if (!m.reply_markup.is_null()) j["reply_markup"] = m.reply_markup;
  return j;
}

// ---- The public face. ----

FakeTelegram::FakeTelegram(std::string token, std::string bot_username, std::int64_t bot_id)
    : impl_(std::make_unique<Impl>(std::move(token), std::move(bot_username), bot_id)) {
  auto& a = impl_->acceptor;
  tcp::endpoint ep(net::ip::make_address("127.0.0.1"), 0);
  a.open(ep.protocol());
  a.bind(ep);
  a.listen(net::socket_base::max_listen_connections);
  impl_->port = a.local_endpoint().port();
  net::co_spawn(impl_->io, impl_->accept_loop(), net::detached);
  impl_->thread = std::thread([impl = impl_.get()] { impl->io.run(); });
}

FakeTelegram::~FakeTelegram() {
  // Graceful: every coroutine ends, so io.run() returns and nothing is left half-done.
  net::post(impl_->io, [impl = impl_.get()] { impl->stop(); });
  impl_->thread.join();
}

std::string FakeTelegram::base_url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port);
}

std::uint16_t FakeTelegram::port() const {
  return impl_->port;
}

const std::string& FakeTelegram::token() const {
  return impl_->token;
}

const std::string& FakeTelegram::bot_username() const {
  return impl_->username;
}

std::int64_t FakeTelegram::bot_id() const {
  return impl_->bot_id;
}

std::vector<TelegramCall> FakeTelegram::calls() const {
  std::lock_guard lock(impl_->mu);
  return {impl_->calls.begin(), impl_->calls.end()};
}

std::vector<TelegramCall> FakeTelegram::calls(const std::string& method) const {
  std::lock_guard lock(impl_->mu);
  std::vector<TelegramCall> out;
  for (const auto& c : impl_->calls) {
    if (c.method == method) out.push_back(c);
  }
  return out;
}

std::vector<TelegramMessage> FakeTelegram::messages(std::int64_t chat_id) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->chats.find(chat_id);
  return it == impl_->chats.end() ? std::vector<TelegramMessage>{} : it->second;
}

std::size_t FakeTelegram::held() const {
  std::lock_guard lock(impl_->mu);
  return impl_->held;
}

std::string FakeTelegram::webhook_url() const {
  std::lock_guard lock(impl_->mu);
  return impl_->webhook_url;
}

std::string FakeTelegram::webhook_secret() const {
  std::lock_guard lock(impl_->mu);
  return impl_->webhook_secret;
}

bool FakeTelegram::wait_until(const std::function<bool(const FakeTelegram&)>& pred,
                              std::chrono::milliseconds timeout) const {
  auto deadline = Steady::now() + std::min(timeout, kMaxWait);
  std::unique_lock lock(impl_->mu);
  for (;;) {
    std::uint64_t seen = impl_->generation;
    // `pred` takes the lock itself through the accessors: never call it holding the lock.
    lock.unlock();
    if (pred(*this)) return true;
    lock.lock();
    if (!impl_->changed.wait_until(lock, deadline, [&] { return impl_->generation != seen; })) {
      lock.unlock();
      return pred(*this);
    }
  }
}

void FakeTelegram::add_fault(TelegramFault fault) {
  if (fault.times <= 0) return;
  std::lock_guard lock(impl_->mu);
  impl_->faults.push_back(std::move(fault));
}

void FakeTelegram::clear_faults() {
  std::lock_guard lock(impl_->mu);
  impl_->faults.clear();
}

void FakeTelegram::block_private(std::int64_t user_id) {
  std::lock_guard lock(impl_->mu);
  impl_->blocked.insert(user_id);
}

void FakeTelegram::open_private(std::int64_t user_id) {
  std::lock_guard lock(impl_->mu);
  impl_->blocked.erase(user_id);
}

void FakeTelegram::migrate_chat(std::int64_t group, std::int64_t supergroup) {
  std::lock_guard lock(impl_->mu);
  impl_->migrated[group] = supergroup;
}

void FakeTelegram::enforce_limits(TelegramLimits limits) {
  std::lock_guard lock(impl_->mu);
  impl_->limits = limits;
}

std::size_t FakeTelegram::rate_limited() const {
  std::lock_guard lock(impl_->mu);
  return impl_->limited;
}

}  // namespace linli::test
