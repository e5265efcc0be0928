// Step 3 of the method, ensure support (issue 11, "Support"): training, equipment and its
// stock, risk areas and the gate on high-risk posts, and a shift's meals, transport and
// insurance. Each rule of the issue has a test here that fails when the rule is broken.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "dialogs/assignments.hpp"
#include "dialogs/support.hpp"
#include "tests/support/five_steps_fixture.hpp"

namespace linli::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class Support : public FiveStepsFixture {
 protected:
  // Post 1 in building 31 for `headcount`, its risk as its place's, needing the prevention
  // course and masks and suits; 31 declared high risk.
  std::int64_t high_post(int headcount = 3, int in_hours = 26) {
    say("zhou", "zhou", "风险 31栋 高");
    std::int64_t id = make_post(headcount, "31", in_hours);
    needs(id, {"prevention"}, {"masks", "suits"});
    return id;
  }
  // zhou trains and equips `user` fully for high_post().
  void qualify(const std::string& name) {
    say("zhou", "zhou", "培训 防疫知识 " + name);
    say("zhou", "zhou", "库存 口罩 +10");
    say("zhou", "zhou", "库存 防护服 +10");
    say("zhou", "zhou", "发放 " + name + " 口罩 2");
    say("zhou", "zhou", "发放 " + name + " 防护服 1");
  }
  // Post `id` follows its place's risk and needs these courses and items when it is high.
  void needs(std::int64_t id, std::vector<std::string> courses, std::vector<std::string> items) {
    PostSupport s;
    s.post_id = id;
    s.risk_as_place = true;
    s.courses = std::move(courses);
    s.items = std::move(items);
    store_.risks.put_post(s);
  }
  // 陈师傅 takes post 1's place from its call and does not confirm it: he is replaced an hour
  // before the start. What the replacement sent.
  std::vector<Sent> chen_not_confirming() {
    auto cards = recruit();
    say("chen", "g31", "报名", cards["g31"]);
    EXPECT_EQ(status(1, "chen"), RosterStatus::taken);
    advance(24 * kHour);  // the reminder
    auto replaced = advance(kHour);
    EXPECT_EQ(status(1, "chen"), RosterStatus::gone);
    return replaced;
  }
  // zhou offers post 1 to 陈师傅, who declines. What the decline sent.
  std::vector<Sent> chen_declining() {
    auto offer = say("zhou", "zhou", "派单 1 陈师傅");
    EXPECT_EQ(store_.offers.open_to(person("chen")).size(), 1u);
    return say("chen", "chen", "不行", find_to(offer, "chen")->platform_id);
  }
  // The next offer went to 刘医生 (32), not to 赵姐 (31), who ranks before him.
  void offered_to_liu_not_zhao(const std::vector<Sent>& sent) {
    EXPECT_TRUE(store_.offers.open_to(person("zhao")).empty());
    EXPECT_TRUE(texts_to(sent, "zhao").empty());
    EXPECT_EQ(store_.offers.open_to(person("liu")).size(), 1u);
    EXPECT_FALSE(texts_to(sent, "liu").empty());
  }
  int stock_of(const std::string& item) {
    auto i = store_.equipment.item("sc", item);
    return i ? i->qty : -1;
  }
};

// ---- the gate on high-risk posts

TEST_F(Support, ACallIsRefusedWithExactlyWhatIsMissingAndTakenOnceTrainedAndEquipped) {
  high_post();
  auto cards = recruit();
  auto refused = say("chen", "g31", "报名", cards["g31"]);
  std::string told = to(refused, "chen");
  EXPECT_THAT(told, HasSubstr("高风险岗位"));
  EXPECT_THAT(told, HasSubstr("培训 防疫知识"));
  EXPECT_THAT(told, HasSubstr("装备 口罩、防护服"));
  EXPECT_EQ(status(1, "chen"), RosterStatus::gone);  // no place, no wait-list
  // Trained only: still lacks the equipment, and only that is named.
  say("zhou", "zhou", "培训 防疫知识 陈师傅");
  told = to(say("chen", "g31", "报名", cards["g31"]), "chen");
  EXPECT_THAT(told, Not(HasSubstr("防疫知识")));
  EXPECT_THAT(told, HasSubstr("装备 口罩、防护服"));
  EXPECT_EQ(status(1, "chen"), RosterStatus::gone);
  qualify("陈师傅");
  say("chen", "g31", "报名", cards["g31"]);
  EXPECT_EQ(status(1, "chen"), RosterStatus::taken);
}

// Who waits since before the post became high-risk is not moved up into a free place without the
// course and the equipment: they leave the line, are told what is missing, and the next who has
// them gets the place.
TEST_F(Support, TheWaitListMovesUpOnlyWhoIsTrainedAndEquipped) {
  make_post(1);
  needs(1, {"prevention"}, {"masks", "suits"});
  add_volunteer("wu", "31", 0);
  auto cards = recruit();
  say("chen", "g31", "报名", cards["g31"]);
  say("zhao", "g31", "报名", cards["g31"]);
  say("wu", "g31", "报名", cards["g31"]);
  ASSERT_EQ(status(1, "chen"), RosterStatus::taken);
  ASSERT_EQ(status(1, "zhao"), RosterStatus::waiting);
  ASSERT_EQ(status(1, "wu"), RosterStatus::waiting);
  qualify("wu");
  say("zhou", "zhou", "风险 31栋 高");
  auto sent = say("chen", "chen", "退出 1");
  EXPECT_EQ(status(1, "chen"), RosterStatus::gone);
  EXPECT_EQ(status(1, "zhao"), RosterStatus::gone);
  EXPECT_THAT(to(sent, "zhao"), HasSubstr("培训 防疫知识"));
  EXPECT_EQ(status(1, "wu"), RosterStatus::taken);
}

TEST_F(Support, AnAreaNameTooLongGetsTheUsageWithTheAreasThatHaveALevel) {
  say("zhou", "zhou", "风险 31栋 高");
  std::string told = to(say("zhou", "zhou", "风险 " + std::string(61, 'a') + " 高"), "zhou");
  EXPECT_THAT(told, HasSubstr("用法：风险"));
  EXPECT_THAT(told, HasSubstr("31栋"));
  EXPECT_THAT(told, Not(HasSubstr("{list}")));
}

TEST_F(Support, TheRefusalSpeaksTheVolunteersLanguage) {
  high_post();
  say("chen", "chen", "/lang en");
  auto cards = recruit();
  std::string told = to(say("chen", "g31", "join", cards["g31"]), "chen");
  EXPECT_THAT(told, HasSubstr("is high risk, and you still lack: training prevention; "
                              "equipment masks, protective suits"));
}

TEST_F(Support, TheSameTypedSignUpIsGatedToo) {
  high_post();
  recruit();
  std::string told = to(say("chen", "chen", "报名 1"), "chen");
  EXPECT_THAT(told, HasSubstr("培训 防疫知识"));
  EXPECT_EQ(status(1, "chen"), RosterStatus::gone);
}

TEST_F(Support, AnAssignmentIsRefusedToTheCoordinatorWithTheReasonAndSentOnceQualified) {
  high_post();
  auto refused = say("zhou", "zhou", "派单 1 陈师傅");
  EXPECT_THAT(to(refused, "zhou"), HasSubstr("陈师傅 还不能上岗位 1（高风险）：缺 培训 防疫知识"));
  EXPECT_TRUE(texts_to(refused, "chen").empty());  // no offer
  EXPECT_TRUE(store_.offers.open_to(person("chen")).empty());
  qualify("陈师傅");
  auto sent = say("zhou", "zhou", "派单 1 陈师傅");
  EXPECT_EQ(store_.offers.open_to(person("chen")).size(), 1u);
  EXPECT_FALSE(texts_to(sent, "chen").empty());
}

TEST_F(Support, AnOfferAcceptedAfterThePostBecameHighRiskIsRefusedWithTheReason) {
  make_post(3);
  needs(1, {"emergency"}, {});
  auto offer = say("zhou", "zhou", "派单 1 陈师傅");
  ASSERT_EQ(store_.offers.open_to(person("chen")).size(), 1u);
  say("zhou", "zhou", "风险 31 高");
  auto answered = say("chen", "chen", "收到", find_to(offer, "chen")->platform_id);
  EXPECT_THAT(to(answered, "chen"), HasSubstr("培训 应急处置"));
  EXPECT_EQ(status(1, "chen"), RosterStatus::gone);
}

TEST_F(Support, CheckInToAHighRiskPostIsRefusedWithTheReasonAndAllowedOnceEquipped) {
  make_post(3, "31", 0);  // on now
  auto cards = recruit();
  say("chen", "g31", "报名", cards["g31"]);
  ASSERT_EQ(status(1, "chen"), RosterStatus::taken);
  // Then 31 turns high, and the post needs a suit.
  needs(1, {}, {"suits"});
  say("zhou", "zhou", "风险 31栋 高");
  auto refused = say("chen", "chen", "签到");
  EXPECT_THAT(to(refused, "chen"), HasSubstr("你还缺：装备 防护服，不能签到"));
  EXPECT_FALSE(store_.shifts.on_duty(person("chen")));
  say("zhou", "zhou", "库存 防护服 +1");
  say("zhou", "zhou", "发放 陈师傅 防护服 1");
  say("chen", "chen", "签到");
  EXPECT_TRUE(store_.shifts.on_duty(person("chen")));
}

TEST_F(Support, APostWhoseCoordinatorSaidLowIsNotGatedByItsArea) {
  make_post(3);  // high_risk false, risk not left to the place
  say("zhou", "zhou", "风险 31栋 高");
  auto cards = recruit();
  say("chen", "g31", "报名", cards["g31"]);
  EXPECT_EQ(status(1, "chen"), RosterStatus::taken);
}

// ---- risk changes re-check the posts there

TEST_F(Support, ARiskChangeTellsTheCoordinatorsWhoNoLongerQualifies) {
  make_post(3);
  needs(1, {"prevention"}, {"masks"});
  auto cards = recruit();
  say("chen", "g31", "报名", cards["g31"]);
  say("zhao", "g31", "报名", cards["g31"]);
  qualify("赵姐");
  ASSERT_EQ(status(1, "chen"), RosterStatus::taken);
  auto changed = say("zhou", "zhou", "风险 31栋 高");
  std::string told = to(changed, "zhou");
  EXPECT_THAT(told, HasSubstr("31栋 改为高风险"));
  EXPECT_THAT(told, HasSubstr("岗位 1「照看王奶奶」"));
  EXPECT_THAT(told, HasSubstr("陈师傅：缺 培训 防疫知识；装备 口罩"));
  EXPECT_THAT(told, Not(HasSubstr("赵姐")));
  // Back to low: the post needs nothing, and the coordinators are told so.
  told = to(say("zhou", "zhou", "风险 31栋 低"), "zhou");
  EXPECT_THAT(told, HasSubstr("现在是低风险，不再需要培训和装备"));
  // Setting the same level again changes nothing and re-checks nothing.
  auto again = say("zhou", "zhou", "风险 31栋 低");
  EXPECT_EQ(texts_to(again, "zhou").size(), 1u);
}

TEST_F(Support, AHighRiskPostWithoutNeedsIsPointedOutToTheCoordinators) {
  make_post(3);
  needs(1, {}, {});
  std::string told = to(say("zhou", "zhou", "风险 31 高"), "zhou");
  EXPECT_THAT(told, HasSubstr("还没有设所需的培训和装备：发送「设岗 1」设置"));
}

// ---- the post dialog asks for courses and equipment when the post is high-risk

TEST_F(Support, ThePostDialogAsksForCoursesAndEquipmentWhenThePlaceIsHighRisk) {
  say("zhou", "zhou", "风险 31栋 高");
  say("zhou", "zhou", "设岗");
  for (const char* a : {"6", "给31栋送物资", "2", "0", "31栋"}) say("zhou", "zhou", a);
  std::string q = texts_to(say("zhou", "zhou", "明天 8:00-12:00"), "zhou").at(0);
  EXPECT_THAT(q, HasSubstr("0 = 按所在区域（高风险）"));
  q = texts_to(say("zhou", "zhou", "0"), "zhou").at(0);
  EXPECT_THAT(q, HasSubstr("需要哪些培训"));
  EXPECT_THAT(q, HasSubstr("1. 防疫知识"));
  EXPECT_THAT(texts_to(say("zhou", "zhou", "9"), "zhou").at(0), HasSubstr("请回复课程编号"));
  q = texts_to(say("zhou", "zhou", "1 3"), "zhou").at(0);
  EXPECT_THAT(q, HasSubstr("需要哪些防护装备"));
  q = texts_to(say("zhou", "zhou", "口罩 3"), "zhou").at(0);
  EXPECT_THAT(q, HasSubstr("按所在区域：高风险；培训：防疫知识、应急处置；装备：口罩、防护服"));
  say("zhou", "zhou", "是");
  auto cards = say("zhou", "zhou", "招募 1");
  EXPECT_THAT(texts_to(cards, "g31").at(0), HasSubstr("高风险"));
  auto s = store_.risks.post(1);
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->risk_as_place);
  EXPECT_EQ(s->courses, (std::vector<std::string>{"prevention", "emergency"}));
  EXPECT_EQ(s->items, (std::vector<std::string>{"masks", "suits"}));
  EXPECT_TRUE(support::high_risk(store_, *store_.posts.get(1)));
  // Editing keeps them with "-", and "0" clears the equipment.
  say("zhou", "zhou", "设岗 1");
  for (const char* a : {"-", "-", "-", "-", "-", "-", "-", "-"}) say("zhou", "zhou", a);
  say("zhou", "zhou", "0");
  say("zhou", "zhou", "是");
  s = store_.risks.post(1);
  EXPECT_EQ(s->courses, (std::vector<std::string>{"prevention", "emergency"}));
  EXPECT_TRUE(s->items.empty());
}

TEST_F(Support, ALowRiskPostAsksNothingMore) {
  say("zhou", "zhou", "设岗");
  for (const char* a : {"6", "给31栋送物资", "2", "0", "31栋", "明天 8:00-12:00"}) {
    say("zhou", "zhou", a);
  }
  EXPECT_THAT(texts_to(say("zhou", "zhou", "0"), "zhou").at(0), HasSubstr("请确认岗位"));
}

// ---- training

TEST_F(Support, TrainingIsRecordedOneByOneAndNamesWhoWasUnknownOrDoneBefore) {
  say("zhou", "zhou", "培训 防疫知识 陈师傅");
  auto sent = say("zhou", "zhou", "培训 防疫 陈师傅 赵姐 王五");
  std::string told = to(sent, "zhou");
  EXPECT_THAT(told, HasSubstr("已记录「防疫知识」培训：赵姐"));
  EXPECT_THAT(told, HasSubstr("之前已记录过「防疫知识」：陈师傅"));
  EXPECT_THAT(told, HasSubstr("找不到审核通过的志愿者「王五」"));
  EXPECT_THAT(to(sent, "zhao"), HasSubstr("你完成了「防疫知识」培训"));
  EXPECT_EQ(store_.training.of_person("sc", person("zhao")),
            (std::vector<std::string>{"prevention"}));
}

TEST_F(Support, AWholePostsRosterIsTrainedAtOnce) {
  make_post(3);
  auto cards = recruit();
  say("chen", "g31", "报名", cards["g31"]);
  say("liu", "g31", "报名", cards["g31"]);
  std::string told = to(say("zhou", "zhou", "/train emergency post 1"), "zhou");
  EXPECT_THAT(told, HasSubstr("陈师傅、刘医生"));
  EXPECT_EQ(store_.training.of_person("sc", person("liu")),
            (std::vector<std::string>{"emergency"}));
  EXPECT_TRUE(store_.training.of_person("sc", person("zhao")).empty());
}

TEST_F(Support, ACommunityAddsItsOwnCourseAndAnUnknownCourseIsNamed) {
  std::string told = to(say("zhou", "zhou", "培训 心理疏导 陈师傅"), "zhou");
  EXPECT_THAT(told, HasSubstr("没有「心理疏导」这门课程"));
  EXPECT_TRUE(store_.training.of_person("sc", person("chen")).empty());
  EXPECT_THAT(to(say("zhou", "zhou", "培训 添加 心理疏导"), "zhou"), HasSubstr("已添加课程"));
  EXPECT_THAT(to(say("zhou", "zhou", "培训 添加 心理疏导"), "zhou"), HasSubstr("已经有"));
  say("zhou", "zhou", "培训 心理疏导 陈师傅");
  EXPECT_EQ(store_.training.of_person("sc", person("chen")),
            (std::vector<std::string>{"心理疏导"}));
}

TEST_F(Support, AVolunteersTrainWithoutArgumentsShowsTheirOwnRecords) {
  say("zhou", "zhou", "培训 岗位职责 陈师傅");
  say("zhou", "zhou", "库存 手套 +5");
  say("zhou", "zhou", "发放 陈师傅 手套 2");
  std::string told = to(say("chen", "chen", "培训"), "chen");
  EXPECT_THAT(told, HasSubstr("完成的培训：岗位职责"));
  EXPECT_THAT(told, HasSubstr("领到的装备：手套 × 2"));
  EXPECT_THAT(to(say("li", "li", "培训"), "li"), HasSubstr("审核通过的志愿者才有培训记录"));
}

// Asked in a group, a volunteer's own courses and equipment go to them privately and the group
// is told only that, as with /hours and /cert.
TEST_F(Support, AVolunteersOwnTrainingAskedInAGroupIsAnsweredPrivately) {
  say("zhou", "zhou", "培训 岗位职责 陈师傅");
  say("zhou", "zhou", "库存 手套 +5");
  say("zhou", "zhou", "发放 陈师傅 手套 2");
  for (const char* text : {"培训", "/train"}) {
    auto sent = say("chen", "g31", text);
    ASSERT_EQ(texts_to(sent, "g31").size(), 1u) << text;
    EXPECT_EQ(texts_to(sent, "g31").at(0), "chen，我私信发给你了。") << text;
    EXPECT_THAT(to(sent, "chen"), HasSubstr("完成的培训：岗位职责")) << text;
    EXPECT_THAT(to(sent, "chen"), HasSubstr("领到的装备：手套 × 2")) << text;
  }
  // The same as /hours there.
  auto hours = say("chen", "g31", "/hours");
  EXPECT_EQ(texts_to(hours, "g31").at(0), "chen，我私信发给你了。");
}

// Course names the dialogs would read as answers or sub-commands, or as a menu's numbers.
TEST_F(Support, ACourseNamedLikeAnAnswerASubCommandOrANumberIsRefusedWithTheReason) {
  for (const char* name :
       {"0", "无", "none", "NONE", "不需要", "添加", "新增", "add", "岗位", "post", "12", "１２"}) {
    std::string said = to(say("zhou", "zhou", std::string("培训 添加 ") + name), "zhou");
    EXPECT_THAT(said, HasSubstr("「" + std::string(name) + "」不能做课程名")) << name;
  }
  say("zhou", "zhou", "/lang en");
  EXPECT_THAT(to(say("zhou", "zhou", "/train add 3"), "zhou"),
              HasSubstr("\"3\" cannot name a course"));
  EXPECT_TRUE(store_.training.courses("sc").empty());
  // Digits inside a name are fine.
  say("zhou", "zhou", "/train add 急救120");
  EXPECT_EQ(store_.training.courses("sc"), (std::vector<std::string>{"急救120"}));
}

// ---- equipment
// ---- equipment

TEST_F(Support, StockNeverGoesBelowZeroAndARefusedHandOutChangesNothing) {
  say("zhou", "zhou", "库存 口罩 +3");
  std::string told = to(say("zhou", "zhou", "发放 陈师傅 口罩 4"), "zhou");
  EXPECT_THAT(told, HasSubstr("口罩 库存只有 3，不够发放 4"));
  EXPECT_EQ(stock_of("masks"), 3);
  EXPECT_TRUE(store_.equipment.held("sc", person("chen")).empty());
  told = to(say("zhou", "zhou", "发放 陈师傅 口罩 3"), "zhou");
  EXPECT_THAT(told, HasSubstr("库存还剩 0"));
  EXPECT_EQ(stock_of("masks"), 0);
  EXPECT_THAT(to(say("zhou", "zhou", "发放 赵姐 口罩 1"), "zhou"), HasSubstr("库存只有 0"));
  EXPECT_EQ(stock_of("masks"), 0);
  // Nothing in stock of an item nobody added.
  EXPECT_THAT(to(say("zhou", "zhou", "发放 赵姐 护目镜 1"), "zhou"), HasSubstr("库存只有 0"));
}

TEST_F(Support, CrossingTheThresholdWarnsTheCoordinatorsOnceUntilItIsAboveAgain) {
  say("zhou", "zhou", "库存 口罩 +8");
  say("zhou", "zhou", "库存 口罩 min 5");
  EXPECT_THAT(to(say("zhou", "zhou", "发放 陈师傅 口罩 2"), "zhou"), Not(HasSubstr("库存提醒")));
  std::string told = to(say("zhou", "zhou", "发放 陈师傅 口罩 1"), "zhou");  // 5 left
  EXPECT_THAT(told, HasSubstr("库存提醒：口罩 只剩 5（警戒线 5）"));
  EXPECT_THAT(to(say("zhou", "zhou", "发放 赵姐 口罩 1"), "zhou"), Not(HasSubstr("库存提醒")));
  EXPECT_THAT(to(say("zhou", "zhou", "库存"), "zhou"), HasSubstr("口罩：4（警戒线 5） ⚠"));
  say("zhou", "zhou", "库存 口罩 +1");  // 5: not above yet
  EXPECT_THAT(to(say("zhou", "zhou", "发放 赵姐 口罩 1"), "zhou"), Not(HasSubstr("库存提醒")));
  say("zhou", "zhou", "库存 口罩 +6");  // 10: above again
  EXPECT_THAT(to(say("zhou", "zhou", "发放 赵姐 口罩 4"), "zhou"), Not(HasSubstr("库存提醒")));
  EXPECT_THAT(to(say("zhou", "zhou", "发放 赵姐 口罩 1"), "zhou"), HasSubstr("只剩 5"));
}

TEST_F(Support, AHandOutIsToldToTheVolunteerInTheirLanguage) {
  say("chen", "chen", "/lang en");
  say("zhou", "zhou", "库存 消毒用品 +2");
  auto sent = say("zhou", "zhou", "发放 陈师傅 消毒用品 1");
  EXPECT_THAT(to(sent, "chen"), HasSubstr("handed you disinfectant × 1"));
}

// ---- per shift: meals, transport, insurance

TEST_F(Support, TodaysShiftsShowTheirMealsTransportAndInsuranceInStats) {
  make_post(3, "31", 2);  // today, two hours from now
  auto cards = recruit();
  for (const char* v : {"chen", "zhao"}) say(v, "g31", "报名", cards["g31"]);
  EXPECT_THAT(to(say("zhou", "zhou", "保障 1 餐 是"), "zhou"), HasSubstr("用餐 已安排（2 人）"));
  say("zhou", "zhou", "/supply 1 insurance yes");
  std::string stats = to(say("zhou", "zhou", "统计"), "zhou");
  EXPECT_THAT(stats,
              HasSubstr("岗位 1「照看王奶奶」：2 人 · 用餐：2 份 · 交通：未安排 · 保险：2 人"));
  EXPECT_THAT(stats, HasSubstr("在岗 2 人（有岗位名额），储备 1 人"));
  say("zhou", "zhou", "保障 1 餐 否");
  EXPECT_THAT(to(say("zhou", "zhou", "统计"), "zhou"), HasSubstr("用餐：未安排"));
  std::string roster = to(say("zhou", "zhou", "名单 1"), "zhou");
  EXPECT_THAT(roster, HasSubstr("储备 = 本社区 1 名"));
  EXPECT_THAT(roster, HasSubstr("保险 已安排（2 人）"));
}

// ---- only coordinators, in both languages

TEST_F(Support, SupportCommandsAreRefusedToOthersInTheirLanguage) {
  for (const char* cmd : {"库存", "库存 口罩 +5", "发放 陈师傅 口罩 1", "风险 31栋 高",
                          "保障 1 餐 是", "培训 防疫知识 赵姐"}) {
    EXPECT_THAT(to(say("chen", "chen", cmd), "chen"), HasSubstr("只有本社区的协调员可以这样做"))
        << cmd;
  }
  say("chen", "chen", "/lang en");
  for (const char* cmd : {"/stock", "/stock masks +5", "/issue 赵姐 masks 1", "/risk 31 high",
                          "/supply 1 meals yes", "/train prevention 赵姐"}) {
    EXPECT_THAT(to(say("chen", "chen", cmd), "chen"),
                HasSubstr("only a coordinator of this community"))
        << cmd;
  }
  EXPECT_FALSE(store_.equipment.item("sc", "masks"));
  EXPECT_FALSE(store_.risks.high("sc", "31"));
  EXPECT_TRUE(store_.training.of_person("sc", person("zhao")).empty());
}

TEST_F(Support, CoordinatorsUsageIsInTheirLanguage) {
  say("zhou", "zhou", "/lang en");
  EXPECT_THAT(to(say("zhou", "zhou", "/issue Tom"), "zhou"), HasSubstr("Usage: /issue"));
  EXPECT_THAT(to(say("zhou", "zhou", "/stock masks"), "zhou"), HasSubstr("Usage: /stock"));
  EXPECT_THAT(to(say("zhou", "zhou", "/risk 31"), "zhou"), HasSubstr("Usage: /risk"));
  EXPECT_THAT(to(say("zhou", "zhou", "/stock masks +100"), "zhou"),
              HasSubstr("masks: 100 added, 100 in stock"));
}

// ---- the review of issue 11: reserve offers, edited posts, held places, words in groups

// Reserve offers go down the ranking past whom the post would not let on: zhao (31) ranks
// before liu (32) but lacks the training and equipment of the high-risk post in 31.
TEST_F(Support, AReserveOfferOfAHighRiskPostGoesToTheTrainedNotTheBetterRanked) {
  high_post(1);
  qualify("陈师傅");
  qualify("刘医生");
  offered_to_liu_not_zhao(chen_not_confirming());
}

// The same after a coordinator's offer is declined: the next one is the next who qualifies.
TEST_F(Support, AfterADeclinedOfferTheNextOfferGoesToTheTrainedOnly) {
  high_post(1);
  qualify("陈师傅");
  qualify("刘医生");
  offered_to_liu_not_zhao(chen_declining());
}

// /post N that makes a post high-risk, or changes what it needs, re-checks who is on it as /risk
// does; saved unchanged, it re-checks nothing.
TEST_F(Support, EditingAPostsRiskOrNeedsTellsTheCoordinatorsWhoNoLongerQualifies) {
  make_post(3);  // low, as its coordinator said
  auto cards = recruit();
  say("chen", "g31", "报名", cards["g31"]);
  say("zhao", "g31", "报名", cards["g31"]);
  qualify("赵姐");
  say("zhou", "zhou", "设岗 1");
  for (const char* a : {"-", "-", "-", "-", "-", "-", "2", "1", "0"}) say("zhou", "zhou", a);
  std::string told = to(say("zhou", "zhou", "是"), "zhou");
  EXPECT_THAT(told, HasSubstr("岗位 1 的风险或上岗要求改了"));
  EXPECT_THAT(told, HasSubstr("陈师傅：缺 培训 防疫知识"));
  EXPECT_THAT(told, Not(HasSubstr("赵姐")));
  // Now it needs masks too: 赵姐 has them, 陈师傅 still lacks both.
  say("zhou", "zhou", "设岗 1");
  for (const char* a : {"-", "-", "-", "-", "-", "-", "-", "-", "1"}) say("zhou", "zhou", a);
  told = to(say("zhou", "zhou", "是"), "zhou");
  EXPECT_THAT(told, HasSubstr("陈师傅：缺 培训 防疫知识；装备 口罩"));
  // Unchanged: saved, and nobody is named again.
  say("zhou", "zhou", "设岗 1");
  for (const char* a : {"-", "-", "-", "-", "-", "-", "-", "-", "-"}) say("zhou", "zhou", a);
  told = to(say("zhou", "zhou", "是"), "zhou");
  EXPECT_THAT(told, Not(HasSubstr("风险或上岗要求改了")));
  // Back to low: the post needs nothing now, and they are told so.
  say("zhou", "zhou", "设岗 1");
  for (const char* a : {"-", "-", "-", "-", "-", "-", "1"}) say("zhou", "zhou", a);
  told = to(say("zhou", "zhou", "是"), "zhou");
  EXPECT_THAT(told, HasSubstr("现在是低风险，不再需要培训和装备"));
}

// A resident's place held during the review of their sign-up: approved but untrained for the
// high-risk post, they are told what is missing and the place goes to who waits.
TEST_F(Support, AnApprovedSignUpsHeldPlaceIsGatedAndGoesOn) {
  high_post(1);
  qualify("陈师傅");
  auto cards = recruit();
  say("zhang", "g31", "报名", cards["g31"]);
  ASSERT_EQ(status(1, "zhang"), RosterStatus::held);
  say("chen", "g31", "报名", cards["g31"]);
  ASSERT_EQ(status(1, "chen"), RosterStatus::waiting);
  auto submitted = submit_signup("zhang");
  auto approved = say("zhou", "zhou", "通过", find_to(submitted, "zhou")->platform_id);
  EXPECT_EQ(status(1, "zhang"), RosterStatus::gone);
  std::string told = to(approved, "zhang");
  EXPECT_THAT(told, HasSubstr("高风险岗位"));
  EXPECT_THAT(told, HasSubstr("培训 防疫知识"));
  EXPECT_THAT(told, HasSubstr("装备 口罩、防护服"));
  EXPECT_EQ(status(1, "chen"), RosterStatus::taken);
  EXPECT_THAT(to(approved, "chen"), HasSubstr("现在是你的了"));
}

// Neighbours' sentences that start with a command's word are not answered in the group: not as
// a refusal (a resident), not as a usage (a coordinator whose words do not parse).
TEST_F(Support, SentencesStartingWithACommandWordGetNoAnswerInTheGroup) {
  for (const char* text :
       {"风险 很大大家小心", "报告 一下31栋停水了", "培训 几点开始", "库存 还有吗", "发放 口罩了吗",
        "保障 一下老人", "证明 一下", "时长 多久", "表彰 一下志愿者", "车辆 太多了", "派车 去医院",
        "更正 一下", "验证 一下"}) {
    for (const char* who : {"li", "zhou"}) {
      auto sent = say(who, "g31", text);
      EXPECT_TRUE(texts_to(sent, "g31").empty()) << who << ": " << text;
      EXPECT_TRUE(texts_to(sent, who).empty()) << who << ": " << text;
    }
  }
  EXPECT_TRUE(store_.risks.areas("sc").empty());
  EXPECT_TRUE(store_.training.of_person("sc", person("chen")).empty());
  // The slash form answers as before, and a coordinator's command that parses works there.
  EXPECT_THAT(texts_to(say("li", "g31", "/risk 31 high"), "g31").at(0),
              HasSubstr("只有本社区的协调员可以这样做"));
  EXPECT_THAT(texts_to(say("zhou", "g31", "/risk 很大"), "g31").at(0), HasSubstr("用法：风险"));
  EXPECT_THAT(texts_to(say("zhou", "g31", "风险 31栋 高"), "g31").at(0),
              HasSubstr("31栋 现在是高风险区域"));
  // In a private chat the keyword is always a command, with its usage.
  EXPECT_THAT(to(say("zhou", "zhou", "风险 很大大家小心"), "zhou"), HasSubstr("用法：风险"));
}

// Quiet is only for talk: a coordinator's bare word asks for something and a wrong code of a
// code's shape is an answer; on platforms where the bot hears a group only when @-mentioned
// (WeCom, DingTalk, Feishu, Slack's app_mention) every keyword was spoken to it, so a name not
// found, or a refusal, is answered there.
TEST_F(Support, InAGroupABareWordALookUpAndAMentionAreAnswered) {
  EXPECT_THAT(texts_to(say("zhou", "g31", "风险"), "g31").at(0), HasSubstr("用法：风险"));
  EXPECT_THAT(texts_to(say("zhou", "g31", "培训"), "g31").at(0), HasSubstr("防疫知识"));
  EXPECT_THAT(texts_to(say("li", "g31", "验证 12-00000000000000000000"), "g31").at(0),
              HasSubstr("12-00000000000000000000"));
  EXPECT_TRUE(texts_to(say("li", "g31", "验证 一下"), "g31").empty());

  InboundEvent ev = event("li", "g31");
  ev.message_id = "mention-1";
  ev.text = "培训 几点开始";
  ev.addressed = true;
  auto sent = handle(ev);
  ASSERT_FALSE(texts_to(sent, "g31").empty());
  EXPECT_THAT(texts_to(sent, "g31").at(0), HasSubstr("只有本社区的协调员可以这样做"));
  EXPECT_TRUE(store_.training.of_person("sc", person("chen")).empty());

  ev = event("zhou", "g31");
  ev.message_id = "mention-2";
  ev.text = "发放 王五 口罩 2";
  ev.addressed = true;
  sent = handle(ev);
  ASSERT_FALSE(texts_to(sent, "g31").empty());
  EXPECT_THAT(texts_to(sent, "g31").at(0), HasSubstr("王五"));
}

TEST_F(Support, ACourseNameWithSpacesOrLineBreaksIsRefusedWithTheReason) {
  for (const char* cmd : {"培训 添加 急救 培训", "培训 添加 急救\n培训", "培训 添加 急救，培训"}) {
    EXPECT_THAT(to(say("zhou", "zhou", cmd), "zhou"), HasSubstr("课程名要是一个词")) << cmd;
  }
  say("zhou", "zhou", "/lang en");
  EXPECT_THAT(to(say("zhou", "zhou", "/train add first aid"), "zhou"),
              HasSubstr("A course's name is one word"));
  EXPECT_TRUE(store_.training.courses("sc").empty());
  say("zhou", "zhou", "/train add 急救");
  EXPECT_EQ(store_.training.courses("sc"), (std::vector<std::string>{"急救"}));
}

// One definition of the reserve: /roster and /stats count the same (a volunteer waiting on a
// post has no place yet: reserve).
TEST_F(Support, RosterAndStatsCountTheSameReserve) {
  make_post(1);
  auto cards = recruit();
  say("chen", "g31", "报名", cards["g31"]);
  say("zhao", "g31", "报名", cards["g31"]);
  ASSERT_EQ(status(1, "zhao"), RosterStatus::waiting);
  EXPECT_THAT(to(say("zhou", "zhou", "统计"), "zhou"),
              HasSubstr("在岗 1 人（有岗位名额），储备 2 人"));
  EXPECT_THAT(to(say("zhou", "zhou", "名单 1"), "zhou"), HasSubstr("储备 = 本社区 2 名"));
}

// /post N with the same courses and items typed in another order changes nothing: what a post
// needs is a set, so nobody is re-checked and the coordinators are not told.
TEST_F(Support, ReEnteringAPostsNeedsInAnotherOrderIsNoChange) {
  high_post(3);  // needs 防疫知识, 口罩 and 防护服
  auto cards = recruit();
  qualify("陈师傅");
  say("chen", "g31", "报名", cards["g31"]);
  ASSERT_EQ(status(1, "chen"), RosterStatus::taken);
  say("zhou", "zhou", "设岗 1");
  for (const char* a : {"-", "-", "-", "-", "-", "-", "-", "-", "防护服 口罩"})
    say("zhou", "zhou", a);
  std::string told = to(say("zhou", "zhou", "是"), "zhou");
  EXPECT_THAT(told, HasSubstr("岗位 1"));  // saved
  EXPECT_THAT(told, Not(HasSubstr("风险或上岗要求改了")));
  auto s = store_.risks.post(1);
  ASSERT_TRUE(s);
  EXPECT_EQ(std::set<std::string>(s->items.begin(), s->items.end()),
            (std::set<std::string>{"masks", "suits"}));
  // A real change still re-checks: without suits.
  say("zhou", "zhou", "设岗 1");
  for (const char* a : {"-", "-", "-", "-", "-", "-", "-", "-", "口罩"}) say("zhou", "zhou", a);
  EXPECT_THAT(to(say("zhou", "zhou", "是"), "zhou"), HasSubstr("岗位 1 的风险或上岗要求改了"));
}

// ---- the reserve: one definition for counting and for offering

class Reserve : public Support {
 protected:
  // `user` holds a confirmed place on post `post` (another current post than the one offered).
  void place(std::int64_t post, const std::string& user, int headcount) {
    ASSERT_TRUE(store_.roster.take(post, person(user), RosterStatus::taken, headcount, now_));
    store_.roster.confirm(post, person(user));
  }
  // The names rank_for_post puts first for post `post_id`.
  std::vector<std::string> ranked(std::int64_t post_id, std::size_t n) {
    InboundEvent ev = event("zhou", "zhou");
    Outcome out;
    Turn turn(config_, store_, *dir_, Origin::of(ev), *store_.people.get(person("zhou")), now_,
              out);
    std::vector<std::string> names;
    for (const auto& c : assignments::rank_for_post(turn, *store_.posts.get(post_id), {}, n)) {
      names.push_back(c.name);
    }
    return names;
  }
};

// The active part of the pool counts the places on every current post, not on the first 50.
TEST_F(Reserve, StatsCountTheActiveOnMoreThanFiftyCurrentPosts) {
  for (int i = 0; i < 55; ++i) {
    std::string user = "v" + std::to_string(i);
    add_volunteer(user, std::to_string(i));
    place(make_post(1, std::to_string(i), 26 + i), user, 1);
  }
  EXPECT_THAT(to(say("zhou", "zhou", "统计"), "zhou"),
              HasSubstr("在岗 55 人（有岗位名额），储备 3 人"));
  EXPECT_THAT(to(say("zhou", "zhou", "名单 1"), "zhou"), HasSubstr("储备 = 本社区 3 名"));
}

// A reserve offer goes to the reserve: 赵姐 (31) ranks before 刘医生 (32) but holds a place on
// another current post, so she is active, not reserve.
TEST_F(Reserve, AReserveOfferSkipsWhoHoldsAPlaceOnAnotherCurrentPost) {
  make_post(1);
  place(make_post(1, "40", 50), "zhao", 1);
  offered_to_liu_not_zhao(chen_not_confirming());
}

// The same after a coordinator's offer of a post is declined.
TEST_F(Reserve, AfterADeclinedOfferTheNextOfferGoesToTheReserveOnly) {
  make_post(1);
  place(make_post(1, "40", 50), "zhao", 1);
  offered_to_liu_not_zhao(chen_declining());
}

// With more candidates than one ranking reads (kMaxRead), who comes first: the post's building,
// there whoever served fewest hours this week, then by number; then the nearest buildings.
TEST_F(Reserve, PastTheReadLimitTheFirstAreTheSameBuildingsLeastServedThenTheNearest) {
  // 300 more, their buildings not in the order of their numbers: r30, r90, r150, r210 and r270
  // live in 31; building 30's and 32's come after 刘医生 (32), who signed up first.
  for (int i = 0; i < 300; ++i) {
    add_volunteer("r" + std::to_string(i), std::to_string(1 + (7 * i) % 60));
  }
  ASSERT_GT(store_.volunteers.count("sc", VolunteerStatus::approved),
            static_cast<int>(assignments::kMaxRead));
  auto shift = store_.shifts.check_in(Shift{0, person("chen"), "sc", 0, now_ - 3 * kHour, 0});
  ASSERT_TRUE(shift);
  ASSERT_TRUE(store_.shifts.check_out(*shift, now_ - 2 * kHour));  // 陈师傅 served an hour
  make_post(1);
  EXPECT_EQ(ranked(1, 8), (std::vector<std::string>{"赵姐", "r30", "r90", "r150", "r210", "r270",
                                                    "陈师傅", "刘医生"}));
}

// Those set aside (holding a place elsewhere) do not end the read: past 40 of them in the post's
// building, the two of that building in reserve come first, before a nearer number elsewhere.
TEST_F(Reserve, WhomTheRulesSetAsideDoNotEndTheReadEarly) {
  std::int64_t other = make_post(100, "40", 50);
  place(other, "chen", 100);
  place(other, "zhao", 100);
  for (int i = 0; i < 40; ++i) {
    add_volunteer("a" + std::to_string(i), "31");
    place(other, "a" + std::to_string(i), 100);
  }
  add_volunteer("b0", "31");
  add_volunteer("b1", "31");
  std::int64_t post = make_post(2);
  EXPECT_EQ(ranked(post, 2), (std::vector<std::string>{"b0", "b1"}));
  EXPECT_EQ(ranked(post, 3), (std::vector<std::string>{"b0", "b1", "刘医生"}));
}

// The read is bounded: past kMaxRead people set aside in the building, one more there in reserve
// is not reached, and the offer goes to the best found within the bound.
TEST_F(Reserve, TheReadStopsAtItsBound) {
  const int set_aside = static_cast<int>(assignments::kMaxRead) + 40;
  std::int64_t other = make_post(1000, "40", 50);
  place(other, "chen", 1000);
  place(other, "zhao", 1000);
  for (int i = 0; i < set_aside; ++i) {
    add_volunteer("a" + std::to_string(i), "31");
    place(other, "a" + std::to_string(i), 1000);
  }
  add_volunteer("b0", "31");
  std::int64_t post = make_post(1);
  EXPECT_EQ(ranked(post, 1), (std::vector<std::string>{"刘医生"}));
}

// More volunteers share a name than the list shows: 20 are listed and the count says more.
TEST_F(Support, AListOfThoseWhoShareANameIsBoundedAndSaysThereAreMore) {
  for (int i = 0; i < 25; ++i) {
    std::int64_t id = add_volunteer("wf" + std::to_string(i), std::to_string(i));
    auto v = *store_.volunteers.get(id);
    v.name = "王芳";
    store_.volunteers.upsert(v);
  }
  say("zhou", "zhou", "库存 口罩 +5");
  std::string said = to(say("zhou", "zhou", "发放 王芳 口罩 1"), "zhou");
  EXPECT_THAT(said, HasSubstr("有 20+ 位审核通过的志愿者都叫「王芳」"));
  std::size_t lines = 0;
  for (std::size_t at = 0; (at = said.find(" · 王芳 · ", at)) != std::string::npos; ++at) ++lines;
  EXPECT_EQ(lines, assignments::kSameNameListed);
  EXPECT_EQ(store_.equipment.item("sc", "masks")->qty, 5);
}

}  // namespace
}  // namespace linli::test
