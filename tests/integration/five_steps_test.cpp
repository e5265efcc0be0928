// The story of DESIGN.md §1, end to end on Telegram: "Grandma in building 31 lives alone since
// her son went to the front line; who can look after her?" The coordinator sets up a post,
// calls for volunteers in the building's group, fifteen neighbours reply at the same moment
// for ten places, one withdraws, reminders go out, and who does not confirm is replaced.
// Also: a timer that falls due while the service is stopped fires once after the restart.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "bot/scheduler.hpp"
#include "dialogs/time_text.hpp"
#include "storage/store.hpp"
#include "tests/support/at_once.hpp"
#include "tests/support/telegram_fixture.hpp"

namespace linli::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::HasSubstr;

constexpr int kNeighbours = 15;

TelegramUser neighbour(int i) {
  return TelegramUser{4000 + i, "邻居" + std::to_string(i), "", "", "zh"};
}

// Fifteen more volunteers of building 31: the neighbours who answer the call.
json neighbours() {
  json out = json::array();
  for (int i = 1; i <= kNeighbours; ++i) {
    out.push_back({{"person", "tg:" + std::to_string(4000 + i)},
                   {"name", "邻居" + std::to_string(i)},
                   {"building", "31"}});
  }
  return out;
}

class FiveStepsOnTelegram : public Telegram {
 protected:
  FiveStepsOnTelegram() : Telegram(json::object(), neighbours()) {}

  int run_due() {
    return on_io([&] { return app_->app().scheduler().run_due(); });
  }
  RosterCounts roster() {
    return on_io([&] { return app_->app().store().roster.counts(1); });
  }
  // 周主任 sets up the post by dialog in his private chat; it starts tomorrow at 8:00.
  void set_up_post() {
    say(kZhou.id, kZhou, "设岗");
    expect(kZhou.id, "哪个队伍");
    for (const char* answer :
         {"6", "照看31栋独居的王奶奶", "10", "0", "31栋", "明天 8:00-12:00", "1"}) {
      say(kZhou.id, kZhou, answer);
    }
    expect(kZhou.id, "请确认岗位");
    say(kZhou.id, kZhou, "是");
    expect(kZhou.id, "岗位 1 已保存");
  }
  // The call's card in the residents' group.
  TelegramMessage recruit() {
    say(kZhou.id, kZhou, "招募 1");
    expect(kZhou.id, "招募已发到 2 个群");
    expect(kVolunteers, "【招募】岗位 1");
    return expect(kResidents, "【招募】岗位 1：照看31栋独居的王奶奶");
  }
  std::int64_t starts_at() {
    return on_io([&] { return app_->app().store().posts.get(1)->starts_at; });
  }
  void move_clock_to(std::int64_t t) { clock_.set_ms(t); }
  // The last message the bot sent to a neighbour privately ("" when none).
  std::string last_to(int i) {
    auto m = fake_.messages(neighbour(i).id);
    return m.empty() ? "" : m.back().text;
  }
};

TEST_F(FiveStepsOnTelegram, GrandmaInBuilding31) {
  set_up_post();
  TelegramMessage card = recruit();
  EXPECT_THAT(card.text, HasSubstr("需要 10 人"));

  // Fifteen replies to the card at the same moment, on fifteen connections.
  std::vector<PostAtOnce> replies;
  for (int i = 1; i <= kNeighbours; ++i) {
    json reply = ups_.message(kResidents, "supergroup", neighbour(i), i % 2 ? "+1" : "报名",
                              TelegramMessageOptions{}.replying_to_bot(card.message_id));
    replies.push_back(
        {"/telegram/tg", reply.dump(), {{"X-Telegram-Bot-Api-Secret-Token", kSecret}}});
  }
  post_at_once(app_->port(), replies);

  // Exactly ten places; five on the wait-list; everyone told which, privately.
  RosterCounts n = roster();
  EXPECT_EQ(n.taken, 10);
  EXPECT_EQ(n.waiting, 5);
  ASSERT_TRUE(fake_.wait_until(
      [](const FakeTelegram& f) {
        for (int i = 1; i <= kNeighbours; ++i) {
          if (f.messages(neighbour(i).id).empty()) return false;
        }
        return true;
      },
      10s));
  int places = 0, waiting = 0, first_waiting = 0, with_place = 0;
  for (int i = 1; i <= kNeighbours; ++i) {
    std::string t = last_to(i);
    if (t.find("个名额") != std::string::npos) {
      ++places;
      with_place = i;
    }
    if (t.find("候补第") != std::string::npos) ++waiting;
    if (t.find("候补第 1 位") != std::string::npos) first_waiting = i;
  }
  EXPECT_EQ(places, 10);
  EXPECT_EQ(waiting, 5);
  ASSERT_NE(first_waiting, 0);
  for (const auto& m : fake_.messages(kResidents))
    EXPECT_THAT(m.text, ::testing::Not(HasSubstr("个名额")));

  // One live roster card per group, edited in place.
  clock_.advance_ms(5'000);
  EXPECT_GE(run_due(), 1);
  for (std::int64_t group : {kResidents, kVolunteers}) {
    ASSERT_TRUE(fake_.wait_until(
        [&](const FakeTelegram& f) {
          for (const auto& m : f.messages(group)) {
            if (m.text.find("已报名 10/10 · 候补 5") != std::string::npos) return m.edits == 1;
          }
          return false;
        },
        10s))
        << group;
  }

  // One of them withdraws; the first on the wait-list gets the place and is told.
  say(kResidents, neighbour(with_place), "退出",
      TelegramMessageOptions{}.replying_to_bot(card.message_id));
  expect(neighbour(first_waiting).id, "空出一个名额，现在是你的了");
  n = roster();
  EXPECT_EQ(n.taken, 10);
  EXPECT_EQ(n.waiting, 4);

  // Two hours before: everyone with a place is asked to confirm.
  move_clock_to(starts_at() - 2 * kHour);
  run_due();
  std::vector<TelegramMessage> reminders;
  ASSERT_TRUE(fake_.wait_until(
      [&](const FakeTelegram& f) {
        reminders.clear();
        for (int i = 1; i <= kNeighbours; ++i) {
          for (const auto& m : f.messages(neighbour(i).id)) {
            if (m.text.find("提醒：岗位 1") != std::string::npos) reminders.push_back(m);
          }
        }
        return reminders.size() == 10;
      },
      10s));
  // Eight confirm by replying; two say nothing.
  for (std::size_t k = 0; k < 8; ++k) {
    const TelegramUser u = neighbour(static_cast<int>(reminders[k].chat_id - 4000));
    say(u.id, u, "确认", TelegramMessageOptions{}.replying_to_bot(reminders[k].message_id));
    expect(u.id, "已确认");
  }
  // One hour before: the two are replaced from the wait-list, and told.
  move_clock_to(starts_at() - 1 * kHour);
  run_due();
  for (std::size_t k = 8; k < 10; ++k) expect(reminders[k].chat_id, "名额已经让给其他志愿者");
  n = roster();
  EXPECT_EQ(n.taken, 10);
  EXPECT_EQ(n.waiting, 2);
}

TEST_F(FiveStepsOnTelegram, TimerThatFallsDueWhileStoppedFiresOnceAfterTheRestart) {
  set_up_post();
  TelegramMessage card = recruit();
  std::int64_t deadline = starts_at();
  app_->stop();
  move_clock_to(deadline + 1);  // the call's deadline passed while the service was down
  app_->start();
  // The scheduler catches up as it starts: the call closes and its cards say so.
  ASSERT_TRUE(fake_.wait_until(
      [&](const FakeTelegram& f) {
        for (const auto& m : f.messages(kResidents)) {
          if (m.message_id == card.message_id) return m.text.find("【招募已截止】") == 0;
        }
        return false;
      },
      10s));
  app_->restart();
  run_due();
  say(kZhou.id, kZhou, "/menu");  // a marker: everything before it has been sent
  expect(kZhou.id, "你可以");
  EXPECT_EQ(fake_.calls("editMessageText").size(), 2u);  // one edit per card, once
  EXPECT_FALSE(on_io([&] { return app_->app().store().posts.call(1)->open; }));
}

}  // namespace
}  // namespace linli::test
