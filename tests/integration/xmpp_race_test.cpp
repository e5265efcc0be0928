// The recruitment race of DESIGN.md §1 on XMPP: fifteen neighbours reply to the call's card in
// their room at the same moment, for ten places. Exactly ten get one; everyone is told which,
// privately; the roster card is corrected in place.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "bot/scheduler.hpp"
#include "storage/store.hpp"
#include "tests/support/xmpp_fixture.hpp"

namespace linli::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::HasSubstr;

constexpr int kNeighbours = 15;

std::string neighbour(int i) {
  return occupant(kResidentsRoom, "邻居" + std::to_string(i));
}

json neighbours() {
  json out = json::array();
  for (int i = 1; i <= kNeighbours; ++i) {
    out.push_back({{"person", "xm:" + neighbour(i)},
                   {"name", "邻居" + std::to_string(i)},
                   {"building", "31"}});
  }
  return out;
}

class XmppRace : public Xmpp {
 protected:
  XmppRace() : Xmpp(neighbours()) {}
};

TEST_F(XmppRace, FifteenRepliesForTenPlaces) {
  pm(kZhouJid, "设岗");
  expect(kZhouJid, "哪个队伍");
  for (const char* answer :
       {"6", "照看31栋独居的王奶奶", "10", "0", "31栋", "明天 8:00-12:00", "1"}) {
    pm(kZhouJid, answer);
  }
  expect(kZhouJid, "请确认岗位");
  pm(kZhouJid, "是");
  expect(kZhouJid, "岗位 1 已保存");
  pm(kZhouJid, "招募 1");
  expect(kZhouJid, "招募已发到 2 个群");
  expect(kVolunteersRoom, "【招募】岗位 1");
  XmppMessage card = expect(kResidentsRoom, "【招募】岗位 1：照看31栋独居的王奶奶");
  EXPECT_THAT(card.body, HasSubstr("需要 10 人"));

  std::vector<std::string> replies;
  for (int i = 1; i <= kNeighbours; ++i) {
    replies.push_back(stanza("groupchat", neighbour(i), i % 2 ? "+1" : "报名", card.id).dump());
  }
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kNeighbours; ++i) {
    threads.emplace_back([&, i] {
      HttpClient own(app_->port());
      ++ready;
      while (ready < kNeighbours) std::this_thread::yield();
      EXPECT_EQ(own.post(kWebhook, replies[i], {{"Content-Type", "application/json"}}).status, 204);
    });
  }
  for (auto& t : threads) t.join();

  RosterCounts n = on_io([&] { return app_->app().store().roster.counts(1); });
  EXPECT_EQ(n.taken, 10);
  EXPECT_EQ(n.waiting, 5);
  ASSERT_TRUE(fake_.wait_until(
      [](const FakeModRest& f) {
        for (int i = 1; i <= kNeighbours; ++i) {
          if (f.messages(neighbour(i)).empty()) return false;
        }
        return true;
      },
      10s));
  int places = 0, waiting = 0;
  for (int i = 1; i <= kNeighbours; ++i) {
    auto m = fake_.messages(neighbour(i));
    const std::string& t = m.back().body;
    EXPECT_EQ(m.back().type, "chat");
    places += t.find("个名额") != std::string::npos;
    waiting += t.find("候补第") != std::string::npos;
  }
  EXPECT_EQ(places, 10);
  EXPECT_EQ(waiting, 5);
  for (const auto& m : fake_.messages(kResidentsRoom))
    EXPECT_THAT(m.body, ::testing::Not(HasSubstr("个名额")));

  // One live roster card per room, corrected in place.
  clock_.advance_ms(5'000);
  EXPECT_GE(on_io([&] { return app_->app().scheduler().run_due(); }), 1);
  for (const char* room : {kResidentsRoom, kVolunteersRoom}) {
    ASSERT_TRUE(fake_.wait_until(
        [&](const FakeModRest& f) {
          for (const auto& m : f.messages(room)) {
            if (m.body.find("已报名 10/10 · 候补 5") != std::string::npos) return m.edits == 1;
          }
          return false;
        },
        10s))
        << room;
  }
}

}  // namespace
}  // namespace linli::test
