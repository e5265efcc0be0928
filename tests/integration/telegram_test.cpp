// Linli on Telegram, end to end over real HTTP on 127.0.0.1: updates POSTed to the webhook as
// Telegram sends them, replies arriving at a fake Bot API that follows the documented API. A
// group of three residents and three volunteers, Chinese text and emoji around commands.

#include <gmock/gmock.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bot/dispatcher.hpp"
#include "bot/outbox_sender.hpp"
#include "storage/store.hpp"
#include "tests/support/raw_socket.hpp"
#include "tests/support/telegram_fixture.hpp"

namespace linli::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

TEST_F(Telegram, HelpRequestFromTheGroupToTheRating) {
  // The command comes after an emoji and Chinese text: found by its entity's UTF-16 offset.
  say(kResidents, kLi, "🙏请帮忙 /help@linli_bot 厨房水管漏水了😭");
  TelegramMessage ask = expect(kResidents, "需要哪方面的帮助");
  press(kResidents, kLi, ask.message_id, button(ask, 0, 0));  // 维修
  expect(kResidents, "私信");
  expect(kLi.id, "具体地址");
  say(kLi.id, kLi, "2单元501");
  expect(kLi.id, "急吗");
  say(kLi.id, kLi, "1");
  expect(kLi.id, "请确认你的求助");
  say(kLi.id, kLi, "是");
  expect(kLi.id, "已提交，编号 #1");
  TelegramMessage card = expect(kVolunteers, "厨房水管漏水了😭");
  EXPECT_THAT(card.text, HasSubstr("#1 维修 · 31栋 · 急"));
  EXPECT_THAT(card.text, Not(HasSubstr("501")));

  say(kVolunteers, kChen, "接单💪", TelegramMessageOptions{}.replying_to_bot(card.message_id));
  expect(kChen.id, "地址：31栋2单元501");
  expect(kLi.id, "陈师傅 接了你的求助 #1");
  // A second volunteer, too late, by the button: answered on the button, nothing changes.
  press(kVolunteers, kZhao, card.message_id, button(card, 0, 0));
  ASSERT_TRUE(fake_.wait_until(
      [](const FakeTelegram& f) { return f.calls("answerCallbackQuery").size() >= 2; }, 10s));
  EXPECT_THAT(fake_.calls("answerCallbackQuery").back().params["text"].get<std::string>(),
              HasSubstr("陈师傅"));
  ASSERT_TRUE(fake_.wait_until(
      [&](const FakeTelegram& f) {
        for (const auto& m : f.messages(kVolunteers)) {
          if (m.message_id == card.message_id)
            return m.text.find("陈师傅 已接单") != std::string::npos;
        }
        return false;
      },
      10s));

  say(kVolunteers, kChen, "完成 #1 ✅");
  TelegramMessage question = expect(kLi.id, "满意吗");
  say(kLi.id, kLi, "5 谢谢陈师傅👍", TelegramMessageOptions{}.replying_to_bot(question.message_id));
  expect(kLi.id, "谢谢你的评价");
  expect(kChen.id, "★★★★★");
  EXPECT_EQ(on_io([&] { return app_->app().store().requests.get(1)->rating; }), 5);
  // Every press was answered.
  EXPECT_EQ(fake_.calls("answerCallbackQuery").size(), 2u);
}

TEST_F(Telegram, VolunteerSignsUpAndTheCoordinatorApprovesByButton) {
  say(kResidents, kZhang, "报名志愿者");
  expect(kResidents, "请问你的姓名");
  say(kResidents, kZhang, "张建国",
      TelegramMessageOptions{}.replying_to_bot(fake_.messages(kResidents).back().message_id));
  expect(kZhang.id, "你的手机号");
  say(kZhang.id, kZhang, "13700000000");
  say(kZhang.id, kZhang, "31栋");
  say(kZhang.id, kZhang, "1 3");
  say(kZhang.id, kZhang, "周末");
  expect(kZhang.id, "技能：维修、驾驶");
  say(kZhang.id, kZhang, "是");
  TelegramMessage review = expect(kZhou.id, "新志愿者待审核");
  press(kZhou.id, kZhou, review.message_id, button(review, 0, 0));  // 通过
  expect(kZhang.id, "你已成为 山城花园社区 的志愿者");
  expect(kVolunteers, "欢迎新志愿者 张建国");
  for (std::int64_t group : {kResidents, kVolunteers}) {
    for (const auto& m : fake_.messages(group)) EXPECT_THAT(m.text, Not(HasSubstr("13700000000")));
  }
}

// Issue 12: with privacy mode off, or in a client that shows every message, a plain message in
// the group is the person talking to neighbours, never the answer to an open question.
TEST_F(Telegram, APlainGroupMessageIsNotTheAnswerToAnOpenQuestion) {
  say(kResidents, kZhang, "报名志愿者");
  TelegramMessage ask = expect(kResidents, "请问你的姓名");
  say(kResidents, kZhang, "求组 水管又漏了");
  expect(kZhang.id, "你在31栋居民群的志愿者报名还没填完：回复机器人的问题继续");
  auto state = [&] {
    return on_io([&] {
      auto& store = app_->app().store();
      auto p = store.people.find("tg", std::to_string(kZhang.id));
      auto d = p ? store.dialogs.get(p->id) : std::nullopt;
      return d ? d->state : std::string();
    });
  };
  EXPECT_EQ(state(), "name");
  say(kResidents, kZhang, "张建国", TelegramMessageOptions{}.replying_to_bot(ask.message_id));
  expect(kZhang.id, "你的手机号");
  EXPECT_EQ(state(), "phone");
  EXPECT_EQ(count(kResidents, "求组"), 0);
}

TEST_F(Telegram, QuestionInAGroupOpensTheReplyBoxForItsPersonAlone) {
  say(kResidents, kLi, "求助");
  TelegramMessage ask = expect(kResidents, "需要哪方面的帮助");
  say(kResidents, kLi, "5", TelegramMessageOptions{}.replying_to_bot(ask.message_id));
  expect(kResidents, "简单说说");
  // Privacy-mode bots see only replies in groups: ForceReply makes her answer one.
  auto sent = fake_.calls("sendMessage");
  ASSERT_FALSE(sent.empty());
  EXPECT_EQ(sent.back().params["reply_markup"]["force_reply"], true);
  EXPECT_EQ(sent.back().params["reply_markup"]["selective"], true);
  EXPECT_TRUE(sent.back().params.contains("reply_parameters"));
}

TEST_F(Telegram, EnglishSpeakerInATopicIsAnsweredInEnglishInTheSameTopic) {
  say(kResidents, kEmma, "/menu", TelegramMessageOptions{}.in_topic(777));
  TelegramMessage m = expect(kResidents, "You can:");
  EXPECT_EQ(m.thread_id, 777);
}

TEST_F(Telegram, CommandForAnotherBotIsNotOurs) {
  say(kResidents, kLi, "/help@OtherHelperBot");
  say(kResidents, kLi, "/menu");  // a marker that the first one was handled before it
  expect(kResidents, "你可以");
  EXPECT_EQ(count(kResidents, "需要哪方面的帮助"), 0);
}

TEST_F(Telegram, WrongOrMissingSecretIsRefusedWithoutEffect) {
  EXPECT_EQ(post(ups_.message(kLi.id, "private", kLi, "/menu"), "wrong"), 401);
  EXPECT_EQ(
      client().post("/telegram/tg", ups_.message(kLi.id, "private", kLi, "/menu").dump()).status,
      401);
  EXPECT_EQ(client()
                .post("/telegram/tg", "{not json", {{"X-Telegram-Bot-Api-Secret-Token", "wrong"}})
                .status,
            401);
  EXPECT_EQ(on_io([&] { return app_->app().store().outbox.depth(); }), 0);
  EXPECT_FALSE(on_io([&] { return app_->app().store().people.find("tg", "1001").has_value(); }));
  EXPECT_TRUE(fake_.calls("sendMessage").empty());
}

TEST_F(Telegram, WrongSecretIsRefusedBeforeTheBodyIsRead) {
  RawSocket s(app_->port());
  // The headers of an update of almost a megabyte, which never comes: a server that waited for
  // it would hold the connection for the body time-out (15 s) before answering.
  ASSERT_TRUE(
      s.send("POST /telegram/tg HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             "X-Telegram-Bot-Api-Secret-Token: wrong\r\nContent-Length: 1000000\r\n\r\n"));
  EXPECT_THAT(s.read(5s), StartsWith("HTTP/1.1 401"));
}

TEST_F(Telegram, PrivateChatNotOpenedYetIsReachedThroughTheDeepLink) {
  fake_.block_private(kLi.id);
  say(kResidents, kLi, "/help 漏水");
  TelegramMessage ask = expect(kResidents, "需要哪方面的帮助");
  press(kResidents, kLi, ask.message_id, button(ask, 0, 0));
  TelegramMessage invite = expect(kResidents, "https://t.me/linli_bot?start=hi");
  EXPECT_THAT(invite.text, HasSubstr("秀英"));  // Telegram's first name first
  EXPECT_TRUE(fake_.messages(kLi.id).empty());
  // Li opens the link and presses Start: Telegram sends "/start hi" in the private chat.
  fake_.open_private(kLi.id);
  say(kLi.id, kLi, "/start hi");
  expect(kLi.id, "私信已经连通");
  expect(kLi.id, "具体地址");  // the question that was held
  say(kLi.id, kLi, "2单元501");
  expect(kLi.id, "急吗");
}

TEST_F(Telegram, RateLimitedChatPausesAloneAndCatchesUpInOrder) {
  fake_.add_fault(TelegramFault::too_many_requests("sendMessage", 1).in_chat(kLi.id));
  for (const char* cmd : {"/menu", "/mine", "/lang en"}) say(kLi.id, kLi, cmd);
  for (const TelegramUser* u : {&kZhang, &kEmma}) say(u->id, *u, "/menu");
  expect(kZhang.id, "你可以");
  expect(kEmma.id, "You can:");
  expect(kLi.id, "I'll speak English");
  auto li = fake_.messages(kLi.id);
  ASSERT_EQ(li.size(), 3u);  // none lost, none twice
  EXPECT_THAT(li[0].text, HasSubstr("你可以"));
  EXPECT_THAT(li[1].text, HasSubstr("没有进行中的求助"));
  EXPECT_THAT(li[2].text, HasSubstr("I'll speak English"));
  // The other chats did not wait for the paused one: they were served before it resumed.
  std::optional<std::chrono::steady_clock::time_point> li_resumed, others_done;
  int li_calls = 0;
  for (const auto& c : fake_.calls("sendMessage")) {
    std::int64_t chat = c.params["chat_id"].get<std::int64_t>();
    if (chat == kLi.id) {
      EXPECT_EQ(c.status, li_calls++ == 0 ? 429 : 200);
      if (c.status == 200 && !li_resumed) li_resumed = c.at;
    } else {
      others_done = c.at;
    }
  }
  EXPECT_EQ(li_calls, 4);  // one 429, then the three messages once each
  ASSERT_TRUE(li_resumed && others_done);
  EXPECT_LT(*others_done, *li_resumed);
  EXPECT_EQ(on_io([&] { return app_->app().sender().stats().rate_limited; }), 1u);
}

TEST_F(Telegram, MessagesLeftInTheOutboxAtAStopArriveOnceAfterTheRestart) {
  say(kZhang.id, kZhang, "/menu");
  expect(kZhang.id, "你可以");  // delivered before the stop: must not come again
  // The API fails for Li's chat, so her messages are still in the outbox at the stop.
  fake_.add_fault(TelegramFault::server_error("sendMessage", 500, 1000).in_chat(kLi.id));
  for (const char* cmd : {"/menu", "/mine", "/lang en"}) say(kLi.id, kLi, cmd);
  ASSERT_TRUE(fake_.wait_until(
      [](const FakeTelegram& f) { return f.calls("sendMessage").size() >= 3; }, 10s));
  app_->stop(100ms);
  EXPECT_TRUE(fake_.messages(kLi.id).empty());
  fake_.clear_faults();
  app_->start();
  expect(kLi.id, "I'll speak English");
  auto li = fake_.messages(kLi.id);
  ASSERT_EQ(li.size(), 3u);
  EXPECT_THAT(li[0].text, HasSubstr("你可以"));
  EXPECT_THAT(li[2].text, HasSubstr("I'll speak English"));
  EXPECT_EQ(fake_.messages(kZhang.id).size(), 1u);
}

// The residents' group as the config knew it, a basic group, which Telegram then upgrades to a
// supergroup with a new id.
constexpr std::int64_t kBasicGroup = -4000000031;
constexpr std::int64_t kSupergroup = -1001000000777;

class TelegramGroupUpgrade : public Telegram {
 protected:
  TelegramGroupUpgrade() {
    app_.reset();
    Config c = telegram_config(dir_.path() + "/linli.db", fake_.base_url());
    c.communities[0].groups[0].chat = std::to_string(kBasicGroup);
    app_ = std::make_unique<TestApp>(c, clock_);
  }
  void add_post(const std::string& title) {
    on_io([&] {
      Post p;
      p.community_id = "sc";
      p.team = "care";
      p.title = title;
      p.building = "31";
      p.place = "31栋";
      p.starts_at = clock_.now_ms() + 26 * 3'600'000LL;
      p.ends_at = p.starts_at + 4 * 3'600'000LL;
      p.created_by = app_->app().store().people.find("tg", "3001")->id;
      p.created_at = clock_.now_ms();
      return app_->app().store().posts.create(p);
    });
  }
  std::size_t calls_to(std::int64_t chat) {
    std::size_t n = 0;
    for (const auto& c : fake_.calls("sendMessage")) n += c.params["chat_id"] == chat;
    return n;
  }
};

TEST_F(TelegramGroupUpgrade, MessagesFollowTheGroupToItsSupergroupAlsoAfterARestart) {
  fake_.migrate_chat(kBasicGroup, kSupergroup);
  // Li wrote in the group just before the upgrade: the answer is sent again to the supergroup,
  // without quoting her message (its id means nothing there).
  say(kBasicGroup, kLi, "/menu");
  TelegramMessage menu = expect(kSupergroup, "你可以");
  EXPECT_EQ(menu.reply_to, 0);
  EXPECT_EQ(calls_to(kBasicGroup), 1u);
  // The group is known by its new id: a call reaches it at once, and a dialog started there
  // goes on there by reply.
  add_post("夜间巡逻");
  say(kZhou.id, kZhou, "招募 1");
  expect(kSupergroup, "岗位 1：夜间巡逻");
  say(kSupergroup, kLi, "求助");
  TelegramMessage ask = expect(kSupergroup, "需要哪方面的帮助");
  say(kSupergroup, kLi, "1", TelegramMessageOptions{}.replying_to_bot(ask.message_id));
  expect(kSupergroup, "简单说说");
  EXPECT_EQ(calls_to(kBasicGroup), 1u);
  EXPECT_EQ(on_io([&] { return app_->app().sender().stats().dead; }), 0u);
  EXPECT_EQ(count(kZhou.id, "没有送达"), 0);

  // The config still names the old id; the database remembers the new one.
  app_->restart();
  add_post("代购药品");
  say(kZhou.id, kZhou, "招募 2");
  expect(kSupergroup, "岗位 2：代购药品");
  EXPECT_EQ(calls_to(kBasicGroup), 1u);
}

TEST_F(Telegram, AnUpdateIsAcknowledgedOnceCommittedEvenIfHandingItOnFails) {
  // Waking the scheduler for the sign-up's time-out fails, after the commit.
  on_io([&] {
    app_->app().dispatcher().on_timer_armed = [](std::int64_t) {
      throw std::runtime_error("wake failed");
    };
    return 0;
  });
  json join = ups_.message(kLi.id, "private", kLi, "/join");
  EXPECT_EQ(post(join), 200);
  EXPECT_EQ(post(join), 200);  // Telegram's retry of the same update
  expect(kLi.id, "请问你的姓名");
  EXPECT_EQ(count(kLi.id, "请问你的姓名"), 1);
  EXPECT_EQ(on_io([&] { return app_->app().dispatcher().stats().duplicates; }), 1u);
}

class TelegramDeadLetters : public Telegram {
 protected:
  TelegramDeadLetters()
      : Telegram(json{{"sender", {{"max_attempts", 3}, {"backoff_initial_ms", 10}}}}) {}

  // The one message the bot sent to a private chat.
  std::optional<OutboxStatus> status_of_message_to(std::int64_t chat) {
    SQLite::Statement q(sql(), "SELECT status FROM outbox WHERE chat = ? AND kind = 0");
    q.bind(1, std::to_string(chat));
    if (!q.executeStep()) return std::nullopt;
    return static_cast<OutboxStatus>(q.getColumn(0).getInt());
  }
};

TEST_F(TelegramDeadLetters, MessageThatNeverGoesThroughIsDeadLetteredAndTheCoordinatorTold) {
  fake_.add_fault(TelegramFault::server_error("sendMessage", 502, 1000).in_chat(kLi.id));
  say(kLi.id, kLi, "/menu");
  TelegramMessage notice = expect(kZhou.id, "没有送达");
  EXPECT_THAT(notice.text, HasSubstr("试了 3 次"));
  EXPECT_EQ(on_io([&] { return app_->app().sender().stats().dead; }), 1u);
  EXPECT_EQ(fake_.calls("sendMessage").size(), 4u);  // three tries for Li, one notice
  EXPECT_EQ(status_of_message_to(kLi.id), OutboxStatus::dead);
}

TEST_F(TelegramDeadLetters, ADeadLetterAndTheNoticeAboutItAreRecordedTogetherOrNotAtAll) {
  // The database refuses the coordinators' notice, as a full disk would.
  sql().exec(
      "CREATE TRIGGER refuse_notice BEFORE INSERT ON outbox WHEN NEW.route = 'n:1:dead' "
      "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
  fake_.add_fault(TelegramFault::server_error("sendMessage", 502, 1000).in_chat(kLi.id));
  say(kLi.id, kLi, "/menu");
  for (int i = 0; i < 1000; ++i) {  // at most 10 s for the three tries
    if (on_io([&] { return app_->app().sender().stats().dead; }) == 1u) break;
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_EQ(on_io([&] { return app_->app().sender().stats().dead; }), 1u);
  // Neither: the message is not dead but pending, to be tried again.
  EXPECT_EQ(status_of_message_to(kLi.id), OutboxStatus::pending);
  // Both, once the database takes the notice: after a restart the message is tried again (its
  // third try), dead-lettered, and the coordinator told.
  sql().exec("DROP TRIGGER refuse_notice");
  app_->restart();
  TelegramMessage notice = expect(kZhou.id, "没有送达");
  EXPECT_THAT(notice.text, HasSubstr("试了 3 次"));
  EXPECT_EQ(status_of_message_to(kLi.id), OutboxStatus::dead);
}

// Phone numbers and addresses encrypted at rest, as an operator sets it up.
class TelegramEncrypted : public Telegram {
 protected:
  TelegramEncrypted() {
    app_.reset();
    Config config = telegram_config(dir_.path() + "/linli.db", fake_.base_url());
    config.encryption_key = std::string(32, 'k');
    app_ = std::make_unique<TestApp>(config, clock_);
  }
};

TEST_F(TelegramEncrypted, AnUpdateThatFailsEveryTimeIsParkedAtItsLastTryAndCounted) {
  say(kLi.id, kLi, "/menu");
  expect(kLi.id, "你可以");
  // Li's request holds an address that cannot be decrypted (damaged, or copied from another
  // row): every decision that reads her requests throws, on every retry.
  sql().exec(
      "INSERT INTO help_requests (id, community_id, resident_id, category, details, building, "
      "address, status, created_at) SELECT 7, 'sc', person_id, 'repair', 'x', '31', "
      "'enc1:not-base64!', 'open', 0 FROM identities WHERE adapter = 'tg' AND user_id = '" +
      std::to_string(kLi.id) + "'");
  json mine = ups_.message(kLi.id, "private", kLi, "/mine");
  const int tries = 5;  // the default dispatcher.max_event_attempts
  for (int i = 1; i < tries; ++i) EXPECT_EQ(post(mine), 500) << "try " << i;
  EXPECT_EQ(post(mine), 200);  // the last try parks it: Telegram stops retrying
  EXPECT_EQ(post(mine), 200);  // a late retry is a duplicate
  // Recorded for the operator, without the message.
  SQLite::Statement q(sql(),
                      "SELECT attempts, error, parked_at IS NOT NULL FROM event_failures "
                      "WHERE adapter = 'tg'");
  ASSERT_TRUE(q.executeStep());
  EXPECT_EQ(q.getColumn(0).getInt(), tries);
  EXPECT_THAT(q.getColumn(1).getString(), HasSubstr("cannot decrypt help_requests.address"));
  EXPECT_EQ(q.getColumn(2).getInt(), 1);
  EXPECT_THAT(client().get("/metrics").body, HasSubstr("linli_events_total{result=\"parked\"} 1"));
  // Everybody else is served as before.
  say(kZhang.id, kZhang, "/menu");
  expect(kZhang.id, "你可以");
}

// ---- The fixture itself ----

TEST_F(Telegram, WaitingForTheServiceToRecordAnAnswerFailsTheTestWhenItRunsOut) {
  fake_.add_fault(TelegramFault::slow("sendMessage", 2s));
  say(kLi.id, kLi, "/menu");
  ASSERT_TRUE(fake_.wait_until([](const FakeTelegram& f) { return f.held() == 1; }, 10s));
  ::testing::TestPartResultArray failures;
  {
    ::testing::ScopedFakeTestPartResultReporter intercept(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &failures);
    wait_recorded(100ms);  // the answer is held for 2 s
  }
  ASSERT_EQ(failures.size(), 1);
  EXPECT_THAT(failures.GetTestPartResult(0).message(), HasSubstr("had not recorded"));
  EXPECT_TRUE(wait_recorded(10s));
}

}  // namespace
}  // namespace linli::test
