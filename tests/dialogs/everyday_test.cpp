// Everyday use by volunteers and residents (issue 12): what a first real try found, each with
// the test that shows it fixed.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dialogs/command_parser.hpp"
#include "dialogs/dialog.hpp"
#include "tests/support/five_steps_fixture.hpp"

namespace linli::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class Everyday : public FiveStepsFixture {
 protected:
  // 李阿姨's confirmed request #1, asked in the group of building 31 with the address as she
  // typed it there; returns the platform id of its card in the volunteers' group.
  std::string open_ticket(const std::string& address = "2单元501") {
    put_dialog("li", "help", "confirm", "li",
               {{"category", "repair"},
                {"details", "厨房水管漏水"},
                {"group_building", "31"},
                {"address", address},
                {"building", "31"},
                {"urgent", "1"}},
               {"category", "details", "address", "urgency"});
    auto sent = say("li", "li", "是");
    return find_to(sent, "gv")->platform_id;
  }
  // The question a dialog asked in `chat`: the platform id of its message.
  static std::string question_in(const std::vector<Sent>& sent, const std::string& chat) {
    for (const auto& s : sent) {
      if (s.msg.chat == chat && s.msg.kind == OutKind::send && s.msg.route.rfind("d:", 0) == 0)
        return s.platform_id;
    }
    ADD_FAILURE() << "no question in " << chat;
    return "";
  }
};

// ---- 完成 3 after 完成#3

TEST_F(Everyday, DoneTwiceInEitherFormSaysItIsDoneAlready) {
  say("chen", "gv", "接单", open_ticket());
  auto first = say("chen", "gv", "完成#1");
  EXPECT_EQ(store_.requests.get(1)->status, RequestStatus::done);
  EXPECT_THAT(texts_to(first, "gv").at(0), HasSubstr("#1 已完成"));
  for (const char* again : {"完成 1", "完成1", "完成 #1", "/done 1", "完成 ＃1"}) {
    auto sent = say("chen", "gv", again);
    ASSERT_EQ(sent.size(), 1u) << again;
    EXPECT_THAT(sent[0].msg.text, HasSubstr("#1 已经完成了")) << again;
    EXPECT_THAT(sent[0].msg.text, Not(HasSubstr("不是你接的"))) << again;
  }
  // Another volunteer's finished task is still not theirs; the keyword in a group is talk.
  auto other = say("zhao", "gv", "/done 1");
  EXPECT_THAT(other.at(0).msg.text, HasSubstr("#1 不是你接的任务"));
  EXPECT_TRUE(say("zhao", "gv", "完成 1").empty());
}

TEST_F(Everyday, TicketNumbersAreTakenWithAndWithoutTheHash) {
  open_ticket();
  say("chen", "gv", "接单 1");
  EXPECT_EQ(store_.requests.get(1)->volunteer_id, person("chen"));
  say("chen", "gv", "完成 1");
  EXPECT_EQ(store_.requests.get(1)->status, RequestStatus::done);
}

// ---- the whole address

TEST_F(Everyday, TheVolunteerGetsTheBuildingWithTheFlatTheResidentTyped) {
  auto taken = say("chen", "gv", "接单", open_ticket("2单元501"));
  EXPECT_THAT(texts_to(taken, "chen").at(0), HasSubstr("地址：31栋2单元501"));
}

TEST_F(Everyday, AnAddressThatNamesItsBuildingIsGivenAsTyped) {
  auto taken = say("chen", "gv", "接单", open_ticket("32栋1单元101"));
  EXPECT_THAT(texts_to(taken, "chen").at(0), HasSubstr("地址：32栋1单元101\n"));
}

TEST_F(Everyday, TheResidentConfirmsTheAddressTheVolunteerWillSee) {
  put_dialog("li", "help", "urgency", "li",
             {{"category", "repair"},
              {"details", "漏水"},
              {"group_building", "31"},
              {"address", "2单元501"},
              {"building", "31"}},
             {"category", "details", "address"});
  auto sent = say("li", "li", "急");
  EXPECT_THAT(texts_to(sent, "li").at(0), HasSubstr("地址：31栋2单元501"));
}

TEST_F(Everyday, AnEnglishSpeakingVolunteerGetsTheBuildingInEnglish) {
  store_.people.set_lang(person("chen"), "en", true);
  auto taken = say("chen", "gv", "接单", open_ticket("2单元501"));
  EXPECT_THAT(texts_to(taken, "chen").at(0), HasSubstr("Address: Building 31, 2单元501"));
}

// ---- 我的 of a volunteer with places

TEST_F(Everyday, MineListsAVolunteersPlacesOnTwoPostsAndTheShiftTheyAreOn) {
  make_post(2);
  make_post(1, "32", 30);
  say("chen", "gv", "报名", recruit("1")["gv"]);
  auto second = recruit("2")["gv"];
  say("chen", "gv", "报名", second);
  say("zhao", "gv", "报名", second);
  ASSERT_EQ(status(2, "zhao"), RosterStatus::waiting);

  auto mine = say("chen", "chen", "我的");
  ASSERT_EQ(mine.size(), 1u);
  const std::string& text = mine[0].msg.text;
  EXPECT_THAT(text, Not(HasSubstr("没有进行中")));
  EXPECT_THAT(text, HasSubstr("我的岗位"));
  EXPECT_THAT(text, HasSubstr("1 照看王奶奶（"));
  EXPECT_THAT(text, HasSubstr("2 照看王奶奶（"));
  EXPECT_THAT(text, HasSubstr("32栋）— 有名额"));
  EXPECT_THAT(say("zhao", "zhao", "/mine").at(0).msg.text, HasSubstr("32栋）— 候补"));

  say("chen", "chen", "签到");
  ASSERT_TRUE(store_.shifts.on_duty(person("chen")));
  EXPECT_THAT(say("chen", "chen", "我的").at(0).msg.text, HasSubstr("正在值班"));
}

TEST_F(Everyday, MineLeavesOutPostsThatHaveEnded) {
  make_post(1, "31", 1);
  say("chen", "gv", "报名", recruit("1")["gv"]);
  now_ += 6 * kHour;
  EXPECT_THAT(say("chen", "chen", "我的").at(0).msg.text, HasSubstr("没有进行中的求助或任务"));
}

// ---- in a group, only a reply or a button answers a dialog

TEST_F(Everyday, ATypoInTheGroupIsNotTheAnswerToAnOpenQuestion) {
  make_post(10);
  auto joined = say("li", "g31", "+1", recruit()["g31"]);
  ASSERT_EQ(dialog_of("li")->state, "name");
  std::string question = question_in(joined, "g31");

  auto typo = say("li", "g31", "求组 水管又漏了");
  EXPECT_EQ(dialog_of("li")->state, "name");
  EXPECT_TRUE(texts_to(typo, "g31").empty()) << "neighbours talking: nothing said in the group";
  ASSERT_EQ(texts_to(typo, "li").size(), 1u);
  EXPECT_EQ(texts_to(typo, "li")[0],
            "你在31栋居民群的志愿者报名还没填完：回复机器人的问题继续，或发「取消」。");
  EXPECT_TRUE(say("li", "g31", "今天菜场开门吗").empty()) << "told once";

  say("li", "g31", "李秀英", question);
  EXPECT_EQ(dialog_of("li")->state, "phone");
  Answers a;
  std::vector<std::string> path;
  decode_dialog_data(dialog_of("li")->data, a, path);
  EXPECT_EQ(a["name"], "李秀英");
}

TEST_F(Everyday, ACommandInTheGroupStillWorksWhileAQuestionIsOpen) {
  say("li", "g31", "报名志愿者");
  auto sent = say("li", "g31", "求助 水管又漏了");
  EXPECT_EQ(dialog_of("li")->kind, "help");
  EXPECT_THAT(texts_to(sent, "g31").at(0), HasSubstr("未完成的志愿者报名已放弃"));
  say("li", "g31", "取消");
  EXPECT_FALSE(dialog_of("li"));
}

TEST_F(Everyday, AReplyToAGroupQuestionAfterTheDialogWentPrivateAnswersNothing) {
  auto ask = say("li", "g31", "求助 厨房漏水");
  std::string category = question_in(ask, "g31");
  say("li", "g31", "维修", category);
  ASSERT_EQ(dialog_of("li")->state, "address");
  auto sent = say("li", "g31", "31栋2单元501", category);  // meant for the private question
  EXPECT_EQ(dialog_of("li")->state, "address");
  EXPECT_TRUE(texts_to(sent, "g31").empty());
}

class WithoutReplies : public Everyday {
 protected:
  // The engine reads the config it was given, by reference.
  WithoutReplies() { config_.adapters[0].capabilities.replies = false; }
};

TEST_F(WithoutReplies, ADialogBegunInAGroupGoesOnInThePrivateChat) {
  auto sent = say("li", "g31", "求助");
  ASSERT_EQ(texts_to(sent, "g31").size(), 1u);
  EXPECT_THAT(texts_to(sent, "g31")[0], HasSubstr("我私信你继续"));
  ASSERT_EQ(texts_to(sent, "li").size(), 1u);
  EXPECT_THAT(texts_to(sent, "li")[0], HasSubstr("需要哪方面的帮助"));
  EXPECT_TRUE(dialog_of("li")->private_chat);
  say("li", "g31", "维修");
  EXPECT_EQ(dialog_of("li")->state, "category");
  say("li", "li", "维修");
  EXPECT_EQ(dialog_of("li")->state, "details");
}

// ---- mistyped commands

TEST_F(Everyday, AMistypedCommandInAGroupGetsTheClosestOnceADay) {
  auto sent = say("li", "g31", "/hepl");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].msg.text, "李阿姨，没有 /hepl 这个命令，你是想发 /help 吗？");
  EXPECT_TRUE(say("li", "g31", "/hepl").empty());
  EXPECT_TRUE(say("li", "g31", "/mnie").empty());
  EXPECT_TRUE(say("zhang", "g31", "/weather").empty()) << "another bot's command";
  EXPECT_THAT(say("zhang", "g31", "/mnie").at(0).msg.text, HasSubstr("你是想发 /mine 吗"));
  now_ += kDay;
  fire_due();
  EXPECT_THAT(say("li", "g31", "/hepl").at(0).msg.text, HasSubstr("/help"));
}

TEST_F(Everyday, AMistypedCommandInAPrivateChatAlwaysGetsAHint) {
  for (int i = 0; i < 2; ++i) {
    auto sent = say("li", "li", "/hepl");
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_THAT(sent[0].msg.text, HasSubstr("你是想发 /help 吗"));
  }
  EXPECT_THAT(say("li", "li", "/weather").at(0).msg.text, HasSubstr("没有「/weather」这个命令"));
}

TEST(ClosestCommand, IsWithinOneEditForShortNamesAndTwoForLongerOnes) {
  EXPECT_EQ(closest_command("/hepl"), "/help");
  EXPECT_EQ(closest_command("/HELPP"), "/help");
  EXPECT_EQ(closest_command("/chekin"), "/checkin");
  EXPECT_EQ(closest_command("/recruti"), "/recruit");
  EXPECT_EQ(closest_command("/weather"), std::nullopt);
  EXPECT_EQ(closest_command("/ban"), std::nullopt);
  EXPECT_EQ(closest_command("/help"), std::nullopt) << "not a typo";
}

// ---- too long

TEST_F(Everyday, AHelpRequestPastFiveHundredCharactersSaysSoAndStartsNothing) {
  std::string text;
  for (int i = 0; i < 600; ++i) text += "漏";
  auto sent = say("li", "g31", "求助 " + text);
  EXPECT_FALSE(dialog_of("li"));
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].msg.text,
            "求助的情况说明太长了：最多 500 个字，你写了 600 个字。请写短一些再发。");
  EXPECT_THAT(say("emma", "g31", "/help " + text).at(0).msg.text,
              HasSubstr("too long: at most 500 characters, yours has 600"));
}

TEST_F(Everyday, ADescriptionPastFiveHundredCharactersIsAskedAgainWithTheLimit) {
  put_dialog("li", "help", "details", "li", {{"category", "shopping"}}, {"category"});
  std::string text;
  for (int i = 0; i < 501; ++i) text += "a";
  auto sent = say("li", "li", text);
  EXPECT_EQ(dialog_of("li")->state, "details");
  EXPECT_THAT(sent.at(0).msg.text, HasSubstr("最多 500 个字，你写了 501 个字"));
}

// ---- old buttons

TEST_F(Everyday, AButtonOfAFinishedDialogDoesNotAnswerTheNextOne) {
  auto first = say("li", "li", "求助");
  std::string old_medical = first.at(0).msg.buttons.at(0).at(1).data;              // 医护
  press("li", "li", first[0].platform_id, first[0].msg.buttons.at(0).at(0).data);  // 维修
  say("li", "li", "厨房水管漏水");
  say("li", "li", "31栋2单元501");
  say("li", "li", "1");
  say("li", "li", "是");
  ASSERT_TRUE(store_.requests.get(1));
  ASSERT_FALSE(dialog_of("li"));

  auto second = say("li", "li", "求助");
  ASSERT_EQ(dialog_of("li")->state, "category");
  auto refused = press("li", "li", first[0].platform_id, old_medical);
  EXPECT_EQ(dialog_of("li")->state, "category");
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].msg.kind, OutKind::answer_callback);
  EXPECT_THAT(refused[0].msg.text, HasSubstr("这个问题已经过去了"));

  press("li", "li", second.at(0).platform_id, second[0].msg.buttons.at(0).at(1).data);
  EXPECT_EQ(dialog_of("li")->state, "details_private");  // 医护: what it is about, privately
  Answers a;
  std::vector<std::string> path;
  decode_dialog_data(dialog_of("li")->data, a, path);
  EXPECT_EQ(a["category"], "medical");
}

}  // namespace
}  // namespace linli::test
