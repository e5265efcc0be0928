// What a coordinator does every day (issue 12, "Coordinators"): lowering a post's headcount
// below its sign-ups, the roster of a post, the menu by role, and leaving one of several posts.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "dialogs/command_parser.hpp"
#include "tests/support/five_steps_fixture.hpp"

namespace linli::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class Coordinators : public FiveStepsFixture {};

// ---- lowering a post's headcount below its sign-ups

class Lowering : public Coordinators {
 protected:
  // Post 1 for `headcount`, with volunteers v0, v1, ... replying to its call in that order.
  std::map<std::string, std::string> fill(int headcount, int replies) {
    make_post(headcount);
    for (int i = 0; i < replies; ++i) add_volunteer("v" + std::to_string(i), "31");
    auto cards = recruit();
    for (int i = 0; i < replies; ++i) say("v" + std::to_string(i), "g31", "报名", cards["g31"]);
    return cards;
  }
  // zhou edits post 1 and answers its questions up to the headcount with `count`.
  std::vector<Sent> lower_to(const std::string& count) {
    say("zhou", "zhou", "设岗 1");
    say("zhou", "zhou", "-");
    say("zhou", "zhou", "-");
    return say("zhou", "zhou", count);
  }
  // The rest of the post dialog, kept as it is, and saved.
  std::vector<Sent> keep_the_rest() {
    std::vector<Sent> all;
    for (const char* a : {"-", "-", "-", "-", "是"}) {
      auto sent = say("zhou", "zhou", a);
      all.insert(all.end(), sent.begin(), sent.end());
    }
    return all;
  }
  std::string v(int i) { return "v" + std::to_string(i); }
};

TEST_F(Lowering, TheCoordinatorIsAskedFirstHowManyWillMoveToTheWaitList) {
  fill(10, 7);
  auto asked = lower_to("5");
  std::string question = texts_to(asked, "zhou").at(0);
  EXPECT_THAT(question, HasSubstr("将有 2 人转入候补"));
  EXPECT_THAT(question, HasSubstr("7 个名额已被报名"));
  ASSERT_FALSE(asked.at(0).msg.buttons.empty());  // yes / enter again
  EXPECT_EQ(dialog_of("zhou")->state, "shrink");
  // Nothing moves before the yes, and nothing before the post is saved.
  EXPECT_EQ(store_.roster.counts(1).taken, 7);
  say("zhou", "zhou", "是");
  EXPECT_EQ(dialog_of("zhou")->state, "skills");
  EXPECT_EQ(store_.roster.counts(1).taken, 7);
  EXPECT_EQ(store_.posts.get(1)->headcount, 10);
}

TEST_F(Lowering, TheQuestionSpeaksTheCoordinatorsLanguage) {
  fill(10, 7);
  say("zhou", "zhou", "/lang en");
  std::string question = texts_to(lower_to("5"), "zhou").at(0);
  EXPECT_THAT(question, HasSubstr("2 people will move to the wait-list"));
}

TEST_F(Lowering, OnYesTheLatestSignUpsGoToTheHeadOfTheWaitListAndAreToldPrivately) {
  fill(7, 9);  // v0..v6 on the post, v7 and v8 waiting
  lower_to("5");
  say("zhou", "zhou", "是");
  auto saved = keep_the_rest();
  EXPECT_EQ(store_.posts.get(1)->headcount, 5);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(status(1, v(i)), RosterStatus::taken) << i;
  std::vector<std::int64_t> line;
  for (const auto& e : store_.roster.of_post(1, RosterStatus::waiting)) line.push_back(e.person_id);
  EXPECT_EQ(line,
            (std::vector<std::int64_t>{person(v(5)), person(v(6)), person(v(7)), person(v(8))}));
  EXPECT_THAT(to(saved, v(5)), HasSubstr("你转入了候补第 1 位"));
  EXPECT_THAT(to(saved, v(6)), HasSubstr("你转入了候补第 2 位"));
  EXPECT_TRUE(texts_to(saved, v(7)).empty());  // who waited already is not disturbed
  EXPECT_TRUE(texts_to(saved, v(4)).empty());
  EXPECT_THAT(to(saved, "zhou"), HasSubstr("2 人已转入候补（按顺序排在最前面）：v5、v6"));
  // Nothing about it in the groups but the cards, edited in place.
  EXPECT_TRUE(texts_to(saved, "g31").empty());
  // 统计 and the cards say 5/5, not 7/5.
  EXPECT_THAT(texts_to(say("zhou", "zhou", "统计"), "zhou").at(0), HasSubstr("5/5，候补 4"));
  std::vector<std::string> edits;
  for (const auto& s : advance(config_.recruitment.card_refresh_s * 1000)) {
    if (s.msg.kind == OutKind::edit) edits.push_back(s.msg.chat + ": " + s.msg.text);
  }
  ASSERT_EQ(edits.size(), 2u);  // the card in each group, edited in place
  for (const auto& e : edits) EXPECT_THAT(e, HasSubstr("已报名 5/5 · 候补 4"));
  // The next place that frees goes to the 6th sign-up.
  auto quit = say(v(0), v(0), "/quit");
  EXPECT_EQ(status(1, v(5)), RosterStatus::taken);
  EXPECT_THAT(to(quit, v(5)), HasSubstr("现在是你的了"));
}

TEST_F(Lowering, OnNoNothingMovesAndTheHeadcountIsAskedAgain) {
  fill(10, 7);
  lower_to("5");
  auto again = say("zhou", "zhou", "否");
  EXPECT_EQ(dialog_of("zhou")->state, "headcount");
  EXPECT_THAT(texts_to(again, "zhou").back(), HasSubstr("现在：10"));
  say("zhou", "zhou", "-");
  keep_the_rest();
  EXPECT_EQ(store_.posts.get(1)->headcount, 10);
  EXPECT_EQ(store_.roster.counts(1).taken, 7);
  EXPECT_EQ(store_.roster.counts(1).waiting, 0);
}

TEST_F(Lowering, AHeadcountThatStillFitsEveryoneIsNotAskedAbout) {
  fill(10, 5);
  lower_to("5");
  EXPECT_EQ(dialog_of("zhou")->state, "skills");
  keep_the_rest();
  EXPECT_EQ(store_.roster.counts(1).taken, 5);
}

// A held place (a resident who replied and is signing up) is a place: the latest sign-up moves
// whether held or taken, and keeps its review; approved later, it waits in its turn.
TEST_F(Lowering, AHeldPlaceCountsAsAPlaceAndMovesInItsTurn) {
  make_post(3);
  auto cards = recruit();
  say("chen", "gv", "报名", cards["gv"]);
  say("zhang", "g31", "报名", cards["g31"]);  // held: he is led into the sign-up
  say("zhao", "gv", "报名", cards["gv"]);
  ASSERT_EQ(status(1, "zhang"), RosterStatus::held);
  auto asked = lower_to("1");
  EXPECT_THAT(texts_to(asked, "zhou").at(0), HasSubstr("将有 2 人转入候补"));
  say("zhou", "zhou", "是");
  auto saved = keep_the_rest();
  EXPECT_EQ(status(1, "chen"), RosterStatus::taken);
  EXPECT_EQ(status(1, "zhang"), RosterStatus::waiting);
  EXPECT_EQ(status(1, "zhao"), RosterStatus::waiting);
  EXPECT_EQ(store_.roster.first_waiting(1)->person_id, person("zhang"));
  EXPECT_THAT(to(saved, "zhang"), HasSubstr("候补第 1 位"));
  EXPECT_THAT(to(saved, "zhao"), HasSubstr("候补第 2 位"));
}

// ---- /quit with several posts

TEST_F(Coordinators, QuitWithSeveralPostsNamesEachByTitleAndTime) {
  make_post(1);
  std::int64_t second = make_post(1, "32", 50);
  Post p2 = *store_.posts.get(second);
  p2.title = "32栋消杀";
  store_.posts.update(p2);
  recruit("1");
  recruit("2");
  say("zhao", "gv", "报名 1");
  say("chen", "gv", "报名 1");  // waits
  say("chen", "gv", "报名 2");
  auto sent = say("chen", "chen", "/quit");
  std::string text = texts_to(sent, "chen").at(0);
  EXPECT_THAT(text, HasSubstr("岗位 1「照看王奶奶」"));
  EXPECT_THAT(text, HasSubstr("岗位 2「32栋消杀」"));
  EXPECT_THAT(text, HasSubstr("（候补）"));
  // Each with its time, as the call's card shows it.
  Outcome out;
  InboundEvent ev = event("chen", "chen");
  Turn turn(config_, store_, *dir_, Origin::of(ev), *store_.people.get(person("chen")), now_, out);
  EXPECT_THAT(text, HasSubstr(recruitment::post_time(turn, *store_.posts.get(1), Lang::zh)));
  EXPECT_THAT(text, HasSubstr(recruitment::post_time(turn, p2, Lang::zh)));
  EXPECT_EQ(status(1, "chen"), RosterStatus::waiting);  // nothing left yet
  EXPECT_EQ(status(2, "chen"), RosterStatus::taken);
}

TEST_F(Coordinators, QuitWithSeveralPostsSpeaksEnglishToWhoReadsIt) {
  make_post(1);
  make_post(1, "32", 50);
  recruit("1");
  recruit("2");
  say("chen", "chen", "/lang en");
  say("chen", "gv", "报名 1");
  say("chen", "gv", "报名 2");
  std::string text = texts_to(say("chen", "chen", "/quit"), "chen").at(0);
  EXPECT_THAT(text, HasSubstr("post 1 \"照看王奶奶\""));
  EXPECT_THAT(text, HasSubstr("post 2 \"照看王奶奶\""));
  EXPECT_THAT(text, Not(HasSubstr("岗位")));
}

// ---- /roster <post>

class RosterCommand : public FiveStepsFixture {};

TEST_F(RosterCommand, ListsPlacesWithCheckInHeldPlacesAndTheWaitListPrivately) {
  make_post(3, "31", 0);  // under way now: its volunteers can check in
  auto cards = recruit();
  say("chen", "gv", "报名", cards["gv"]);
  say("zhang", "g31", "报名", cards["g31"]);  // held while he signs up
  say("zhao", "gv", "报名", cards["gv"]);
  say("liu", "gv", "报名", cards["gv"]);  // waits
  say("chen", "chen", "签到");
  auto sent = say("zhou", "zhou", "名单 1");
  ASSERT_EQ(texts_to(sent, "zhou").size(), 1u);
  std::string text = texts_to(sent, "zhou").at(0);
  EXPECT_THAT(text, HasSubstr("岗位 1「照看王奶奶」名单"));
  EXPECT_THAT(text, HasSubstr("名额 3/3"));
  EXPECT_THAT(text, HasSubstr("1. 陈师傅 — 已确认，"));  // joined after the reminders: confirmed
  EXPECT_THAT(text, HasSubstr("已签到，在岗"));
  EXPECT_THAT(text, HasSubstr("2. 赵姐 — 已确认，未签到"));
  EXPECT_THAT(text, HasSubstr("1. zhang — 还在填写报名"));
  EXPECT_THAT(text, HasSubstr("候补 1 人：\n1. 刘医生"));
  // Checked out: the hours it covered.
  say("chen", "chen", "签退");
  EXPECT_THAT(texts_to(say("zhou", "zhou", "/roster 1"), "zhou").at(0), HasSubstr("已签到签退"));
}

TEST_F(RosterCommand, AskedInAGroupIsAnsweredPrivatelyWithANoteInTheGroup) {
  make_post(2);
  auto cards = recruit();
  say("chen", "gv", "报名", cards["gv"]);
  auto sent = say("zhou", "gv", "名单 1");
  EXPECT_THAT(texts_to(sent, "zhou").at(0), HasSubstr("1. 陈师傅"));
  ASSERT_EQ(texts_to(sent, "gv").size(), 1u);
  EXPECT_THAT(texts_to(sent, "gv").at(0), HasSubstr("我私信发给你了"));
  EXPECT_THAT(texts_to(sent, "gv").at(0), Not(HasSubstr("陈师傅")));
}

TEST_F(RosterCommand, RefusedPolitelyToAnyoneButACoordinator) {
  make_post(2);
  auto cards = recruit();
  say("chen", "gv", "报名", cards["gv"]);
  auto sent = say("zhao", "gv", "/roster 1");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_THAT(texts_to(sent, "gv").at(0), HasSubstr("只有本社区的协调员"));
  // The keyword typed in a group is neighbours talking: not answered there.
  EXPECT_TRUE(say("zhao", "gv", "名单 1").empty());
  EXPECT_TRUE(texts_to(say("li", "li", "/roster 1"), "li").at(0).find("陈师傅") ==
              std::string::npos);
}

TEST_F(RosterCommand, WithoutAPostListsThePostsAndAnUnknownPostIsSaidSo) {
  make_post(2);
  EXPECT_THAT(texts_to(say("zhou", "zhou", "名单"), "zhou").at(0), HasSubstr("1 照看王奶奶"));
  EXPECT_THAT(texts_to(say("zhou", "zhou", "名单 9"), "zhou").at(0), HasSubstr("找不到岗位「9」"));
  say("zhou", "zhou", "/lang en");
  EXPECT_THAT(texts_to(say("zhou", "zhou", "/roster 1"), "zhou").at(0),
              HasSubstr("Roster of post 1"));
}

// ---- /menu by role

class MenuByRole : public FiveStepsFixture {};

TEST_F(MenuByRole, ACoordinatorSeesTheCommandsOfTheFiveSteps) {
  std::string menu = texts_to(say("zhou", "zhou", "菜单"), "zhou").at(0);
  for (const char* cmd : {"设岗", "招募", "统计", "派单", "队伍", "名单", "通过", "拒绝"})
    EXPECT_THAT(menu, HasSubstr(cmd)) << cmd;
  EXPECT_THAT(menu, Not(HasSubstr("报名志愿者")));
}

TEST_F(MenuByRole, AnApprovedVolunteerSeesShiftsAndTasksButNotTheSignUp) {
  std::string menu = texts_to(say("chen", "gv", "菜单"), "gv").at(0);
  for (const char* cmd : {"签到", "签退", "时长", "退出", "我的", "接单", "完成"})
    EXPECT_THAT(menu, HasSubstr(cmd)) << cmd;
  EXPECT_THAT(menu, Not(HasSubstr("报名志愿者")));
  EXPECT_THAT(menu, Not(HasSubstr("设岗")));
  say("chen", "chen", "/lang en");
  std::string en = texts_to(say("chen", "chen", "/menu"), "chen").at(0);
  for (const char* cmd : {"/checkin", "/checkout", "/hours", "/quit", "/mine"})
    EXPECT_THAT(en, HasSubstr(cmd)) << cmd;
  EXPECT_THAT(en, Not(HasSubstr("/join")));
}

TEST_F(MenuByRole, AResidentSeesHelpAndHowToBecomeAVolunteer) {
  std::string menu = texts_to(say("li", "g31", "菜单"), "g31").at(0);
  for (const char* cmd : {"求助", "我的", "报名志愿者"}) EXPECT_THAT(menu, HasSubstr(cmd)) << cmd;
  for (const char* cmd : {"签到", "设岗", "名单", "接单"}) EXPECT_THAT(menu, Not(HasSubstr(cmd)));
}

TEST_F(MenuByRole, ASignUpUnderReviewIsNotOfferedTheSignUpAgain) {
  Volunteer v;
  v.person_id = person("wang");
  v.community_id = "sc";
  v.name = "王小明";
  v.building = "31";
  v.status = VolunteerStatus::pending;
  store_.volunteers.upsert(v);
  std::string menu = texts_to(say("wang", "wang", "/menu"), "wang").at(0);
  EXPECT_THAT(menu, Not(HasSubstr("报名志愿者")));
  EXPECT_THAT(menu, HasSubstr("等协调员审核"));
  EXPECT_THAT(menu, Not(HasSubstr("签到")));
}

// ---- answering in a group (README "Answering in a group")

class GroupTalk : public Coordinators {
 protected:
  GroupTalk() {
    make_post(2);
    open_request("repair", "厨房水管漏水");
    say("chen", "gv", "接单 1");  // 陈师傅's one task in hand
    submit_signup("wang");        // 张建国, waiting for review
    pending_ = person("wang");
    // Everyone has spoken in the group once: who they are there is known.
    for (const char* who : {"li", "zhou", "chen", "wang"}) say(who, "g31", "大家好");
  }
  // Every row of every table but the events seen: what "nothing changed" means.
  std::string snapshot() { return db_->snapshot({"processed_events"}); }
  std::int64_t pending_ = 0;
};

// Each keyword of the parser starting a sentence that neighbours type to each other, by a
// resident, a coordinator and a volunteer with a task in hand: nothing is posted to the group
// or sent to anyone, and nothing changes.
TEST_F(GroupTalk, SentencesStartingWithAnyKeywordGetNoAnswerAndChangeNothing) {
  // The last rows: a number must stand alone (chen holds task 1 and a place on post 1, and
  // post 2 is zhou's).
  const std::vector<std::string> sentences = {"名单 出来了吗",
                                              "通过 了没有",
                                              "拒绝 推销",
                                              "招募 什么时候开始",
                                              "统计 一下人数",
                                              "设岗 的事明天说",
                                              "派单 太慢了",
                                              "拒绝 " + std::to_string(pending_) + "次了",
                                              "通过 " + std::to_string(pending_) + "号楼的门禁",
                                              "完成 了吗",
                                              "完成了没",
                                              "队伍 壮大了",
                                              "队伍 关爱特殊群体 辛苦了",
                                              "语言 不通",
                                              "退出 群聊",
                                              "签到 了吗",
                                              "签退 了",
                                              "报名志愿者 要什么条件",
                                              "菜单 在哪",
                                              "帮助 一下老人",
                                              "我的 天哪",
                                              "取消 了吗",
                                              "返回 小区的路",
                                              "上一步 怎么走",
                                              "接单 的人呢",
                                              "报名 的人多吗",
                                              "take care",
                                              "join us",
                                              "撤销 了吗",
                                              "时长 多久",
                                              "报告 一下31栋停水了",
                                              "表彰 一下志愿者",
                                              "更正 一下",
                                              "证明 一下",
                                              "验证 一下",
                                              "培训 几点开始",
                                              "库存 还有吗",
                                              "发放 口罩了吗",
                                              "风险 很大大家小心",
                                              "保障 一下老人",
                                              "车辆 太多了",
                                              "派车 去医院",
                                              "车队 来了",
                                              "完成 1个了",
                                              "完成 3次了",
                                              "退出 1号群了",
                                              "招募 2个人就够了",
                                              "设岗 2个够吗",
                                              "名单 2号楼的"};
  // Every keyword is tried, but 求助: a resident's 求助 and her words are her request.
  std::set<std::string> tried;
  for (const auto& text : sentences) {
    for (const auto& c : all_commands()) {
      for (const auto& name : c.names) {
        if (name[0] != '/' && text.rfind(name, 0) == 0) tried.insert(name);
      }
    }
  }
  for (const auto& c : all_commands()) {
    for (const auto& name : c.names) {
      if (name[0] == '/' || name == "求助") continue;
      EXPECT_EQ(tried.count(name), 1u) << "no sentence starts with " << name;
    }
  }
  say("chen", "g31", "报名", recruit()["g31"]);  // chen's place on post 1
  ASSERT_EQ(status(1, "chen"), RosterStatus::taken);
  make_post(2);  // post 2, without a call
  const std::string before = snapshot();
  for (const auto& text : sentences) {
    for (const char* who : {"li", "zhou", "chen"}) {
      auto sent = say(who, "g31", text);
      EXPECT_TRUE(sent.empty()) << who << ": " << text << " → " << sent.at(0).msg.text;
    }
  }
  EXPECT_EQ(snapshot(), before);
  EXPECT_EQ(store_.requests.get(1)->status, RequestStatus::claimed);
  EXPECT_EQ(store_.volunteers.get(pending_)->status, VolunteerStatus::pending);
}

// A bare word is a question of whoever may use it; of anyone else, it is talk.
TEST_F(GroupTalk, ABareWordOfSomeoneWithoutTheRoleGetsNoAnswer) {
  const std::string before = snapshot();
  for (const char* text : {"名单", "通过", "拒绝", "招募", "统计", "设岗", "派单", "队伍", "退出",
                           "签到", "签退", "完成", "车队"}) {
    auto sent = say("li", "g31", text);
    EXPECT_TRUE(sent.empty()) << text << " → " << sent.at(0).msg.text;
  }
  EXPECT_EQ(snapshot(), before);
  EXPECT_THAT(to(say("zhou", "g31", "统计"), "g31"), HasSubstr("在岗"));
  EXPECT_THAT(to(say("zhou", "g31", "通过"), "g31"), HasSubstr("张建国"));
  EXPECT_THAT(to(say("zhou", "g31", "名单"), "g31"), HasSubstr("1 照看王奶奶"));
  EXPECT_THAT(to(say("zhao", "g31", "签退"), "g31"), HasSubstr("你现在没有签到"));
}

// "完成了" is how a volunteer says it: in a private chat, the bare word (their only task is
// done); in a group, talk.
TEST_F(GroupTalk, AFillerAfterDoneFinishesTheOnlyTaskPrivatelyAndIsTalkInAGroup) {
  for (const char* text : {"完成了", "完成啦！"}) {
    EXPECT_TRUE(say("chen", "g31", text).empty()) << text;
  }
  EXPECT_EQ(store_.requests.get(1)->status, RequestStatus::claimed);
  EXPECT_THAT(to(say("chen", "chen", "完成啦！"), "chen"), HasSubstr("#1 已完成"));
  EXPECT_EQ(store_.requests.get(1)->status, RequestStatus::done);
  // A word that is not a filler still gets the usage, not a finished task.
  EXPECT_THAT(to(say("zhao", "zhao", "完成了吗"), "zhao"), HasSubstr("用法：完成 #编号"));
}

// A bare 我的 of someone with nothing, or 取消 / 返回 / 上一步 of someone in no dialog, typed
// in a group is talk; with something to show, 我的 is answered privately with a short note.
TEST_F(GroupTalk, ABareMineOrCancelOfSomeoneWithNothingGetsNoAnswerInAGroup) {
  say("zhao", "g31", "大家好");  // 赵姐, a volunteer with no task, known in the group
  const std::string before = snapshot();
  for (const char* who : {"zhou", "zhao"}) {
    for (const char* text : {"我的", "取消", "返回", "上一步！"}) {
      auto sent = say(who, "g31", text);
      EXPECT_TRUE(sent.empty()) << who << ": " << text << " → " << sent.at(0).msg.text;
    }
  }
  EXPECT_EQ(snapshot(), before);
  auto mine = say("chen", "g31", "我的");
  EXPECT_THAT(to(mine, "g31"), HasSubstr("我私信发给你了"));
  EXPECT_THAT(to(mine, "chen"), HasSubstr("#1"));
  EXPECT_THAT(to(say("li", "g31", "我的"), "li"), HasSubstr("#1"));
  // Asked privately, or with the slash form, the answer is there.
  EXPECT_THAT(to(say("zhao", "zhao", "我的"), "zhao"), HasSubstr("没有进行中的求助或任务"));
  EXPECT_THAT(to(say("zhao", "g31", "/mine"), "zhao"), HasSubstr("没有进行中的求助或任务"));
  EXPECT_THAT(to(say("zhao", "zhao", "取消"), "zhao"), HasSubstr("现在没有进行中的对话"));
  EXPECT_THAT(to(say("zhao", "g31", "/cancel"), "g31"), HasSubstr("现在没有进行中的对话"));
}

// The slash form always answers; so does a keyword spoken to the bot, and a coordinator's
// command whose words parse.
TEST_F(GroupTalk, TheSlashFormAMentionAndACommandThatParsesAreAnswered) {
  EXPECT_THAT(to(say("li", "g31", "/roster 出来了吗"), "g31"), HasSubstr("只有本社区的协调员"));
  EXPECT_THAT(to(say("li", "g31", "/recruit 1"), "g31"), HasSubstr("只有本社区的协调员"));
  EXPECT_THAT(to(say("zhou", "g31", "/approve 了没有"), "g31"), HasSubstr("找不到待审核的志愿者"));
  EXPECT_THAT(to(say("zhou", "g31", "/assign 太慢了"), "g31"), HasSubstr("用法：派单"));
  EXPECT_THAT(to(say("zhou", "g31", "/lang 不通"), "g31"), HasSubstr("用法：/lang"));
  EXPECT_THAT(to(say("chen", "g31", "/done 了吗"), "g31"), HasSubstr("用法：完成 #编号"));
  EXPECT_EQ(store_.requests.get(1)->status, RequestStatus::claimed);
  InboundEvent ev = event("li", "g31");
  ev.message_id = "mention-1";
  ev.text = "名单 出来了吗";
  ev.addressed = true;
  EXPECT_THAT(to(handle(ev), "g31"), HasSubstr("只有本社区的协调员"));
  // In a private chat the keyword is a command, with its answer.
  EXPECT_THAT(to(say("zhou", "zhou", "名单 出来了吗"), "zhou"),
              HasSubstr("找不到岗位「出来了吗」"));
  // A coordinator's words that parse work in the group.
  say("zhou", "g31", "通过 张建国");
  EXPECT_EQ(store_.volunteers.get(pending_)->status, VolunteerStatus::approved);
  EXPECT_THAT(to(say("chen", "g31", "完成 1"), "g31"), HasSubstr("#1 已完成"));
}

}  // namespace
}  // namespace linli::test
