// One test per row of the sign-up dialog's transition table (dialogs/signup_dialog.cpp), plus
// the common rows: each sets a state, sends one message, and checks the new state and replies.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dialogs/dialog.hpp"
#include "dialogs/vocabulary.hpp"
#include "tests/support/engine_fixture.hpp"

namespace linli::test {
namespace {

// A dialog's data is read as a stream (issue 10): what encode_dialog_data writes comes back
// whole, and anything else reads as it did from a parsed tree.
TEST(DialogData, ReadsBackWhatWasWrittenAndSkipsWhatItCannotUse) {
  Answers answers{{"name", "李阿姨"}, {"phone", "13800000000"}};
  std::vector<std::string> path{"name", "phone"};
  Choices choices{"1", "", "水管"};
  Answers a;
  std::vector<std::string> p;
  Choices c;
  decode_dialog_data(encode_dialog_data(answers, path, choices), a, p, &c);
  EXPECT_EQ(a, answers);
  EXPECT_EQ(p, path);
  EXPECT_EQ(c, choices);

  a.clear();
  p.clear();
  c.clear();
  decode_dialog_data(R"({"answers":{"a":"1","b":2,"c":{"x":"y"},"d":"4","d":null},)"
                     R"("path":["a",3,["b"],"c"],"choices":["x",5,{"y":"z"}],"other":["q"]})",
                     a, p, &c);
  EXPECT_EQ(a, (Answers{{"a", "1"}}));
  EXPECT_EQ(p, (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(c, (Choices{"x", "", ""}));

  // A key given twice counts once, with its last value, as a JSON tree would read it.
  a.clear();
  p.clear();
  c.clear();
  decode_dialog_data(R"({"path":["a"],"answers":{"a":"1"},"choices":["x"],"path":["b"],)"
                     R"("answers":{},"choices":null})",
                     a, p, &c);
  EXPECT_TRUE(a.empty());
  EXPECT_EQ(p, (std::vector<std::string>{"b"}));
  EXPECT_TRUE(c.empty());

  for (std::string bad :
       {"", "[]", "\"answers\"", R"({"answers":{"a":"1"})", R"({"answers":{"a":"1"}} x)"}) {
    Answers a2;
    std::vector<std::string> p2;
    decode_dialog_data(bad, a2, p2);
    EXPECT_TRUE(a2.empty()) << bad;
    EXPECT_TRUE(p2.empty()) << bad;
  }
}

using ::testing::HasSubstr;

class SignupDialog : public EngineFixture {
 protected:
  std::map<std::string, std::string> answers(const std::string& user) {
    Answers a;
    std::vector<std::string> path;
    decode_dialog_data(dialog_of(user)->data, a, path);
    return a;
  }
  std::vector<std::string> path(const std::string& user) {
    Answers a;
    std::vector<std::string> p;
    decode_dialog_data(dialog_of(user)->data, a, p);
    return p;
  }
  // A complete set of answers up to the confirmation.
  void at_confirm() {
    put_dialog("li", "signup", "confirm", "li",
               {{"name", "李秀英"},
                {"phone", "13800138000"},
                {"building", "31"},
                {"skills", std::to_string(bit(Skill::repair) | bit(Skill::shopping))},
                {"availability", "周末"}},
               {"name", "phone", "building", "skills", "availability"});
  }
};

TEST_F(SignupDialog, JoinInGroupAsksNameInThatGroup) {
  auto sent = say("li", "g31", "报名志愿者");
  auto d = dialog_of("li");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->kind, "signup");
  EXPECT_EQ(d->state, "name");
  EXPECT_EQ(d->chat, "g31");
  auto texts = texts_to(sent, "g31");
  ASSERT_EQ(texts.size(), 1u);
  EXPECT_THAT(texts[0], HasSubstr("李阿姨："));  // names whom it asks, in a group
  EXPECT_THAT(texts[0], HasSubstr("姓名"));
  // The platform's name is offered as a one-tap answer.
  ASSERT_EQ(sent[0].msg.buttons.size(), 1u);
  EXPECT_EQ(sent[0].msg.buttons[0][0].label, "李阿姨");
}

TEST_F(SignupDialog, LongNameIsStillOfferedAsAButtonWhoseDataIsAShortRoute) {
  // 25 Chinese characters: a valid name of 75 bytes, more than a Telegram button can carry.
  std::string name;
  for (int i = 0; i < 5; ++i) name += "欧阳娜娜丽";
  ASSERT_EQ(name.size(), 75u);
  InboundEvent ev = event("ouyang", "g31");
  ev.user_name = name;
  ev.message_id = "m1";
  ev.text = "报名志愿者";
  auto sent = handle(ev);
  ASSERT_EQ(sent.at(0).msg.buttons.size(), 1u);
  const Button& b = sent[0].msg.buttons[0][0];
  EXPECT_EQ(b.label, name);
  EXPECT_LE(b.data.size(), 64u);
  EXPECT_EQ(b.data.find(name), std::string::npos);  // a route, never the payload
  press("ouyang", "g31", sent[0].platform_id, b.data);
  EXPECT_EQ(dialog_of("ouyang")->state, "phone");
  EXPECT_EQ(answers("ouyang")["name"], name);
}

TEST_F(SignupDialog, ButtonOfAQuestionAnsweredBeforeIsNotReadAsTheNextAnswer) {
  auto sent = say("li", "g31", "报名志愿者");
  std::string data = sent.at(0).msg.buttons.at(0).at(0).data;
  press("li", "g31", sent[0].platform_id, data);
  ASSERT_EQ(dialog_of("li")->state, "phone");
  auto again = press("li", "g31", sent[0].platform_id, data);
  EXPECT_EQ(dialog_of("li")->state, "phone");
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].msg.kind, OutKind::answer_callback);
  EXPECT_THAT(again[0].msg.text, HasSubstr("这个问题已经过去了"));
}

TEST_F(SignupDialog, ValidNameMovesToPhoneInPrivateChat) {
  put_dialog("li", "signup", "name", "g31", {});
  auto sent = answer("li", "g31", "李秀英");
  auto d = dialog_of("li");
  EXPECT_EQ(d->state, "phone");
  EXPECT_TRUE(d->private_chat);
  EXPECT_EQ(d->chat, "li");
  EXPECT_EQ(answers("li")["name"], "李秀英");
  // The group is told where to continue; the phone question goes to the private chat only.
  ASSERT_EQ(texts_to(sent, "g31").size(), 1u);
  EXPECT_THAT(texts_to(sent, "g31")[0], HasSubstr("私信"));
  ASSERT_EQ(texts_to(sent, "li").size(), 1u);
  EXPECT_THAT(texts_to(sent, "li")[0], HasSubstr("手机号"));
}

TEST_F(SignupDialog, InvalidNameIsAskedAgainWithHint) {
  put_dialog("li", "signup", "name", "g31", {});
  auto sent = answer("li", "g31", std::string(31 * 3, 'a'));
  EXPECT_EQ(dialog_of("li")->state, "name");
  ASSERT_EQ(texts_to(sent, "g31").size(), 1u);
  EXPECT_THAT(texts_to(sent, "g31")[0], HasSubstr("1–30"));
}

TEST_F(SignupDialog, ValidPhoneIsNormalisedAndMovesToBuilding) {
  put_dialog("li", "signup", "phone", "li", {{"name", "李秀英"}}, {"name"});
  auto sent = say("li", "li", "+86 138-0013-8000");
  EXPECT_EQ(dialog_of("li")->state, "building");
  EXPECT_EQ(answers("li")["phone"], "13800138000");
  EXPECT_THAT(texts_to(sent, "li").at(0), HasSubstr("哪栋楼"));
}

TEST_F(SignupDialog, InvalidPhoneIsAskedAgainWithHint) {
  put_dialog("li", "signup", "phone", "li", {{"name", "李秀英"}}, {"name"});
  auto sent = say("li", "li", "12345");
  EXPECT_EQ(dialog_of("li")->state, "phone");
  EXPECT_THAT(texts_to(sent, "li").at(0), HasSubstr("11 位手机号"));
}

TEST_F(SignupDialog, ValidBuildingMovesToSkills) {
  put_dialog("li", "signup", "building", "li", {{"name", "李秀英"}, {"phone", "13800138000"}},
             {"name", "phone"});
  auto sent = say("li", "li", "31栋");
  EXPECT_EQ(dialog_of("li")->state, "skills");
  EXPECT_EQ(answers("li")["building"], "31");
  EXPECT_THAT(texts_to(sent, "li").at(0), HasSubstr("1 维修"));
}

TEST_F(SignupDialog, InvalidBuildingIsAskedAgainWithHint) {
  put_dialog("li", "signup", "building", "li", {{"name", "李秀英"}}, {"name", "phone"});
  auto sent = say("li", "li", "I live near the park by the river");
  EXPECT_EQ(dialog_of("li")->state, "building");
  EXPECT_THAT(texts_to(sent, "li").at(0), HasSubstr("楼栋号"));
}

TEST_F(SignupDialog, ValidSkillsMoveToAvailability) {
  put_dialog("li", "signup", "skills", "li", {{"name", "李秀英"}}, {"name", "phone", "building"});
  auto sent = say("li", "li", "1、代购配送");
  EXPECT_EQ(dialog_of("li")->state, "availability");
  EXPECT_EQ(answers("li")["skills"], std::to_string(bit(Skill::repair) | bit(Skill::shopping)));
  EXPECT_THAT(texts_to(sent, "li").at(0), HasSubstr("有空"));
}

TEST_F(SignupDialog, UnknownSkillIsAskedAgainWithTheList) {
  put_dialog("li", "signup", "skills", "li", {{"name", "李秀英"}}, {"name", "phone", "building"});
  auto sent = say("li", "li", "juggling");
  EXPECT_EQ(dialog_of("li")->state, "skills");
  EXPECT_THAT(texts_to(sent, "li").at(0), HasSubstr("没认出来"));
  EXPECT_THAT(texts_to(sent, "li").at(0), HasSubstr("8 其他"));
}

TEST_F(SignupDialog, ValidAvailabilityShowsSummaryToConfirm) {
  put_dialog("li", "signup", "availability", "li",
             {{"name", "李秀英"}, {"phone", "13800138000"}, {"building", "31"}, {"skills", "1"}},
             {"name", "phone", "building", "skills"});
  auto sent = say("li", "li", "周末全天");
  EXPECT_EQ(dialog_of("li")->state, "confirm");
  auto text = texts_to(sent, "li").at(0);
  EXPECT_THAT(text, HasSubstr("姓名：李秀英"));
  EXPECT_THAT(text, HasSubstr("电话：13800138000"));
  EXPECT_THAT(text, HasSubstr("技能：维修"));
  EXPECT_THAT(text, HasSubstr("空闲：周末全天"));
}

TEST_F(SignupDialog, TooLongAvailabilityIsAskedAgain) {
  put_dialog("li", "signup", "availability", "li", {{"name", "李秀英"}},
             {"name", "phone", "building", "skills"});
  auto sent = say("li", "li", std::string(101, 'x'));
  EXPECT_EQ(dialog_of("li")->state, "availability");
  EXPECT_THAT(texts_to(sent, "li").at(0), HasSubstr("100 字以内"));
}

TEST_F(SignupDialog, YesSubmitsPendingVolunteerAndAsksCoordinator) {
  at_confirm();
  auto sent = say("li", "li", "是");
  EXPECT_FALSE(dialog_of("li"));
  auto v = store_.volunteers.get(person("li"));
  ASSERT_TRUE(v);
  EXPECT_EQ(v->status, VolunteerStatus::pending);
  EXPECT_EQ(v->name, "李秀英");
  EXPECT_EQ(v->phone, "13800138000");
  EXPECT_EQ(v->building, "31");
  EXPECT_EQ(v->community_id, "sc");
  EXPECT_THAT(texts_to(sent, "li").at(0), HasSubstr("已提交"));
  // The coordinator gets the sign-up privately, with the phone number and two buttons.
  const Sent* review = find_to(sent, "zhou");
  ASSERT_NE(review, nullptr);
  EXPECT_TRUE(review->msg.private_chat);
  EXPECT_THAT(review->msg.text, HasSubstr("13800138000"));
  EXPECT_EQ(review->msg.route, "v:" + std::to_string(person("li")));
  ASSERT_EQ(review->msg.buttons.at(0).size(), 2u);
}

// The skills in the dialog's row cannot be read (an older version's, or damaged): the question
// is asked again instead of the sign-up failing.
TEST_F(SignupDialog, SkillsThatCannotBeReadAreAskedAgainAtTheConfirmation) {
  put_dialog("li", "signup", "confirm", "li",
             {{"name", "李秀英"},
              {"phone", "13800138000"},
              {"building", "31"},
              {"skills", "99999999999999999999"},
              {"availability", "周末"}},
             {"name", "phone", "building", "skills", "availability"});
  auto sent = say("li", "li", "是");
  EXPECT_EQ(dialog_of("li")->state, "skills");
  EXPECT_THAT(texts_to(sent, "li").at(0), HasSubstr("你能做什么"));
  EXPECT_FALSE(store_.volunteers.get(person("li")));
}

TEST_F(SignupDialog, NoStartsOverFromTheName) {
  at_confirm();
  auto sent = say("li", "li", "不对");
  auto d = dialog_of("li");
  EXPECT_EQ(d->state, "name");
  EXPECT_TRUE(answers("li").empty());
  EXPECT_TRUE(path("li").empty());
  auto texts = texts_to(sent, "li");
  ASSERT_EQ(texts.size(), 2u);
  EXPECT_THAT(texts[0], HasSubstr("重新来"));
  EXPECT_THAT(texts[1], HasSubstr("姓名"));
}

TEST_F(SignupDialog, NeitherYesNorNoAtConfirmationAsksForYesOrNo) {
  at_confirm();
  auto sent = say("li", "li", "嗯……让我想想");
  EXPECT_EQ(dialog_of("li")->state, "confirm");
  EXPECT_THAT(texts_to(sent, "li").at(0), HasSubstr("「是」或「否」"));
}

TEST_F(SignupDialog, BackReturnsToThePreviousQuestion) {
  put_dialog("li", "signup", "skills", "li", {{"name", "李秀英"}, {"building", "31"}},
             {"name", "phone", "building"});
  auto sent = say("li", "li", "返回");
  EXPECT_EQ(dialog_of("li")->state, "building");
  EXPECT_EQ(path("li"), (std::vector<std::string>{"name", "phone"}));
  EXPECT_THAT(texts_to(sent, "li").at(0), HasSubstr("哪栋楼"));
}

TEST_F(SignupDialog, BackAtTheFirstQuestionSaysSo) {
  put_dialog("li", "signup", "name", "g31", {});
  auto sent = say("li", "g31", "/back");
  EXPECT_EQ(dialog_of("li")->state, "name");
  EXPECT_THAT(texts_to(sent, "g31").at(0), HasSubstr("第一步"));
}

TEST_F(SignupDialog, CancelEndsTheDialogAndStoresNothing) {
  put_dialog("li", "signup", "building", "li", {{"name", "李秀英"}}, {"name", "phone"});
  auto sent = say("li", "li", "取消");
  EXPECT_FALSE(dialog_of("li"));
  EXPECT_FALSE(store_.volunteers.get(person("li")));
  EXPECT_THAT(texts_to(sent, "li").at(0), HasSubstr("志愿者报名已取消"));
}

TEST_F(SignupDialog, IdleDialogTimesOutWithAMessage) {
  say("li", "g31", "/join");
  now_ += config_.dialogs.timeout_s * 1000 - 1;
  EXPECT_TRUE(fire_due().empty());  // not yet
  EXPECT_TRUE(dialog_of("li"));
  now_ += 1;
  auto sent = fire_due();
  EXPECT_FALSE(dialog_of("li"));
  ASSERT_EQ(texts_to(sent, "g31").size(), 1u);
  EXPECT_THAT(texts_to(sent, "g31")[0], HasSubstr("30 分钟没有回复"));
  EXPECT_THAT(texts_to(sent, "g31")[0], HasSubstr("/join"));
}

TEST_F(SignupDialog, AnswerMovesTheTimeOutOn) {
  say("li", "g31", "/join");
  now_ += 20 * 60 * 1000;
  answer("li", "g31", "李秀英");
  now_ += 20 * 60 * 1000;  // 40 minutes after /join, 20 after the last answer
  EXPECT_TRUE(fire_due().empty());
  EXPECT_EQ(dialog_of("li")->state, "phone");
}

// An answer does not rewrite the dialog's timer: the timer armed at /join fires early, finds the
// dialog answered since, and falls due again at the dialog's own deadline.
TEST_F(SignupDialog, AnsweredDialogTimesOutAtItsLastAnswerPlusTheTimeOut) {
  say("li", "g31", "/join");
  now_ += 20 * 60 * 1000;
  answer("li", "g31", "李秀英");
  now_ += 20 * 60 * 1000;
  EXPECT_TRUE(fire_due().empty());  // the timer of /join: early, armed again
  EXPECT_EQ(store_.timers.next_due(), now_ + 10 * 60 * 1000);
  now_ += 10 * 60 * 1000 - 1;
  EXPECT_TRUE(fire_due().empty());
  EXPECT_EQ(dialog_of("li")->state, "phone");
  now_ += 1;
  auto sent = fire_due();
  EXPECT_FALSE(dialog_of("li"));
  ASSERT_EQ(texts_to(sent, "li").size(), 1u);  // the dialog went on privately after the name
  EXPECT_THAT(texts_to(sent, "li")[0], HasSubstr("30 分钟没有回复"));
}

TEST_F(SignupDialog, AnswerInAStateNoRowKnowsKeepsTheDialog) {
  // A state a later version dropped: the common rows keep the dialog alive.
  put_dialog("li", "signup", "retired_state", "li", {});
  say("li", "li", "hello");
  EXPECT_EQ(dialog_of("li")->state, "retired_state");
}

TEST_F(SignupDialog, ApprovedVolunteerIsNotSignedUpAgain) {
  auto sent = say("chen", "gv", "/join");
  EXPECT_FALSE(dialog_of("chen"));
  EXPECT_THAT(texts_to(sent, "gv").at(0), HasSubstr("已经是"));
}

TEST_F(SignupDialog, EnglishSpeakersGetEnglishQuestions) {
  auto sent = say("emma", "g31", "/join");
  EXPECT_THAT(texts_to(sent, "g31").at(0),
              HasSubstr("Volunteer sign-up (1/5): what is your name?"));
}

}  // namespace
}  // namespace linli::test
