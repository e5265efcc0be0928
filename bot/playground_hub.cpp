#include "bot/playground_hub.hpp"

#include <limits>
#include <list>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include "adapters/playground/playground_assets.hpp"
#include "adapters/playground/playground_config.hpp"
#include "bot/log.hpp"
#include "dialogs/catalogue.hpp"
#include "dialogs/vocabulary.hpp"

namespace linli {

namespace net = boost::asio;
using nlohmann::json;

namespace {

// A string member of the page's request; "" when it is absent or not a string.
std::string field(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

HttpResponse error(int status, const std::string& why) {
  return HttpResponse::json(status, json{{"ok", false}, {"error", why}}.dump());
}

HttpResponse asset(std::string_view body, const char* type) {
  HttpResponse r{200, type, std::string(body), {}};
  r.headers.emplace_back("Cache-Control", "no-cache");
  return r;
}

constexpr std::string_view kBotId = "bot";
constexpr std::string_view kBotName = "邻里 Linli";

// Who acts in which chat, read from a request of the page; `error` says what is wrong.
struct Actor {
  const PlaygroundPerson* who = nullptr;
  std::string chat;
  bool priv = false;
  std::string error;
};

}  // namespace

struct PlaygroundHub::Impl {
  Impl(net::io_context& io, const AdapterConfig& a, Store& s, storage::PlaygroundLogRepo& h,
       const Directory& d, const Clock& c)
      : io(io), adapter(a), store(s), history(h), dir(d), clock(c) {}

  const std::vector<PlaygroundPerson>& people() const {
    static const std::vector<PlaygroundPerson> kNobody;
    const auto* p = adapter.settings_as<PlaygroundConfig>();
    return p ? p->people : kNobody;
  }
  const PlaygroundPerson* person(const std::string& id) const {
    for (const auto& p : people()) {
      if (p.id == id) return &p;
    }
    return nullptr;
  }
  bool is_group(const std::string& chat) const { return dir.group(adapter.name, chat) != nullptr; }
  std::string role_of(const std::string& user);
  Actor actor(const json& j) const;
  json update(const Actor& a, const std::string& id) const;
  HttpResponse state();
  net::awaitable<HttpResponse> send(HttpRequest req);
  net::awaitable<HttpResponse> press(HttpRequest req);
  net::awaitable<HttpResponse> feed(HttpRequest& req);
  net::awaitable<HttpResponse> deliver(const json& update);
  void notify();

  net::io_context& io;
  const AdapterConfig& adapter;
  Store& store;
  storage::PlaygroundLogRepo& history;
  const Directory& dir;
  const Clock& clock;
  Webhook webhook;
  std::list<net::steady_timer*> waiters;  // long polls waiting for news
  std::uint64_t presses = 0;
  bool stopped = false;
};

std::string PlaygroundHub::Impl::role_of(const std::string& user) {
  auto p = store.people.find(adapter.name, user);
  if (!p) return "resident";
  if (!dir.coordinated_by(p->id).empty()) return "coordinator";
  if (auto v = store.volunteers.get(p->id)) {
    if (v->status == VolunteerStatus::approved) return "volunteer";
    if (v->status == VolunteerStatus::pending) return "pending";
  }
  return "resident";
}

HttpResponse PlaygroundHub::Impl::state() {
  json list = json::array();
  for (const auto& p : people()) {
    std::string building;
    if (auto known = store.people.find(adapter.name, p.id)) {
      if (auto v = store.volunteers.get(known->id)) building = v->building;
    }
    list.push_back({{"id", p.id},
                    {"name", p.name},
                    {"lang", p.lang},
                    {"role", role_of(p.id)},
                    {"building", building}});
  }
  json chats = json::array();
  std::string community;
  for (const auto* c : dir.communities()) {
    for (const auto* g : c->groups) {
      if (g->adapter != adapter.name) continue;
      if (community.empty()) community = c->name;
      chats.push_back({{"id", g->chat},
                       {"title", g->title.empty() ? g->chat : g->title},
                       {"kind", g->kind == GroupKind::residents ? "residents" : "volunteers"},
                       {"building", g->building}});
    }
  }
  json out = {{"adapter", adapter.name},
              {"bot", {{"id", kBotId}, {"name", kBotName}, {"username", adapter.bot_username}}},
              {"community", community},
              {"people", std::move(list)},
              {"chats", std::move(chats)},
              {"last", history.last_seq(adapter.name)}};
  return HttpResponse::json(200, out.dump());
}

// Posts an update to the adapter's webhook, in process, as the platform would over HTTP.
net::awaitable<HttpResponse> PlaygroundHub::Impl::deliver(const json& update) {
  HttpRequest req;
  req.method = "POST";
  req.target = req.path = adapter.webhook_path;
  req.headers.emplace_back("content-type", "application/json");
  req.body = update.dump();
  co_return co_await webhook(req);
}

Actor PlaygroundHub::Impl::actor(const json& j) const {
  Actor a;
  std::string user = field(j, "user");
  a.chat = field(j, "chat");
  a.who = person(user);
  a.priv = a.chat == user;
  if (a.who == nullptr) {
    a.error = "unknown person \"" + user + "\"";
  } else if (!a.priv && !is_group(a.chat)) {
    a.error = "unknown chat \"" + a.chat + "\"";
  }
  return a;
}

// An update as the playground platform sends it, without its message or press.
json PlaygroundHub::Impl::update(const Actor& a, const std::string& id) const {
  return json{{"update_id", id},
              {"chat", {{"id", a.chat}, {"type", a.priv ? "private" : "group"}}},
              {"from", {{"id", a.who->id}, {"name", a.who->name}, {"lang", a.who->lang}}}};
}

net::awaitable<HttpResponse> PlaygroundHub::Impl::send(HttpRequest req) {
  json j = json::parse(req.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) co_return error(400, "body must be a JSON object");
  Actor a = actor(j);
  if (!a.error.empty()) co_return error(400, a.error);
  std::string text = field(j, "text");
  std::string reply_to = field(j, "reply_to");
  if (text.empty()) co_return error(400, "text must not be empty");
  // A person can type past the platform's limit: told in their language, as Linli speaks.
  if (std::size_t n = utf8_length(text); n > adapter.capabilities.max_text) {
    auto p = store.people.find(adapter.name, a.who->id);
    Lang lang = lang_from_code(p ? p->lang : a.who->lang, Lang::zh);
    co_return error(400, say(lang, Msg::message_too_long,
                             {{"limit", std::to_string(adapter.capabilities.max_text)},
                              {"count", std::to_string(n)}}));
  }
  if (!reply_to.empty() && !history.has_message(adapter.name, a.chat, reply_to)) {
    co_return error(400, "no message " + reply_to + " in this chat");
  }
  json entry = {{"kind", "message"},
                {"at", clock.now_ms()},
                {"from", {{"id", a.who->id}, {"name", a.who->name}, {"bot", false}}},
                {"text", text},
                {"private", a.priv}};
  if (!reply_to.empty()) entry["reply_to"] = reply_to;
  std::int64_t seq = history.append_message(adapter.name, a.chat, entry.dump());
  notify();
  json u = update(a, "m" + std::to_string(seq));
  u["message"] = {{"id", std::to_string(seq)}, {"text", text}};
  if (!reply_to.empty()) u["message"]["reply_to"] = reply_to;
  HttpResponse r = co_await deliver(u);
  co_return HttpResponse::json(
      200, json{{"ok", r.status == 200}, {"message_id", std::to_string(seq)}, {"status", r.status}}
               .dump());
}

net::awaitable<HttpResponse> PlaygroundHub::Impl::press(HttpRequest req) {
  json j = json::parse(req.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) co_return error(400, "body must be a JSON object");
  Actor a = actor(j);
  if (!a.error.empty()) co_return error(400, a.error);
  std::string message_id = field(j, "message_id");
  std::string data = field(j, "data");
  if (data.empty() || !history.has_message(adapter.name, a.chat, message_id)) {
    co_return error(400, "no such message or button");
  }
  // The press id names who pressed, so the answer can be shown to them alone.
  std::string id =
      "p" + std::to_string(clock.now_ms()) + "-" + std::to_string(++presses) + "-" + a.who->id;
  json u = update(a, id);
  u["press"] = {{"id", id}, {"message_id", message_id}, {"data", data}};
  HttpResponse r = co_await deliver(u);
  co_return HttpResponse::json(200, json{{"ok", r.status == 200}, {"status", r.status}}.dump());
}

net::awaitable<HttpResponse> PlaygroundHub::Impl::feed(HttpRequest& req) {
  std::int64_t after = 0;
  int wait_s = 0;
  auto a = req.query_param("after");
  auto w = req.query_param("wait");
  using Int64 = std::numeric_limits<std::int64_t>;
  using Int = std::numeric_limits<int>;
  auto after_n = parse_number(std::string_view(a), Int64::min(), Int64::max());
  auto wait_n = parse_number(std::string_view(w), Int::min(), Int::max());
  if ((!a.empty() && !after_n) || (!w.empty() && !wait_n)) {
    co_return error(400, "after and wait must be numbers");
  }
  if (after_n) after = *after_n;
  if (wait_n) wait_s = std::clamp(*wait_n, 0, 25);
  auto entries = history.since(adapter.name, after, 500);
  if (entries.empty() && wait_s > 0 && !stopped) {
    net::steady_timer timer(io, std::chrono::seconds(wait_s));
    auto self = waiters.insert(waiters.end(), &timer);
    boost::system::error_code ec;
    co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
    waiters.erase(self);
    entries = history.since(adapter.name, after, 500);
  }
  // Entries are stored as JSON objects; the feed adds where and when they belong.
  std::string body = "{\"entries\":[";
  std::int64_t last = after;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    if (i) body += ',';
    body += "{\"seq\":" + std::to_string(e.seq) + ",\"chat\":";
    append_json_string(body, e.chat);
    body += ",\"id\":";
    append_json_string(body, e.message_id);
    body += ',';
    body.append(e.json, 1, std::string::npos);  // the stored object without its '{'
    last = e.seq;
  }
  body += "],\"last\":" + std::to_string(last) + "}";
  co_return HttpResponse::json(200, std::move(body));
}

void PlaygroundHub::Impl::notify() {
  for (auto* t : waiters) t->cancel();
}

PlaygroundHub::PlaygroundHub(net::io_context& io, const AdapterConfig& adapter, Store& store,
                             storage::PlaygroundLogRepo& history, const Directory& dir,
                             const Clock& clock)
    : impl_(std::make_unique<Impl>(io, adapter, store, history, dir, clock)) {}

PlaygroundHub::~PlaygroundHub() = default;

void PlaygroundHub::mount(Router& router, Webhook webhook) {
  impl_->webhook = std::move(webhook);
  Impl* s = impl_.get();
  router.add("GET", "/playground", [](HttpRequest&) {
    return asset(playground_assets::index_html, "text/html; charset=utf-8");
  });
  router.add("GET", "/playground/", [](HttpRequest&) {
    return asset(playground_assets::index_html, "text/html; charset=utf-8");
  });
  router.add("GET", "/playground/app.js", [](HttpRequest&) {
    return asset(playground_assets::app_js, "text/javascript; charset=utf-8");
  });
  router.add("GET", "/playground/style.css", [](HttpRequest&) {
    return asset(playground_assets::style_css, "text/css; charset=utf-8");
  });
  router.add("GET", "/playground/api/state", [s](HttpRequest&) { return s->state(); });
  // By value into the coroutine (STYLE 5): the request outlives no await of the caller's.
  router.add_async("POST", "/playground/api/send", [s](HttpRequest& r) { return s->send(r); });
  router.add_async("POST", "/playground/api/press", [s](HttpRequest& r) { return s->press(r); });
  router.add_async("GET", "/playground/api/feed", [s](HttpRequest& r) { return s->feed(r); });
}

net::awaitable<ApiResponse> PlaygroundHub::perform(ApiCall call) {
  Impl& s = *impl_;
  ApiResponse out;
  json body = json::parse(call.body, nullptr, false);
  if (body.is_discarded()) {
    out.status = 400;
    co_return out;
  }
  std::string chat = body.value("chat", "");
  std::string method = call.url.substr(call.url.find(':') + 1);
  json bot = {{"id", kBotId}, {"name", kBotName}, {"bot", true}};
  if (method == "sendMessage") {
    json entry = {{"kind", "message"},
                  {"at", s.clock.now_ms()},
                  {"from", bot},
                  {"text", body.value("text", "")},
                  {"private", body.value("private", false)},
                  {"buttons", body.value("buttons", json::array())}};
    if (body.contains("reply_to")) entry["reply_to"] = body["reply_to"];
    if (body.contains("mentions")) entry["mentions"] = body["mentions"];
    std::int64_t seq = s.history.append_message(s.adapter.name, chat, entry.dump());
    out.status = 200;
    out.body = json{{"ok", true}, {"message_id", std::to_string(seq)}}.dump();
  } else if (method == "editMessageText") {
    std::string target = body.value("message_id", "");
    if (!s.history.has_message(s.adapter.name, chat, target)) {
      out.status = 400;
      out.body = R"({"ok":false,"error":"message to edit not found"})";
      co_return out;
    }
    json entry = {{"kind", "edit"},
                  {"text", body.value("text", "")},
                  {"buttons", body.value("buttons", json::array())}};
    s.history.append_edit(s.adapter.name, chat, target, entry.dump());
    out.status = 200;
    out.body = json{{"ok", true}, {"message_id", target}}.dump();
  } else if (method == "answerCallbackQuery") {
    std::string id = body.value("callback_id", "");
    std::string text = body.value("text", "");
    if (!text.empty()) {
      json entry = {
          {"kind", "toast"}, {"to", id.substr(id.find('-', id.find('-') + 1) + 1)}, {"text", text}};
      s.history.append_edit(s.adapter.name, chat, "", entry.dump());
    }
    out.status = 200;
    out.body = R"({"ok":true})";
  } else {
    out.status = 404;
    co_return out;
  }
  s.notify();
  co_return out;
}

void PlaygroundHub::stop() {
  impl_->stopped = true;
  impl_->notify();
}

}  // namespace linli
