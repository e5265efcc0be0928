// One test per row of the post dialog's transition table (dialogs/post_dialog.cpp).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dialogs/dialog.hpp"
#include "dialogs/post_dialog.hpp"
#include "dialogs/time_text.hpp"
#include "tests/support/engine_fixture.hpp"

namespace linli::test {
namespace {

using ::testing::HasSubstr;

class PostDialog : public EngineFixture {
 protected:
  using EngineFixture::EngineFixture;
  Answers answers() {
    Answers a;
    std::vector<std::string> p;
    decode_dialog_data(dialog_of("zhou")->data, a, p);
    return a;
  }
  // zhou, the coordinator, in his private chat at `state`, with `a` answered so far.
  void at(const std::string& state, Answers a = {}) {
    put_dialog("zhou", "post", state, "zhou", a);
  }
  std::string state() { return dialog_of("zhou") ? dialog_of("zhou")->state : "(ended)"; }
  std::string answer(const std::string& text) {
    auto sent = say("zhou", "zhou", text);
    auto texts = texts_to(sent, "zhou");
    return texts.empty() ? "" : texts.back();
  }
  Answers complete() {
    return {{"team", "care"},
            {"title", "照看31栋独居的王奶奶"},
            {"headcount", "10"},
            {"skills", "0"},
            {"place", "31栋"},
            {"building", "31"},
            {"time", std::to_string(now_ + 26 * 3'600'000LL) + "|" +
                         std::to_string(now_ + 30 * 3'600'000LL)},
            {"risk", "low"}};
  }
};

TEST_F(PostDialog, CoordinatorStartsItAndIsAskedTheTeam) {
  auto sent = say("zhou", "zhou", "设岗");
  EXPECT_EQ(state(), "team");
  EXPECT_THAT(texts_to(sent, "zhou").at(0), HasSubstr("6 关爱特殊群体"));
}

TEST_F(PostDialog, OthersCannotSetUpPosts) {
  auto sent = say("chen", "chen", "/post");
  EXPECT_FALSE(dialog_of("chen"));
  EXPECT_THAT(sent.at(0).msg.text, HasSubstr("只有本社区的协调员"));
}

TEST_F(PostDialog, TeamByNumber) {
  at("team");
  EXPECT_THAT(answer("6"), HasSubstr("岗位叫什么"));
  EXPECT_EQ(answers()["team"], "care");
}

TEST_F(PostDialog, TeamOfTheirOwn) {
  at("team");
  answer("老党员服务队");
  EXPECT_EQ(state(), "title");
  EXPECT_EQ(answers()["team"], "老党员服务队");
}

TEST_F(PostDialog, TeamNumberOutOfTheListIsAskedAgain) {
  at("team");
  EXPECT_THAT(answer("9"), HasSubstr("编号"));
  EXPECT_EQ(state(), "team");
}

TEST_F(PostDialog, KeepingTheTeamWhenEditing) {
  at("team", {{"post_id", "1"}, {"team", "care"}});
  answer("-");
  EXPECT_EQ(state(), "title");
  EXPECT_EQ(answers()["team"], "care");
}

TEST_F(PostDialog, Title) {
  at("title", {{"team", "care"}});
  EXPECT_THAT(answer("照看31栋独居的王奶奶"), HasSubstr("需要几个人"));
  EXPECT_EQ(answers()["title"], "照看31栋独居的王奶奶");
}

TEST_F(PostDialog, TooShortTitleIsAskedAgain) {
  at("title");
  EXPECT_THAT(answer("王"), HasSubstr("2–40"));
  EXPECT_EQ(state(), "title");
}

TEST_F(PostDialog, KeepingTheTitle) {
  at("title", {{"post_id", "1"}, {"title", "旧名字"}});
  answer("-");
  EXPECT_EQ(state(), "headcount");
}

TEST_F(PostDialog, Headcount) {
  at("headcount");
  EXPECT_THAT(answer("10人"), HasSubstr("需要什么技能"));
  EXPECT_EQ(answers()["headcount"], "10");
}

TEST_F(PostDialog, HeadcountMustBeANumberFromOneToAThousand) {
  at("headcount");
  EXPECT_THAT(answer("0"), HasSubstr("1 到 1000"));
  EXPECT_THAT(answer("很多"), HasSubstr("1 到 1000"));
  EXPECT_EQ(state(), "headcount");
}

TEST_F(PostDialog, AHugeHeadcountIsAskedAgain) {
  at("headcount");
  EXPECT_THAT(answer("99999999999999999999"), HasSubstr("1 到 1000"));
  EXPECT_EQ(state(), "headcount");
}

// The dialog's row holds numbers that cannot be read (an older version's, or damaged): the
// questions go on, and such an answer is asked again instead of being kept.
TEST_F(PostDialog, AStoredNumberThatCannotBeReadIsAskedAgainNotKept) {
  Answers a = complete();
  a["post_id"] = "1";
  a["skills"] = "99999999999999999999";
  at("headcount", a);
  EXPECT_THAT(answer("5"), HasSubstr("需要什么技能"));
  EXPECT_THAT(answer("-"), HasSubstr("请回复列表里的编号"));  // not understood, as any other
  EXPECT_EQ(state(), "skills");
}

TEST_F(PostDialog, AtTheConfirmationWhatCannotBeReadIsAskedAgain) {
  Answers a = complete();
  a["time"] = "tomorrow";
  at("confirm", a);
  EXPECT_THAT(answer("是"), HasSubstr("哪个队伍"));
  EXPECT_EQ(state(), "team");
  EXPECT_TRUE(store_.posts.current("sc", now_).empty());
}

TEST_F(PostDialog, KeepingTheHeadcount) {
  at("headcount", {{"post_id", "1"}, {"headcount", "5"}});
  answer("-");
  EXPECT_EQ(state(), "skills");
}

TEST_F(PostDialog, SkillsOrNone) {
  at("skills");
  EXPECT_THAT(answer("0"), HasSubstr("在哪里"));
  EXPECT_EQ(answers()["skills"], "0");
  at("skills");
  answer("2");
  EXPECT_EQ(answers()["skills"], std::to_string(bit(Skill::medical)));
}

TEST_F(PostDialog, UnknownSkillsAreAskedAgain) {
  at("skills");
  EXPECT_THAT(answer("juggling"), HasSubstr("不限请回复 0"));
  EXPECT_EQ(state(), "skills");
}

TEST_F(PostDialog, KeepingTheSkills) {
  at("skills", {{"post_id", "1"}, {"skills", "0"}});
  answer("-");
  EXPECT_EQ(state(), "place");
}

TEST_F(PostDialog, PlaceThatIsABuilding) {
  at("place");
  EXPECT_THAT(answer("31栋"), HasSubstr("什么时间"));
  EXPECT_EQ(answers()["place"], "31栋");
  EXPECT_EQ(answers()["building"], "31");
}

TEST_F(PostDialog, PlaceThatIsNot) {
  at("place");
  answer("社区服务站");
  EXPECT_EQ(answers()["building"], "");
}

TEST_F(PostDialog, KeepingThePlace) {
  at("place", {{"post_id", "1"}, {"place", "31栋"}});
  answer("-");
  EXPECT_EQ(state(), "time");
}

TEST_F(PostDialog, EmptyishPlaceIsAskedAgain) {
  at("place");
  EXPECT_THAT(answer(std::string(61, 'x')), HasSubstr("1–60"));
  EXPECT_EQ(state(), "place");
}

TEST_F(PostDialog, Time) {
  at("time");
  EXPECT_THAT(answer("明天 8:00-12:00"), HasSubstr("风险等级"));
  EXPECT_NE(answers()["time"].find('|'), std::string::npos);
}

TEST_F(PostDialog, UnreadableTimeIsAskedAgain) {
  at("time");
  EXPECT_THAT(answer("下周吧"), HasSubstr("没看懂这个时间"));
  EXPECT_EQ(state(), "time");
}

TEST_F(PostDialog, DateThatDoesNotExistIsAskedAgainInsteadOfMovedToMarch) {
  for (const char* text : {"2月30日 8:00-12:00", "4/31 8:00-12:00"}) {
    at("time");
    EXPECT_THAT(answer(text), HasSubstr("没看懂这个时间")) << text;
    EXPECT_EQ(state(), "time");
  }
}

TEST_F(PostDialog, KeepingTheTime) {
  at("time", {{"post_id", "1"}, {"time", "1|2"}});
  answer("-");
  EXPECT_EQ(state(), "risk");
}

TEST_F(PostDialog, RiskShowsTheSummary) {
  Answers a = complete();
  a.erase("risk");
  at("risk", a);
  // A high-risk post asks what it needs to serve on it first (issue 11): here nothing.
  EXPECT_THAT(answer("2"), HasSubstr("需要哪些培训"));
  EXPECT_EQ(state(), "courses");
  EXPECT_THAT(answer("0"), HasSubstr("需要哪些防护装备"));
  std::string summary = answer("0");
  EXPECT_EQ(state(), "confirm");
  EXPECT_THAT(summary, HasSubstr("风险：高风险；培训：无；装备：无"));
  EXPECT_THAT(summary, HasSubstr("队伍：关爱特殊群体"));
  EXPECT_THAT(summary, HasSubstr("人数：10"));
  EXPECT_THAT(summary, HasSubstr("技能：不限"));
  EXPECT_THAT(summary, HasSubstr("风险：高风险"));
}

TEST_F(PostDialog, UnclearRiskIsAskedAgain) {
  at("risk");
  EXPECT_THAT(answer("medium"), HasSubstr("1（低风险）"));
  EXPECT_EQ(state(), "risk");
}

TEST_F(PostDialog, KeepingTheRisk) {
  at("risk", [this] {
    Answers a = complete();
    a["post_id"] = "1";
    return a;
  }());
  answer("-");
  EXPECT_EQ(state(), "confirm");
}

TEST_F(PostDialog, YesSavesThePostAndArmsItsReminders) {
  at("confirm", complete());
  EXPECT_THAT(answer("是"), HasSubstr("岗位 1 已保存"));
  EXPECT_EQ(state(), "(ended)");
  auto p = store_.posts.get(1);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->team, "care");
  EXPECT_EQ(p->headcount, 10);
  EXPECT_EQ(p->building, "31");
  EXPECT_EQ(p->created_by, person("zhou"));
  EXPECT_EQ(store_.timers.next_due(), p->starts_at - 120 * 60'000);  // the reminder comes first
}

TEST_F(PostDialog, EditingChangesTheSamePost) {
  at("confirm", complete());
  answer("是");
  say("zhou", "zhou", "设岗 1");
  auto a = answers();
  EXPECT_EQ(a["post_id"], "1");
  for (int i = 0; i < 7; ++i) answer(i == 2 ? "12" : "-");  // only the headcount changes
  EXPECT_THAT(answer("是"), HasSubstr("岗位 1 已更新"));
  EXPECT_EQ(store_.posts.get(1)->headcount, 12);
  EXPECT_FALSE(store_.posts.get(2));
}

TEST_F(PostDialog, NoDropsIt) {
  at("confirm", complete());
  EXPECT_THAT(answer("否"), HasSubstr("没有保存"));
  EXPECT_FALSE(store_.posts.get(1));
}

TEST_F(PostDialog, NeitherYesNorNoIsAskedAgain) {
  at("confirm", complete());
  EXPECT_THAT(answer("再想想"), HasSubstr("「是」或「否」"));
  EXPECT_EQ(state(), "confirm");
}

// Two communities in two zones: "sc" in China (+08:00, the service's default) and "lk" on UTC,
// coordinated by "tom".
Config two_zones() {
  Config c = community_config();
  CommunityConfig lk;
  lk.id = "lk";
  lk.name = "Lakeside";
  lk.utc_offset_min = 0;
  lk.coordinators = {"pg:tom"};
  lk.groups = {GroupConfig{"pg", "lv", GroupKind::volunteers, "", "Lakeside volunteers"}};
  c.communities.push_back(lk);
  return c;
}

class TwoZones : public PostDialog {
 protected:
  TwoZones() : PostDialog(two_zones()) {}
  // `coordinator` of `community`, in their private chat, at the post dialog's time question.
  void at_time(const std::string& coordinator, const std::string& community) {
    DialogRecord d;
    d.person_id = person(coordinator);
    d.kind = "post";
    d.state = "time";
    d.adapter = "pg";
    d.chat = coordinator;
    d.private_chat = true;
    d.community_id = community;
    d.data = encode_dialog_data({}, {});
    d.updated_at = now_;
    store_.dialogs.put(d);
  }
  std::int64_t typed_start(const std::string& coordinator) {
    Answers a;
    std::vector<std::string> path;
    decode_dialog_data(dialog_of(coordinator)->data, a, path);
    return std::stoll(a["time"].substr(0, a["time"].find('|')));
  }
};

TEST_F(TwoZones, ATypedTimeIsReadInTheCommunitysZone) {
  at_time("zhou", "sc");
  at_time("tom", "lk");
  say("zhou", "zhou", "明天 8:00-12:00");
  say("tom", "tom", "明天 8:00-12:00");
  ASSERT_EQ(dialog_of("zhou")->state, "risk");
  ASSERT_EQ(dialog_of("tom")->state, "risk");
  // 2027-01-15 16:00 in China is 08:00 on the lake: "tomorrow 8:00" is 2027-01-16 08:00 in each.
  EXPECT_EQ(typed_start("zhou"), now_ + 16 * kHour);
  EXPECT_EQ(typed_start("tom"), now_ + 24 * kHour);
}

TEST_F(TwoZones, TheSamePostTimeIsWrittenInEachCommunitysZone) {
  for (const char* community : {"sc", "lk"}) {
    Post p;
    p.community_id = community;
    p.team = "care";
    p.title = "Night watch";
    p.starts_at = now_ + 10 * kHour;  // 2027-01-15 18:00 UTC
    p.ends_at = p.starts_at + 4 * kHour;
    p.created_by = person("zhou");
    p.created_at = now_;
    store_.posts.create(p);
  }
  EXPECT_THAT(say("zhou", "zhou", "招募").at(0).msg.text,
              HasSubstr("Night watch (1月16日 02:00–06:00)"));
  EXPECT_THAT(say("tom", "tom", "招募").at(0).msg.text,
              HasSubstr("Night watch (1月15日 18:00–22:00)"));
}

}  // namespace
}  // namespace linli::test
