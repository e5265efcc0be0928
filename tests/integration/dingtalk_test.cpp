// Linli on DingTalk, end to end over real HTTP on 127.0.0.1: the robot's signed callbacks
// POSTed as DingTalk sends them, answers arriving at a fake DingTalk (sessionWebhooks and the
// robot API with its access token). Buttons are shown as the words to type; a card is answered
// by typing its number ("接单 #1", "报名 1"), as DingTalk does not say what a message replies to.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "bot/dispatcher.hpp"
#include "bot/outbox_sender.hpp"
#include "bot/scheduler.hpp"
#include "storage/store.hpp"
#include "tests/support/dingtalk_fixture.hpp"
#include "tests/support/raw_socket.hpp"

namespace linli::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

TEST_F(DingTalk, HelpRequestFromTheGroupToTheRating) {
  say(kDtResidents, kDtLi, "求助 厨房水管漏水了😭");
  // DingTalk does not say what a message replies to, and in a group only a reply answers a
  // question: the dialog goes on privately at once.
  EXPECT_TRUE(expect(kDtResidents, "我私信你继续").via_session);  // the group's sessionWebhook
  // She never wrote to the robot privately: the robot API reaches her by her userid.
  DingTalkMessage ask = expect(kDtLi.id, "需要哪方面的帮助");
  EXPECT_FALSE(ask.via_session);
  EXPECT_THAT(ask.text, HasSubstr("👉 回复「维修」"));  // the buttons, as words to type
  say_privately(kDtLi, "维修");
  expect(kDtLi.id, "具体地址");
  say_privately(kDtLi, "2单元501");
  EXPECT_TRUE(expect(kDtLi.id, "急吗").via_session);
  say_privately(kDtLi, "1");
  expect(kDtLi.id, "请确认你的求助");
  say_privately(kDtLi, "是");
  expect(kDtLi.id, "已提交，编号 #1");
  DingTalkMessage card = expect(kDtVolunteers, "厨房水管漏水了😭");
  EXPECT_THAT(card.text, HasSubstr("#1 维修 · 31栋 · 急"));
  EXPECT_THAT(card.text, HasSubstr("回复「接单 #1」"));
  EXPECT_THAT(card.text, Not(HasSubstr("501")));

  say(kDtVolunteers, kDtChen, "接单 #1");
  expect(kDtChen.id, "地址：31栋2单元501");
  expect(kDtLi.id, "陈师傅 接了你的求助 #1");
  expect(kDtVolunteers, "陈师傅 已接单");  // the card's new text, sent anew
  say(kDtVolunteers, kDtZhao, "接单 #1");
  expect(kDtVolunteers, "#1 已经由 陈师傅 接单了");

  say(kDtVolunteers, kDtChen, "完成 #1 ✅");
  expect(kDtLi.id, "满意吗");
  say_privately(kDtLi, "5 谢谢陈师傅👍");
  expect(kDtLi.id, "谢谢你的评价");
  expect(kDtChen.id, "★★★★★");
  EXPECT_EQ(on_io([&] { return app_->app().store().requests.get(1)->rating; }), 5);
  // Phone numbers and addresses only privately.
  for (const char* group : {kDtResidents, kDtVolunteers}) {
    for (const auto& m : fake_.messages(group)) EXPECT_THAT(m.text, Not(HasSubstr("501")));
  }
  EXPECT_EQ(fake_.token_fetches(), 1);  // one token for every robot API call
}

TEST_F(DingTalk, EnglishSpeakerIsAnsweredInEnglish) {
  say_privately(kDtZhang, "/lang en");
  expect(kDtZhang.id, "I'll speak English");
  say(kDtResidents, kDtZhang, "/menu");
  expect(kDtResidents, "You can:");
}

TEST_F(DingTalk, ARetryOfTheSameMessageIsHandledOnce) {
  json join = callback("", kDtLi, "/menu");
  EXPECT_EQ(post(join), 200);
  EXPECT_EQ(post(join), 200);     // DingTalk's retry: the same msgId
  say_privately(kDtLi, "/mine");  // a marker
  expect(kDtLi.id, "没有进行中的求助");
  EXPECT_EQ(count(kDtLi.id, "你可以"), 1);
  EXPECT_EQ(on_io([&] { return app_->app().dispatcher().stats().duplicates; }), 1u);
}

TEST_F(DingTalk, BadSignaturesAndStaleTimestampsAreRefusedWithoutEffect) {
  json menu = callback("", kDtLi, "/menu");
  std::int64_t now = clock_.now_ms();
  auto headers = dingtalk_headers(kDtSecret, now);
  // Tampered sign, the sign of another secret, another timestamp's sign, none at all.
  EXPECT_EQ(
      client()
          .post("/dingtalk/dt", menu.dump(),
                {{"timestamp", headers[0].second}, {"sign", "AAAA" + headers[1].second.substr(4)}})
          .status,
      401);
  EXPECT_EQ(
      client().post("/dingtalk/dt", menu.dump(), dingtalk_headers("wrong-secret", now)).status,
      401);
  EXPECT_EQ(client()
                .post("/dingtalk/dt", menu.dump(),
                      {{"timestamp", std::to_string(now + 1)}, {"sign", headers[1].second}})
                .status,
            401);
  EXPECT_EQ(client().post("/dingtalk/dt", menu.dump()).status, 401);
  // Signed, but more than an hour away from now, either way.
  EXPECT_EQ(post(menu, now - 3'600'001), 401);
  EXPECT_EQ(post(menu, now + 3'600'001), 401);
  EXPECT_EQ(on_io([&] { return app_->app().store().outbox.depth(); }), 0);
  EXPECT_FALSE(on_io([&] { return app_->app().store().people.find("dt", kDtLi.id).has_value(); }));
  // An hour exactly is still good.
  EXPECT_EQ(post(menu, now - 3'600'000), 200);
  expect(kDtLi.id, "你可以");
}

TEST_F(DingTalk, AWrongSignIsRefusedBeforeTheBodyIsRead) {
  RawSocket s(app_->port());
  ASSERT_TRUE(
      s.send("POST /dingtalk/dt HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             "timestamp: 1800000000000\r\nsign: wrong\r\nContent-Length: 1000000\r\n\r\n"));
  EXPECT_THAT(s.read(5s), StartsWith("HTTP/1.1 401"));
}

TEST_F(DingTalk, ThrottlingPausesAndTheMessageArrivesOnce) {
  fake_.throttle_sessions(1);
  say_privately(kDtLi, "/menu");
  expect(kDtLi.id, "你可以");
  EXPECT_EQ(count(kDtLi.id, "你可以"), 1);
  EXPECT_EQ(on_io([&] { return app_->app().sender().stats().rate_limited; }), 1u);
}

TEST_F(DingTalk, ARevokedTokenIsFetchedAgainAndAThrottledCallWaits) {
  say(kDtResidents, kDtLi, "求助 漏水");
  expect(kDtLi.id, "需要哪方面的帮助");  // the robot API: a first token
  say_privately(kDtLi, "维修");
  expect(kDtLi.id, "具体地址");
  say_privately(kDtLi, "2单元501");
  say_privately(kDtLi, "1");
  expect(kDtLi.id, "请确认你的求助");
  // The card goes to the volunteers' group, which has no session, by the robot API: the token
  // is refused, a new one fetched; the call is throttled once, then goes through, once.
  fake_.revoke_tokens();
  fake_.throttle_api(1);
  say_privately(kDtLi, "是");
  expect(kDtVolunteers, "#1 维修");
  EXPECT_EQ(count(kDtVolunteers, "#1 维修"), 1);
  EXPECT_EQ(fake_.token_fetches(), 2);
  EXPECT_EQ(on_io([&] { return app_->app().sender().stats().rate_limited; }), 1u);
}

// ---- The recruitment race: fifteen neighbours type "报名 1" at once for ten places. ----

constexpr int kNeighbours = 15;

DtUser neighbour(int i) {
  return DtUser{"nb" + std::to_string(i), "邻居" + std::to_string(i)};
}

json neighbours() {
  json out = json::array();
  for (int i = 1; i <= kNeighbours; ++i) {
    out.push_back(
        {{"person", "dt:" + neighbour(i).id}, {"name", neighbour(i).nick}, {"building", "31"}});
  }
  return out;
}

class DingTalkRecruitment : public DingTalk {
 protected:
  DingTalkRecruitment() : DingTalk(neighbours()) {}
};

TEST_F(DingTalkRecruitment, FifteenTypeJoinForTenPlacesAndExactlyTenGetThem) {
  say_privately(kDtZhou, "设岗");
  expect(kDtZhou.id, "哪个队伍");
  for (const char* a : {"6", "照看31栋独居的王奶奶", "10", "0", "31栋", "明天 8:00-12:00", "1"}) {
    say_privately(kDtZhou, a);
  }
  expect(kDtZhou.id, "请确认岗位");
  say_privately(kDtZhou, "是");
  expect(kDtZhou.id, "岗位 1 已保存");
  say_privately(kDtZhou, "招募 1");
  expect(kDtZhou.id, "招募已发到 2 个群");
  DingTalkMessage card = expect(kDtResidents, "【招募】岗位 1：照看31栋独居的王奶奶");
  EXPECT_THAT(card.text, HasSubstr("回复「报名 1」"));

  std::vector<json> bodies;
  for (int i = 1; i <= kNeighbours; ++i) {
    bodies.push_back(callback(kDtResidents, neighbour(i), i % 2 ? "报名 1" : "报名1"));
  }
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kNeighbours; ++i) {
    threads.emplace_back([&, i] {
      HttpClient own(app_->port());
      ++ready;
      while (ready < kNeighbours) std::this_thread::yield();
      EXPECT_EQ(post(bodies[i], clock_.now_ms(), &own), 200);
    });
  }
  for (auto& t : threads) t.join();

  RosterCounts n = on_io([&] { return app_->app().store().roster.counts(1); });
  EXPECT_EQ(n.taken, 10);
  EXPECT_EQ(n.waiting, 5);
  ASSERT_TRUE(fake_.wait_until([](const FakeDingTalk& f) {
    for (int i = 1; i <= kNeighbours; ++i) {
      if (f.messages(neighbour(i).id).empty()) return false;
    }
    return true;
  }));
  int places = 0, waiting = 0;
  for (int i = 1; i <= kNeighbours; ++i) {
    std::string t = fake_.messages(neighbour(i).id).back().text;
    places += t.find("个名额") != std::string::npos;
    waiting += t.find("候补第") != std::string::npos;
  }
  EXPECT_EQ(places, 10);
  EXPECT_EQ(waiting, 5);
  for (const auto& m : fake_.messages(kDtResidents)) EXPECT_THAT(m.text, Not(HasSubstr("个名额")));
  // The card's refresh, sent anew in each group (a robot's text cannot be edited).
  clock_.advance_ms(5'000);
  on_io([&] { return app_->app().scheduler().run_due(); });
  expect(kDtResidents, "已报名 10/10 · 候补 5");
  expect(kDtVolunteers, "已报名 10/10 · 候补 5");
}

}  // namespace
}  // namespace linli::test
