// Linli on WeCom (企业微信), end to end over real HTTP on 127.0.0.1: callbacks signed and
// encrypted as WeCom sends them (the app's XML from members, the 智能机器人's JSON @-mentions
// in groups) POSTed to the webhook, replies arriving at a fake WeCom API that follows the
// documented gettoken, message/send and appchat/send with their error codes.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>

#include <nlohmann/json.hpp>

#include "bot/outbox_sender.hpp"
#include "bot/scheduler.hpp"
#include "storage/store.hpp"
#include "tests/support/at_once.hpp"
#include "tests/support/fake_wecom.hpp"
#include "tests/support/telegram_fixture.hpp"

namespace linli::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kCorp = "ww1436e0e65a779aee";
constexpr const char* kAppSecret = "app-secret-for-tests";
constexpr const char* kCallbackToken = "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo";
constexpr const char* kAesKey = "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt";
constexpr std::int64_t kAgent = 1000002;

// Group chats (the app chats' chatid) and members (their userid).
const std::string kBuilding31 = "building31";
const std::string kHelpers = "volunteers";
const std::string kLi = "lixiuying";
const std::string kChen = "chenshifu";
const std::string kZhou = "zhouzhuren";

json wecom_adapter(const std::string& api_base) {
  return {{"type", "wecom"},
          {"name", "wc"},
          {"corp_id", kCorp},
          {"agent_id", kAgent},
          {"secret", kAppSecret},
          {"token", kCallbackToken},
          {"encoding_aes_key", kAesKey},
          {"api_base", api_base},
          // The fake has no limits; these keep the stories quick while still pacing.
          {"rate_limits",
           {{"per_chat_per_s", 200},
            {"per_group_per_min", 12000},
            {"global_per_s", 1000},
            {"burst", 50}}}};
}

json volunteer(const std::string& person, const std::string& name, const std::string& phone,
               const std::string& building, const std::string& skill) {
  json v = {{"person", person}, {"name", name}, {"building", building}};
  if (!phone.empty()) v["phone"] = phone;
  if (!skill.empty()) v["skills"] = {skill};
  return v;
}

// The community of the Telegram fixture, on WeCom: 31栋's residents' group and the volunteers'
// group are app group chats; 周主任 coordinates.
json wecom_config(const std::string& db, const std::string& api_base) {
  return {{"database", db},
          {"adapters", {wecom_adapter(api_base)}},
          {"sender", {{"backoff_initial_ms", 50}, {"backoff_max_ms", 200}}},
          {"flood", {{"burst", 10000}}},
          {"communities",
           {{{"id", "sc"},
             {"name", "山城花园社区"},
             {"coordinators", {"wc:" + kZhou}},
             {"groups",
              {{{"chat", "wc:" + kBuilding31},
                {"kind", "residents"},
                {"building", "31"},
                {"title", "31栋居民群"}},
               {{"chat", "wc:" + kHelpers}, {"kind", "volunteers"}, {"title", "志愿者群"}}}},
             {"volunteers",
              {volunteer("wc:" + kChen, "陈师傅", "13800000001", "31", "repair"),
               volunteer("wc:liuyisheng", "刘医生", "13800000002", "32", "medical"),
               volunteer("wc:zhaojie", "赵姐", "13800000003", "31", "shopping")}}}}}};
}

class Wecom : public ::testing::Test {
 protected:
  Wecom() : Wecom(nullptr) {}
  explicit Wecom(const std::function<void(json&)>& edit) {
    json c = wecom_config(dir_.path() + "/linli.db", fake_.base_url());
    if (edit) edit(c);
    app_ = std::make_unique<TestApp>(parse_config(c.dump(), telegram_no_env), clock_);
  }

  HttpClient& client() {
    if (!client_ || port_ != app_->port()) {
      client_ = std::make_unique<HttpClient>(app_->port());
      port_ = app_->port();
    }
    return *client_;
  }
  int post(const WecomCallback& c) { return client().post(c.target, c.body).status; }
  // A member writes to the app in their one-to-one chat.
  void say(const std::string& user, const std::string& text) {
    EXPECT_EQ(post(calls_.app_text(user, text)), 200) << text;
  }
  // A member @-mentions the robot in a group chat.
  void say_in(const std::string& chat, const std::string& user, const std::string& text) {
    EXPECT_EQ(post(calls_.robot_mention(chat, user, text)), 200) << text;
  }
  void press(const std::string& user, const WecomMessage& card, std::size_t button) {
    ASSERT_LT(button, card.buttons.size()) << card.text;
    EXPECT_EQ(post(calls_.card_press(user, card.buttons[button].second, card.task_id)), 200);
  }
  // Waits (at most 10 s) for a message to `to` (a member, or with `group` a group chat)
  // containing `text`; returns it.
  WecomMessage expect(const std::string& to, const std::string& text, bool group = false) {
    std::optional<WecomMessage> found;
    fake_.wait_until([&](const FakeWecom& f) {
      for (const auto& m : group ? f.in_chat(to) : f.to_user(to)) {
        if (m.text.find(text) != std::string::npos) {
          found = m;
          return true;
        }
      }
      return false;
    });
    if (!found) {
      std::string seen;
      for (const auto& m : group ? fake_.in_chat(to) : fake_.to_user(to)) seen += "\n  " + m.text;
      ADD_FAILURE() << "no message to " << to << " containing \"" << text << "\"; seen:" << seen;
    }
    EXPECT_TRUE(app_->wait_nothing_in_flight());
    return found.value_or(WecomMessage{});
  }
  WecomMessage expect_in(const std::string& chat, const std::string& text) {
    return expect(chat, text, true);
  }
  // 李秀英 asks in 31栋's group for a repair (the category typed as `category`: "维修" or its
  // number), at 2单元501, urgent when `urgent` is "1": request #1.
  void ask_for_repair(const std::string& details, const std::string& category = "维修",
                      const std::string& urgent = "2") {
    say_in(kBuilding31, kLi, "求助 " + details);
    // WeCom does not say what a message replies to, and in a group only a reply answers a
    // question: the dialog goes on privately at once, by the app, one to one.
    expect_in(kBuilding31, "我私信你继续");
    expect(kLi, "需要哪方面的帮助");
    say(kLi, category);
    expect(kLi, "具体地址");
    say(kLi, "2单元501");
    expect(kLi, "急吗");
    say(kLi, urgent);
    expect(kLi, "请确认你的求助");
    say(kLi, "是");
    expect(kLi, "已提交，编号 #1");
  }
  int run_due() {
    return app_->on_io([&] { return app_->app().scheduler().run_due(); });
  }

  TempDir dir_;
  ManualClock clock_{1'800'000'000'000};
  FakeWecom fake_{kCorp, kAppSecret, kAgent};
  WecomCallbacks calls_{"/wecom/wc", kCallbackToken, kAesKey, kCorp, kAgent};
  std::unique_ptr<TestApp> app_;
  std::unique_ptr<HttpClient> client_;
  std::uint16_t port_ = 0;
};

TEST_F(Wecom, HelpRequestFromTheGroupToTheRating) {
  ask_for_repair("厨房水管漏水了😭", "1", "1");
  // Nothing of the dialog but where it went on was said in the group.
  for (const auto& m : fake_.in_chat(kBuilding31))
    EXPECT_THAT(m.text, Not(HasSubstr("需要哪方面")));
  WecomMessage card = expect_in(kHelpers, "厨房水管漏水了😭");
  EXPECT_THAT(card.text, HasSubstr("#1 维修 · 31栋 · 急"));
  EXPECT_THAT(card.text, HasSubstr("[接单 #1]"));

  // Nobody takes it in the group (typing "接单" there would: see the next test): when the time
  // runs out, the nearest volunteers are asked privately, by a card with buttons to press.
  clock_.advance_ms(21 * 60'000);
  EXPECT_GE(run_due(), 1);
  WecomMessage offer = expect(kChen, "还没有人接");
  ASSERT_EQ(offer.msgtype, "template_card");
  ASSERT_EQ(offer.buttons.size(), 2u);
  EXPECT_EQ(offer.buttons[0].first, "收到");
  press(kChen, offer, 0);
  expect(kChen, "地址：31栋2单元501");
  expect(kLi, "陈师傅 接了你的求助 #1");
  expect_in(kHelpers, "陈师傅 已接单");

  say_in(kHelpers, kChen, "完成 #1 ✅");
  expect(kLi, "满意吗");
  say(kLi, "5 谢谢陈师傅👍");
  expect(kLi, "谢谢你的评价");
  expect(kChen, "★★★★★");
  EXPECT_EQ(app_->on_io([&] { return app_->app().store().requests.get(1)->rating; }), 5);

  // The address and the phone numbers reached private chats only.
  for (const auto& chat : {kBuilding31, kHelpers}) {
    for (const auto& m : fake_.in_chat(chat)) {
      EXPECT_THAT(m.text, Not(HasSubstr("501")));
      EXPECT_THAT(m.text, Not(HasSubstr("1380000000")));
    }
  }
  EXPECT_EQ(fake_.tokens_issued(), 1);  // one token for the whole story
}

TEST_F(Wecom, VolunteerTakesTheGroupCardByTypingItsButton) {
  ask_for_repair("厨房水管漏水了");
  WecomMessage card = expect_in(kHelpers, "厨房水管漏水了");
  EXPECT_THAT(card.text, HasSubstr("[接单 #1]"));
  // "@邻里 接单 #1" in the volunteers' group: the card's button, typed.
  say_in(kHelpers, kChen, "接单 #1");
  expect(kChen, "地址：31栋2单元501");
  expect_in(kHelpers, "陈师傅 接了 #1");
  expect(kLi, "陈师傅 接了你的求助 #1");
  // Too late, typed the same way: told who has it, and nothing changes.
  say_in(kHelpers, "zhaojie", "接单 #1！");
  expect_in(kHelpers, "已经由 陈师傅 接单了");
  EXPECT_EQ(app_->on_io([&] { return app_->app().store().requests.get(1)->status; }),
            RequestStatus::claimed);
  for (const auto& m : fake_.in_chat(kHelpers)) EXPECT_THAT(m.text, Not(HasSubstr("501")));
}

TEST_F(Wecom, EnglishSpeakerIsAnsweredInEnglish) {
  say(kLi, "/lang en");
  expect(kLi, "I'll speak English");
  say(kLi, "/menu");
  expect(kLi, "You can:");
}

TEST_F(Wecom, ARetriedCallbackIsHandledOnce) {
  WecomCallback c = calls_.app_text(kLi, "菜单");
  EXPECT_EQ(post(c), 200);
  EXPECT_EQ(post(c), 200);  // WeCom retries a callback not answered in 5 s
  say(kLi, "/mine");        // a marker: the retry was handled before it
  expect(kLi, "没有进行中的求助");
  int menus = 0;
  for (const auto& m : fake_.to_user(kLi)) menus += m.text.find("你可以") != std::string::npos;
  EXPECT_EQ(menus, 1);
}

TEST_F(Wecom, ForgedCallbackIsRefusedWithoutEffect) {
  WecomCallback c = calls_.app_text(kLi, "菜单");
  WecomCallback tampered = c;
  tampered.target.replace(tampered.target.find("msg_signature=") + 14, 1, "0");
  if (tampered.target == c.target)
    tampered.target.replace(c.target.find("msg_signature=") + 14, 1, "1");
  EXPECT_EQ(post(tampered), 401);
  WecomCallbacks other{"/wecom/wc", kCallbackToken, kAesKey, "ww_someone_else", kAgent};
  EXPECT_EQ(post(other.app_text(kLi, "菜单")), 403);  // another company's receiveid
  EXPECT_EQ(app_->on_io([&] { return app_->app().store().outbox.depth(); }), 0);
  EXPECT_TRUE(fake_.all().empty());
}

TEST_F(Wecom, RateLimitedMessageWaitsAndIsDeliveredAfterwards) {
  fake_.fail_sends(45009, 1, kLi);
  say(kLi, "菜单");
  say("wangayi", "菜单");
  // The other member is served while Li's chat waits.
  expect("wangayi", "你可以");
  ASSERT_TRUE(fake_.wait_until([](const FakeWecom& f) {
    for (const auto& [api, code] : f.answers()) {
      if (code == 45009) return true;
    }
    return false;
  }));
  EXPECT_TRUE(fake_.to_user(kLi).empty());
  // WeCom's limits are per minute: the sender waits one, then delivers it, once.
  bool delivered = false;
  for (int i = 0; i < 2 && !delivered; ++i) {
    delivered = fake_.wait_until([&](const FakeWecom& f) { return !f.to_user(kLi).empty(); }, 50s);
  }
  ASSERT_TRUE(delivered);
  expect(kLi, "你可以");
  EXPECT_EQ(fake_.to_user(kLi).size(), 1u);
  EXPECT_EQ(app_->on_io([&] { return app_->app().sender().stats().rate_limited; }), 1u);
}

TEST_F(Wecom, TooManyConcurrentCallsIsRetriedSoon) {
  fake_.fail_sends(45033, 2, kLi);
  say(kLi, "菜单");
  expect(kLi, "你可以");
  EXPECT_EQ(fake_.to_user(kLi).size(), 1u);
  EXPECT_EQ(app_->on_io([&] { return app_->app().sender().stats().rate_limited; }), 2u);
}

TEST_F(Wecom, ExpiredTokenIsFetchedAnewAndTheMessageDelivered) {
  say(kLi, "菜单");
  expect(kLi, "你可以");
  EXPECT_EQ(fake_.tokens_issued(), 1);
  fake_.expire_tokens();
  say(kLi, "/mine");
  expect(kLi, "没有进行中的求助");
  EXPECT_EQ(fake_.tokens_issued(), 2);
  int expired = 0;
  for (const auto& [api, code] : fake_.answers()) expired += code == 42001;
  EXPECT_EQ(expired, 1);
  EXPECT_EQ(fake_.to_user(kLi).size(), 2u);
}

TEST_F(Wecom, TokenIsFetchedAgainBeforeItExpires) {
  say(kLi, "菜单");
  expect(kLi, "你可以");
  // 7200 s less four minutes later: within the five minutes before it expires.
  clock_.advance_ms((7200 - 240) * 1000LL);
  say(kLi, "/mine");
  expect(kLi, "没有进行中的求助");
  EXPECT_EQ(fake_.tokens_issued(), 2);
  for (const auto& [api, code] : fake_.answers()) EXPECT_EQ(code, 0) << api;
}

class WecomWrongSecret : public Wecom {
 protected:
  WecomWrongSecret() : Wecom([](json& c) { c["adapters"][0]["secret"] = "not-the-app-secret"; }) {}
};

TEST_F(WecomWrongSecret, NothingIsSentWithoutATokenAndTheMessageWaitsInTheOutbox) {
  say(kLi, "菜单");
  ASSERT_TRUE(fake_.wait_until([](const FakeWecom& f) { return f.token_refusals() >= 2; }));
  EXPECT_EQ(fake_.tokens_issued(), 0);
  EXPECT_TRUE(fake_.answers().empty());  // no send was tried without a token
  EXPECT_GE(app_->on_io([&] { return app_->app().sender().stats().transient; }),
            1u);  // the first try, settled before the second
  EXPECT_EQ(app_->on_io([&] { return app_->app().sender().stats().sent; }), 0u);
}

// ---- The recruitment race ----

constexpr int kNeighbours = 15;

std::string neighbour(int i) {
  return "linju" + std::to_string(i);
}

class WecomRecruitment : public Wecom {
 protected:
  WecomRecruitment()
      : Wecom([](json& c) {
          for (int i = 1; i <= kNeighbours; ++i) {
            c["communities"][0]["volunteers"].push_back(
                volunteer("wc:" + neighbour(i), "邻居" + std::to_string(i), "", "31", ""));
          }
        }) {}
};

TEST_F(WecomRecruitment, FifteenAnswerACallForTenPlacesAndExactlyTenGetOne) {
  say(kZhou, "设岗");
  expect(kZhou, "哪个队伍");
  for (const char* answer :
       {"6", "照看31栋独居的王奶奶", "10", "0", "31栋", "明天 8:00-12:00", "1"}) {
    say(kZhou, answer);
  }
  expect(kZhou, "请确认岗位");
  say(kZhou, "是");
  expect(kZhou, "岗位 1 已保存");
  say(kZhou, "招募 1");
  expect(kZhou, "招募已发到 2 个群");
  WecomMessage card = expect_in(kBuilding31, "【招募】岗位 1：照看31栋独居的王奶奶");
  EXPECT_THAT(card.text, HasSubstr("需要 10 人"));
  EXPECT_THAT(card.text, HasSubstr("[报名 1]"));

  // Fifteen "@邻里 报名 1" in the residents' group at the same moment, on fifteen connections.
  std::vector<PostAtOnce> mentions;
  for (int i = 1; i <= kNeighbours; ++i) {
    WecomCallback c = calls_.robot_mention(kBuilding31, neighbour(i), "报名 1");
    mentions.push_back({c.target, c.body, {}});
  }
  post_at_once(app_->port(), mentions);

  RosterCounts n = app_->on_io([&] { return app_->app().store().roster.counts(1); });
  EXPECT_EQ(n.taken, 10);
  EXPECT_EQ(n.waiting, 5);
  // Everyone is told which, privately, by the app.
  ASSERT_TRUE(fake_.wait_until([](const FakeWecom& f) {
    for (int i = 1; i <= kNeighbours; ++i) {
      if (f.to_user(neighbour(i)).empty()) return false;
    }
    return true;
  }));
  int places = 0, waiting = 0;
  for (int i = 1; i <= kNeighbours; ++i) {
    std::string t = fake_.to_user(neighbour(i)).back().text;
    places += t.find("个名额") != std::string::npos;
    waiting += t.find("候补第") != std::string::npos;
  }
  EXPECT_EQ(places, 10);
  EXPECT_EQ(waiting, 5);
  for (const auto& m : fake_.in_chat(kBuilding31)) EXPECT_THAT(m.text, Not(HasSubstr("个名额")));
}

// ---- Two platforms in one community ----

// The fake Telegram exists before the App that is pointed at it.
struct FakeTelegramFirst {
  FakeTelegram telegram_{kToken};
};

// 31栋's residents talk on WeCom; the volunteers' group is on Telegram.
class WecomAndTelegram : protected FakeTelegramFirst, public Wecom {
 protected:
  WecomAndTelegram()
      : Wecom([this](json& c) {
          c["adapters"].push_back({{"type", "telegram"},
                                   {"name", "tg"},
                                   {"token", kToken},
                                   {"secret_token", kSecret},
                                   {"username", "linli_bot"},
                                   {"api_base", telegram_.base_url()},
                                   {"rate_limits",
                                    {{"per_chat_per_s", 200},
                                     {"per_group_per_min", 12000},
                                     {"global_per_s", 1000},
                                     {"burst", 50}}}});
          auto& community = c["communities"][0];
          community["groups"][1]["chat"] = "tg:" + std::to_string(kVolunteers);
          community["volunteers"] = {volunteer("tg:2001", "陈师傅", "13800000001", "31", "repair")};
        }) {}

  TelegramUpdates ups_;
};

TEST_F(WecomAndTelegram, RequestAskedOnWecomIsClaimedOnTelegramAcrossTwoPlatforms) {
  ask_for_repair("厨房水管漏水了");

  // The card reaches the volunteers' group on Telegram, with its button, without the address.
  std::optional<TelegramMessage> card;
  ASSERT_TRUE(telegram_.wait_until([&](const FakeTelegram& f) {
    for (const auto& m : f.messages(kVolunteers)) {
      if (m.text.find("厨房水管漏水了") != std::string::npos) card = m;
    }
    return card.has_value();
  }));
  EXPECT_THAT(card->text, HasSubstr("#1 维修 · 31栋"));
  EXPECT_THAT(card->text, Not(HasSubstr("501")));
  ASSERT_TRUE(app_->wait_nothing_in_flight());

  // 陈师傅 replies 接单 to it on Telegram; the address reaches him there, privately.
  json reply = ups_.message(kVolunteers, "supergroup", ::linli::test::kChen, "接单",
                            TelegramMessageOptions{}.replying_to_bot(card->message_id));
  EXPECT_EQ(client()
                .post("/telegram/tg", reply.dump(), {{"X-Telegram-Bot-Api-Secret-Token", kSecret}})
                .status,
            200);
  ASSERT_TRUE(telegram_.wait_until([](const FakeTelegram& f) {
    for (const auto& m : f.messages(::linli::test::kChen.id)) {
      if (m.text.find("地址：31栋2单元501") != std::string::npos) return true;
    }
    return false;
  }));
  // And Li hears of it on WeCom.
  expect(kLi, "陈师傅 接了你的求助 #1");
  for (const auto& m : telegram_.messages(kVolunteers)) EXPECT_THAT(m.text, Not(HasSubstr("501")));
  for (const auto& m : fake_.in_chat(kBuilding31)) EXPECT_THAT(m.text, Not(HasSubstr("501")));
}

}  // namespace
}  // namespace linli::test
