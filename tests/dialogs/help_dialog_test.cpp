// One test per row of the help-request dialog's transition table (dialogs/help_dialog.cpp).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dialogs/dialog.hpp"
#include "tests/support/engine_fixture.hpp"

namespace linli::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class HelpDialog : public EngineFixture {
 protected:
  Answers answers(const std::string& user) {
    Answers a;
    std::vector<std::string> p;
    decode_dialog_data(dialog_of(user)->data, a, p);
    return a;
  }
  void at_confirm(const std::string& urgent = "1") {
    put_dialog("li", "help", "confirm", "li",
               {{"category", "repair"},
                {"details", "厨房水管漏水，电话 13912345678"},
                {"group_building", "31"},
                {"address", "31栋2单元501"},
                {"building", "31"},
                {"urgent", urgent}},
               {"category", "details", "address", "urgency"});
  }
};

TEST_F(HelpDialog, HelpAsksCategoryAndPointsToMenu) {
  auto sent = say("li", "g31", "求助");
  auto d = dialog_of("li");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->state, "category");
  auto text = texts_to(sent, "g31").at(0);
  EXPECT_THAT(text, HasSubstr("需要哪方面的帮助"));
  EXPECT_THAT(text, HasSubstr("菜单"));  // platforms read /help as "how do I use this bot"
  EXPECT_EQ(sent[0].msg.buttons.size(), 2u);
  EXPECT_EQ(answers("li")["group_building"], "31");
}

TEST_F(HelpDialog, CategoryWithInlineDetailsSkipsToAddress) {
  say("li", "g31", "/help 厨房水管漏水了");
  EXPECT_EQ(answers("li")["details"], "厨房水管漏水了");
  auto sent = answer("li", "g31", "维修");
  auto d = dialog_of("li");
  EXPECT_EQ(d->state, "address");
  EXPECT_TRUE(d->private_chat);
  EXPECT_EQ(answers("li")["category"], "repair");
  EXPECT_THAT(texts_to(sent, "li").at(0), HasSubstr("只有接单的志愿者能看到"));
}

TEST_F(HelpDialog, TheAddressIsAskedInThePrivateChatThePersonWroteFrom) {
  // On Slack, Feishu or WeCom a private chat has an id of its own, not the person's user id.
  InboundEvent dm = event("li", "li");
  dm.chat = "dm-li";
  dm.text = "/menu";
  handle(dm);
  say("li", "g31", "/help 厨房水管漏水了");
  auto sent = answer("li", "g31", "维修");
  auto d = dialog_of("li");
  ASSERT_TRUE(d && d->private_chat);
  EXPECT_EQ(d->chat, "dm-li");
  ASSERT_FALSE(texts_to(sent, "dm-li").empty());
  EXPECT_THAT(texts_to(sent, "dm-li").at(0), HasSubstr("只有接单的志愿者能看到"));
  EXPECT_TRUE(texts_to(sent, "li").empty()) << "not to a chat guessed from the user id";
}

TEST_F(HelpDialog, CategoryWithoutDetailsAsksDetails) {
  put_dialog("li", "help", "category", "g31", {{"group_building", "31"}});
  auto sent = answer("li", "g31", "5");
  EXPECT_EQ(dialog_of("li")->state, "details");
  EXPECT_EQ(answers("li")["category"], "shopping");
  EXPECT_THAT(texts_to(sent, "g31").at(0), HasSubstr("简单说说"));
}

TEST_F(HelpDialog, UnknownCategoryIsAskedAgain) {
  put_dialog("li", "help", "category", "g31", {});
  auto sent = answer("li", "g31", "9");
  EXPECT_EQ(dialog_of("li")->state, "category");
  EXPECT_THAT(texts_to(sent, "g31").at(0), HasSubstr("请回复列表里的一个编号"));
}

TEST_F(HelpDialog, DetailsMoveToAddressInPrivate) {
  put_dialog("li", "help", "details", "g31", {{"category", "shopping"}, {"group_building", "31"}},
             {"category"});
  auto sent = answer("li", "g31", "帮忙买点菜和药");
  EXPECT_EQ(dialog_of("li")->state, "address");
  EXPECT_EQ(answers("li")["details"], "帮忙买点菜和药");
  EXPECT_THAT(texts_to(sent, "li").at(0), HasSubstr("31栋的话"));
}

TEST_F(HelpDialog, TooShortDetailsAreAskedAgain) {
  put_dialog("li", "help", "details", "g31", {{"category", "shopping"}}, {"category"});
  auto sent = answer("li", "g31", "菜");
  EXPECT_EQ(dialog_of("li")->state, "details");
  EXPECT_THAT(texts_to(sent, "g31").at(0), HasSubstr("2–500"));
}

TEST_F(HelpDialog, AddressMovesToUrgencyAndTakesItsBuilding) {
  put_dialog("li", "help", "address", "li",
             {{"category", "repair"}, {"details", "漏水"}, {"group_building", "31"}},
             {"category", "details"});
  auto sent = say("li", "li", "32栋1单元101");
  EXPECT_EQ(dialog_of("li")->state, "urgency");
  EXPECT_EQ(answers("li")["address"], "32栋1单元101");
  EXPECT_EQ(answers("li")["building"], "32");  // the address names another building than the group
  EXPECT_THAT(texts_to(sent, "li").at(0), HasSubstr("急吗"));
}

TEST_F(HelpDialog, AddressWithoutBuildingIsAskedAgainWhenTheGroupHasNone) {
  put_dialog("li", "help", "address", "li", {{"category", "repair"}, {"details", "漏水"}},
             {"category", "details"});
  auto sent = say("li", "li", "2单元501");
  EXPECT_EQ(dialog_of("li")->state, "address");
  EXPECT_THAT(texts_to(sent, "li").at(0), HasSubstr("楼栋和门牌"));
}

TEST_F(HelpDialog, UrgencyMovesToSummary) {
  put_dialog("li", "help", "urgency", "li",
             {{"category", "repair"},
              {"details", "漏水"},
              {"address", "31栋2单元501"},
              {"building", "31"}},
             {"category", "details", "address"});
  auto sent = say("li", "li", "2");
  EXPECT_EQ(dialog_of("li")->state, "confirm");
  EXPECT_EQ(answers("li")["urgent"], "0");
  auto text = texts_to(sent, "li").at(0);
  EXPECT_THAT(text, HasSubstr("类别：维修"));
  EXPECT_THAT(text, HasSubstr("地址：31栋2单元501"));
  EXPECT_THAT(text, HasSubstr("紧急：不急"));
}

TEST_F(HelpDialog, UnclearUrgencyIsAskedAgain) {
  put_dialog("li", "help", "urgency", "li", {{"category", "repair"}},
             {"category", "details", "address"});
  auto sent = say("li", "li", "maybe");
  EXPECT_EQ(dialog_of("li")->state, "urgency");
  EXPECT_THAT(texts_to(sent, "li").at(0), HasSubstr("1（急）或 2（不急）"));
}

TEST_F(HelpDialog, YesCreatesTicketAndPostsCardWithoutPrivateDetails) {
  at_confirm();
  auto sent = say("li", "li", "是");
  EXPECT_FALSE(dialog_of("li"));
  auto r = store_.requests.get(1);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, RequestStatus::open);
  EXPECT_EQ(r->category, "repair");
  EXPECT_EQ(r->address, "31栋2单元501");
  EXPECT_TRUE(r->urgent);
  EXPECT_THAT(texts_to(sent, "li").at(0), HasSubstr("编号 #1"));
  const Sent* card = find_to(sent, "gv");
  ASSERT_NE(card, nullptr);
  EXPECT_EQ(card->msg.route, "t:1");
  EXPECT_EQ(r->card_outbox_id, card->id);
  EXPECT_THAT(card->msg.text, HasSubstr("#1 维修 · 31栋 · 急"));
  EXPECT_THAT(card->msg.text, HasSubstr("接单"));
  // Neither the address nor a phone number typed into the details reach the group.
  EXPECT_THAT(card->msg.text, Not(HasSubstr("501")));
  EXPECT_THAT(card->msg.text, Not(HasSubstr("13912345678")));
  // Skilled and near volunteers are named first: 陈师傅 repairs and lives in 31.
  EXPECT_THAT(card->msg.text, HasSubstr("推荐：@陈师傅（31栋·维修）"));
  EXPECT_EQ(card->msg.buttons.at(0).at(0).data, "t:1:take");
}

TEST_F(HelpDialog, NoDropsTheRequest) {
  at_confirm();
  auto sent = say("li", "li", "否");
  EXPECT_FALSE(dialog_of("li"));
  EXPECT_FALSE(store_.requests.get(1));
  EXPECT_THAT(texts_to(sent, "li").at(0), HasSubstr("这次不提交"));
}

TEST_F(HelpDialog, NeitherYesNorNoAtConfirmationAsksAgain) {
  at_confirm();
  auto sent = say("li", "li", "你好");
  EXPECT_EQ(dialog_of("li")->state, "confirm");
  EXPECT_THAT(texts_to(sent, "li").at(0), HasSubstr("「是」或「否」"));
}

TEST_F(HelpDialog, ButtonAnswersTheDialogOfItsOwnerOnly) {
  auto first = say("li", "g31", "求助");
  std::string data = first[0].msg.buttons[0][0].data;  // 维修
  auto other = press("zhang", "g31", first[0].platform_id, data);
  EXPECT_EQ(dialog_of("li")->state, "category");
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(other[0].msg.kind, OutKind::answer_callback);
  EXPECT_THAT(other[0].msg.text, HasSubstr("李阿姨"));
  press("li", "g31", first[0].platform_id, data);
  EXPECT_EQ(dialog_of("li")->state, "details");
}

TEST_F(HelpDialog, PeopleInTheSameGroupKeepTheirOwnDialogs) {
  say("li", "g31", "求助");
  say("zhang", "g31", "报名志愿者");
  answer("li", "g31", "5");          // li's category
  answer("zhang", "g31", "张建国");  // zhang's name
  EXPECT_EQ(dialog_of("li")->kind, "help");
  EXPECT_EQ(dialog_of("li")->state, "details");
  EXPECT_EQ(answers("li")["category"], "shopping");
  EXPECT_EQ(dialog_of("zhang")->kind, "signup");
  EXPECT_EQ(dialog_of("zhang")->state, "phone");
  EXPECT_EQ(answers("zhang")["name"], "张建国");
}

TEST_F(HelpDialog, ReplyToSomeoneElsesQuestionIsNotTheirAnswer) {
  auto first = say("li", "g31", "求助");
  auto sent = say("zhang", "g31", "1", first[0].platform_id);
  EXPECT_TRUE(sent.empty());
  EXPECT_EQ(dialog_of("li")->state, "category");
  EXPECT_FALSE(dialog_of("zhang"));
}

TEST_F(HelpDialog, NewCommandDropsTheOpenDialog) {
  say("li", "g31", "报名志愿者");
  auto sent = say("li", "g31", "求助");
  EXPECT_EQ(dialog_of("li")->kind, "help");
  EXPECT_THAT(texts_to(sent, "g31").at(0), HasSubstr("未完成的志愿者报名已放弃"));
}

}  // namespace
}  // namespace linli::test
