// Linli behind the generic signed JSON webhook, end to end over real HTTP on 127.0.0.1: a fake
// bridge (tests/support/fake_bridge.hpp) posts people's messages and receives Linli's, each
// request signed both ways; and the example bridge script itself (adapters/webhook/
// bridge_example.py) run against the real App when python3 is there.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include "adapters/registry.hpp"
#include "adapters/webhook/webhook_adapter.hpp"
#include "bot/dispatcher.hpp"
#include "bot/outbox_sender.hpp"
#include "bot/scheduler.hpp"
#include "storage/store.hpp"
#include "tests/support/fake_bridge.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_app.hpp"

namespace linli::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kSecret = "bridge-secret-0123456789abcdef";

const char* no_env(const char*) {
  return nullptr;
}

Config bridge_config(const std::string& db, const std::string& callback_url,
                     const json& more_volunteers = json::array()) {
  json c = {
      {"database", db},
      {"adapters",
       {{{"type", "webhook"},
         {"name", "wx"},
         {"secret", kSecret},
         {"callback_url", callback_url},
         {"rate_limits",
          {{"per_chat_per_s", 200},
           {"per_group_per_min", 12000},
           {"global_per_s", 1000},
           {"burst", 50}}}}}},
      {"sender", {{"backoff_initial_ms", 50}, {"backoff_max_ms", 200}}},
      {"flood", {{"burst", 10000}}},
      {"communities",
       {{{"id", "sc"},
         {"name", "山城花园社区"},
         {"coordinators", {"wx:zhou"}},
         {"groups",
          {{{"chat", "wx:g31"}, {"kind", "residents"}, {"building", "31"}, {"title", "31栋居民群"}},
           {{"chat", "wx:gv"}, {"kind", "volunteers"}, {"title", "志愿者群"}}}},
         {"volunteers",
          {{{"person", "wx:chen"},
            {"name", "陈师傅"},
            {"phone", "13800000001"},
            {"building", "31"},
            {"skills", {"repair"}}},
           {{"person", "wx:zhao"},
            {"name", "赵姐"},
            {"building", "31"},
            {"skills", {"shopping"}}}}}}}}};
  for (const auto& v : more_volunteers) c["communities"][0]["volunteers"].push_back(v);
  return parse_config(c.dump(), no_env);
}

class Bridge : public ::testing::Test {
 protected:
  explicit Bridge(const json& more = json::array())
      : bridge_(kSecret),
        app_(std::make_unique<TestApp>(
            bridge_config(dir_.path() + "/linli.db", bridge_.callback_url(), more), clock_)) {}

  json event(const std::string& chat, const std::string& user, const std::string& text,
             const std::string& reply_to = "") {
    json e = {{"id", "e" + std::to_string(++next_)},
              {"chat", chat},
              {"chat_type", chat == user ? "private" : "group"},
              {"user", user},
              {"user_name", user},
              {"message_id", "m" + std::to_string(next_)},
              {"text", text}};
    if (!reply_to.empty()) e["reply_to"] = reply_to;
    return e;
  }
  int post(const json& e, std::int64_t ts_s, const std::string& secret = kSecret,
           HttpClient* via = nullptr) {
    std::string body = e.dump();
    std::string ts = std::to_string(ts_s);
    HttpClient& c = via ? *via : client();
    return c
        .post("/webhook/wx", body,
              {{"X-Linli-Timestamp", ts},
               {"X-Linli-Signature", WebhookAdapter::signature(secret, ts, body)}})
        .status;
  }
  int post(const json& e) { return post(e, clock_.now_ms() / 1000); }
  void say(const std::string& chat, const std::string& user, const std::string& text,
           const std::string& reply_to = "") {
    EXPECT_EQ(post(event(chat, user, text, reply_to)), 200) << text;
  }
  void press(const std::string& chat, const std::string& user, const BridgeMessage& m, int row,
             int col) {
    json e = event(chat, user, "", m.id);
    e.erase("text");
    e["button"] = m.buttons[row][col]["data"];
    EXPECT_EQ(post(e), 200);
  }
  BridgeMessage expect(const std::string& chat, const std::string& text) {
    std::optional<BridgeMessage> found;
    bridge_.wait_until([&](const FakeBridge& b) {
      for (const auto& m : b.messages(chat)) {
        if (m.text.find(text) != std::string::npos) {
          found = m;
          return true;
        }
      }
      return false;
    });
    if (!found) {
      std::string seen;
      for (const auto& m : bridge_.messages(chat)) seen += "\n  " + m.text;
      ADD_FAILURE() << "no message in " << chat << " containing \"" << text << "\"; seen:" << seen;
    }
    EXPECT_TRUE(app_->wait_nothing_in_flight());
    return found.value_or(BridgeMessage{});
  }
  HttpClient& client() {
    if (!client_ || port_ != app_->port()) {
      client_ = std::make_unique<HttpClient>(app_->port());
      port_ = app_->port();
    }
    return *client_;
  }
  template <typename F>
  auto on_io(F f) {
    return app_->on_io(std::move(f));
  }

  TempDir dir_;
  ManualClock clock_{1'800'000'000'000};
  FakeBridge bridge_;
  std::unique_ptr<TestApp> app_;
  std::unique_ptr<HttpClient> client_;
  std::uint16_t port_ = 0;
  std::atomic<int> next_{0};
};

TEST_F(Bridge, HelpRequestFromTheGroupToTheRating) {
  say("g31", "li", "求助 厨房水管漏水了");
  BridgeMessage ask = expect("g31", "需要哪方面的帮助");
  press("g31", "li", ask, 0, 0);  // 维修
  expect("li", "具体地址");
  say("li", "li", "2单元501");
  say("li", "li", "1");
  expect("li", "请确认你的求助");
  say("li", "li", "是");
  BridgeMessage card = expect("gv", "#1 维修 · 31栋");
  EXPECT_THAT(card.text, Not(HasSubstr("501")));
  EXPECT_EQ(card.buttons[0][0]["label"], "接单 #1");

  say("gv", "chen", "接单", card.id);  // a reply to the card
  expect("chen", "地址：31栋2单元501");
  expect("li", "陈师傅 接了你的求助 #1");
  ASSERT_TRUE(bridge_.wait_until([&](const FakeBridge& b) {
    for (const auto& m : b.messages("gv")) {
      if (m.id == card.id) return m.text.find("陈师傅 已接单") != std::string::npos;
    }
    return false;
  }));
  say("gv", "chen", "完成 #1");
  BridgeMessage rate = expect("li", "满意吗");
  press("li", "li", rate, 0, 4);  // ★5
  expect("li", "谢谢你的评价");
  EXPECT_EQ(on_io([&] { return app_->app().store().requests.get(1)->rating; }), 5);
  EXPECT_EQ(bridge_.bad_signatures(), 0);
  // Every press answered, by the press's id; every request signed at the service's time.
  EXPECT_EQ(bridge_.callbacks("answer").size(), 2u);
  for (const auto& x : bridge_.exchanges()) {
    EXPECT_EQ(x.request.header("x-linli-timestamp"), std::to_string(clock_.now_ms() / 1000));
  }
}

TEST_F(Bridge, EnglishAndPrivateChatsByUserId) {
  json e = event("emma", "emma", "/menu");
  e["lang"] = "en";
  EXPECT_EQ(post(e), 200);
  BridgeMessage menu = expect("emma", "You can:");
  EXPECT_TRUE(menu.is_private);
}

TEST_F(Bridge, BadSignaturesAndStaleTimestampsAreRefusedWithoutEffect) {
  json e = event("li", "li", "/menu");
  std::int64_t now = clock_.now_ms() / 1000;
  EXPECT_EQ(post(e, now, "another-secret-0123456789"), 401);
  EXPECT_EQ(post(e, now - 301), 401);
  EXPECT_EQ(post(e, now + 301), 401);
  std::string body = e.dump();
  std::string ts = std::to_string(now);
  std::string sig = WebhookAdapter::signature(kSecret, ts, body);
  EXPECT_EQ(
      client()
          .post("/webhook/wx", body + " ", {{"X-Linli-Timestamp", ts}, {"X-Linli-Signature", sig}})
          .status,
      401);  // tampered body
  EXPECT_EQ(client().post("/webhook/wx", body).status, 401);
  EXPECT_EQ(on_io([&] { return app_->app().store().outbox.depth(); }), 0);
  EXPECT_FALSE(on_io([&] { return app_->app().store().people.find("wx", "li").has_value(); }));
  EXPECT_EQ(post(e, now - 300), 200);  // five minutes exactly is still good
  EXPECT_EQ(post(e, now - 300), 200);  // and a retry of it is one event
  expect("li", "你可以");
  EXPECT_EQ(on_io([&] { return app_->app().dispatcher().stats().duplicates; }), 1u);
}

TEST_F(Bridge, ABusyBridgePausesTheChatAndEveryMessageArrivesOnce) {
  bridge_.busy(1);
  say("li", "li", "/menu");
  expect("li", "你可以");
  EXPECT_EQ(bridge_.messages("li").size(), 1u);
  EXPECT_EQ(on_io([&] { return app_->app().sender().stats().rate_limited; }), 1u);
}

// ---- The recruitment race: fifteen neighbours reply to the call's card at once. ----

constexpr int kNeighbours = 15;

json neighbours() {
  json out = json::array();
  for (int i = 1; i <= kNeighbours; ++i) {
    out.push_back({{"person", "wx:n" + std::to_string(i)},
                   {"name", "邻居" + std::to_string(i)},
                   {"building", "31"}});
  }
  return out;
}

class BridgeRecruitment : public Bridge {
 protected:
  BridgeRecruitment() : Bridge(neighbours()) {}
};

TEST_F(BridgeRecruitment, FifteenForTenPlacesGiveExactlyTen) {
  say("zhou", "zhou", "设岗");
  expect("zhou", "哪个队伍");
  for (const char* a : {"6", "照看31栋独居的王奶奶", "10", "0", "31栋", "明天 8:00-12:00", "1"}) {
    say("zhou", "zhou", a);
  }
  expect("zhou", "请确认岗位");
  say("zhou", "zhou", "是");
  expect("zhou", "岗位 1 已保存");
  say("zhou", "zhou", "招募 1");
  BridgeMessage card = expect("g31", "【招募】岗位 1");

  std::vector<json> events;
  for (int i = 1; i <= kNeighbours; ++i) {
    events.push_back(event("g31", "n" + std::to_string(i), i % 2 ? "+1" : "报名", card.id));
  }
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kNeighbours; ++i) {
    threads.emplace_back([&, i] {
      HttpClient own(app_->port());
      ++ready;
      while (ready < kNeighbours) std::this_thread::yield();
      EXPECT_EQ(post(events[i], clock_.now_ms() / 1000, kSecret, &own), 200);
    });
  }
  for (auto& t : threads) t.join();
  RosterCounts n = on_io([&] { return app_->app().store().roster.counts(1); });
  EXPECT_EQ(n.taken, 10);
  EXPECT_EQ(n.waiting, 5);
  ASSERT_TRUE(bridge_.wait_until([](const FakeBridge& b) {
    for (int i = 1; i <= kNeighbours; ++i) {
      if (b.messages("n" + std::to_string(i)).empty()) return false;
    }
    return true;
  }));
  int places = 0;
  for (int i = 1; i <= kNeighbours; ++i) {
    places +=
        bridge_.messages("n" + std::to_string(i)).back().text.find("个名额") != std::string::npos;
  }
  EXPECT_EQ(places, 10);
  clock_.advance_ms(5'000);
  on_io([&] { return app_->app().scheduler().run_due(); });
  ASSERT_TRUE(bridge_.wait_until([&](const FakeBridge& b) {
    for (const auto& m : b.messages("g31")) {
      if (m.id == card.id) return m.text.find("已报名 10/10 · 候补 5") != std::string::npos;
    }
    return false;
  }));
}

// ---- The example bridge script, against the real App ----

// A port free on 127.0.0.1 a moment ago, for the script to listen on.
std::uint16_t free_port() {
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(s);
  return ntohs(a.sin_port);
}

// python3 running the script with a pipe to its stdin and its stdout into a file.
class Script {
 public:
  Script(const std::string& dir, std::uint16_t port, const std::string& linli_url)
      : out_(dir + "/bridge.out") {
    int fds[2];
    if (::pipe(fds) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[0], 0);
      ::close(fds[1]);
      std::freopen(out_.c_str(), "w", stdout);
      std::freopen((out_ + ".err").c_str(), "w", stderr);
      ::setenv("LINLI_SECRET", kSecret, 1);
      std::string script = std::string(LINLI_SOURCE_DIR) + "/adapters/webhook/bridge_example.py";
      std::string p = std::to_string(port);
      ::execlp("python3", "python3", script.c_str(), "--port", p.c_str(), "--linli",
               linli_url.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(fds[0]);
    in_ = fds[1];
  }
  ~Script() {
    if (in_ >= 0) ::close(in_);
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  void type(const std::string& line) {
    std::string l = line + "\n";
    EXPECT_EQ(::write(in_, l.data(), l.size()), static_cast<ssize_t>(l.size()));
  }
  std::string output() const { return read(out_); }
  // What it printed, and its errors: for a failure's message.
  std::string both() const { return read(out_) + "\n--- stderr:\n" + read(out_ + ".err"); }
  // Waits (at most 10 s) until the output contains `text`.
  bool wait_for(const std::string& text) const {
    for (int i = 0; i < 1000; ++i) {
      if (output().find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }

 private:
  static std::string read(const std::string& path) {
    std::ifstream f(path);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
  }

  std::string out_;
  pid_t pid_ = -1;
  int in_ = -1;
};

bool have_python3() {
  return std::system("python3 -c 'import http.server' >/dev/null 2>&1") == 0;
}

TEST(BridgeScript, SignsAsTheAdapterDoes) {
  if (!have_python3()) GTEST_SKIP() << "python3 is not installed";
  std::string cmd = "python3 -c \"import importlib.util as u; s=u.spec_from_file_location('b','" +
                    std::string(LINLI_SOURCE_DIR) +
                    "/adapters/webhook/bridge_example.py'); b=u.module_from_spec(s); "
                    "s.loader.exec_module(b); print(b.sign(b'k-0123456789abcdef', '1800000000', "
                    "'{\\\"text\\\":\\\"求助\\\"}'.encode()))\"";
  FILE* p = ::popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  char buf[128] = {};
  std::string got = std::fgets(buf, sizeof buf, p) ? buf : "";
  ::pclose(p);
  EXPECT_EQ(
      got,
      WebhookAdapter::signature("k-0123456789abcdef", "1800000000", "{\"text\":\"求助\"}") + "\n");
}

TEST(BridgeScript, RelaysTypedLinesAndShowsWhatLinliSends) {
  if (!have_python3()) GTEST_SKIP() << "python3 is not installed";
  TempDir dir;
  // The script signs with the real time, which the service's clock must be near.
  ManualClock clock{std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count()};
  std::uint16_t port = free_port();
  TestApp app(bridge_config(dir.path() + "/linli.db",
                            "http://127.0.0.1:" + std::to_string(port) + "/linli"),
              clock);
  Script script(dir.path(), port, "http://127.0.0.1:" + std::to_string(app.port()) + "/webhook/wx");
  ASSERT_TRUE(script.wait_for("listening 127.0.0.1:" + std::to_string(port))) << script.both();
  script.type("g:g31 li 求助 厨房水管漏水了");
  ASSERT_TRUE(script.wait_for("需要哪方面的帮助")) << script.both();
  // The first button of that question, pressed as the script prints it: "!<id> <data>".
  std::string out = script.output();
  auto at = out.find("   [维修] !");
  ASSERT_NE(at, std::string::npos) << out;
  std::size_t bang = out.find('!', at);
  std::string press = out.substr(bang, out.find('\n', at) - bang);
  script.type("g:g31 li " + press);
  ASSERT_TRUE(script.wait_for("private li li: ")) << script.both();
  ASSERT_TRUE(script.wait_for("具体地址")) << script.both();
  script.type("p li 2单元501");
  ASSERT_TRUE(script.wait_for("急吗")) << script.both();
  EXPECT_THAT(script.output(), Not(HasSubstr("!! Linli answered")));
}

}  // namespace
}  // namespace linli::test
