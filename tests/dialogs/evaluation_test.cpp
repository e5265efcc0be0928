// Step 5, "evaluate precisely" (issue 11, part C2): residents' ratings rolled up and a low one
// flagged to the coordinators; a resident cancelling their own request; the community's report
// on a known data set; commendations announced in every group of the community.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <SQLiteCpp/Statement.h>

#include "adapters/registry.hpp"
#include "dialogs/report.hpp"
#include "dialogs/time_text.hpp"
#include "tests/support/five_steps_fixture.hpp"

namespace linli::test {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

class Evaluation : public FiveStepsFixture {
 protected:
  // 李阿姨's request #1 (repair), taken by 陈师傅 and done: what asking for the rating sent.
  std::vector<Sent> request_done() {
    open_request("repair", "厨房水管漏水");
    say("chen", "gv", "接单 1");
    return say("chen", "gv", "完成 1");
  }
  // The edits of our messages in `chat`.
  static std::vector<const Sent*> edits_to(const std::vector<Sent>& sent, const std::string& chat) {
    std::vector<const Sent*> out;
    for (const auto& s : sent) {
      if (s.msg.chat == chat && s.msg.kind == OutKind::edit) out.push_back(&s);
    }
    return out;
  }
  // The card of request `id` in the volunteers' group: its platform id.
  std::string card_of(std::int64_t id) {
    return "p" + std::to_string(store_.requests.get(id)->card_outbox_id);
  }
  // A driver called 王芳 of community sc, played by `user`: her person id.
  std::int64_t add_wang_fang(const std::string& user, const std::string& building,
                             const std::string& phone,
                             VolunteerStatus status = VolunteerStatus::approved) {
    Volunteer v;
    v.person_id = person(user);
    v.community_id = "sc";
    v.name = "王芳";
    v.phone = phone;
    v.building = building;
    v.skills = bit(Skill::driving);
    v.status = status;
    store_.volunteers.upsert(v);
    keep_secret(phone);
    return v.person_id;
  }
};

// ---- feedback

TEST_F(Evaluation, ALowRatingIsToldToTheCoordinatorsPrivatelyWithTicketVolunteerAndComment) {
  request_done();
  auto sent = say("li", "li", "2 来得太晚了，水漫了一地");
  EXPECT_EQ(store_.requests.get(1)->rating, 2);
  std::string zhou = to(sent, "zhou");
  EXPECT_THAT(zhou, HasSubstr("差评提醒：#1（维修）李阿姨 打了 ★★☆☆☆（2 分）"));
  EXPECT_THAT(zhou, HasSubstr("志愿者：陈师傅"));
  EXPECT_THAT(zhou, HasSubstr("评价：来得太晚了，水漫了一地"));
  // Privately only: nothing about it in a group.
  EXPECT_THAT(texts_to(sent, "gv"), IsEmpty());
  EXPECT_THAT(texts_to(sent, "g31"), IsEmpty());
}

TEST_F(Evaluation, ALowRatingWithoutCommentSaysThereIsNone) {
  request_done();
  auto sent = say("li", "li", "1");
  EXPECT_THAT(to(sent, "zhou"), HasSubstr("评价：（没有留言）"));
}

TEST_F(Evaluation, AGoodOrMiddlingRatingIsNotFlagged) {
  request_done();
  auto sent = say("li", "li", "3 还行");
  EXPECT_EQ(store_.requests.get(1)->rating, 3);
  EXPECT_THAT(texts_to(sent, "zhou"), IsEmpty());
}

TEST_F(Evaluation, StatsShowTheSatisfactionLine) {
  EXPECT_THAT(to(say("zhou", "zhou", "统计"), "zhou"), HasSubstr("满意度：还没有评价"));
  request_done();
  say("li", "li", "5 谢谢");
  open_request("repair", "灯坏了");  // #2
  say("chen", "gv", "接单 2");
  say("chen", "gv", "完成 2");
  say("li", "li", "2");
  // (5 + 2) / 2 = 3.5, one of them low.
  EXPECT_THAT(to(say("zhou", "zhou", "统计"), "zhou"),
              HasSubstr("满意度：平均 3.5 分（2 条评价，1 条差评）"));
}

TEST_F(Evaluation, AVolunteerSeesTheirOwnRatingsInMine) {
  EXPECT_THAT(to(say("chen", "chen", "我的"), "chen"), Not(HasSubstr("我收到的评价")));
  request_done();
  say("li", "li", "4 很专业");
  std::string mine = to(say("chen", "chen", "我的"), "chen");
  EXPECT_THAT(mine, HasSubstr("我收到的评价：平均 4.0 分（1 条）\n#1 ★★★★☆ 很专业"));
  // Not another volunteer's.
  EXPECT_THAT(to(say("zhao", "zhao", "我的"), "zhao"), Not(HasSubstr("我收到的评价")));
}

TEST_F(Evaluation, ARatingThatLosesTheRaceIsRefusedAndFlagsNothing) {
  request_done();
  // Another instance stores the button's 5 between this one's reading the request unrated and
  // its writing the typed 1: the statement then rates nothing (as two instances would see it).
  // The trigger goes with the test (on PostgreSQL the next test empties the same database).
  struct Drop {
    TestStore* db;
    ~Drop() {
      if (db != nullptr) db->exec("DROP FUNCTION button_first() CASCADE");
    }
  } drop{on_postgres() ? db_.get() : nullptr};
  if (on_postgres()) {
    db_->exec(
        "CREATE FUNCTION button_first() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "UPDATE help_requests SET rating = 5 WHERE id = OLD.id; RETURN NULL; END $$; "
        "CREATE TRIGGER button_first BEFORE UPDATE OF rating ON help_requests FOR EACH ROW "
        "WHEN (OLD.rating IS NULL AND NEW.rating = 1) EXECUTE FUNCTION button_first()");
  } else {
    db_->exec(
        "CREATE TEMP TRIGGER button_first BEFORE UPDATE OF rating ON help_requests "
        "WHEN OLD.rating IS NULL AND NEW.rating = 1 BEGIN "
        "UPDATE help_requests SET rating = 5 WHERE id = OLD.id; SELECT RAISE(IGNORE); END");
  }
  auto sent = say("li", "li", "1 太慢了");
  EXPECT_EQ(store_.requests.get(1)->rating, 5);
  EXPECT_THAT(to(sent, "li"), HasSubstr("#1 已经评价过了"));
  EXPECT_THAT(texts_to(sent, "zhou"), IsEmpty());  // no low-rating alert for what was not kept
  EXPECT_THAT(texts_to(sent, "chen"), IsEmpty());  // nor a rating told to the volunteer
}

// What SQLite ran, in virtual-machine steps, for every statement of the connection since the
// last call: how much a decision read, however fast the machine is.
std::int64_t steps(sqlite3* db) {
  std::int64_t n = 0;
  for (sqlite3_stmt* s = sqlite3_next_stmt(db, nullptr); s != nullptr;
       s = sqlite3_next_stmt(db, s)) {
    n += sqlite3_stmt_status(s, SQLITE_STMTSTATUS_VM_STEP, 1);
  }
  return n;
}

TEST_F(Evaluation, StatsAndMineDoNotReadEveryRatingOfTheCommunity) {
  request_done();
  say("li", "li", "4 很专业");  // 陈师傅's one rating
  auto rated_by_zhao = [&](int n) {
    for (int i = 0; i < n; ++i) {
      HelpRequest r;
      r.community_id = "sc";
      r.resident_id = person("li");
      r.category = "shopping";
      r.details = "买菜";
      r.building = "31";
      r.created_at = now_;
      auto id = store_.requests.create(r);
      store_.requests.claim(id, person("zhao"), now_);
      store_.requests.finish(id, person("zhao"), now_);
      store_.requests.rate(id, person("li"), 1 + i % 5, "评价内容评价内容评价内容");
    }
  };
  // How much one decision read: on SQLite its statements' steps; on PostgreSQL the rows its
  // scans returned (pg_stat_user_tables; the server process adds its counts there when it goes
  // idle, at once after pg_stat_force_next_flush). Statistics as autovacuum would have them by
  // then (ANALYZE), so that the planner chooses as it does for a community that grew.
  auto cost = [&](const std::string& user, const std::string& text) -> std::int64_t {
    if (!on_postgres()) {
      sqlite3* db = sqlite_db().sql().getHandle();
      steps(db);
      say(user, user, text);
      return steps(db);
    }
    auto rows_read = [&] {
      db_->exec("SELECT pg_stat_force_next_flush()");
      return std::stoll(
          db_->value("SELECT COALESCE(SUM(seq_tup_read + COALESCE(idx_tup_fetch, 0)), 0) "
                     "FROM pg_stat_user_tables"));
    };
    db_->exec("ANALYZE");
    const std::int64_t before = rows_read();
    say(user, user, text);
    return rows_read() - before;
  };
  // Limits in steps on SQLite, in rows on PostgreSQL (a row is a dozen steps or more).
  const std::int64_t mine_limit = on_postgres() ? 20 : 100;
  const std::int64_t per_rating_limit = on_postgres() ? 2 : 12;
  rated_by_zhao(10);
  cost("chen", "我的");
  const std::int64_t mine_before = cost("chen", "我的");
  const std::int64_t stats_before = cost("zhou", "统计");
  constexpr int kMore = 500;
  rated_by_zhao(kMore);
  const std::int64_t mine_after = cost("chen", "我的");
  const std::int64_t stats_after = cost("zhou", "统计");
  // /mine reads 陈师傅's own ratings only: 500 more of 赵姐's add nothing it reads (reading
  // them would take thousands of steps).
  EXPECT_LT(mine_after - mine_before, mine_limit) << mine_after - mine_before;
  EXPECT_THAT(to(say("chen", "chen", "我的"), "chen"),
              HasSubstr("我收到的评价：平均 4.0 分（1 条）\n#1 ★★★★☆ 很专业"));
  // /stats sums them in one statement over an index: a few steps a rating, no comment, no
  // shift looked up, no row handed out.
  EXPECT_LT((stats_after - stats_before) / kMore, per_rating_limit) << stats_after - stats_before;
  EXPECT_THAT(to(say("zhou", "zhou", "统计"), "zhou"), HasSubstr("（511 条评价，"));
}

TEST_F(Evaluation, ARatingBelongsToThePostOfAShiftInItsOwnCommunityOnly) {
  // 陈师傅 also serves another community, and was checked in there when he finished #1 here.
  db_->exec("INSERT INTO communities (id, name, lang) VALUES ('elsewhere', 'E', 'zh')");
  Post p;
  p.community_id = "elsewhere";
  p.team = "disinfection";
  p.title = "别处的消杀";
  p.starts_at = now_ - kHour;
  p.ends_at = now_ + kHour;
  p.created_by = person("zhou");
  p.created_at = now_ - kHour;
  const std::int64_t there = store_.posts.create(p);
  Shift s;
  s.person_id = person("chen");
  s.community_id = "elsewhere";
  s.post_id = there;
  s.checkin_at = now_ - kHour;
  ASSERT_TRUE(store_.shifts.check_in(s));
  request_done();
  say("li", "li", "5");
  auto ratings = store_.evaluation.ratings("sc", now_ - kDay, now_ + kDay);
  ASSERT_EQ(ratings.size(), 1u);
  EXPECT_EQ(ratings[0].post_id, 0);
  EXPECT_EQ(ratings[0].team, "");
}

// ---- volunteers who share a name

TEST_F(Evaluation, ANameTwoVolunteersShareNamesNeitherAndTheCoordinatorIsShownHowToSayWhich) {
  const std::int64_t a = add_wang_fang("wf1", "31", "13911112222");
  const std::int64_t b = add_wang_fang("wf2", "35", "13933334444");
  open_request("repair", "厨房水管漏水");
  say("zhou", "zhou", "库存 口罩 +5");
  const std::string both = "有 2 位审核通过的志愿者都叫「王芳」";
  for (const char* text :
       {"更正 王芳 2027-01-14 2 纸质签到表", "派单 #1 王芳", "发放 王芳 口罩 1",
        "培训 防疫知识 王芳", "表彰 王芳 连续三天送药", "时长 王芳", "车辆 添加 王芳 5 渝A99999"}) {
    std::string said = to(say("zhou", "zhou", text), "zhou");
    EXPECT_THAT(said, HasSubstr(both)) << text;
    EXPECT_THAT(said, HasSubstr("编号 " + std::to_string(a) + " · 王芳 · 31栋 · 手机尾号 2222"))
        << text;
    EXPECT_THAT(said, HasSubstr("编号 " + std::to_string(b) + " · 王芳 · 35栋 · 手机尾号 4444"))
        << text;
    EXPECT_THAT(said, HasSubstr("请用编号指明，例如把「王芳」换成「" + std::to_string(a) + "」"))
        << text;
  }
  // Nothing was done to either of them.
  EXPECT_EQ(db_->value("SELECT COUNT(*) FROM hours_corrections"), "0");
  EXPECT_THAT(store_.offers.open_for("request", 1), IsEmpty());
  EXPECT_EQ(store_.equipment.item("sc", "masks")->qty, 5);
  EXPECT_THAT(store_.training.of_person("sc", a), IsEmpty());
  EXPECT_THAT(store_.training.of_person("sc", b), IsEmpty());
  EXPECT_THAT(store_.commendations.in_period("sc", 0, now_ + 1), IsEmpty());
  EXPECT_THAT(store_.vehicles.of_community("sc"), IsEmpty());
  // Asked in a group, the list tells them apart without a digit of their phones.
  std::string in_group = to(say("zhou", "gv", "派单 #1 王芳"), "gv");
  EXPECT_THAT(in_group, HasSubstr("编号 " + std::to_string(b) + " · 王芳 · 35栋"));
  EXPECT_THAT(in_group, Not(HasSubstr("尾号")));
  // By number, each is found.
  say("zhou", "zhou", "派单 #1 " + std::to_string(b));
  ASSERT_EQ(store_.offers.open_for("request", 1).size(), 1u);
  EXPECT_EQ(store_.offers.open_for("request", 1)[0].person_id, b);
  say("zhou", "zhou", "表彰 " + std::to_string(a) + " 连续三天送药");
  ASSERT_EQ(store_.commendations.in_period("sc", 0, now_ + 1).size(), 1u);
  EXPECT_EQ(store_.commendations.in_period("sc", 0, now_ + 1)[0].person_id, a);
  // In English too.
  say("zhou", "zhou", "/lang en");
  EXPECT_THAT(to(say("zhou", "zhou", "/hours 王芳"), "zhou"),
              HasSubstr("2 approved volunteers are called \"王芳\""));
}

// Two people waiting for review under one name: /approve and /reject by that name take
// neither and list both, as a name two approved volunteers share does.
TEST_F(Evaluation, ANameTwoPendingPeopleShareIsReviewedForNeitherAndBothAreListed) {
  const std::int64_t a = add_wang_fang("wf1", "31", "13911112222", VolunteerStatus::pending);
  const std::int64_t b = add_wang_fang("wf2", "35", "13933334444", VolunteerStatus::pending);
  for (const char* text : {"通过 王芳", "拒绝 王芳"}) {
    auto sent = say("zhou", "zhou", text);
    std::string said = to(sent, "zhou");
    EXPECT_THAT(said, HasSubstr("有 2 位待审核的志愿者都叫「王芳」")) << text;
    EXPECT_THAT(said, HasSubstr("编号 " + std::to_string(a) + " · 王芳 · 31栋 · 手机尾号 2222"));
    EXPECT_THAT(said, HasSubstr("编号 " + std::to_string(b) + " · 王芳 · 35栋 · 手机尾号 4444"));
    EXPECT_THAT(said, HasSubstr("请用编号指明，例如把「王芳」换成「" + std::to_string(a) + "」"));
    EXPECT_TRUE(texts_to(sent, "wf1").empty()) << text;
    EXPECT_TRUE(texts_to(sent, "wf2").empty()) << text;
    EXPECT_EQ(store_.volunteers.get(a)->status, VolunteerStatus::pending) << text;
    EXPECT_EQ(store_.volunteers.get(b)->status, VolunteerStatus::pending) << text;
  }
  // In a group: the same list, without a digit of their phones.
  std::string in_group = to(say("zhou", "gv", "/approve 王芳"), "gv");
  EXPECT_THAT(in_group, HasSubstr("编号 " + std::to_string(b) + " · 王芳 · 35栋"));
  EXPECT_THAT(in_group, Not(HasSubstr("尾号")));
  EXPECT_EQ(store_.volunteers.get(a)->status, VolunteerStatus::pending);
  say("zhou", "zhou", "/lang en");
  EXPECT_THAT(to(say("zhou", "zhou", "/reject 王芳"), "zhou"),
              HasSubstr("2 people waiting for review are called \"王芳\""));
  // By number, each is reviewed; the name left to one person then names her.
  say("zhou", "zhou", "/approve " + std::to_string(b));
  EXPECT_EQ(store_.volunteers.get(b)->status, VolunteerStatus::approved);
  EXPECT_EQ(store_.volunteers.get(a)->status, VolunteerStatus::pending);
  say("zhou", "zhou", "/reject 王芳");
  EXPECT_EQ(store_.volunteers.get(a)->status, VolunteerStatus::rejected);
}

// The end of a phone number that tells two namesakes apart is its last four digits, read as
// characters: full-width digits and separators are not cut in half.
TEST_F(Evaluation, APhonesLastFourDigitsAreReadAsCharacters) {
  const std::int64_t a = add_wang_fang("wf1", "31", "139 1111 ２２２２");
  const std::int64_t b = add_wang_fang("wf2", "31", "139-3333-44－44");
  const std::int64_t c = add_wang_fang("wf3", "31", "12３");  // fewer than four digits: no tail
  std::string said = to(say("zhou", "zhou", "时长 王芳"), "zhou");
  EXPECT_THAT(said, HasSubstr("编号 " + std::to_string(a) + " · 王芳 · 31栋 · 手机尾号 2222\n"));
  EXPECT_THAT(said, HasSubstr("编号 " + std::to_string(b) + " · 王芳 · 31栋 · 手机尾号 4444\n"));
  EXPECT_THAT(said, HasSubstr("编号 " + std::to_string(c) + " · 王芳 · 31栋\n"));
}

// ---- cancelling a request

TEST_F(Evaluation, CancellingARequestACoordinatorAssignedTellsThatCoordinator) {
  open_request("repair", "厨房水管漏水");
  say("zhou", "zhou", "派单 #1 陈师傅");
  ASSERT_EQ(store_.offers.open_for("request", 1).size(), 1u);
  auto sent = say("li", "li", "撤销 #1");
  EXPECT_THAT(to(sent, "chen"), HasSubstr("#1 已被求助人撤销，不用再回复了"));
  EXPECT_THAT(to(sent, "zhou"), HasSubstr("李阿姨 撤销了求助 #1，你派给 陈师傅 的单已收回"));
  // An offer made by the automatic rounds has no coordinator to tell.
  open_request("repair", "灯坏了");  // #2
  advance(21 * kMinute);
  ASSERT_FALSE(store_.offers.open_for("request", 2).empty());
  sent = say("li", "li", "撤销 #2");
  EXPECT_THAT(texts_to(sent, "zhou"), IsEmpty());
}

TEST_F(Evaluation, AResidentCancelsTheirOwnOpenRequestAndTheCardStopsTakingClaims) {
  open_request("repair", "厨房水管漏水");
  std::string card = card_of(1);
  auto sent = say("li", "li", "撤销 #1");
  EXPECT_THAT(texts_to(sent, "li"), testing::ElementsAre("求助 #1 已撤销。"));
  EXPECT_EQ(store_.requests.get(1)->status, RequestStatus::cancelled);
  // The card in the volunteers' group is edited: cancelled, and no 接单 button any more.
  EXPECT_EQ(find_to(sent, "gv"), nullptr);  // nothing new is posted there
  auto edits = edits_to(sent, "gv");
  ASSERT_EQ(edits.size(), 1u);
  const Sent* edit = edits[0];
  EXPECT_EQ(edit->msg.edit_of, store_.requests.get(1)->card_outbox_id);
  EXPECT_THAT(edit->msg.text, HasSubstr("#1 维修 · 31栋 — 求助人已撤销，不用接单了"));
  EXPECT_THAT(edit->msg.buttons, IsEmpty());
  // Replying 接单 to the card, or pressing its old button, takes nothing.
  auto late = say("chen", "gv", "接单", card);
  EXPECT_THAT(texts_to(late, "gv"), testing::ElementsAre(HasSubstr("#1 已被求助人撤销")));
  EXPECT_EQ(store_.requests.get(1)->status, RequestStatus::cancelled);
  EXPECT_EQ(store_.requests.get(1)->volunteer_id, 0);
  // Nobody is offered it when its time to be taken in the group is up.
  auto later = advance(2 * kHour);
  EXPECT_THAT(later, IsEmpty());
}

TEST_F(Evaluation, CancelWorksAsSlashCommandAndAs取消WithANumber) {
  open_request("repair", "厨房水管漏水");
  say("li", "li", "/cancel #1");
  EXPECT_EQ(store_.requests.get(1)->status, RequestStatus::cancelled);
  EXPECT_THAT(to(say("li", "li", "取消 1"), "li"), HasSubstr("#1 已经撤销了。"));
  EXPECT_THAT(to(say("li", "li", "撤销 ＃1"), "li"), HasSubstr("#1 已经撤销了。"));
}

TEST_F(Evaluation, SomeoneElsesRequestIsNotCancelled) {
  open_request("repair", "厨房水管漏水");
  auto sent = say("zhao", "g31", "撤销 #1");
  EXPECT_THAT(texts_to(sent, "g31"),
              testing::ElementsAre("#1 不是你的求助，只有提出求助的人可以撤销。"));
  EXPECT_EQ(store_.requests.get(1)->status, RequestStatus::open);
  EXPECT_EQ(find_to(sent, "gv"), nullptr);
  EXPECT_THAT(edits_to(sent, "gv"), IsEmpty());  // the card is untouched
  // Not even a coordinator's: the resident decides.
  say("zhou", "zhou", "/cancel #1");
  EXPECT_EQ(store_.requests.get(1)->status, RequestStatus::open);
}

TEST_F(Evaluation, AClaimedOrDoneRequestIsNotCancelledAndTheResidentIsToldWhy) {
  open_request("repair", "厨房水管漏水");
  say("chen", "gv", "接单 1");
  EXPECT_THAT(to(say("li", "li", "撤销 1"), "li"),
              HasSubstr("#1 已经由 陈师傅 接单，不能撤销了。如有变化，请联系协调员。"));
  EXPECT_EQ(store_.requests.get(1)->status, RequestStatus::claimed);
  say("chen", "gv", "完成 1");
  EXPECT_THAT(to(say("li", "li", "撤销 1"), "li"), HasSubstr("#1 已经完成，不能撤销。"));
  EXPECT_EQ(store_.requests.get(1)->status, RequestStatus::done);
}

TEST_F(Evaluation, AnUnknownNumberIsRefused) {
  EXPECT_THAT(to(say("li", "li", "撤销 #99"), "li"), HasSubstr("找不到求助 #99。"));
}

TEST_F(Evaluation, RefusalsOfCancelSpeakTheResidentsLanguage) {
  open_request("repair", "厨房水管漏水");
  EXPECT_THAT(to(say("emma", "emma", "/cancel #1"), "emma"),
              HasSubstr("#1 is not your request; only the person who asked can cancel it."));
  store_.people.set_lang(person("li"), "en", true);
  EXPECT_THAT(to(say("li", "li", "/cancel #1"), "li"), HasSubstr("Request #1 is cancelled."));
  EXPECT_THAT(to(say("li", "li", "/cancel #1"), "li"), HasSubstr("#1 is already cancelled."));
}

TEST_F(Evaluation, CancelWithoutANumberStillLeavesTheDialog) {
  say("li", "li", "求助");
  ASSERT_TRUE(dialog_of("li"));
  say("li", "li", "撤销");
  EXPECT_FALSE(dialog_of("li"));
  say("li", "li", "求助");
  auto sent = say("li", "li", "/cancel");
  EXPECT_FALSE(dialog_of("li"));
  EXPECT_THAT(to(sent, "li"), HasSubstr("已取消"));
}

// In the middle of a new request's questions, "撤销 #1" cancels request 1 and leaves the new
// dialog where it was.
TEST_F(Evaluation, CancellingARequestByNumberInsideADialogKeepsTheDialog) {
  open_request("repair", "厨房水管漏水");
  say("li", "li", "求助");
  ASSERT_TRUE(dialog_of("li"));
  auto sent = say("li", "li", "撤销 #1");
  EXPECT_THAT(to(sent, "li"), HasSubstr("求助 #1 已撤销"));
  EXPECT_EQ(store_.requests.get(1)->status, RequestStatus::cancelled);
  EXPECT_TRUE(dialog_of("li"));
}

TEST_F(Evaluation, TheOffersOfACancelledRequestEndAndTheirVolunteersAreTold) {
  open_request("repair", "厨房水管漏水");
  // Nobody took it in the group: it is offered privately (config: after 20 minutes).
  advance(21 * kMinute);
  ASSERT_FALSE(store_.offers.open_for("request", 1).empty());
  std::set<std::string> asked;
  for (const auto& o : store_.offers.open_for("request", 1)) {
    asked.insert(store_.people.identity(o.person_id, "pg")->user);
  }
  auto sent = say("li", "li", "撤销 #1");
  EXPECT_THAT(store_.offers.open_for("request", 1), IsEmpty());
  for (const auto& who : asked) {
    EXPECT_THAT(to(sent, who), HasSubstr("#1 已被求助人撤销，不用再回复了")) << who;
  }
  // Their round's timer and their own are gone: nothing more happens about #1.
  EXPECT_THAT(advance(3 * kHour), IsEmpty());
  // Saying yes to the offer now takes nothing.
  say(*asked.begin(), *asked.begin(), "收到");
  EXPECT_EQ(store_.requests.get(1)->status, RequestStatus::cancelled);
}

// ---- /report on a known data set

class Report : public Evaluation {
 protected:
  // 2027-01-<day> hh:mm in the community's zone (China, +8); now_ is 2027-01-15 16:00 there.
  std::int64_t local(int day, int hour, int minute = 0) {
    return local_day_start(now_, 480) + (day - 15) * kDay + hour * kHour + minute * kMinute;
  }
  std::int64_t request(const std::string& category, std::int64_t created) {
    HelpRequest r;
    r.community_id = "sc";
    r.resident_id = person("li");
    r.category = category;
    r.details = "x";
    r.building = "31";
    r.created_at = created;
    return store_.requests.create(r);
  }
  void served(const std::string& user, std::int64_t post, std::int64_t from, std::int64_t to) {
    Shift s;
    s.person_id = person(user);
    s.community_id = "sc";
    s.post_id = post;
    s.checkin_at = from;
    auto id = store_.shifts.check_in(s);
    ASSERT_TRUE(id);
    store_.shifts.check_out(*id, to);
  }
  std::int64_t post(const std::string& team, const std::string& title) {
    Post p;
    p.community_id = "sc";
    p.team = team;
    p.title = title;
    p.starts_at = local(10, 8);
    p.ends_at = local(14, 20);
    p.created_by = person("zhou");
    p.created_at = local(9, 8);
    return store_.posts.create(p);
  }

  // The data set, 2027-01-10 to 2027-01-15 (times local):
  //  #1 repair, 9 Jan (before the period): done and rated 1 — counts nowhere.
  //  #2 repair, 10 Jan 09:00, 陈师傅 claims 09:10 (10 min), done 10:00 (60 min), rated 5 很及时,
  //     while he is on post 1 (care, 09:00–11:00).
  //  #3 repair, 10 Jan 13:00, 陈师傅 claims 13:20 (20 min), done 15:00 (120 min), rated 2 来晚了,
  //     while he is checked in for no post (14:30–15:30).
  //  #4 shopping, 11 Jan 09:00, 赵姐 claims 09:30 (30 min), done 10:30 (90 min), rated 4, while
  //     she is on post 2 (delivery, 09:00–12:00).
  //  #5 shopping, 11 Jan 10:00, 赵姐 claims 10:40 (40 min), not done.
  //  #6 medical, 12 Jan 09:00, nobody found: unmet.  #7 medical, 12 Jan 10:00, cancelled.
  //  刘医生 on post 1, 13 Jan 09:00–09:30. 赵姐 checked in for no post 9 Jan 23:00 – 10 Jan
  //  01:00: one hour of it in the period. 陈师傅 on post 1 on 9 Jan 08:00–12:00: not in it.
  void known_data() {
    std::int64_t care = post("care", "照看王奶奶");
    std::int64_t delivery = post("delivery", "物资配送站");
    std::int64_t li = person("li");
    std::int64_t chen = person("chen");
    std::int64_t zhao = person("zhao");
    auto id = request("repair", local(9, 10));
    store_.requests.claim(id, chen, local(9, 10, 5));
    store_.requests.finish(id, chen, local(9, 11));
    store_.requests.rate(id, li, 1, "不算");
    served("chen", care, local(9, 8), local(9, 12));
    served("zhao", 0, local(9, 23), local(10, 1));

    id = request("repair", local(10, 9));
    store_.requests.claim(id, chen, local(10, 9, 10));
    store_.requests.finish(id, chen, local(10, 10));
    store_.requests.rate(id, li, 5, "很及时");
    served("chen", care, local(10, 9), local(10, 11));
    id = request("repair", local(10, 13));
    store_.requests.claim(id, chen, local(10, 13, 20));
    store_.requests.finish(id, chen, local(10, 15));
    store_.requests.rate(id, li, 2, "来晚了");
    served("chen", 0, local(10, 14, 30), local(10, 15, 30));

    id = request("shopping", local(11, 9));
    store_.requests.claim(id, zhao, local(11, 9, 30));
    store_.requests.finish(id, zhao, local(11, 10, 30));
    store_.requests.rate(id, li, 4, "");
    served("zhao", delivery, local(11, 9), local(11, 12));
    id = request("shopping", local(11, 10));
    store_.requests.claim(id, zhao, local(11, 10, 40));

    id = request("medical", local(12, 9));
    store_.requests.mark_unmet(id);
    id = request("medical", local(12, 10));
    store_.requests.cancel(id, li);
    served("liu", care, local(13, 9), local(13, 9, 30));
  }
};

TEST_F(Report, FiguresOnAKnownDataSetAreExact) {
  known_data();
  say("zhou", "zhou", "表彰 陈师傅 连续三天为独居老人送药");
  auto sent = say("zhou", "zhou", "报告 2027-01-10 2027-01-15");
  auto texts = texts_to(sent, "zhou");
  ASSERT_EQ(texts.size(), 1u);
  // Requests made in the period: #2–#7, each in one bucket: claimed #2–#5; unmet #6 (still
  // open, but escalated); cancelled #7; waiting none.
  // Times to claim, ascending: 10, 20, 30, 40 min. Median (h = 3·0.5 = 1.5): 20 + 0.5·10 = 25.
  // 90th percentile (h = 3·0.9 = 2.7): 30 + 0.7·10 = 37.
  // Times to finish: 60, 90, 120 min. Median: 90 = 1 h 30. p90 (h = 1.8): 90 + 0.8·30 = 114
  // = 1 h 54.
  // Ratings of requests finished in the period: 5, 2, 4 → 11 / 3 = 3.67 → 3.7, one low.
  // Hours: delivery 3 (赵姐); care 2 (陈师傅) + 0.5 (刘医生); no team 1 (陈师傅) + 1 (赵姐, the
  // part of her night shift inside the period). Most: 赵姐 4, 陈师傅 3, 刘医生 0.5.
  EXPECT_EQ(texts[0],
            "山城花园社区 报告：2027-01-10 至 2027-01-15\n"
            "求助：6 件 = 已认领 4 + 未满足 1 + 已撤销 1 + 等待中 "
            "0（每件只算一类；未满足：找不到人、此后也没人接的，求助人后来撤销的也算）\n"
            "  医护：2（认领 0，未满足 1）\n"
            "  维修：2（认领 2，未满足 0）\n"
            "  代购配送：2（认领 2，未满足 0）\n"
            "认领用时：中位数 25 分钟，90% 分位 37 分钟（4 件）\n"
            "完成用时（从求助到完成）：中位数 1 小时 30 分钟，90% 分位 1 小时 54 分钟（3 件）\n"
            "满意度：平均 3.7 分（3 条评价，1 条差评）\n"
            "评价（期间完成的求助）：\n"
            "  队伍 未分队伍：2.0 分（1 条）\n"
            "  队伍 关爱特殊群体：5.0 分（1 条）\n"
            "  队伍 物资配送：4.0 分（1 条）\n"
            "  岗位 不在岗位上：2.0 分（1 条）\n"
            "  岗位 1 照看王奶奶：5.0 分（1 条）\n"
            "  岗位 2 物资配送站：4.0 分（1 条）\n"
            "  陈师傅：3.5 分（2 条）\n"
            "    #2 ★★★★★ 很及时\n"
            "    #3 ★★☆☆☆ 来晚了\n"
            "  赵姐：4.0 分（1 条）\n"
            "    #4 ★★★★☆ （没有留言）\n"
            "服务时长（按队伍）：\n"
            "  物资配送：3.0 小时\n"
            "  关爱特殊群体：2.5 小时\n"
            "  未分队伍：2.0 小时\n"
            "服务时长最多：\n"
            "  1. 赵姐：4.0 小时\n"
            "  2. 陈师傅：3.0 小时\n"
            "  3. 刘医生：0.5 小时\n"
            "表彰：\n"
            "  1月15日 16:00 陈师傅：连续三天为独居老人送药（zhou）\n"
            "车队出行：0 次");
}

TEST_F(Report, DefaultsToTheLastSevenDaysAndLeavesOutWhatIsOlder) {
  known_data();
  now_ = local(17, 12);  // 11–17 Jan: #4–#7 only
  std::string text = to(say("zhou", "zhou", "/report"), "zhou");
  EXPECT_THAT(text, HasSubstr("报告：2027-01-11 至 2027-01-17"));
  EXPECT_THAT(text, HasSubstr("求助：4 件 = 已认领 2 + 未满足 1 + 已撤销 1 + 等待中 0（"));
  EXPECT_THAT(text, HasSubstr("满意度：平均 4.0 分（1 条评价，0 条差评）"));
  EXPECT_THAT(text, Not(HasSubstr("陈师傅")));
}

TEST_F(Report, ThePeriodHoldsItsFirstMidnightAndNothingFromItsEndOn) {
  const std::int64_t chen = person("chen");
  request("repair", local(10, 0) - 1);           // #1: a moment before the first day: out
  request("repair", local(10, 0));               // #2: at its first midnight: in, waiting
  auto late = request("repair", local(15, 23));  // #3: in; done just after the period
  store_.requests.claim(late, chen, local(15, 23, 30));
  store_.requests.finish(late, chen, local(16, 0) + 1);
  store_.requests.rate(late, person("li"), 1, "太慢");
  request("medical", local(16, 0));  // #4: at the midnight that ends the period: out
  now_ = local(17, 12);
  std::string text = to(say("zhou", "zhou", "报告 2027-01-10 2027-01-15"), "zhou");
  EXPECT_THAT(text, HasSubstr("求助：2 件 = 已认领 1 + 未满足 0 + 已撤销 0 + 等待中 1（"));
  EXPECT_THAT(text, HasSubstr("  维修：2（认领 1，未满足 0）"));
  EXPECT_THAT(text, Not(HasSubstr("医护")));
  // The rating of a request finished after the period belongs to the next one.
  EXPECT_THAT(text, HasSubstr("满意度：还没有评价"));
  EXPECT_THAT(text, Not(HasSubstr("太慢")));
  text = to(say("zhou", "zhou", "报告 2027-01-16 2027-01-16"), "zhou");
  EXPECT_THAT(text, HasSubstr("求助：1 件"));
  EXPECT_THAT(text, HasSubstr("满意度：平均 1.0 分（1 条评价，1 条差评）"));
}

TEST_F(Report, AskedInAGroupItIsSentPrivately) {
  known_data();
  auto sent = say("zhou", "g31", "报告");
  EXPECT_THAT(texts_to(sent, "g31"), testing::ElementsAre("zhou，我私信发给你了。"));
  EXPECT_THAT(to(sent, "zhou"), HasSubstr("山城花园社区 报告"));
}

TEST_F(Report, ALongReportIsSplitAtThePlatformsTextLimit) {
  known_data();
  std::string whole = texts_to(say("zhou", "zhou", "报告 2027-01-10 2027-01-15"), "zhou").at(0);
  config_.adapters[0].capabilities.max_text = 120;
  auto pieces = texts_to(say("zhou", "zhou", "报告 2027-01-10 2027-01-15"), "zhou");
  ASSERT_GT(pieces.size(), 3u);
  std::string joined;
  for (const auto& p : pieces) {
    EXPECT_LE(utf8_length(p), 120u) << p;
    joined += (joined.empty() ? "" : "\n") + p;
  }
  EXPECT_EQ(joined, whole);  // cut between lines, nothing lost
}

TEST_F(Report, BadDatesGetTheUsage) {
  for (const char* bad :
       {"报告 2027-01-15 2027-01-10", "报告 2027-02-30 2027-03-01", "报告 上周"}) {
    EXPECT_THAT(to(say("zhou", "zhou", bad), "zhou"),
                HasSubstr("用法：报告 [开始日期 结束日期]，日期写成 2027-01-09，最长 366 天"))
        << bad;
  }
}

TEST_F(Report, IsRefusedToNonCoordinatorsInTheirLanguage) {
  known_data();
  EXPECT_THAT(to(say("chen", "chen", "报告"), "chen"),
              HasSubstr("抱歉，只有本社区的协调员可以这样做。"));
  EXPECT_THAT(to(say("emma", "emma", "/report"), "emma"),
              HasSubstr("Sorry, only a coordinator of this community can do that."));
  auto in_group = say("li", "g31", "/report 2027-01-10 2027-01-15");
  EXPECT_THAT(texts_to(in_group, "g31"),
              testing::ElementsAre("抱歉，只有本社区的协调员可以这样做。"));
  EXPECT_THAT(texts_to(in_group, "li"), IsEmpty());
}

// ---- /commend

// Two communities: 山城花园 (groups g31, g32 and gv) and 南岸 (groups n1 and nv), each with its
// own coordinator.
Config two_communities() {
  return parse_config(R"({
    "database": ":memory:",
    "adapters": [{"type": "playground", "name": "pg", "people": [{"id": "li", "name": "李阿姨"}]}],
    "communities": [{
      "id": "sc", "name": "山城花园社区", "coordinators": ["pg:zhou"],
      "groups": [
        {"chat": "pg:g31", "kind": "residents", "building": "31", "title": "31栋居民群"},
        {"chat": "pg:g32", "kind": "residents", "building": "32", "title": "32栋居民群"},
        {"chat": "pg:gv", "kind": "volunteers", "title": "志愿者群"}
      ],
      "volunteers": [
        {"person": "pg:chen", "name": "陈师傅", "phone": "13800000001", "building": "31", "skills": ["repair"]},
        {"person": "pg:zhao", "name": "赵姐", "phone": "13800000003", "building": "31", "skills": ["shopping"]}
      ]
    }, {
      "id": "na", "name": "南岸社区", "coordinators": ["pg:qian"],
      "groups": [
        {"chat": "pg:n1", "kind": "residents", "building": "1", "title": "1栋居民群"},
        {"chat": "pg:nv", "kind": "volunteers", "title": "南岸志愿者群"}
      ]
    }]
  })",
                      [](const char*) -> const char* { return nullptr; });
}

class Commend : public EngineFixture {
 protected:
  Commend() : EngineFixture(two_communities()) {}
  static std::string to(const std::vector<Sent>& sent, const std::string& user) {
    std::string all;
    for (const auto& t : texts_to(sent, user)) all += t + "\n";
    return all;
  }
};

TEST_F(Commend, IsAnnouncedInEveryGroupOfTheCommunityAndNoneOfAnotherAndRecorded) {
  auto sent = say("zhou", "zhou", "表彰 陈师傅 连续三天为独居老人送药");
  for (const char* group : {"g31", "g32", "gv"}) {
    EXPECT_THAT(
        texts_to(sent, group),
        testing::ElementsAre(
            "🏅 表彰 志愿者 陈师傅\n连续三天为独居老人送药\n—— zhou"))
        << group;
  }
  EXPECT_THAT(texts_to(sent, "n1"), IsEmpty());
  EXPECT_THAT(texts_to(sent, "nv"), IsEmpty());
  for (const auto& s : sent) EXPECT_TRUE(s.msg.private_chat || s.msg.chat[0] == 'g') << s.msg.chat;
  EXPECT_THAT(texts_to(sent, "chen"),
              testing::ElementsAre("你受到了表彰：连续三天为独居老人送药（zhou）谢谢你的付出！"));
  EXPECT_THAT(texts_to(sent, "zhou"),
              testing::ElementsAre("已在 3 个群宣布对志愿者 陈师傅的表彰，并记入报告。"));
  auto kept = store_.commendations.in_period("sc", now_, now_ + 1);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].person_id, person("chen"));
  EXPECT_EQ(kept[0].by, person("zhou"));
  EXPECT_EQ(kept[0].at, now_);
  EXPECT_EQ(kept[0].text, "连续三天为独居老人送药");
  EXPECT_THAT(store_.commendations.in_period("na", 0, now_ + 1), IsEmpty());
}

TEST_F(Commend, ATeamIsCommendedByItsNameInEitherLanguage) {
  auto sent = say("zhou", "zhou", "/commend 物资配送 十天送了三百单");
  EXPECT_THAT(
      texts_to(sent, "g32"),
      testing::ElementsAre("🏅 表彰 物资配送 队伍\n十天送了三百单\n—— zhou"));
  auto kept = store_.commendations.in_period("sc", now_, now_ + 1);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].team, "delivery");
  EXPECT_EQ(kept[0].person_id, 0);
  store_.people.set_lang(person("zhou"), "en", true);
  auto en = say("zhou", "zhou", "/commend supply delivery: 300 runs in ten days");
  EXPECT_THAT(texts_to(en, "zhou"),
              testing::ElementsAre("The commendation of the supply delivery team was announced "
                                   "in 3 group(s) and recorded for the report."));
  EXPECT_EQ(store_.commendations.in_period("sc", now_, now_ + 1).at(1).text,
            "300 runs in ten days");
}

TEST_F(Commend, AnotherCommunitysCoordinatorCannotCommendOurVolunteer) {
  auto sent = say("qian", "qian", "表彰 陈师傅 好");
  EXPECT_THAT(texts_to(sent, "qian"),
              testing::ElementsAre(HasSubstr("找不到志愿者或队伍「陈师傅」")));
  EXPECT_EQ(find_to(sent, "g31"), nullptr);
  EXPECT_THAT(store_.commendations.in_period("na", 0, now_ + 1), IsEmpty());
}

TEST_F(Commend, IsRefusedToNonCoordinatorsInTheirLanguageAndNothingIsAnnounced) {
  // Typed as a word in a group, it is neighbours talking: no refusal there (issue 11).
  EXPECT_THAT(say("chen", "g31", "表彰 赵姐 天天送菜"), IsEmpty());
  auto zh = say("chen", "chen", "表彰 赵姐 天天送菜");
  EXPECT_THAT(texts_to(zh, "chen"), testing::ElementsAre("抱歉，只有本社区的协调员可以这样做。"));
  auto en = say("emma", "emma", "/commend 赵姐 great");
  EXPECT_THAT(texts_to(en, "emma"),
              testing::ElementsAre("Sorry, only a coordinator of this community can do that."));
  EXPECT_EQ(find_to(en, "g31"), nullptr);
  EXPECT_THAT(store_.commendations.in_period("sc", 0, now_ + 1), IsEmpty());
}

TEST_F(Commend, WithoutTextOrTargetItExplainsAndAnnouncesNothing) {
  for (const char* bad : {"表彰", "表彰 陈师傅", "/commend"}) {
    auto sent = say("zhou", "zhou", bad);
    EXPECT_THAT(to(sent, "zhou"), HasSubstr("用法：表彰 志愿者或队伍 表彰内容")) << bad;
  }
  EXPECT_THAT(texts_to(say("zhou", "zhou", "表彰 老王 好"), "zhou"),
              testing::ElementsAre(HasSubstr("找不到志愿者或队伍「老王」")));
  std::string long_text;
  for (int i = 0; i < 301; ++i) long_text += "好";
  EXPECT_THAT(texts_to(say("zhou", "zhou", "表彰 陈师傅 " + long_text), "zhou"),
              testing::ElementsAre("表彰内容最多 300 个字（现在 301 个字）。"));
  EXPECT_THAT(store_.commendations.in_period("sc", 0, now_ + 1), IsEmpty());
}

TEST_F(Commend, APhoneNumberInTheTextIsNotPostedInAGroup) {
  auto sent = say("zhou", "zhou", "表彰 陈师傅 有事找他 13912345678");
  EXPECT_THAT(texts_to(sent, "g31").at(0), Not(HasSubstr("13912345678")));
}

}  // namespace
}  // namespace linli::test
