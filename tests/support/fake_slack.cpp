#include "tests/support/fake_slack.hpp"

#include <cctype>
#include <cstdio>
#include <map>
#include <mutex>

namespace linli::test {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxText = 40'000;  // longer: msg_too_long
constexpr std::size_t kMaxValue = 2000;
constexpr std::size_t kMaxLabel = 75;

std::size_t chars(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

FakeHttpAnswer answer(json body, int status = 200) {
  FakeHttpAnswer a;
  a.status = status;
  a.body = body.dump();
  return a;
}

FakeHttpAnswer error(const std::string& code) {
  return answer({{"ok", false}, {"error", code}});
}

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Why Slack would refuse these blocks ("" when it would not): buttons' text and value within
// their limits, action_ids unique within the message.
bool valid_blocks(const json& blocks) {
  if (!blocks.is_array() || blocks.size() > 50) return false;
  std::set<std::string> ids;
  for (const json& b : blocks) {
    std::string type = str(b, "type");
    if (type == "section") {
      const json& t = b.value("text", json::object());
      if (str(t, "text").empty() || chars(str(t, "text")) > 3000) return false;
    } else if (type == "actions") {
      const json& elements = b.value("elements", json::array());
      if (!elements.is_array() || elements.empty() || elements.size() > 25) return false;
      for (const json& e : elements) {
        std::string label = str(e.value("text", json::object()), "text");
        std::string value = str(e, "value");
        std::string id = str(e, "action_id");
        if (str(e, "type") != "button" || label.empty() || chars(label) > kMaxLabel ||
            chars(value) > kMaxValue || id.empty() || !ids.insert(id).second) {
          return false;
        }
      }
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string slack_press_form(const json& payload) {
  std::string out = "payload=";
  for (unsigned char c : payload.dump()) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

SlackFault SlackFault::ratelimited(std::string method, int retry_after_s, int times) {
  SlackFault f;
  f.method = std::move(method);
  f.status = 429;
  f.error = "ratelimited";
  f.retry_after_s = retry_after_s;
  f.times = times;
  return f;
}

SlackFault SlackFault::error_code(std::string method, std::string error, int times) {
  SlackFault f;
  f.method = std::move(method);
  f.error = std::move(error);
  f.times = times;
  return f;
}

SlackFault SlackFault::in(std::string channel) const {
  SlackFault f = *this;
  f.channel = std::move(channel);
  return f;
}

struct FakeSlack::State {
  State(std::string t, std::string b) : token(std::move(t)), bot(std::move(b)) {}
  std::string token;
  std::string bot;
  mutable std::mutex mu;
  std::map<std::string, std::vector<SlackMessage>> channels;
  std::vector<SlackEphemeral> ephemerals;
  std::map<std::string, std::vector<json>> calls;
  std::vector<SlackFault> faults;
  std::set<std::string> kicked;
  long next_ts = 0;
};

FakeSlack::FakeSlack(std::string token, std::string bot_user_id)
    : state_(std::make_unique<State>(std::move(token), std::move(bot_user_id))),
      server_([this](const HttpRequest& r) { return handle(r); }) {}

FakeSlack::~FakeSlack() = default;

std::string FakeSlack::base_url() const {
  return server_.base_url();
}

const std::string& FakeSlack::bot_user_id() const {
  return state_->bot;
}

std::string FakeSlack::dm_of(const std::string& user) {
  return "D" + user.substr(user.empty() ? 0 : 1);
}

FakeHttpAnswer FakeSlack::handle(const HttpRequest& r) {
  const std::string prefix = "/api/";
  if (r.method != "POST" || r.path.rfind(prefix, 0) != 0) {
    FakeHttpAnswer a;
    a.status = 404;
    a.content_type = "text/plain";
    a.body = "Not Found";
    return a;
  }
  std::string method = r.path.substr(prefix.size());
  std::lock_guard lock(state_->mu);
  State& s = *state_;
  std::string auth(r.header("authorization"));
  if (auth.empty()) return error("not_authed");
  if (auth != "Bearer " + s.token) return error("invalid_auth");
  json p = json::parse(r.body, nullptr, false);
  if (p.is_discarded() || !p.is_object()) return error("invalid_json");
  s.calls[method].push_back(p);

  std::string channel = str(p, "channel");
  for (auto it = s.faults.begin(); it != s.faults.end(); ++it) {
    if (it->method != method || (!it->channel.empty() && it->channel != channel)) continue;
    SlackFault f = *it;
    if (--it->times <= 0) s.faults.erase(it);
    FakeHttpAnswer a = answer({{"ok", false}, {"error", f.error}}, f.status);
    if (f.status == 429) a.headers.emplace_back("Retry-After", std::to_string(f.retry_after_s));
    return a;
  }

  if (method == "auth.test") {
    return answer({{"ok", true}, {"user_id", s.bot}, {"team_id", "T1"}, {"bot_id", "B0BOT"}});
  }
  if (method == "chat.postMessage") {
    if (channel.empty()) return error("channel_not_found");
    // A user id posts to the bot's DM with them.
    if (channel[0] == 'U' || channel[0] == 'W') channel = dm_of(channel);
    if (channel[0] != 'C' && channel[0] != 'G' && channel[0] != 'D')
      return error("channel_not_found");
    if (s.kicked.count(channel)) return error("not_in_channel");
    std::string text = str(p, "text");
    json blocks = p.contains("blocks") ? p["blocks"] : json();
    if (text.empty() && blocks.is_null()) return error("no_text");
    if (chars(text) > kMaxText) return error("msg_too_long");
    if (!blocks.is_null() && !valid_blocks(blocks)) return error("invalid_blocks");
    char ts[32];
    std::snprintf(ts, sizeof ts, "1800000000.%06ld", ++s.next_ts);
    SlackMessage m{channel, ts, str(p, "thread_ts"), text, blocks, 0};
    s.channels[channel].push_back(m);
    json message = {
        {"type", "message"}, {"user", s.bot}, {"bot_id", "B0BOT"}, {"text", text}, {"ts", m.ts}};
    if (!m.thread_ts.empty()) message["thread_ts"] = m.thread_ts;
    return answer({{"ok", true}, {"channel", channel}, {"ts", m.ts}, {"message", message}});
  }
  if (method == "chat.update") {
    auto c = s.channels.find(channel);
    if (channel.empty() || c == s.channels.end()) return error("channel_not_found");
    std::string ts = str(p, "ts");
    for (auto& m : c->second) {
      if (m.ts != ts) continue;
      json blocks = p.contains("blocks") ? p["blocks"] : json();
      if (!blocks.is_null() && !valid_blocks(blocks)) return error("invalid_blocks");
      m.text = str(p, "text");
      m.blocks = blocks;
      ++m.edits;
      return answer({{"ok", true}, {"channel", channel}, {"ts", ts}, {"text", m.text}});
    }
    return error("message_not_found");
  }
  if (method == "chat.postEphemeral") {
    std::string user = str(p, "user");
    if (channel.empty()) return error("channel_not_found");
    if (user.empty()) return error("user_not_in_channel");
    if (str(p, "text").empty()) return error("no_text");
    s.ephemerals.push_back({channel, user, str(p, "text")});
    return answer({{"ok", true}, {"message_ts", "1800000000.999999"}});
  }
  return error("unknown_method");
}

std::vector<SlackMessage> FakeSlack::messages(const std::string& channel) const {
  std::lock_guard lock(state_->mu);
  auto it = state_->channels.find(channel);
  return it == state_->channels.end() ? std::vector<SlackMessage>{} : it->second;
}

std::vector<SlackEphemeral> FakeSlack::ephemerals() const {
  std::lock_guard lock(state_->mu);
  return state_->ephemerals;
}

std::vector<json> FakeSlack::calls(const std::string& method) const {
  std::lock_guard lock(state_->mu);
  auto it = state_->calls.find(method);
  return it == state_->calls.end() ? std::vector<json>{} : it->second;
}

bool FakeSlack::wait_until(const std::function<bool(const FakeSlack&)>& pred,
                           std::chrono::milliseconds timeout) const {
  return server_.wait_until([&] { return pred(*this); }, timeout);
}

void FakeSlack::add_fault(SlackFault f) {
  std::lock_guard lock(state_->mu);
  if (f.times > 0) state_->faults.push_back(std::move(f));
}

void FakeSlack::kick_from(const std::string& channel) {
  std::lock_guard lock(state_->mu);
  state_->kicked.insert(channel);
}

}  // namespace linli::test
