// The engine's routing and the life of a ticket: claim, done, rating; review; /mine; /lang.

#include <gmock/gmock.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include "adapters/registry.hpp"
#include "dialogs/time_text.hpp"
#include "tests/support/engine_fixture.hpp"

namespace linli::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class Engine : public EngineFixture {
 protected:
  // 李阿姨's confirmed request #1; returns the platform id of its card in the volunteers' group.
  std::string open_ticket() {
    put_dialog("li", "help", "confirm", "li",
               {{"category", "repair"},
                {"details", "厨房水管漏水"},
                {"address", "31栋2单元501"},
                {"building", "31"},
                {"urgent", "1"}},
               {"category", "details", "address", "urgency"});
    auto sent = say("li", "li", "是");
    return find_to(sent, "gv")->platform_id;
  }
  std::string claimed_by_chen() {
    std::string card = open_ticket();
    say("chen", "gv", "接单", card);
    return card;
  }
  // Returns the platform id of the rating question sent to 李阿姨.
  std::string done_by_chen() {
    claimed_by_chen();
    auto sent = say("chen", "gv", "完成 #1");
    return find_to(sent, "li")->platform_id;
  }
  void pending_volunteer(const std::string& user) {
    Volunteer v;
    v.person_id = person(user);
    v.community_id = "sc";
    v.name = "王小明";
    v.phone = "13700000000";
    v.building = "31";
    v.skills = 1;
    v.status = VolunteerStatus::pending;
    store_.volunteers.upsert(v);
  }
};

TEST_F(Engine, ReplyTakeToCardAssignsTicketAndTellsEveryone) {
  std::string card = open_ticket();
  auto sent = say("chen", "gv", "接单", card);
  auto r = store_.requests.get(1);
  EXPECT_EQ(r->status, RequestStatus::claimed);
  EXPECT_EQ(r->volunteer_id, person("chen"));
  bool edited = false;
  for (const auto& s : sent) {
    if (s.msg.kind == OutKind::edit) {
      edited = true;
      EXPECT_EQ(s.msg.edit_of, r->card_outbox_id);
      EXPECT_THAT(s.msg.text, HasSubstr("陈师傅 已接单"));
      EXPECT_TRUE(s.msg.buttons.empty());
    }
  }
  EXPECT_TRUE(edited);
  EXPECT_THAT(texts_to(sent, "gv").at(0), HasSubstr("陈师傅 接了 #1"));
  // The address goes to the volunteer privately; the resident learns who is coming.
  EXPECT_THAT(texts_to(sent, "chen").at(0), HasSubstr("31栋2单元501"));
  EXPECT_THAT(texts_to(sent, "li").at(0), HasSubstr("陈师傅 接了你的求助 #1"));
  for (const auto& t : texts_to(sent, "gv")) EXPECT_THAT(t, Not(HasSubstr("501")));
}

// On a platform that does not say what a message replies to (DingTalk), the card's number is
// typed instead: the same claim, the same race.
TEST_F(Engine, TypedTakeWithTheTicketNumberClaimsWithoutAReply) {
  open_ticket();
  auto sent = say("chen", "gv", "接单 #1");
  EXPECT_EQ(store_.requests.get(1)->volunteer_id, person("chen"));
  EXPECT_THAT(texts_to(sent, "chen").at(0), HasSubstr("31栋2单元501"));
  sent = say("zhao", "gv", "take 1");
  EXPECT_EQ(store_.requests.get(1)->volunteer_id, person("chen"));
  EXPECT_THAT(sent.at(0).msg.text, HasSubstr("#1 已经由 陈师傅 接单了"));
  sent = say("zhao", "gv", "接单 #9");
  EXPECT_THAT(sent.at(0).msg.text, HasSubstr("找不到求助 #9"));
}

TEST_F(Engine, TheCardsButtonIsLabelledWithWhatToType) {
  put_dialog("li", "help", "confirm", "li",
             {{"category", "repair"},
              {"details", "漏水"},
              {"address", "31栋2单元501"},
              {"building", "31"},
              {"urgent", "0"}},
             {"category", "details", "address", "urgency"});
  auto sent = say("li", "li", "是");
  EXPECT_EQ(find_to(sent, "gv")->msg.buttons.at(0).at(0).label, "接单 #1");
}

TEST_F(Engine, SecondVolunteerIsToldTheTicketIsTaken) {
  std::string card = open_ticket();
  say("zhao", "gv", "ok", card);
  auto sent = say("chen", "gv", "接单！", card);
  EXPECT_EQ(store_.requests.get(1)->volunteer_id, person("zhao"));
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_THAT(sent[0].msg.text, HasSubstr("#1 已经由 赵姐 接单了"));
}

TEST_F(Engine, ButtonTakesTheTicketAndAnswersThePress) {
  std::string card = open_ticket();
  auto sent = press("chen", "gv", card, "t:1:take");
  EXPECT_EQ(store_.requests.get(1)->volunteer_id, person("chen"));
  int answers = 0;
  for (const auto& s : sent) answers += s.msg.kind == OutKind::answer_callback;
  EXPECT_EQ(answers, 1);
}

TEST_F(Engine, StaleButtonAnswersOnTheButtonAndChangesNothing) {
  std::string card = claimed_by_chen();
  auto sent = press("zhao", "gv", card, "t:1:take");
  EXPECT_EQ(store_.requests.get(1)->volunteer_id, person("chen"));
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].msg.kind, OutKind::answer_callback);
  EXPECT_THAT(sent[0].msg.text, HasSubstr("陈师傅"));
}

TEST_F(Engine, ResidentWhoIsNotAVolunteerCannotTake) {
  std::string card = open_ticket();
  auto sent = say("zhang", "gv", "接单", card);
  EXPECT_EQ(store_.requests.get(1)->status, RequestStatus::open);
  EXPECT_THAT(sent.at(0).msg.text, HasSubstr("审核通过的志愿者才能接单"));
}

TEST_F(Engine, PendingVolunteerCannotTakeYet) {
  pending_volunteer("wang");
  std::string card = open_ticket();
  auto sent = say("wang", "gv", "接单", card);
  EXPECT_EQ(store_.requests.get(1)->status, RequestStatus::open);
  EXPECT_THAT(sent.at(0).msg.text, HasSubstr("还在审核中"));
}

TEST_F(Engine, OtherRepliesToTheCardAreNeighboursTalking) {
  std::string card = open_ticket();
  EXPECT_TRUE(say("chen", "gv", "这个我晚点看看", card).empty());
  EXPECT_EQ(store_.requests.get(1)->status, RequestStatus::open);
}

TEST_F(Engine, DoneAsksTheResidentToRateAndUpdatesTheCard) {
  claimed_by_chen();
  auto sent = say("chen", "gv", "完成 #1");
  EXPECT_EQ(store_.requests.get(1)->status, RequestStatus::done);
  const Sent* ask = find_to(sent, "li");
  ASSERT_NE(ask, nullptr);
  EXPECT_EQ(ask->msg.route, "r:1");
  EXPECT_THAT(ask->msg.text, HasSubstr("1–5 分"));
  EXPECT_EQ(ask->msg.buttons.at(0).size(), 5u);
  bool card_done = false;
  for (const auto& s : sent)
    card_done |= s.msg.kind == OutKind::edit && s.msg.text.find("已完成") != std::string::npos;
  EXPECT_TRUE(card_done);
}

TEST_F(Engine, DoneWithoutNumberFinishesTheOnlyTask) {
  claimed_by_chen();
  say("chen", "chen", "/done");
  EXPECT_EQ(store_.requests.get(1)->status, RequestStatus::done);
}

TEST_F(Engine, DoneOfSomeoneElsesTaskIsRefused) {
  claimed_by_chen();
  auto sent = say("zhao", "gv", "/done #1");
  EXPECT_EQ(store_.requests.get(1)->status, RequestStatus::claimed);
  EXPECT_THAT(sent.at(0).msg.text, HasSubstr("不是你接的任务"));
}

TEST_F(Engine, ReplyWithStarsAndCommentRatesAndTellsTheVolunteer) {
  std::string question = done_by_chen();
  auto sent = say("li", "li", "5 谢谢陈师傅", question);
  auto r = store_.requests.get(1);
  EXPECT_EQ(r->rating, 5);
  EXPECT_EQ(r->comment, "谢谢陈师傅");
  EXPECT_THAT(texts_to(sent, "li").at(0), HasSubstr("谢谢你的评价"));
  EXPECT_THAT(texts_to(sent, "chen").at(0), HasSubstr("★★★★★：谢谢陈师傅"));
}

TEST_F(Engine, RatingThatIsNotOneToFiveGetsAHint) {
  std::string question = done_by_chen();
  auto sent = say("li", "li", "很好", question);
  EXPECT_EQ(store_.requests.get(1)->rating, 0);
  EXPECT_THAT(sent.at(0).msg.text, HasSubstr("1 到 5"));
  sent = say("li", "li", "10", question);
  EXPECT_EQ(store_.requests.get(1)->rating, 0);
}

TEST_F(Engine, SecondRatingIsRefused) {
  std::string question = done_by_chen();
  say("li", "li", "4", question);
  auto sent = say("li", "li", "5", question);
  EXPECT_EQ(store_.requests.get(1)->rating, 4);
  EXPECT_THAT(sent.at(0).msg.text, HasSubstr("已经评价过了"));
}

TEST_F(Engine, BareNumberInPrivateChatRatesTheWaitingRequest) {
  done_by_chen();
  say("li", "li", "４分 及时");
  EXPECT_EQ(store_.requests.get(1)->rating, 4);
  EXPECT_EQ(store_.requests.get(1)->comment, "及时");
}

TEST_F(Engine, OnlyTheResidentRates) {
  std::string question = done_by_chen();
  EXPECT_TRUE(say("zhang", "li", "1", question).empty());
  EXPECT_EQ(store_.requests.get(1)->rating, 0);
}

TEST_F(Engine, MineListsRequestsAndTasks) {
  claimed_by_chen();
  auto resident = say("li", "li", "我的");
  EXPECT_THAT(resident.at(0).msg.text, HasSubstr("#1 维修 — 陈师傅 已接单"));
  auto volunteer = say("chen", "chen", "/mine");
  EXPECT_THAT(volunteer.at(0).msg.text, HasSubstr("我的任务"));
  EXPECT_THAT(volunteer.at(0).msg.text, HasSubstr("#1 维修"));
  auto nobody = say("zhang", "zhang", "/mine");
  EXPECT_THAT(nobody.at(0).msg.text, HasSubstr("没有进行中的求助或任务"));
}

TEST_F(Engine, MineAskedInAGroupIsAnsweredPrivately) {
  claimed_by_chen();
  auto resident = say("li", "g31", "我的");
  ASSERT_EQ(texts_to(resident, "g31").size(), 1u);
  EXPECT_THAT(texts_to(resident, "g31").at(0), HasSubstr("私信"));
  EXPECT_THAT(texts_to(resident, "g31").at(0), Not(HasSubstr("#1")));
  ASSERT_EQ(texts_to(resident, "li").size(), 1u);
  EXPECT_THAT(texts_to(resident, "li").at(0), HasSubstr("#1 维修 — 陈师傅 已接单"));
  auto volunteer = say("chen", "gv", "/mine");
  EXPECT_THAT(texts_to(volunteer, "gv").at(0), Not(HasSubstr("#1")));
  EXPECT_THAT(texts_to(volunteer, "chen").at(0), HasSubstr("我的任务"));
}

TEST_F(Engine, AnAddressTypedIntoTheDetailsIsNotOnTheCard) {
  put_dialog("li", "help", "confirm", "li",
             {{"category", "repair"},
              {"details", "解放碑路88号 31栋2单元501 厨房漏水"},
              {"address", "31栋"},
              {"building", "31"},
              {"urgent", "0"}});
  auto card = texts_to(say("li", "li", "是"), "gv");
  ASSERT_EQ(card.size(), 1u);
  EXPECT_THAT(card[0], HasSubstr("解放碑路*** 31栋*** 厨房漏水"));
  EXPECT_THAT(card[0], Not(HasSubstr("88")));
  EXPECT_THAT(card[0], Not(HasSubstr("501")));
}

TEST_F(Engine, AnAddressTypedThroughTheHelpDialogReachesOnlyTheVolunteerWhoTakesIt) {
  // The fixture fails any test that posts a phone or an address people gave in a group; here
  // the resident also repeats the address in the details.
  say("li", "g31", "求助 厨房漏水，31栋2单元501");
  answer("li", "g31", "维修");
  say("li", "li", "31栋2单元501");
  say("li", "li", "急");
  auto card = say("li", "li", "是");
  ASSERT_EQ(texts_to(card, "gv").size(), 1u);
  EXPECT_THAT(texts_to(card, "gv").at(0), HasSubstr("厨房漏水，31栋***"));
  auto taken = say("chen", "gv", "接单", find_to(card, "gv")->platform_id);
  EXPECT_THAT(texts_to(taken, "chen").at(0), HasSubstr("地址：31栋2单元501"));
}

TEST_F(Engine, TheFixtureFailsATestThatPostsAPhoneOrAnAddressInAGroup) {
  keep_secret("31栋2单元501");
  OutboundMessage group;
  group.chat = "gv";
  group.text = "#1 维修 · 31栋\n31栋2单元501";
  EXPECT_NONFATAL_FAILURE(check_nothing_private_in_groups({{1, group, "p1"}}),
                          "is in a message to group gv");
  group.text = "#1 维修 · 31栋\n2单元501";
  EXPECT_NONFATAL_FAILURE(check_nothing_private_in_groups({{1, group, "p1"}}), "2单元501");
  group.text = "陈师傅 13800000001";  // a volunteer's phone from the config
  EXPECT_NONFATAL_FAILURE(check_nothing_private_in_groups({{1, group, "p1"}}), "13800000001");
  group.text = "#1 维修 · 31栋\n31栋***";
  check_nothing_private_in_groups({{1, group, "p1"}});  // the building alone is no secret
  OutboundMessage private_message = group;
  private_message.chat = "chen";
  private_message.private_chat = true;
  private_message.text = "地址：31栋2单元501";
  check_nothing_private_in_groups({{2, private_message, "p2"}});
}

TEST_F(Engine, CoordinatorApprovesByReplyingToTheReviewMessage) {
  put_dialog("wang", "signup", "confirm", "wang",
             {{"name", "王小明"},
              {"phone", "13700000000"},
              {"building", "31"},
              {"skills", "1"},
              {"availability", "晚上"}});
  auto sent = say("wang", "wang", "是");
  const Sent* review = find_to(sent, "zhou");
  ASSERT_NE(review, nullptr);
  auto decided = say("zhou", "zhou", "通过", review->platform_id);
  EXPECT_EQ(store_.volunteers.get(person("wang"))->status, VolunteerStatus::approved);
  EXPECT_THAT(texts_to(decided, "zhou").at(0), HasSubstr("已通过：王小明"));
  EXPECT_THAT(texts_to(decided, "wang").at(0), HasSubstr("山城花园社区 的志愿者"));
  EXPECT_THAT(texts_to(decided, "gv").at(0), HasSubstr("欢迎新志愿者 王小明"));
}

TEST_F(Engine, ApproveWithoutNumberListsWhoIsWaitingWithoutPhones) {
  pending_volunteer("wang");
  auto sent = say("zhou", "gv", "/approve");
  EXPECT_THAT(sent.at(0).msg.text, HasSubstr("王小明"));
  EXPECT_THAT(sent.at(0).msg.text, Not(HasSubstr("13700000000")));
  say("zhou", "zhou", "/approve " + std::to_string(person("wang")));
  EXPECT_EQ(store_.volunteers.get(person("wang"))->status, VolunteerStatus::approved);
}

TEST_F(Engine, RejectButtonRejects) {
  pending_volunteer("wang");
  press("zhou", "zhou", "p1", "v:" + std::to_string(person("wang")) + ":no");
  EXPECT_EQ(store_.volunteers.get(person("wang"))->status, VolunteerStatus::rejected);
}

TEST_F(Engine, OnlyCoordinatorsReview) {
  pending_volunteer("wang");
  auto sent = say("chen", "gv", "/approve " + std::to_string(person("wang")));
  EXPECT_EQ(store_.volunteers.get(person("wang"))->status, VolunteerStatus::pending);
  EXPECT_THAT(sent.at(0).msg.text, HasSubstr("只有本社区的协调员"));
  // The keyword typed in a group is not answered there (README "Answering in a group").
  EXPECT_TRUE(say("chen", "gv", "通过 " + std::to_string(person("wang"))).empty());
  EXPECT_EQ(store_.volunteers.get(person("wang"))->status, VolunteerStatus::pending);
}

TEST_F(Engine, LangCommandSwitchesAndSticks) {
  auto sent = say("li", "li", "/lang en");
  EXPECT_THAT(sent.at(0).msg.text, HasSubstr("I'll speak English"));
  sent = say("li", "li", "/mine");  // the platform still says zh; the choice wins
  EXPECT_THAT(sent.at(0).msg.text, HasSubstr("No open requests"));
}

TEST_F(Engine, UnknownCommandCloseToNoneOfOursIsAnsweredInPrivateOnly) {
  EXPECT_THAT(say("li", "li", "/weather").at(0).msg.text, HasSubstr("/weather"));
  EXPECT_TRUE(say("li", "g31", "/weather").empty());
}

TEST_F(Engine, CommandForAnotherBotIsIgnored) {
  EXPECT_TRUE(say("li", "g31", "/join@some_other_bot").empty());
  EXPECT_FALSE(dialog_of("li"));
  say("li", "g31", "/join@Linli_Bot");
  EXPECT_TRUE(dialog_of("li"));
}

TEST_F(Engine, GroupChatterIsIgnoredAndPrivateChatterGetsAHint) {
  EXPECT_TRUE(say("li", "g31", "今天天气不错").empty());
  EXPECT_THAT(say("li", "li", "今天天气不错").at(0).msg.text, HasSubstr("菜单"));
}

TEST_F(Engine, MenuShowsWhatEachRoleCanDo) {
  auto resident = say("li", "g31", "菜单").at(0).msg.text;
  auto volunteer = say("chen", "gv", "/menu").at(0).msg.text;
  auto coordinator = say("zhou", "zhou", "/start").at(0).msg.text;
  EXPECT_THAT(resident, HasSubstr("求助"));
  EXPECT_THAT(resident, Not(HasSubstr("接单")));
  EXPECT_THAT(volunteer, HasSubstr("接单"));
  EXPECT_THAT(coordinator, HasSubstr("审核志愿者"));
}

}  // namespace
}  // namespace linli::test

namespace linli::test {
namespace {

using ::testing::HasSubstr;

class Undeliverable : public EngineFixture {
 protected:
  // A private message to li, as the sender would have tried to deliver it.
  std::int64_t private_to_li(const std::string& text) {
    OutboundMessage m;
    m.adapter = "pg";
    m.chat = "li";
    m.private_chat = true;
    m.text = text;
    return store_.outbox.enqueue(m, now_);
  }
};

TEST_F(Undeliverable, RefusedPrivateMessageIsHeldAndThePersonInvitedInTheirGroup) {
  config_.adapters[0].capabilities.open_private_url = "https://t.me/linli_bot?start=hi";
  say("li", "g31", "今天天气不错");  // last seen in g31
  std::int64_t first = private_to_li("one");
  auto sent = undeliverable(first, true);
  EXPECT_EQ(store_.outbox.status(first), OutboxStatus::held);
  ASSERT_EQ(texts_to(sent, "g31").size(), 1u);
  EXPECT_THAT(texts_to(sent, "g31")[0], HasSubstr("https://t.me/linli_bot?start=hi"));
  EXPECT_EQ(sent[0].msg.mentions, std::vector<std::string>{"li"});
  // A second refused message waits with the first; no second invitation.
  std::int64_t second = private_to_li("two");
  EXPECT_TRUE(undeliverable(second, true).empty());
  // Opening the private chat delivers both, in order (the fixture delivers what is handed on).
  auto opened = say("li", "li", "/start hi");
  EXPECT_EQ(store_.outbox.status(first), OutboxStatus::sent);
  EXPECT_EQ(store_.outbox.status(second), OutboxStatus::sent);
  std::vector<std::int64_t> ids;
  for (const auto& s : opened) ids.push_back(s.id);
  EXPECT_THAT(ids, ::testing::ElementsAre(::testing::_, first, second));
  EXPECT_THAT(opened[0].msg.text, HasSubstr("私信已经连通"));
}

TEST_F(Undeliverable, WithoutADeepLinkNothingIsPostedButTheMessageWaits) {
  say("li", "g31", "今天天气不错");
  std::int64_t id = private_to_li("one");
  EXPECT_TRUE(undeliverable(id, true).empty());
  EXPECT_EQ(store_.outbox.status(id), OutboxStatus::held);
}

TEST_F(Undeliverable, AMessageHeldPastTheRetentionIsPurgedByTheDailyPurge) {
  say("li", "g31", "今天天气不错");
  std::int64_t id = private_to_li("地址：31栋2单元501");
  undeliverable(id, true);
  store_.timers.arm(Timer{TimerKind::purge}, now_);
  fire_due();
  EXPECT_EQ(store_.outbox.status(id), OutboxStatus::held);  // held just now: kept
  now_ += config_.privacy.address_retention_days * kDay + 1;
  fire_due();
  EXPECT_EQ(store_.outbox.status(id), OutboxStatus::dead);
  EXPECT_EQ(store_.outbox.get(id)->msg.text, "");
  EXPECT_EQ(store_.outbox.held_count("pg", "li"), 0);
  auto opened = say("li", "li", "/start");  // too late for it: nothing stale comes out
  for (const auto& s : opened) EXPECT_NE(s.id, id);
}

TEST_F(Undeliverable, DeadLetterIsReportedToTheCoordinators) {
  OutboundMessage m;
  m.adapter = "pg";
  m.chat = "gv";
  m.text = "card";
  std::int64_t id = store_.outbox.enqueue(m, now_);
  auto sent = undeliverable(id, false);
  EXPECT_EQ(store_.outbox.status(id), OutboxStatus::dead);
  ASSERT_EQ(texts_to(sent, "zhou").size(), 1u);
  EXPECT_THAT(texts_to(sent, "zhou")[0], HasSubstr("志愿者群"));
  EXPECT_THAT(texts_to(sent, "zhou")[0], HasSubstr("HTTP 500"));
  // The notice itself failing does not start a loop of notices.
  EXPECT_TRUE(undeliverable(sent[0].id, false).empty());
}

}  // namespace
}  // namespace linli::test

namespace linli::test {
namespace {

using ::testing::HasSubstr;

const char* no_env(const char*) {
  return nullptr;
}

// 山城花园 (coordinator zhou) and 南岸 (coordinator wu), side by side on one platform.
Config two_communities() {
  return parse_config(R"({
    "database": ":memory:",
    "adapters": [{"type": "playground", "name": "pg", "people": [{"id": "li", "name": "李阿姨"}]}],
    "communities": [
      {"id": "sc", "name": "山城花园社区", "coordinators": ["pg:zhou"],
       "groups": [{"chat": "pg:g31", "kind": "residents", "building": "31"}, {"chat": "pg:gv", "kind": "volunteers"}],
       "volunteers": [{"person": "pg:chen", "name": "陈师傅", "building": "31", "skills": ["repair"]}]},
      {"id": "na", "name": "南岸社区", "coordinators": ["pg:wu"],
       "groups": [{"chat": "pg:n1", "kind": "residents", "building": "1"}, {"chat": "pg:nv", "kind": "volunteers"}]}
    ]})",
                      no_env);
}

class TwoCommunities : public EngineFixture {
 protected:
  TwoCommunities() : EngineFixture(two_communities()) {}
};

TEST_F(TwoCommunities, ACoordinatorCannotActOnAnotherCommunity) {
  put_dialog("li", "help", "confirm", "li",
             {{"category", "repair"},
              {"details", "漏水"},
              {"address", "31栋"},
              {"building", "31"},
              {"urgent", "0"}});
  say("li", "li", "是");  // #1 in 山城花园
  Volunteer v;
  v.person_id = person("wang");
  v.community_id = "sc";
  v.name = "王小明";
  v.status = VolunteerStatus::pending;
  store_.volunteers.upsert(v);
  say("wu", "n1", "菜单");  // wu is seen in 南岸

  say("wu", "wu", "通过 " + std::to_string(person("wang")));
  EXPECT_EQ(store_.volunteers.get(person("wang"))->status, VolunteerStatus::pending);
  EXPECT_THAT(say("wu", "wu", "派单 #1 陈师傅").at(0).msg.text, HasSubstr("找不到"));
  EXPECT_EQ(store_.offers.rounds("request", 1), 0);
  // In the other community's group, wu is not its coordinator at all.
  EXPECT_THAT(say("wu", "gv", "/approve").at(0).msg.text, HasSubstr("只有本社区的协调员"));
  // zhou, in his own community, can.
  say("zhou", "zhou", "通过 " + std::to_string(person("wang")));
  EXPECT_EQ(store_.volunteers.get(person("wang"))->status, VolunteerStatus::approved);
}

}  // namespace
}  // namespace linli::test

namespace linli::test {
namespace {

// On Slack, Feishu and WeCom a person's private chat with the bot is not named by their user id.
// Whatever the platform, what goes to a person privately goes to the private chat they wrote
// from, learned when they wrote there, never to a chat guessed from the user id.
TEST_F(Engine, PrivateMessagesGoToThePrivateChatThePersonWroteFrom) {
  InboundEvent ev = event("chen", "chen");
  ev.chat = "dm-chen";  // the platform's own id of the private chat
  ev.text = "/menu";
  auto menu = handle(ev);
  ASSERT_FALSE(menu.empty());
  EXPECT_EQ(menu.front().msg.chat, "dm-chen");
  std::string card = open_ticket();
  auto sent = say("chen", "gv", "接单", card);
  const Sent* address = find_to(sent, "dm-chen");
  ASSERT_NE(address, nullptr) << "the claimed task's address goes to chen's private chat";
  EXPECT_THAT(address->msg.text, HasSubstr("2单元501"));
  EXPECT_EQ(address->msg.user, "chen");
  EXPECT_EQ(find_to(sent, "chen"), nullptr);
}

TEST(Recipient, AddressesTheLearnedPrivateChatElseTheUserIdWhereThePlatformDoes) {
  Recipient learned{"slack", "U123", "D456"};
  EXPECT_EQ(learned.address(false).chat, "D456");
  Recipient telegram{"tg", "42", ""};
  EXPECT_EQ(telegram.address(true).chat, "42");
  Recipient unknown{"slack", "U123", ""};
  EXPECT_EQ(unknown.address(false).chat, "") << "the adapter opens one from the user id";
}

}  // namespace
}  // namespace linli::test
