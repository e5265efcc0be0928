// Issue 11, evaluation: hours by month and team with the daily cap, a coordinator's corrections
// kept in an audit log, and certificates of service with their verification codes.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "dialogs/time_text.hpp"
#include "tests/support/engine_fixture.hpp"

namespace linli::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// now_ is 2027-01-15 16:00 in the community's zone (+08:00).
class HoursAndCertificates : public EngineFixture {
 protected:
  std::int64_t post(const std::string& team) {
    Post p;
    p.community_id = "sc";
    p.team = team;
    p.title = "巡逻 " + team;
    p.starts_at = now_ - 40 * kHour;
    p.ends_at = now_ - 20 * kHour;
    p.created_by = person("zhou");
    p.created_at = now_ - 50 * kHour;
    return store_.posts.create(p);
  }
  // A shift of `user` from `from` for `hours`, recorded as check-in and check-out record it.
  void served(const std::string& user, std::int64_t from, double hours, std::int64_t post_id = 0) {
    Shift s;
    s.person_id = person(user);
    s.community_id = "sc";
    s.post_id = post_id;
    s.checkin_at = from;
    auto id = store_.shifts.check_in(s);
    ASSERT_TRUE(id);
    ASSERT_TRUE(store_.shifts.check_out(*id, from + static_cast<std::int64_t>(hours * kHour)));
  }
  std::string said(const std::string& user, const std::string& text) {
    auto sent = say(user, user, text);
    EXPECT_FALSE(sent.empty()) << text;
    return sent.empty() ? "" : sent.front().msg.text;
  }
  int corrections() { return std::stoi(db_->value("SELECT COUNT(*) FROM hours_corrections")); }
  // 2027-01-14 08:00–18:00 local on a post of team 巡逻队: ten hours served, eight count.
  void ten_hours_on_the_14th() { served("chen", now_ - 32 * kHour, 10, post("巡逻队")); }
};

TEST_F(HoursAndCertificates, HoursShowTheDailyCapByMonthAndByTeam) {
  ten_hours_on_the_14th();
  served("chen", now_ - 26 * kDay - 7 * kHour, 3);                // 2026-12-20 09:00, on no post
  served("chen", now_ - 26 * kDay - 2 * kHour, 2, post("care"));  // 14:00 the same day
  const std::string text = said("chen", "时长");
  EXPECT_THAT(text, HasSubstr("累计 13.0 小时"));  // 8 (not 10) + 3 + 2
  EXPECT_THAT(text, HasSubstr("2026-12：5.0 小时"));
  EXPECT_THAT(text, HasSubstr("2027-01：8.0 小时"));
  EXPECT_THAT(text, HasSubstr("巡逻队：8.0 小时"));
  EXPECT_THAT(text, HasSubstr("关爱特殊群体：2.0 小时"));
  EXPECT_THAT(text, HasSubstr("不在岗位上：3.0 小时"));
  EXPECT_THAT(text, HasSubstr("每天最多计 8.0 小时"));
  EXPECT_THAT(text, Not(HasSubstr("10.0")));
}

TEST_F(HoursAndCertificates, ACorrectionChangesTheFiguresAndIsLoggedWithWhoAndWhy) {
  ten_hours_on_the_14th();
  std::string done = said("zhou", "更正 陈师傅 2027-01-14 6 忘记签退，实际只有6小时");
  EXPECT_THAT(done, HasSubstr("8.0 → 6.0"));
  auto told =
      texts_to(say("zhou", "zhou", "/hours fix 陈师傅 2027-01-14 6.5 hours re-counted"), "chen");
  ASSERT_EQ(told.size(), 1u);
  EXPECT_THAT(told[0], HasSubstr("zhou 更正了你 2027-01-14"));  // the fixture's coordinator
  EXPECT_THAT(told[0], HasSubstr("6.0 → 6.5"));
  EXPECT_THAT(told[0], HasSubstr("hours re-counted"));

  const std::string text = said("chen", "时长");
  EXPECT_THAT(text, HasSubstr("累计 6.5 小时"));  // the latest correction counts
  EXPECT_THAT(text, HasSubstr("巡逻队：6.5 小时"));
  // Both corrections stay visible, with who, when and why.
  EXPECT_THAT(text, HasSubstr("2027-01-14：8.0 → 6.0 小时（zhou，1月15日 16:00，原因：忘记签退"));
  EXPECT_THAT(text, HasSubstr("2027-01-14：6.0 → 6.5 小时（zhou"));

  auto log = db_->rows(
      "SELECT person_id, by_person, date, hours_ms, previous_ms, reason, at "
      "FROM hours_corrections ORDER BY id");
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log[0], (std::vector<std::string>{std::to_string(person("chen")),
                                              std::to_string(person("zhou")), "2027-01-14",
                                              std::to_string(6 * kHour), std::to_string(8 * kHour),
                                              "忘记签退，实际只有6小时", std::to_string(now_)}));
  // The shift itself is as it was recorded.
  EXPECT_EQ(db_->value("SELECT checkout_at - checkin_at FROM shifts"), std::to_string(10 * kHour));
  // A day without shifts can be corrected too: the hours then belong to no post.
  said("zhou", "更正 陈师傅 2027-01-10 3 纸质签到表补录");
  EXPECT_THAT(said("chen", "时长"), HasSubstr("累计 9.5 小时"));
}

TEST_F(HoursAndCertificates, TheFigureBeforeACorrectionOfTodayCountsAnOpenShiftUntilNow) {
  // chen checked in at 14:00 today and is still on duty at 16:00: two hours so far, not the ten
  // until midnight (capped at eight) that counting to the end of the day would say.
  Shift s;
  s.person_id = person("chen");
  s.community_id = "sc";
  s.checkin_at = now_ - 2 * kHour;
  ASSERT_TRUE(store_.shifts.check_in(s));
  EXPECT_THAT(said("zhou", "更正 陈师傅 2027-01-15 1 提前离开"), HasSubstr("2.0 → 1.0"));
  EXPECT_EQ(db_->value("SELECT previous_ms FROM hours_corrections"), std::to_string(2 * kHour));
}

TEST_F(HoursAndCertificates, TheLastSevenDaysKeepACorrectionOfTheirFirstDay) {
  // 2027-01-08: the day the last seven days (from 16:00 that day) begin in.
  said("zhou", "更正 陈师傅 2027-01-08 3 纸质签到表补录");
  const std::string text = said("chen", "时长");
  EXPECT_THAT(text, HasSubstr("累计 3.0 小时"));
  EXPECT_THAT(text, HasSubstr("近 7 天 3.0 小时"));
}

TEST_F(HoursAndCertificates, CorrectionsAreRefusedToWhoIsNotACoordinatorInTheirLanguage) {
  ten_hours_on_the_14th();
  EXPECT_THAT(said("chen", "更正 陈师傅 2027-01-14 8 多算一点"), HasSubstr("只有本社区的协调员"));
  say("liu", "liu", "/lang en");
  EXPECT_THAT(said("liu", "/hours fix 陈师傅 2027-01-14 8 more"),
              HasSubstr("only a coordinator of this community"));
  EXPECT_THAT(said("liu", "/hours 陈师傅"), HasSubstr("only a coordinator"));
  EXPECT_EQ(corrections(), 0);
  EXPECT_THAT(said("chen", "时长"), HasSubstr("累计 8.0 小时"));
}

TEST_F(HoursAndCertificates, AWrongCorrectionSaysWhatIsWrongAndChangesNothing) {
  ten_hours_on_the_14th();
  EXPECT_THAT(said("zhou", "更正 陈师傅 2027-02-30 4 原因"),
              HasSubstr("「2027-02-30」不是一个日期"));
  EXPECT_THAT(said("zhou", "更正 陈师傅 2027-01-16 4 原因"), HasSubstr("2027-01-16 还没到"));
  EXPECT_THAT(said("zhou", "更正 陈师傅 2027-01-14 9 原因"), HasSubstr("不是 0 到 8.0 之间"));
  EXPECT_THAT(said("zhou", "更正 陈师傅 2027-01-14 -1 原因"), HasSubstr("不是 0 到 8.0 之间"));
  EXPECT_THAT(said("zhou", "更正 陈师傅 2027-01-14 4"), HasSubstr("用法：更正"));
  EXPECT_THAT(said("zhou", "更正 王五 2027-01-14 4 原因"),
              HasSubstr("找不到审核通过的志愿者「王五」"));
  say("zhou", "zhou", "/lang en");
  EXPECT_THAT(said("zhou", "/hours fix 陈师傅 14/01/2027 4 why"), HasSubstr("is not a date"));
  EXPECT_EQ(corrections(), 0);
}

TEST_F(HoursAndCertificates, ACoordinatorSeesAVolunteersHours) {
  ten_hours_on_the_14th();
  EXPECT_THAT(said("zhou", "时长 陈师傅"), HasSubstr("陈师傅的服务时长"));
  EXPECT_THAT(said("chen", "时长？"), HasSubstr("累计 8.0 小时"));  // asking, not naming
}

// The code at the end of "验证码：…".
std::string code_in(const std::string& text) {
  const std::string label = "验证码：";
  auto at = text.find(label);
  if (at == std::string::npos) return "";
  std::string rest = text.substr(at + label.size());
  return rest.substr(0, rest.find('\n'));
}

TEST_F(HoursAndCertificates, ACertificateSaysWhoWhereWhenHowLongAndWhatAndVerifies) {
  ten_hours_on_the_14th();
  HelpRequest r;
  r.community_id = "sc";
  r.resident_id = person("li");
  r.category = "repair";
  r.details = "水管";
  r.created_at = now_ - 30 * kHour;
  auto id = store_.requests.create(r);
  ASSERT_TRUE(store_.requests.claim(id, person("chen"), now_ - 29 * kHour));
  ASSERT_TRUE(store_.requests.finish(id, person("chen"), now_ - 28 * kHour));

  const std::string cert = said("chen", "证明");
  EXPECT_THAT(cert,
              HasSubstr("兹证明 陈师傅 于 2027-01-14 至 2027-01-15 在 山城花园社区 参加志愿服务，"
                        "累计服务 8.0 小时"));
  EXPECT_THAT(cert, HasSubstr("服务队伍：巡逻队：8.0 小时"));
  EXPECT_THAT(cert, HasSubstr("服务岗位：1 巡逻 巡逻队"));
  EXPECT_THAT(cert, HasSubstr("完成求助：维修 1 件"));
  const std::string code = code_in(cert);
  ASSERT_EQ(code.size(), 2u + 20u) << cert;  // "1-" and 80 bits in hex

  std::string ok = said("li", "验证 " + code);
  EXPECT_THAT(ok, HasSubstr("证明有效"));
  EXPECT_THAT(ok, HasSubstr("陈师傅"));

  std::string tampered = code;
  tampered[3] = tampered[3] == 'a' ? 'b' : 'a';
  EXPECT_THAT(said("li", "验证 " + tampered), HasSubstr("无效"));
  EXPECT_THAT(said("li", "验证 2-" + code.substr(2)), HasSubstr("无效"));  // another's id
  EXPECT_THAT(said("li", "验证 hello"), HasSubstr("无效"));

  // Whoever changes the stored certificate (more hours) cannot make it verify.
  db_->exec("UPDATE certificates SET hours_ms = hours_ms * 2");
  EXPECT_THAT(said("li", "验证 " + code), HasSubstr("无效"));
  db_->exec("UPDATE certificates SET hours_ms = hours_ms / 2");
  EXPECT_THAT(said("li", "验证 " + code), HasSubstr("证明有效"));
}

TEST_F(HoursAndCertificates, OnlyACoordinatorRevokesACertificateAndARevokedOneSaysSo) {
  ten_hours_on_the_14th();
  const std::string code = code_in(said("chen", "/cert"));
  ASSERT_FALSE(code.empty());
  EXPECT_THAT(said("zhao", "证明 撤销 " + code), HasSubstr("只有本社区的协调员"));
  say("liu", "liu", "/lang en");
  EXPECT_THAT(said("liu", "/cert revoke " + code), HasSubstr("only a coordinator"));
  EXPECT_THAT(said("li", "验证 " + code), HasSubstr("证明有效"));

  auto sent = say("zhou", "zhou", "证明 撤销 " + code);
  EXPECT_THAT(texts_to(sent, "zhou").at(0), HasSubstr("已撤销 陈师傅 的证明"));
  EXPECT_THAT(texts_to(sent, "chen").at(0), HasSubstr("zhou 撤销了你的服务证明"));
  EXPECT_THAT(said("li", "验证 " + code), HasSubstr("已于 2027-01-15 被撤销"));
  EXPECT_THAT(said("liu", "/verify " + code), HasSubstr("was revoked on 2027-01-15"));
  EXPECT_THAT(said("zhou", "证明 撤销 " + code), HasSubstr("已经撤销了"));
}

TEST_F(HoursAndCertificates, NoCertificateWithoutHoursOrForWhoIsNotAVolunteer) {
  EXPECT_THAT(said("zhao", "证明"), HasSubstr("没有记录到服务时长"));
  EXPECT_THAT(said("li", "证明"), HasSubstr("只有审核通过的志愿者"));
  ten_hours_on_the_14th();
  EXPECT_THAT(said("chen", "证明 2026-12-01 2026-12-31"),
              HasSubstr("2026-12-01 至 2026-12-31 没有"));
  EXPECT_THAT(said("chen", "证明 2027-01-01 2027-01-31"), HasSubstr("2027-01-01 至 2027-01-15"));
  EXPECT_THAT(said("chen", "证明 2027-01-31 2027-01-01"), HasSubstr("用法：证明"));
  EXPECT_EQ(db_->value("SELECT COUNT(*) FROM certificates"), "1");
}

// Someone types a long sentence after 验证: the answer shows the start of it, cut between two
// characters. A cut inside one was invalid UTF-8, which the outbox cannot store: the event failed,
// was retried and parked, and the person heard nothing.
TEST_F(HoursAndCertificates, ALongWrongCodeIsShownCutBetweenCharacters) {
  std::string typed;
  for (int i = 0; i < 30; ++i) typed += "码";
  std::string reply = said("li", "验证 " + typed);
  EXPECT_THAT(reply, HasSubstr("无效"));
  EXPECT_THAT(reply, HasSubstr("码码码码码码码码码码码码码…"));
  EXPECT_NO_THROW((void)nlohmann::json(reply).dump());
}

// Hours, the reasons of their corrections and a certificate are the volunteer's own: asked in a
// group, they go to the private chat, and the group only hears that they did.
TEST_F(HoursAndCertificates, HoursAndACertificateAskedInAGroupGoPrivately) {
  ten_hours_on_the_14th();
  ASSERT_THAT(said("zhou", "更正 陈师傅 2027-01-14 6 生病提前离开"), HasSubstr("6.0"));
  for (const char* asked : {"时长", "证明"}) {
    auto sent = say("chen", "g31", asked);
    ASSERT_EQ(texts_to(sent, "g31").size(), 1u) << asked;
    EXPECT_THAT(texts_to(sent, "g31").front(), HasSubstr("我私信发给你了")) << asked;
    std::string in_private;
    for (const auto& t : texts_to(sent, "chen")) in_private += t;
    EXPECT_THAT(in_private, HasSubstr("6.0 小时")) << asked;
  }
  auto sent = say("chen", "g31", "时长");
  for (const auto& t : texts_to(sent, "g31")) EXPECT_THAT(t, Not(HasSubstr("生病"))) << t;
}

}  // namespace
}  // namespace linli::test
