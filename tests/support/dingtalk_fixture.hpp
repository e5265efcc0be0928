#pragma once
// Linli with a DingTalk adapter, running in process against a FakeDingTalk: the community of
// the Telegram stories (tests/support/telegram_fixture.hpp) with DingTalk ids. Tests POST the
// robot's signed callbacks as DingTalk would and read what the chats show at the fake.

#include <gtest/gtest.h>

#include <atomic>
#include <optional>

#include <nlohmann/json.hpp>

#include "adapters/registry.hpp"
#include "tests/support/fake_dingtalk.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_app.hpp"

namespace linli::test {

inline constexpr const char* kDtKey = "dingtest0001";
inline constexpr const char* kDtSecret = "dt-app-secret_0123456789ABCDEF";
inline constexpr const char* kDtRobot = "dingrobot0001";
inline constexpr const char* kDtResidents = "cidResidents31==";
inline constexpr const char* kDtVolunteers = "cidVolunteers==";

struct DtUser {
  std::string id;  // the userid (senderStaffId)
  std::string nick;
};

inline const DtUser kDtLi{"li01", "李阿姨"};
inline const DtUser kDtZhang{"zhang01", "张大爷"};
inline const DtUser kDtChen{"chen01", "陈师傅"};
inline const DtUser kDtZhao{"zhao01", "赵姐"};
inline const DtUser kDtZhou{"zhou01", "周主任"};

inline const char* dingtalk_no_env(const char*) {
  return nullptr;
}

inline Config dingtalk_config(const std::string& db, const std::string& api_base,
                              const nlohmann::json& more_volunteers = nlohmann::json::array()) {
  nlohmann::json c = {{"database", db},
                      {"adapters",
                       {{{"type", "dingtalk"},
                         {"name", "dt"},
                         {"app_key", kDtKey},
                         {"app_secret", kDtSecret},
                         {"robot_code", kDtRobot},
                         {"api_base", api_base},
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
                         {"coordinators", {"dt:zhou01"}},
                         {"groups",
                          {{{"chat", std::string("dt:") + kDtResidents},
                            {"kind", "residents"},
                            {"building", "31"},
                            {"title", "31栋居民群"}},
                           {{"chat", std::string("dt:") + kDtVolunteers},
                            {"kind", "volunteers"},
                            {"title", "志愿者群"}}}},
                         {"volunteers",
                          {{{"person", "dt:chen01"},
                            {"name", "陈师傅"},
                            {"phone", "13800000001"},
                            {"building", "31"},
                            {"skills", {"repair"}}},
                           {{"person", "dt:zhao01"},
                            {"name", "赵姐"},
                            {"phone", "13800000003"},
                            {"building", "31"},
                            {"skills", {"shopping"}}}}}}}}};
  for (const auto& v : more_volunteers) c["communities"][0]["volunteers"].push_back(v);
  return parse_config(c.dump(), dingtalk_no_env);
}

class DingTalk : public ::testing::Test {
 protected:
  explicit DingTalk(const nlohmann::json& more_volunteers = nlohmann::json::array())
      : fake_(kDtKey, kDtSecret, kDtRobot),
        app_(std::make_unique<TestApp>(
            dingtalk_config(dir_.path() + "/linli.db", fake_.base_url(), more_volunteers),
            clock_)) {}

  // The robot's callback for `text` typed by `u` in a group (`conversation`), or privately
  // when `conversation` is "": with an @ of the robot before it, as DingTalk delivers it.
  nlohmann::json callback(const std::string& conversation, const DtUser& u,
                          const std::string& text) {
    bool group = !conversation.empty();
    std::string chat = group ? conversation : u.id;
    std::int64_t now = clock_.now_ms();
    nlohmann::json body = {{"msgtype", "text"},
                           {"text", {{"content", (group ? " " : "") + text}}},
                           {"msgId", "msg" + std::to_string(++next_msg_)},
                           {"createAt", now},
                           {"conversationType", group ? "2" : "1"},
                           {"conversationId", group ? conversation : "cidPrivate" + u.id},
                           {"senderId", "$:LWCP_v1:$" + u.id},
                           {"senderNick", u.nick},
                           {"senderStaffId", u.id},
                           {"senderCorpId", "dingcorp"},
                           {"chatbotUserId", "$:LWCP_v1:$robot"},
                           {"isInAtList", true},
                           {"robotCode", kDtRobot},
                           {"sessionWebhook", fake_.session_url(chat)},
                           {"sessionWebhookExpiredTime", now + 90 * 60'000}};
    if (group) body["conversationTitle"] = "群";
    return body;
  }
  int post(const nlohmann::json& body, std::int64_t ts, HttpClient* via = nullptr) {
    HttpClient& c = via ? *via : client();
    return c.post("/dingtalk/dt", body.dump(), dingtalk_headers(kDtSecret, ts)).status;
  }
  int post(const nlohmann::json& body) { return post(body, clock_.now_ms()); }
  void say(const std::string& conversation, const DtUser& u, const std::string& text) {
    EXPECT_EQ(post(callback(conversation, u, text)), 200) << text;
  }
  void say_privately(const DtUser& u, const std::string& text) { say("", u, text); }

  HttpClient& client() {
    if (!client_ || port_ != app_->port()) {
      client_ = std::make_unique<HttpClient>(app_->port());
      port_ = app_->port();
    }
    return *client_;
  }
  // Waits (at most 10 s) for a message in `chat` containing `text`; returns it.
  DingTalkMessage expect(const std::string& chat, const std::string& text) {
    std::optional<DingTalkMessage> found;
    fake_.wait_until([&](const FakeDingTalk& f) {
      for (const auto& m : f.messages(chat)) {
        if (m.text.find(text) != std::string::npos) {
          found = m;
          return true;
        }
      }
      return false;
    });
    if (!found) {
      std::string seen;
      for (const auto& m : fake_.messages(chat)) seen += "\n  " + m.text;
      ADD_FAILURE() << "no message in " << chat << " containing \"" << text << "\"; seen:" << seen;
    }
    EXPECT_TRUE(app_->wait_nothing_in_flight());
    return found.value_or(DingTalkMessage{});
  }
  int count(const std::string& chat, const std::string& text) {
    int n = 0;
    for (const auto& m : fake_.messages(chat)) n += m.text.find(text) != std::string::npos;
    return n;
  }
  template <typename F>
  auto on_io(F f) {
    return app_->on_io(std::move(f));
  }

  TempDir dir_;
  ManualClock clock_{1'800'000'000'000};
  FakeDingTalk fake_;
  std::unique_ptr<TestApp> app_;
  std::unique_ptr<HttpClient> client_;
  std::uint16_t port_ = 0;
  std::atomic<int> next_msg_{0};
};

}  // namespace linli::test
