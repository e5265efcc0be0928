#pragma once
// Linli with a Slack adapter, running in process against a FakeSlack: the community of a
// residents' channel (building 31) and a volunteers' channel, three residents, three volunteers
// and a coordinator, each with a Slack user id. Tests POST Events API envelopes and block_actions
// forms, signed as Slack signs them at the test clock's time, and read what the channels and DMs
// show at the fake.

#include <gtest/gtest.h>

#include <cstdio>
#include <optional>

#include <SQLiteCpp/Database.h>
#include <nlohmann/json.hpp>

#include "adapters/registry.hpp"
#include "adapters/slack/slack_adapter.hpp"

#include "tests/support/fake_slack.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_app.hpp"

namespace linli::test {

inline constexpr const char* kSlackToken = "xoxb-1800-fake-token";
inline constexpr const char* kSigningSecret = "8f742231b10e8888abcd99aaabbb85a5";
inline constexpr const char* kSlackBot = "UBOT0001";
inline constexpr const char* kRes = "C0RES31";  // #31栋居民
inline constexpr const char* kVol = "C0VOL";    // #志愿者

struct SlackUser {
  std::string id;
  std::string name;  // the display name Slack's user_profile carries
};

inline const SlackUser kSLi{"U0LI", "李秀英"};
inline const SlackUser kSZhang{"U0ZHANG", "张建国"};
inline const SlackUser kSEmma{"U0EMMA", "Emma"};
inline const SlackUser kSChen{"U0CHEN", "陈师傅"};
inline const SlackUser kSLiu{"U0LIU", "刘医生"};
inline const SlackUser kSZhao{"U0ZHAO", "赵姐"};
inline const SlackUser kSZhou{"U0ZHOU", "周主任"};

inline const char* slack_no_env(const char*) {
  return nullptr;
}

inline Config slack_config(const std::string& db, const std::string& api_base,
                           const nlohmann::json& more_volunteers = nlohmann::json::array()) {
  nlohmann::json c = {
      {"database", db},
      {"adapters",
       {{{"type", "slack"},
         {"name", "sl"},
         {"bot_token", kSlackToken},
         {"signing_secret", kSigningSecret},
         {"api_base", api_base},
         // The fake has no limits; these keep the stories quick while still pacing.
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
         {"coordinators", {"sl:U0ZHOU"}},
         {"groups",
          {{{"chat", std::string("sl:") + kRes},
            {"kind", "residents"},
            {"building", "31"},
            {"title", "31栋居民"}},
           {{"chat", std::string("sl:") + kVol}, {"kind", "volunteers"}, {"title", "志愿者"}}}},
         {"volunteers",
          {{{"person", "sl:U0CHEN"},
            {"name", "陈师傅"},
            {"phone", "13800000001"},
            {"building", "31"},
            {"skills", {"repair"}}},
           {{"person", "sl:U0LIU"},
            {"name", "刘医生"},
            {"phone", "13800000002"},
            {"building", "32"},
            {"skills", {"medical"}}},
           {{"person", "sl:U0ZHAO"},
            {"name", "赵姐"},
            {"phone", "13800000003"},
            {"building", "31"},
            {"skills", {"shopping"}}}}}}}}};
  for (const auto& v : more_volunteers) c["communities"][0]["volunteers"].push_back(v);
  return parse_config(c.dump(), slack_no_env);
}

class Slack : public ::testing::Test {
 protected:
  explicit Slack(const nlohmann::json& more_volunteers = nlohmann::json::array())
      : fake_(kSlackToken, kSlackBot),
        app_(std::make_unique<TestApp>(
            slack_config(dir_.path() + "/linli.db", fake_.base_url(), more_volunteers), clock_)) {}

  static constexpr const char* kPath = "/slack/sl";

  HttpClient& client() {
    if (!client_ || port_ != app_->port()) {
      client_ = std::make_unique<HttpClient>(app_->port());
      port_ = app_->port();
    }
    return *client_;
  }
  // The headers Slack sends with `body`, signed with `secret` at the test clock's time.
  std::vector<std::pair<std::string, std::string>> signed_headers(
      const std::string& body, const std::string& content_type,
      const std::string& secret = kSigningSecret, std::int64_t skew_s = 0) {
    std::string ts = std::to_string(clock_.now_ms() / 1000 + skew_s);
    return {{"Content-Type", content_type},
            {"X-Slack-Request-Timestamp", ts},
            {"X-Slack-Signature", SlackAdapter::signature(secret, ts, body)}};
  }
  int post_raw(HttpClient& c, const std::string& body, const std::string& content_type,
               std::vector<std::pair<std::string, std::string>> extra = {}) {
    auto headers = signed_headers(body, content_type);
    for (auto& h : extra) headers.push_back(std::move(h));
    return c.request("POST", kPath, body, headers).status;
  }
  int post_event(const nlohmann::json& envelope, HttpClient* c = nullptr) {
    return post_raw(c ? *c : client(), envelope.dump(), "application/json");
  }
  // A fresh ts for a person's message.
  std::string next_ts() {
    char ts[32];
    std::snprintf(ts, sizeof ts, "1790000000.%06d", ++people_ts_);
    return ts;
  }
  nlohmann::json envelope(nlohmann::json event) {
    return {{"token", "legacy"},
            {"team_id", "T1"},
            {"api_app_id", "A1"},
            {"type", "event_callback"},
            {"event_id", "Ev" + std::to_string(++event_no_)},
            {"event_time", clock_.now_ms() / 1000},
            {"authorizations", {{{"team_id", "T1"}, {"user_id", kSlackBot}, {"is_bot", true}}}},
            {"event", std::move(event)}};
  }
  // A person's message in `channel` (a DM when it is the person's DM channel), in the thread of
  // `thread_ts` when given; the thread's root is ours when `thread_ts` is one of our messages.
  nlohmann::json message_event(const std::string& channel, const SlackUser& u,
                               const std::string& text, const std::string& thread_ts = "") {
    std::string ts = next_ts();
    nlohmann::json e = {{"type", "message"},
                        {"channel", channel},
                        {"channel_type", channel[0] == 'D' ? "im" : "channel"},
                        {"user", u.id},
                        {"text", text},
                        {"ts", ts},
                        {"event_ts", ts},
                        {"user_profile", {{"display_name", u.name}, {"real_name", u.name}}}};
    if (!thread_ts.empty()) {
      e["thread_ts"] = thread_ts;
      e["parent_user_id"] = kSlackBot;
    }
    return e;
  }
  void say(const std::string& channel, const SlackUser& u, const std::string& text,
           const std::string& thread_ts = "") {
    EXPECT_EQ(post_event(envelope(message_event(channel, u, text, thread_ts))), 200) << text;
  }
  void say_privately(const SlackUser& u, const std::string& text,
                     const std::string& thread_ts = "") {
    say(FakeSlack::dm_of(u.id), u, text, thread_ts);
  }
  std::string press_body(const std::string& channel, const SlackUser& u, const std::string& ts,
                         const std::string& value) {
    nlohmann::json payload = {
        {"type", "block_actions"},
        {"user", {{"id", u.id}, {"username", u.name}, {"name", u.name}, {"team_id", "T1"}}},
        {"api_app_id", "A1"},
        {"trigger_id", std::to_string(++event_no_) + ".1.abc"},
        {"container", {{"type", "message"}, {"message_ts", ts}, {"channel_id", channel}}},
        {"channel", {{"id", channel}}},
        {"message", {{"type", "message"}, {"ts", ts}, {"user", kSlackBot}}},
        {"response_url", "https://hooks.slack.com/actions/T1/1/x"},
        {"actions",
         {{{"type", "button"},
           {"action_id", "b0_0"},
           {"value", value},
           {"action_ts",
            std::to_string(clock_.now_ms() / 1000) + "." + std::to_string(100000 + event_no_)}}}}};
    return slack_press_form(payload);
  }
  void press(const std::string& channel, const SlackUser& u, const SlackMessage& m, int row,
             int col) {
    std::string value = button(m, row, col);
    EXPECT_EQ(post_raw(client(), press_body(channel, u, m.ts, value),
                       "application/x-www-form-urlencoded"),
              200)
        << value;
  }
  // The route a button of ours carries.
  static std::string button(const SlackMessage& m, int row, int col) {
    int seen = 0;
    for (const auto& b : m.blocks) {
      if (b.value("type", "") != "actions") continue;
      if (seen++ == row) return b["elements"][col]["value"].get<std::string>();
    }
    ADD_FAILURE() << "no button row " << row << " in: " << m.text;
    return {};
  }
  // Waits (at most 10 s) for a message of the bot in `channel` containing `text`; returns it.
  SlackMessage expect(const std::string& channel, const std::string& text) {
    std::optional<SlackMessage> found;
    fake_.wait_until(
        [&](const FakeSlack& f) {
          for (const auto& m : f.messages(channel)) {
            if (m.text.find(text) != std::string::npos) {
              found = m;
              return true;
            }
          }
          return false;
        },
        std::chrono::seconds(10));
    if (!found) {
      std::string seen;
      for (const auto& m : fake_.messages(channel)) seen += "\n  " + m.text;
      ADD_FAILURE() << "no message in " << channel << " containing \"" << text
                    << "\"; there are:" << seen;
    }
    wait_recorded();
    return found.value_or(SlackMessage{});
  }
  SlackMessage expect_private(const SlackUser& u, const std::string& text) {
    return expect(FakeSlack::dm_of(u.id), text);
  }
  bool wait_recorded(std::chrono::milliseconds limit = std::chrono::seconds(5)) {
    if (app_->wait_nothing_in_flight(limit)) return true;
    ADD_FAILURE() << "the service had not recorded the platform's answers";
    return false;
  }
  int count(const std::string& channel, const std::string& text) {
    int n = 0;
    for (const auto& m : fake_.messages(channel)) n += m.text.find(text) != std::string::npos;
    return n;
  }
  template <typename F>
  auto on_io(F f) {
    return app_->on_io(std::move(f));
  }

  TempDir dir_;
  ManualClock clock_{1'800'000'000'000};
  FakeSlack fake_;
  std::unique_ptr<TestApp> app_;
  std::unique_ptr<HttpClient> client_;
  std::uint16_t port_ = 0;
  int people_ts_ = 0;
  int event_no_ = 0;
};

}  // namespace linli::test
