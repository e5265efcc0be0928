// Linli on Slack, end to end over real HTTP on 127.0.0.1: Events API envelopes and block_actions
// forms POSTed to the webhook signed as Slack signs them, replies arriving at a fake Web API that
// follows the documented one. Chinese and English; addresses and phone numbers only in DMs.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include <nlohmann/json.hpp>

#include "bot/outbox_sender.hpp"
#include "bot/scheduler.hpp"
#include "dialogs/time_text.hpp"
#include "storage/store.hpp"
#include "tests/support/slack_fixture.hpp"

namespace linli::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

TEST_F(Slack, HelpRequestFromTheChannelToTheRating) {
  say(kRes, kSLi, "求助 厨房水管漏水了😭");
  SlackMessage ask = expect(kRes, "需要哪方面的帮助");
  press(kRes, kSLi, ask, 0, 0);  // 维修
  expect(kRes, "私信");
  // Li never wrote to the bot privately: the question reaches her by her user id, in the DM.
  expect_private(kSLi, "具体地址");
  say_privately(kSLi, "2单元501");
  expect_private(kSLi, "急吗");
  say_privately(kSLi, "1");
  expect_private(kSLi, "请确认你的求助");
  say_privately(kSLi, "是");
  expect_private(kSLi, "已提交，编号 #1");
  SlackMessage card = expect(kVol, "厨房水管漏水了😭");
  EXPECT_THAT(card.text, HasSubstr("#1 维修 · 31栋 · 急"));
  EXPECT_THAT(card.text, Not(HasSubstr("501")));

  // "Reply 接单 to the card": on Slack, a reply in the card's thread.
  say(kVol, kSChen, "接单💪", card.ts);
  expect_private(kSChen, "地址：31栋2单元501");
  expect_private(kSLi, "陈师傅 接了你的求助 #1");
  // A second volunteer, too late, by the button: told so, to her alone; nothing changes.
  press(kVol, kSZhao, card, 0, 0);
  ASSERT_TRUE(fake_.wait_until([](const FakeSlack& f) { return !f.ephemerals().empty(); }, 10s));
  SlackEphemeral late = fake_.ephemerals().back();
  EXPECT_EQ(late.channel, kVol);
  EXPECT_EQ(late.user, kSZhao.id);
  EXPECT_THAT(late.text, HasSubstr("陈师傅"));
  ASSERT_TRUE(fake_.wait_until(
      [&](const FakeSlack& f) {
        for (const auto& m : f.messages(kVol)) {
          if (m.ts == card.ts) return m.text.find("陈师傅 已接单") != std::string::npos;
        }
        return false;
      },
      10s));

  say(kVol, kSChen, "完成 #1 ✅");
  SlackMessage question = expect_private(kSLi, "满意吗");
  // Li answers in the question's thread, in her DM.
  say_privately(kSLi, "5 谢谢陈师傅👍", question.ts);
  expect_private(kSLi, "谢谢你的评价");
  expect_private(kSChen, "★★★★★");
  EXPECT_EQ(on_io([&] { return app_->app().store().requests.get(1)->rating; }), 5);
  // Nothing private was posted in a channel.
  for (const char* channel : {kRes, kVol}) {
    for (const auto& m : fake_.messages(channel)) {
      EXPECT_THAT(m.text, Not(HasSubstr("2单元501")));
      EXPECT_THAT(m.text, Not(HasSubstr("13800000001")));
    }
  }
}

TEST_F(Slack, EnglishMentionInAThreadIsAnsweredInEnglishInTheThread) {
  // "@Linli /menu": Slack's client takes a message that starts with "/" as a slash command, so
  // the command follows a mention. The app gets it twice (app_mention and message): once.
  std::string ts = next_ts();
  json mention = {{"type", "app_mention"},
                  {"channel", kRes},
                  {"user", kSEmma.id},
                  {"text", std::string("<@") + kSlackBot + "> /menu"},
                  {"ts", ts},
                  {"event_ts", ts},
                  {"thread_ts", "1790000000.000999"}};
  json message = mention;
  message["type"] = "message";
  message["channel_type"] = "channel";
  message["parent_user_id"] = kSEmma.id;
  message["user_profile"] = {{"display_name", "Emma"}};
  ASSERT_EQ(post_event(envelope(mention)), 200);
  ASSERT_EQ(post_event(envelope(message)), 200);
  ASSERT_EQ(post_event(envelope(mention)), 200);  // and a retry of the first
  const std::string thread = "1790000000.000999";
  // Slack tells no language: the first answer is in the community's, in the thread.
  SlackMessage menu = expect(kRes, "你可以");
  EXPECT_EQ(menu.thread_ts, thread);
  // Emma says which language once and is answered in English from then on.
  say(kRes, kSEmma, std::string("<@") + kSlackBot + "> /lang en", thread);
  EXPECT_EQ(expect(kRes, "I'll speak English").thread_ts, thread);
  say(kRes, kSEmma, std::string("<@") + kSlackBot + "> /menu", thread);
  EXPECT_EQ(expect(kRes, "You can:").thread_ts, thread);
  EXPECT_EQ(count(kRes, "你可以"), 1);  // the menu asked twice and retried was answered once
}

TEST_F(Slack, RetriedEventIsHandledOnce) {
  json e = envelope(message_event(kRes, kSZhang, "菜单"));
  ASSERT_EQ(post_event(e), 200);
  for (int n = 1; n <= 3; ++n) {
    EXPECT_EQ(post_raw(client(), e.dump(), "application/json",
                       {{"X-Slack-Retry-Num", std::to_string(n)},
                        {"X-Slack-Retry-Reason", "http_timeout"}}),
              200);
  }
  say(kRes, kSLi, "菜单");  // a marker: everything before it has been answered
  ASSERT_TRUE(fake_.wait_until([&](const FakeSlack&) { return count(kRes, "你可以") >= 2; }, 10s));
  wait_recorded();
  EXPECT_EQ(count(kRes, "你可以"), 2);
}

TEST_F(Slack, UrlVerificationThroughTheServer) {
  json check = {{"token", "legacy"}, {"challenge", "c-1800"}, {"type", "url_verification"}};
  auto headers = signed_headers(check.dump(), "application/json");
  HttpReply r = client().request("POST", kPath, check.dump(), headers);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body)["challenge"], "c-1800");
}

TEST_F(Slack, UnsignedStaleOrForgedRequestsAreRefusedWithoutEffect) {
  std::string body = envelope(message_event(FakeSlack::dm_of(kSLi.id), kSLi, "菜单")).dump();
  auto send = [&](std::vector<std::pair<std::string, std::string>> headers, const std::string& b) {
    return client().request("POST", kPath, b, headers).status;
  };
  EXPECT_EQ(send({{"Content-Type", "application/json"}}, body), 401);
  EXPECT_EQ(send(signed_headers(body, "application/json", "another secret"), body), 401);
  EXPECT_EQ(send(signed_headers(body, "application/json", kSigningSecret, -301), body), 401);
  EXPECT_EQ(send(signed_headers(body, "application/json", kSigningSecret, 301), body), 401);
  auto headers = signed_headers(body, "application/json");
  EXPECT_EQ(send(headers, body + " "), 401);  // tampered after signing
  std::string press = press_body(kVol, kSZhao, "1800000000.000001", "t:1");
  auto press_headers = signed_headers(press, "application/x-www-form-urlencoded");
  EXPECT_EQ(send(press_headers, press_body(kVol, kSZhao, "1800000000.000001", "t:2")), 401);
  EXPECT_EQ(on_io([&] { return app_->app().store().outbox.depth(); }), 0);
  EXPECT_FALSE(on_io([&] { return app_->app().store().people.find("sl", "U0LI").has_value(); }));
  EXPECT_TRUE(fake_.calls("chat.postMessage").empty());
}

TEST_F(Slack, RateLimitedChannelWaitsRetryAfterAndLosesNothing) {
  fake_.add_fault(SlackFault::ratelimited("chat.postMessage", 1).in(kRes));
  say(kRes, kSZhang, "菜单");
  say(kRes, kSLi, "菜单");
  ASSERT_TRUE(fake_.wait_until([&](const FakeSlack&) { return count(kRes, "你可以") >= 2; }, 10s));
  wait_recorded();
  EXPECT_EQ(count(kRes, "你可以"), 2);
  EXPECT_EQ(fake_.calls("chat.postMessage").size(), 3u);  // one 429, then each once
  EXPECT_EQ(on_io([&] { return app_->app().sender().stats().rate_limited; }), 1u);
}

TEST_F(Slack, ChannelTheBotWasRemovedFromIsADeadLetterNotARetryLoop) {
  fake_.kick_from(kRes);
  say(kRes, kSZhang, "菜单");
  ASSERT_TRUE(fake_.wait_until(
      [](const FakeSlack& f) { return !f.calls("chat.postMessage").empty(); }, 10s));
  wait_recorded();
  say_privately(kSZhang, "菜单");  // a marker
  expect_private(kSZhang, "你可以");
  int to_channel = 0;
  for (const auto& c : fake_.calls("chat.postMessage")) to_channel += c["channel"] == kRes;
  EXPECT_EQ(to_channel, 1);  // refused once, not tried again
  // The coordinator hears of it, privately.
  EXPECT_THAT(expect_private(kSZhou, "没有送达").text, HasSubstr("not_in_channel"));
}

// ---- The recruitment race of DESIGN.md §1, on Slack. ----

constexpr int kNeighbours = 15;

SlackUser neighbour(int i) {
  return SlackUser{"U0N" + std::to_string(100 + i), "邻居" + std::to_string(i)};
}

json neighbours() {
  json out = json::array();
  for (int i = 1; i <= kNeighbours; ++i) {
    out.push_back({{"person", "sl:" + neighbour(i).id},
                   {"name", "邻居" + std::to_string(i)},
                   {"building", "31"}});
  }
  return out;
}

class FiveStepsOnSlack : public Slack {
 protected:
  FiveStepsOnSlack() : Slack(neighbours()) {}
  RosterCounts roster() {
    return on_io([&] { return app_->app().store().roster.counts(1); });
  }
};

TEST_F(FiveStepsOnSlack, FifteenRepliesForTenPlaces) {
  say_privately(kSZhou, "设岗");
  expect_private(kSZhou, "哪个队伍");
  for (const char* answer :
       {"6", "照看31栋独居的王奶奶", "10", "0", "31栋", "明天 8:00-12:00", "1"}) {
    say_privately(kSZhou, answer);
  }
  expect_private(kSZhou, "请确认岗位");
  say_privately(kSZhou, "是");
  expect_private(kSZhou, "岗位 1 已保存");
  say_privately(kSZhou, "招募 1");
  expect_private(kSZhou, "招募已发到 2 个群");
  SlackMessage card = expect(kRes, "【招募】岗位 1：照看31栋独居的王奶奶");
  EXPECT_THAT(card.text, HasSubstr("需要 10 人"));

  // Fifteen replies in the card's thread at the same moment, on fifteen connections.
  std::vector<std::string> bodies;
  for (int i = 1; i <= kNeighbours; ++i) {
    bodies.push_back(
        envelope(message_event(kRes, neighbour(i), i % 2 ? "+1" : "报名", card.ts)).dump());
  }
  std::vector<std::vector<std::pair<std::string, std::string>>> headers;
  for (const auto& b : bodies) headers.push_back(signed_headers(b, "application/json"));
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kNeighbours; ++i) {
    threads.emplace_back([&, i] {
      HttpClient own(app_->port());
      ++ready;
      while (ready < kNeighbours) std::this_thread::yield();
      EXPECT_EQ(own.request("POST", kPath, bodies[i], headers[i]).status, 200);
    });
  }
  for (auto& t : threads) t.join();

  RosterCounts n = roster();
  EXPECT_EQ(n.taken, 10);
  EXPECT_EQ(n.waiting, 5);
  // Everyone told which, privately, in their DM (reached by user id: none wrote privately).
  ASSERT_TRUE(fake_.wait_until(
      [](const FakeSlack& f) {
        for (int i = 1; i <= kNeighbours; ++i) {
          if (f.messages(FakeSlack::dm_of(neighbour(i).id)).empty()) return false;
        }
        return true;
      },
      10s));
  int places = 0, waiting = 0;
  for (int i = 1; i <= kNeighbours; ++i) {
    std::string t = fake_.messages(FakeSlack::dm_of(neighbour(i).id)).back().text;
    places += t.find("个名额") != std::string::npos;
    waiting += t.find("候补第") != std::string::npos;
  }
  EXPECT_EQ(places, 10);
  EXPECT_EQ(waiting, 5);
  for (const auto& m : fake_.messages(kRes)) EXPECT_THAT(m.text, Not(HasSubstr("个名额")));

  // The live roster card in each channel, edited in place by chat.update.
  clock_.advance_ms(5'000);
  EXPECT_GE(on_io([&] { return app_->app().scheduler().run_due(); }), 1);
  for (const char* channel : {kRes, kVol}) {
    ASSERT_TRUE(fake_.wait_until(
        [&](const FakeSlack& f) {
          for (const auto& m : f.messages(channel)) {
            if (m.text.find("已报名 10/10 · 候补 5") != std::string::npos) return m.edits == 1;
          }
          return false;
        },
        10s))
        << channel;
  }

  // Two hours before: everyone with a place is asked to confirm, in their DM, with buttons.
  std::int64_t starts_at = on_io([&] { return app_->app().store().posts.get(1)->starts_at; });
  clock_.set_ms(starts_at - 2 * kHour);
  on_io([&] { return app_->app().scheduler().run_due(); });
  std::vector<std::pair<SlackUser, SlackMessage>> reminders;
  ASSERT_TRUE(fake_.wait_until(
      [&](const FakeSlack& f) {
        reminders.clear();
        for (int i = 1; i <= kNeighbours; ++i) {
          for (const auto& m : f.messages(FakeSlack::dm_of(neighbour(i).id))) {
            if (m.text.find("提醒：岗位 1") != std::string::npos)
              reminders.push_back({neighbour(i), m});
          }
        }
        return reminders.size() == 10;
      },
      10s));
  wait_recorded();
  // A press in the DM (whose channel Linli had never seen) confirms.
  const auto& [who, reminder] = reminders.front();
  press(FakeSlack::dm_of(who.id), who, reminder, 0, 0);
  expect_private(who, "已确认");
}

}  // namespace
}  // namespace linli::test
