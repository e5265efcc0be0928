#pragma once
// Linli with an XMPP adapter, running in process against a fake mod_rest: a residents' room
// (building 31) and a volunteers' room on conference.localhost, residents and volunteers known by
// their occupant JIDs (room@conference.localhost/nick), a coordinator by his own JID. Tests POST
// the callback's JSON as mod_rest sends it and read what the rooms and people got at the fake.

#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "adapters/registry.hpp"
#include "tests/support/fake_xmpp.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_app.hpp"

namespace linli::test {

inline constexpr const char* kXmppToken = "MTtib3RAcmVzdC5sb2NhbGhvc3Q7dGVzdA==";
inline constexpr const char* kResidentsRoom = "residents@conference.localhost";
inline constexpr const char* kVolunteersRoom = "volunteers@conference.localhost";
inline constexpr const char* kBotJid = "bot@rest.localhost";
inline constexpr const char* kNick = "邻里助手";
// What the rest_callback_url carries (mod_rest signs nothing).
inline constexpr const char* kCallbackSecret = "cb-secret-0123456789";
inline const std::string kWebhook = std::string("/xmpp/xm?secret=") + kCallbackSecret;

inline std::string occupant(const std::string& room, const std::string& nick) {
  return room + "/" + nick;
}
inline const std::string kLiJid = occupant(kResidentsRoom, "李秀英");
inline const std::string kEmmaJid = occupant(kResidentsRoom, "Emma");
inline const std::string kChenJid = occupant(kVolunteersRoom, "陈师傅");
inline const std::string kZhaoJid = occupant(kVolunteersRoom, "赵姐");
inline const std::string kZhouJid = "zhou@localhost";  // the coordinator, in a one-to-one chat

inline const char* xmpp_no_env(const char*) {
  return nullptr;
}

inline Config xmpp_config(const std::string& db, const std::string& rest_url,
                          const nlohmann::json& more_volunteers = nlohmann::json::array()) {
  nlohmann::json c = {{"database", db},
                      {"adapters",
                       {{{"type", "xmpp"},
                         {"name", "xm"},
                         {"rest_url", rest_url},
                         {"token", kXmppToken},
                         {"nick", kNick},
                         {"callback_secret", kCallbackSecret},
                         {"rooms", {kResidentsRoom, kVolunteersRoom}},
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
                         {"coordinators", {"xm:" + kZhouJid}},
                         {"groups",
                          {{{"chat", std::string("xm:") + kResidentsRoom},
                            {"kind", "residents"},
                            {"building", "31"},
                            {"title", "31栋居民群"}},
                           {{"chat", std::string("xm:") + kVolunteersRoom},
                            {"kind", "volunteers"},
                            {"title", "志愿者群"}}}},
                         {"volunteers",
                          {{{"person", "xm:" + kChenJid},
                            {"name", "陈师傅"},
                            {"phone", "13800000001"},
                            {"building", "31"},
                            {"skills", {"repair"}}},
                           {{"person", "xm:" + kZhaoJid},
                            {"name", "赵姐"},
                            {"phone", "13800000003"},
                            {"building", "31"},
                            {"skills", {"shopping"}}}}}}}}};
  for (const auto& v : more_volunteers) c["communities"][0]["volunteers"].push_back(v);
  return parse_config(c.dump(), xmpp_no_env);
}

class Xmpp : public ::testing::Test {
 protected:
  explicit Xmpp(const nlohmann::json& more_volunteers = nlohmann::json::array())
      : fake_(kXmppToken),
        app_(std::make_unique<TestApp>(
            xmpp_config(dir_.path() + "/linli.db", fake_.rest_url(), more_volunteers), clock_)) {
    // The bot joins its rooms as it starts.
    EXPECT_TRUE(fake_.wait_until([](const FakeModRest& f) { return f.joined().size() == 2; }));
  }

  HttpClient& client() {
    if (!client_) client_ = std::make_unique<HttpClient>(app_->port());
    return *client_;
  }
  // POSTs one stanza as mod_rest does; returns the HTTP status Linli answered.
  int post(const nlohmann::json& stanza) { return post_raw(stanza.dump()); }
  int post_raw(const std::string& body) {
    return client()
        .post(kWebhook, body, {{"Content-Type", "application/json"}, {"Content-Language", "zh"}})
        .status;
  }
  std::string next_id() { return "c" + std::to_string(++ids_); }
  // A message as mod_rest hands it over: from an occupant of a room (groupchat), or a private
  // message (chat) from a JID. `reply_id`: XEP-0461, with the quote a client puts before it.
  nlohmann::json stanza(const std::string& type, const std::string& from, const std::string& text,
                        const std::string& reply_id = "", const std::string& lang = "zh") {
    nlohmann::json st = {{"kind", "message"}, {"type", type},    {"from", from},
                         {"to", kBotJid},     {"id", next_id()}, {"lang", lang}};
    if (reply_id.empty()) {
      st["body"] = text;
    } else {
      st["body"] = "> 引用的消息\n" + text;
      st["reply"] = {{"id", reply_id}};
      st["fallback"] = true;
    }
    if (type == "groupchat") st["occupant_id"] = "occ-" + from;
    return st;
  }
  void say(const std::string& occupant_jid, const std::string& text,
           const std::string& reply_id = "", const std::string& lang = "zh") {
    EXPECT_EQ(post(stanza("groupchat", occupant_jid, text, reply_id, lang)), 204) << text;
  }
  void pm(const std::string& from, const std::string& text, const std::string& reply_id = "") {
    EXPECT_EQ(post(stanza("chat", from, text, reply_id)), 204) << text;
  }
  // Waits (at most 10 s) for a message of the bot to `to` containing `text`; returns it.
  XmppMessage expect(const std::string& to, const std::string& text) {
    std::optional<XmppMessage> found;
    fake_.wait_until(
        [&](const FakeModRest& f) {
          for (const auto& m : f.messages(to)) {
            if (m.body.find(text) != std::string::npos) {
              found = m;
              return true;
            }
          }
          return false;
        },
        std::chrono::seconds(10));
    if (!found) {
      std::string seen;
      auto all = fake_.messages(to);
      for (std::size_t i = all.size() > 3 ? all.size() - 3 : 0; i < all.size(); ++i)
        seen += "\n  " + all[i].body;
      ADD_FAILURE() << "no message to " << to << " containing \"" << text
                    << "\"; the last ones:" << seen;
    }
    if (!app_->wait_nothing_in_flight(std::chrono::seconds(5))) {
      ADD_FAILURE() << "the service had not recorded mod_rest's answers";
    }
    return found.value_or(XmppMessage{});
  }
  int count(const std::string& to, const std::string& text) {
    int n = 0;
    for (const auto& m : fake_.messages(to)) n += m.body.find(text) != std::string::npos;
    return n;
  }
  template <typename F>
  auto on_io(F f) {
    return app_->on_io(std::move(f));
  }

  TempDir dir_;
  ManualClock clock_{1'800'000'000'000};
  FakeModRest fake_;
  std::unique_ptr<TestApp> app_;
  std::unique_ptr<HttpClient> client_;
  std::atomic<int> ids_{0};
};

}  // namespace linli::test
