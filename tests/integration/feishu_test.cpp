// Linli on Feishu, end to end over real HTTP on 127.0.0.1: events encrypted and signed as
// Feishu sends them, POSTed to the webhook; replies arriving at a fake open platform that
// follows the documented IM API (tests/support/fake_feishu.hpp). The help request from the
// residents' group to the rating, the recruitment race (fifteen replies for ten places),
// English, private chats learned, retries handled once, forgeries refused.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <thread>

#include <nlohmann/json.hpp>

#include "adapters/registry.hpp"
#include "bot/scheduler.hpp"
#include "storage/store.hpp"
#include "tests/support/fake_feishu.hpp"
#include "tests/support/feishu_events.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_app.hpp"

namespace linli::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kAppId = "cli_linli_test";
constexpr const char* kAppSecret = "app-secret-for-tests";
constexpr const char* kVerifyToken = "vt-for-tests";
constexpr const char* kEncryptKey = "ek-for-tests";
const std::string kResidents = "oc_residents31";
const std::string kVolunteers = "oc_volunteers";

const FeishuUser kAuntLi{"ou_li", "李阿姨"};
const FeishuUser kEmma{"ou_emma", "Emma"};
const FeishuUser kChen{"ou_chen", "陈师傅"};
const FeishuUser kZhao{"ou_zhao", "赵姐"};
const FeishuUser kZhou{"ou_zhou", "周主任"};
constexpr int kNeighbours = 15;

FeishuUser neighbour(int i) {
  return {"ou_n" + std::to_string(i), "邻居" + std::to_string(i)};
}

const char* no_env(const char*) {
  return nullptr;
}

Config feishu_config(const std::string& db, const std::string& api_base) {
  json volunteers = {{{"person", "fs:ou_chen"},
                      {"name", "陈师傅"},
                      {"phone", "13800000001"},
                      {"building", "31"},
                      {"skills", {"repair"}}},
                     {{"person", "fs:ou_liu"},
                      {"name", "刘医生"},
                      {"phone", "13800000002"},
                      {"building", "32"},
                      {"skills", {"medical"}}},
                     {{"person", "fs:ou_zhao"},
                      {"name", "赵姐"},
                      {"phone", "13800000003"},
                      {"building", "31"},
                      {"skills", {"shopping"}}}};
  for (int i = 1; i <= kNeighbours; ++i) {
    volunteers.push_back({{"person", "fs:" + neighbour(i).open_id},
                          {"name", neighbour(i).name},
                          {"building", "31"}});
  }
  json c = {{"database", db},
            {"adapters",
             {{{"type", "feishu"},
               {"name", "fs"},
               {"app_id", kAppId},
               {"app_secret", kAppSecret},
               {"verification_token", kVerifyToken},
               {"encrypt_key", kEncryptKey},
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
               {"coordinators", {"fs:ou_zhou"}},
               {"groups",
                {{{"chat", "fs:" + kResidents},
                  {"kind", "residents"},
                  {"building", "31"},
                  {"title", "31栋居民群"}},
                 {{"chat", "fs:" + kVolunteers}, {"kind", "volunteers"}, {"title", "志愿者群"}}}},
               {"volunteers", volunteers}}}}};
  return parse_config(c.dump(), no_env);
}

class Feishu : public ::testing::Test {
 protected:
  Feishu()
      : fake_(kAppId, kAppSecret),
        app_(std::make_unique<TestApp>(feishu_config(dir_.path() + "/linli.db", fake_.base_url()),
                                       clock_)) {}

  std::int64_t now_s() const { return clock_.now_ms() / 1000; }
  HttpClient& client() {
    if (!client_) client_ = std::make_unique<HttpClient>(app_->port());
    return *client_;
  }
  HttpReply post(const FeishuRequest& r) { return client().post("/feishu/fs", r.body, r.headers); }
  void say(const std::string& chat, const FeishuUser& u, const std::string& text,
           const std::string& parent = "", bool mention = false) {
    bool group = chat == kResidents || chat == kVolunteers;
    json event = ev_.message(chat, group, u, text, parent, mention);
    fake_.person_wrote(event["event"]["message"]["message_id"], chat);
    EXPECT_EQ(post(ev_.request(event, now_s())).status, 200) << text;
  }
  void press(const std::string& chat, const FeishuUser& u, const FeishuMessage& card, int i) {
    HttpReply r =
        post(ev_.request(ev_.card_action(u, chat, card.message_id, card.buttons.at(i)), now_s()));
    EXPECT_EQ(r.status, 200);
    EXPECT_THAT(r.body, HasSubstr("toast"));
  }
  std::string p2p(const FeishuUser& u) { return FakeFeishu::p2p_chat(u.open_id); }
  // Waits (at most 10 s) for a message of the bot in `chat` containing `text`.
  FeishuMessage expect(const std::string& chat, const std::string& text) {
    std::optional<FeishuMessage> found;
    fake_.wait_until([&] {
      for (const auto& m : fake_.messages(chat)) {
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
    return found.value_or(FeishuMessage{});
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
  FakeFeishu fake_;
  std::unique_ptr<TestApp> app_;
  std::unique_ptr<HttpClient> client_;
  FeishuEvents ev_{kVerifyToken, kEncryptKey};
};

TEST_F(Feishu, HelpRequestFromTheGroupToTheRating) {
  say(kResidents, kAuntLi, "求助 厨房水管漏水了😭", "", /*mention=*/true);
  FeishuMessage ask = expect(kResidents, "需要哪方面的帮助");
  EXPECT_EQ(ask.msg_type, "interactive");
  press(kResidents, kAuntLi, ask, 0);  // 维修
  expect(kResidents, "私信");
  // Her private chat is not known yet: the question went to her open_id.
  expect(p2p(kAuntLi), "具体地址");
  say(p2p(kAuntLi), kAuntLi, "2单元501");
  expect(p2p(kAuntLi), "急吗");
  say(p2p(kAuntLi), kAuntLi, "1");
  expect(p2p(kAuntLi), "请确认你的求助");
  say(p2p(kAuntLi), kAuntLi, "是");
  expect(p2p(kAuntLi), "已提交，编号 #1");
  FeishuMessage card = expect(kVolunteers, "厨房水管漏水了😭");
  EXPECT_THAT(card.text, HasSubstr("#1 维修 · 31栋 · 急"));
  EXPECT_THAT(card.text, Not(HasSubstr("501")));

  // 陈师傅 replies to the card (Feishu's reply: parent_id is the card's message id).
  say(kVolunteers, kChen, "接单💪", card.message_id);
  expect(p2p(kChen), "地址：31栋2单元501");
  expect(p2p(kAuntLi), "陈师傅 接了你的求助 #1");
  // The card is edited in place for everyone.
  ASSERT_TRUE(fake_.wait_until([&] {
    for (const auto& m : fake_.messages(kVolunteers))
      if (m.message_id == card.message_id)
        return m.edits >= 1 && m.text.find("陈师傅 已接单") != std::string::npos;
    return false;
  }));
  // 赵姐 presses the button too late: the toast answered at once, the refusal follows in the chat.
  press(kVolunteers, kZhao, card, 0);
  expect(kVolunteers, "#1 已经由 陈师傅 接单了");

  say(kVolunteers, kChen, "完成 #1 ✅", "", true);
  FeishuMessage question = expect(p2p(kAuntLi), "满意吗");
  say(p2p(kAuntLi), kAuntLi, "5 谢谢陈师傅👍", question.message_id);
  expect(p2p(kAuntLi), "谢谢你的评价");
  expect(p2p(kChen), "★★★★★");
  EXPECT_EQ(on_io([&] { return app_->app().store().requests.get(1)->rating; }), 5);
  // The address went to private chats only.
  for (const auto& chat : {kResidents, kVolunteers})
    for (const auto& m : fake_.messages(chat)) EXPECT_THAT(m.text, Not(HasSubstr("501")));
  // Li's first private message went to her open_id; once she wrote there, to her chat's id.
  bool by_open_id = false, by_chat_id = false;
  for (const auto& x : fake_.exchanges()) {
    if (x.request.path != "/open-apis/im/v1/messages") continue;
    json b = json::parse(x.request.body);
    by_open_id |=
        x.request.query == "receive_id_type=open_id" && b["receive_id"] == kAuntLi.open_id;
    by_chat_id |= x.request.query == "receive_id_type=chat_id" && b["receive_id"] == p2p(kAuntLi);
  }
  EXPECT_TRUE(by_open_id);
  EXPECT_TRUE(by_chat_id);
  // One token served every call.
  EXPECT_EQ(fake_.tokens_issued(), 1);
}

TEST_F(Feishu, EnglishInAPrivateChat) {
  say(p2p(kEmma), kEmma, "/lang en");
  expect(p2p(kEmma), "I'll speak English");
  say(p2p(kEmma), kEmma, "/menu");
  expect(p2p(kEmma), "You can:");
}

TEST_F(Feishu, ARetriedEventIsHandledOnce) {
  FeishuRequest r = ev_.request(ev_.message(p2p(kAuntLi), false, kAuntLi, "/menu"), now_s());
  EXPECT_EQ(post(r).status, 200);
  EXPECT_EQ(post(r).status, 200);  // Feishu's retry: the same event_id
  expect(p2p(kAuntLi), "你可以");
  say(p2p(kAuntLi), kAuntLi, "/lang en");  // a marker that the retry was handled before it
  expect(p2p(kAuntLi), "I'll speak English");
  EXPECT_EQ(count(p2p(kAuntLi), "你可以"), 1);
}

TEST_F(Feishu, ForgeriesAreRefusedWithoutEffect) {
  json m = ev_.message(p2p(kAuntLi), false, kAuntLi, "/menu");
  FeishuRequest tampered = ev_.request(m, now_s());
  tampered.body[25] = tampered.body[25] == 'A' ? 'B' : 'A';
  EXPECT_EQ(post(tampered).status, 401);
  FeishuEvents other(kVerifyToken, "another-key");
  EXPECT_EQ(post(other.request(m, now_s())).status, 401);
  EXPECT_EQ(post(ev_.request(m, now_s() - 600)).status, 401);
  FeishuRequest unsigned_ = ev_.request(m, now_s());
  unsigned_.headers.clear();
  EXPECT_EQ(post(unsigned_).status, 401);
  EXPECT_EQ(on_io([&] { return app_->app().store().outbox.depth(); }), 0);
  EXPECT_FALSE(on_io([&] { return app_->app().store().people.find("fs", "ou_li").has_value(); }));
  // The URL check still answers.
  HttpReply check = client().post(
      "/feishu/fs",
      json{{"challenge", "c-1"}, {"token", kVerifyToken}, {"type", "url_verification"}}.dump());
  EXPECT_EQ(check.status, 200);
  EXPECT_EQ(json::parse(check.body)["challenge"], "c-1");
}

TEST_F(Feishu, RateLimitedAndRevokedTokenCatchUp) {
  fake_.rate_limit_next(1);
  say(p2p(kAuntLi), kAuntLi, "/menu");
  expect(p2p(kAuntLi), "你可以");
  fake_.revoke_tokens();
  say(p2p(kAuntLi), kAuntLi, "/lang en");
  expect(p2p(kAuntLi), "I'll speak English");
  EXPECT_EQ(fake_.tokens_issued(), 2);
  EXPECT_EQ(count(p2p(kAuntLi), "你可以"), 1);
}

TEST_F(Feishu, FifteenNeighboursReplyAtOnceForTenPlaces) {
  say(p2p(kZhou), kZhou, "设岗");
  expect(p2p(kZhou), "哪个队伍");
  for (const char* a : {"6", "照看31栋独居的王奶奶", "10", "0", "31栋", "明天 8:00-12:00", "1"})
    say(p2p(kZhou), kZhou, a);
  expect(p2p(kZhou), "请确认岗位");
  say(p2p(kZhou), kZhou, "是");
  expect(p2p(kZhou), "岗位 1 已保存");
  say(p2p(kZhou), kZhou, "招募 1");
  expect(p2p(kZhou), "招募已发到 2 个群");
  FeishuMessage card = expect(kResidents, "【招募】岗位 1：照看31栋独居的王奶奶");

  std::vector<FeishuRequest> replies;
  for (int i = 1; i <= kNeighbours; ++i) {
    json event =
        ev_.message(kResidents, true, neighbour(i), i % 2 ? "+1" : "报名", card.message_id);
    fake_.person_wrote(event["event"]["message"]["message_id"], kResidents);
    replies.push_back(ev_.request(event, now_s()));
  }
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kNeighbours; ++i) {
    threads.emplace_back([&, i] {
      HttpClient own(app_->port());
      ++ready;
      while (ready < kNeighbours) std::this_thread::yield();
      EXPECT_EQ(own.post("/feishu/fs", replies[i].body, replies[i].headers).status, 200);
    });
  }
  for (auto& t : threads) t.join();

  RosterCounts n = on_io([&] { return app_->app().store().roster.counts(1); });
  EXPECT_EQ(n.taken, 10);
  EXPECT_EQ(n.waiting, 5);
  // Everyone told which, privately, at their open_id.
  ASSERT_TRUE(fake_.wait_until([&] {
    for (int i = 1; i <= kNeighbours; ++i)
      if (fake_.messages(p2p(neighbour(i))).empty()) return false;
    return true;
  }));
  int places = 0, waiting = 0;
  for (int i = 1; i <= kNeighbours; ++i) {
    std::string t = fake_.messages(p2p(neighbour(i))).back().text;
    places += t.find("个名额") != std::string::npos;
    waiting += t.find("候补第") != std::string::npos;
  }
  EXPECT_EQ(places, 10);
  EXPECT_EQ(waiting, 5);
  // The card in each group is edited in place, not posted again.
  clock_.advance_ms(5'000);
  on_io([&] { return app_->app().scheduler().run_due(); });
  for (const auto& group : {kResidents, kVolunteers}) {
    ASSERT_TRUE(fake_.wait_until([&] {
      for (const auto& m : fake_.messages(group))
        if (m.text.find("已报名 10/10 · 候补 5") != std::string::npos) return m.edits == 1;
      return false;
    })) << group;
    EXPECT_EQ(count(group, "【招募】岗位 1"), 1);
  }
}

}  // namespace
}  // namespace linli::test
