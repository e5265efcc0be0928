// Steps 1, 2 and 4 of the five-step method at the level of decisions, with time moved by hand:
// posts and recruitment calls, wait-lists, offers confirmed by reply, re-offers and
// escalation, shift reminders and replacement, check-in and check-out, statistics.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dialogs/assignments.hpp"
#include "dialogs/recruitment.hpp"
#include "tests/support/five_steps_fixture.hpp"

namespace linli::test {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

class FiveSteps : public FiveStepsFixture {};

// ---- step 2: recruit nearby

TEST_F(FiveSteps, CallGoesToTheGroupsNearestFirstWithOneCardEach) {
  make_post(10);
  auto sent = say("zhou", "zhou", "招募 1");
  std::vector<std::string> order;
  for (const auto& s : sent) {
    if (s.msg.route == "c:1") order.push_back(s.msg.chat);
  }
  EXPECT_EQ(order, (std::vector<std::string>{"g31", "gv"}));
  EXPECT_THAT(texts_to(sent, "g31").at(0), HasSubstr("【招募】岗位 1：照看王奶奶"));
  EXPECT_THAT(texts_to(sent, "g31").at(0), HasSubstr("已报名 0/10 · 候补 0"));
  EXPECT_THAT(texts_to(sent, "zhou").back(), HasSubstr("招募已发到 2 个群"));
  EXPECT_EQ(store_.posts.cards(1).size(), 2u);
}

TEST_F(FiveSteps, OnlyCoordinatorsRecruit) {
  make_post(10);
  EXPECT_THAT(say("chen", "gv", "/recruit 1").at(0).msg.text, HasSubstr("只有本社区的协调员"));
  EXPECT_THAT(say("chen", "chen", "招募 1").at(0).msg.text, HasSubstr("只有本社区的协调员"));
  EXPECT_TRUE(say("chen", "gv", "招募 1").empty());  // in a group, the keyword is talk
  EXPECT_FALSE(store_.posts.open_call(1));
}

TEST_F(FiveSteps, FirstRepliesTakeThePlacesTheRestWaitAndEveryoneIsToldPrivately) {
  make_post(2);
  auto cards = recruit();
  auto a = say("chen", "gv", "报名", cards["gv"]);
  auto b = say("zhao", "g31", "+1", cards["g31"]);
  auto c = say("liu", "gv", "1", cards["gv"]);
  EXPECT_EQ(status(1, "chen"), RosterStatus::taken);
  EXPECT_EQ(status(1, "zhao"), RosterStatus::taken);
  EXPECT_EQ(status(1, "liu"), RosterStatus::waiting);
  EXPECT_THAT(to(a, "chen"), HasSubstr("第 1 个名额"));
  EXPECT_THAT(to(b, "zhao"), HasSubstr("第 2 个名额"));
  EXPECT_THAT(to(c, "liu"), HasSubstr("候补第 1 位"));
  EXPECT_TRUE(texts_to(c, "gv").empty());  // nothing in the group: the card is edited instead
}

TEST_F(FiveSteps, FifteenRepliesForTenPlacesGiveExactlyTenPlaces) {
  make_post(10);
  for (int i = 0; i < 15; ++i) add_volunteer("v" + std::to_string(i), "31");
  auto cards = recruit();
  for (int i = 0; i < 15; ++i) say("v" + std::to_string(i), "g31", "报名", cards["g31"]);
  auto n = store_.roster.counts(1);
  EXPECT_EQ(n.taken, 10);
  EXPECT_EQ(n.waiting, 5);
  for (int i = 0; i < 15; ++i) {
    EXPECT_EQ(status(1, "v" + std::to_string(i)),
              i < 10 ? RosterStatus::taken : RosterStatus::waiting);
  }
}

// Typed with the post's number, as the card's button is labelled, where a platform cannot say
// what a message replies to (DingTalk).
TEST_F(FiveSteps, TypedEnlistWithThePostNumberJoinsItsOpenCall) {
  make_post(1);
  for (int i = 0; i < 2; ++i) add_volunteer("v" + std::to_string(i), "31");
  auto cards = recruit();
  auto first = say("v0", "g31", "报名 1");
  EXPECT_EQ(status(1, "v0"), RosterStatus::taken);
  EXPECT_THAT(to(first, "v0"), HasSubstr("第 1 个名额"));
  say("v1", "g31", "join #1");
  EXPECT_EQ(status(1, "v1"), RosterStatus::waiting);
  auto none = say("v1", "g31", "报名 7");
  EXPECT_THAT(texts_to(none, "g31").at(0), HasSubstr("找不到岗位「7」"));
}

TEST_F(FiveSteps, AskingTwiceKeepsOnePlace) {
  make_post(2);
  auto cards = recruit();
  say("chen", "gv", "报名", cards["gv"]);
  auto again = say("chen", "gv", "+1", cards["gv"]);
  EXPECT_THAT(to(again, "chen"), HasSubstr("已经在岗位 1 的名单上"));
  EXPECT_EQ(store_.roster.counts(1).taken, 1);
}

TEST_F(FiveSteps, WithdrawalGivesThePlaceToTheFirstWhoWaits) {
  make_post(1);
  auto cards = recruit();
  say("chen", "gv", "报名", cards["gv"]);
  say("zhao", "gv", "报名", cards["gv"]);
  say("liu", "gv", "报名", cards["gv"]);
  auto sent = say("chen", "gv", "退出", cards["gv"]);
  EXPECT_EQ(status(1, "chen"), RosterStatus::gone);
  EXPECT_EQ(status(1, "zhao"), RosterStatus::taken);
  EXPECT_EQ(status(1, "liu"), RosterStatus::waiting);
  EXPECT_THAT(to(sent, "zhao"), HasSubstr("空出一个名额，现在是你的了"));
  EXPECT_THAT(texts_to(sent, "gv").at(0), HasSubstr("已退出岗位 1"));
}

TEST_F(FiveSteps, QuitCommandLeavesTheOnlyPost) {
  make_post(1);
  auto cards = recruit();
  say("chen", "gv", "报名", cards["gv"]);
  say("chen", "chen", "/quit");
  EXPECT_EQ(status(1, "chen"), RosterStatus::gone);
}

TEST_F(FiveSteps, ResidentWhoRepliesIsLedIntoSignUpWithThePlaceHeld) {
  make_post(1);
  auto cards = recruit();
  auto sent = say("zhang", "g31", "报名", cards["g31"]);
  EXPECT_EQ(status(1, "zhang"), RosterStatus::held);
  EXPECT_THAT(to(sent, "zhang"), HasSubstr("先给你留一个名额"));
  EXPECT_EQ(dialog_of("zhang")->kind, "signup");
  // The held place counts: the next approved volunteer waits.
  say("chen", "gv", "报名", cards["gv"]);
  EXPECT_EQ(status(1, "chen"), RosterStatus::waiting);
  // The coordinator approves: the place is theirs.
  put_dialog("zhang", "signup", "confirm", "zhang",
             {{"name", "张建国"},
              {"phone", "13700000000"},
              {"building", "31"},
              {"skills", "1"},
              {"availability", "晚上"}});
  auto submitted = say("zhang", "zhang", "是");
  auto approved = say("zhou", "zhou", "通过", find_to(submitted, "zhou")->platform_id);
  EXPECT_EQ(status(1, "zhang"), RosterStatus::taken);
  EXPECT_THAT(to(approved, "zhang"), HasSubstr("名额已经确定"));
}

TEST_F(FiveSteps, RejectedSignUpFreesTheHeldPlaceForTheWaitList) {
  make_post(1);
  auto cards = recruit();
  say("zhang", "g31", "报名", cards["g31"]);
  say("chen", "gv", "报名", cards["gv"]);
  Volunteer v;
  v.person_id = person("zhang");
  v.community_id = "sc";
  v.name = "张建国";
  v.status = VolunteerStatus::pending;
  store_.volunteers.upsert(v);
  auto sent = say("zhou", "zhou", "拒绝 " + std::to_string(person("zhang")));
  EXPECT_EQ(status(1, "zhang"), RosterStatus::gone);
  EXPECT_EQ(status(1, "chen"), RosterStatus::taken);
  EXPECT_THAT(to(sent, "chen"), HasSubstr("现在是你的了"));
}

TEST_F(FiveSteps, CardsAreEditedOnceAfterABurstOfReplies) {
  make_post(10);
  auto cards = recruit();
  for (const char* u : {"chen", "zhao", "liu"}) say(u, "gv", "报名", cards["gv"]);
  auto edits = advance(config_.recruitment.card_refresh_s * 1000);
  int n = 0;
  for (const auto& s : edits) {
    if (s.msg.kind == OutKind::edit) {
      ++n;
      EXPECT_THAT(s.msg.text, HasSubstr("已报名 3/10 · 候补 0"));
    }
  }
  EXPECT_EQ(n, 2);  // one per group's card
}

TEST_F(FiveSteps, CallClosesAtItsDeadline) {
  make_post(10, "31", 3);  // starts in 3 hours: the call closes then
  auto cards = recruit();
  auto closed = advance(3 * kHour);
  bool edited = false;
  for (const auto& s : closed)
    edited |= s.msg.kind == OutKind::edit && s.msg.text.find("【招募已截止】") == 0;
  EXPECT_TRUE(edited);
  auto late = say("chen", "gv", "报名", cards["gv"]);
  EXPECT_THAT(to(late, "chen"), HasSubstr("招募已经截止"));
  EXPECT_EQ(store_.roster.counts(1).taken, 0);
}

TEST_F(FiveSteps, JoinButtonWorksLikeAReply) {
  make_post(2);
  auto cards = recruit();
  press("chen", "gv", cards["gv"], "c:1:join");
  EXPECT_EQ(status(1, "chen"), RosterStatus::taken);
}

// ---- step 4: implement in order

TEST_F(FiveSteps, AssignedRequestIsConfirmedByReply) {
  open_request("repair", "漏水");
  auto offered = say("zhou", "zhou", "派单 #1 赵姐");
  const Sent* offer = find_to(offered, "zhao");
  ASSERT_NE(offer, nullptr);
  EXPECT_THAT(offer->msg.text, HasSubstr("zhou 想请你接 #1"));
  EXPECT_THAT(texts_to(offered, "zhou").back(), HasSubstr("已派给 赵姐"));
  auto accepted = say("zhao", "zhao", "收到", offer->platform_id);
  EXPECT_EQ(store_.requests.get(1)->volunteer_id, person("zhao"));
  EXPECT_THAT(to(accepted, "zhao"), HasSubstr("地址：31栋2单元501"));
  EXPECT_THAT(to(accepted, "zhou"), HasSubstr("赵姐 接下了 #1"));
}

TEST_F(FiveSteps, DeclinedOfferGoesToTheNextRankedCandidate) {
  open_request("repair", "漏水");
  auto offered = say("zhou", "zhou", "派单 #1 赵姐");
  auto next = say("zhao", "zhao", "不行", find_to(offered, "zhao")->platform_id);
  EXPECT_THAT(to(next, "zhao"), HasSubstr("我转给其他人"));
  // 陈师傅: same building and the repair skill.
  ASSERT_NE(find_to(next, "chen"), nullptr);
  EXPECT_THAT(find_to(next, "chen")->msg.text, HasSubstr("#1"));
}

TEST_F(FiveSteps, UnansweredOffersMoveOnThenEscalate) {
  // Not a medical request: those are sensitive, offered only to the medically skilled.
  open_request("shopping", "买药");
  store_.timers.disarm(
      Timer{TimerKind::unclaimed, 1});  // only the coordinator's offers in this test
  say("zhou", "zhou", "派单 #1 赵姐");
  std::vector<std::string> asked = {"zhao"};
  std::vector<Sent> last;
  for (int round = 2; round <= config_.assignments.max_offers + 1; ++round) {
    last = advance(config_.assignments.offer_timeout_min * kMinute);
    for (const char* u : {"chen", "liu"}) {
      if (find_to(last, u)) asked.push_back(u);
    }
  }
  EXPECT_EQ(asked.size(), 3u);  // three rounds, three different people
  EXPECT_THAT(to(last, "zhou"), HasSubstr("问了 3 轮都没人接"));
  EXPECT_EQ(store_.requests.count_by_category("sc", true).at("shopping"), 1);
}

TEST_F(FiveSteps, RequestNobodyTakesIsOfferedPrivatelyInABatch) {
  open_request("shopping", "买菜");
  EXPECT_TRUE(advance(config_.assignments.unclaimed_after_min * kMinute - 1).empty());
  auto batch = advance(1);
  std::vector<std::string> offered;
  for (const auto& s : batch) {
    if (s.msg.route.rfind("o:", 0) == 0) offered.push_back(s.msg.chat);
  }
  // Same building first; among them the one with the skill.
  EXPECT_EQ(offered, (std::vector<std::string>{"zhao", "chen", "liu"}));
  auto taken = say("chen", "chen", "收到", find_to(batch, "chen")->platform_id);
  EXPECT_EQ(store_.requests.get(1)->volunteer_id, person("chen"));
  // The others' offers are withdrawn: a late yes changes nothing.
  auto late = say("zhao", "zhao", "收到", find_to(batch, "zhao")->platform_id);
  EXPECT_THAT(to(late, "zhao"), HasSubstr("已经有人接了"));
  EXPECT_EQ(store_.requests.get(1)->volunteer_id, person("chen"));
}

TEST_F(FiveSteps, RankingFollowsTheOrderOfTheMethod) {
  add_volunteer("near_unskilled", "31");
  add_volunteer("near_skilled_busy", "31", bit(Skill::medical));
  add_volunteer("near_skilled_tired", "31", bit(Skill::medical));
  add_volunteer("near_skilled_fresh", "31", bit(Skill::medical));
  add_volunteer("far_skilled", "40", bit(Skill::medical));
  store_.shifts.check_in({0, person("near_skilled_busy"), "sc", 0, now_ - kHour, 0});  // on duty
  std::int64_t tired =
      *store_.shifts.check_in({0, person("near_skilled_tired"), "sc", 0, now_ - 48 * kHour, 0});
  store_.shifts.check_out(tired, now_ - 44 * kHour);
  InboundEvent ev = event("zhou", "zhou");
  Outcome out;
  Turn turn(config_, store_, *dir_, Origin::of(ev), *store_.people.get(person("zhou")), now_, out);
  auto ranked = assignments::rank(turn, "sc", bit(Skill::medical), "31", {}, 5);
  std::vector<std::string> names;
  for (const auto& c : ranked) names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string>{"near_skilled_fresh", "near_skilled_tired",
                                             "near_skilled_busy", "陈师傅", "赵姐"}));
}

TEST_F(FiveSteps, NobodyAtTheDailyCapIsAsked) {
  add_volunteer("worked_out", "31", bit(Skill::medical));
  std::int64_t s = *store_.shifts.check_in({0, person("worked_out"), "sc", 0, now_ - 9 * kHour, 0});
  store_.shifts.check_out(s, now_ - kMinute);
  InboundEvent ev = event("zhou", "zhou");
  Outcome out;
  Turn turn(config_, store_, *dir_, Origin::of(ev), *store_.people.get(person("zhou")), now_, out);
  for (const auto& c : assignments::rank(turn, "sc", bit(Skill::medical), "31", {}, 10)) {
    EXPECT_NE(c.name, "worked_out");
  }
}

// The volunteers' port over the real one, counting what ranking reads of it.
class CountingVolunteers final : public Volunteers {
 public:
  explicit CountingVolunteers(Volunteers& real) : real_(real) {}

  std::optional<Volunteer> get(std::int64_t person_id) override { return real_.get(person_id); }
  void upsert(const Volunteer& v) override { real_.upsert(v); }
  bool set_status(std::int64_t person_id, const std::string& community_id, VolunteerStatus status,
                  std::int64_t reviewer, std::int64_t now) override {
    return real_.set_status(person_id, community_id, status, reviewer, now);
  }
  std::vector<Volunteer> pending(const std::string& community_id) override {
    return real_.pending(community_id);
  }
  std::vector<Volunteer> approved(const std::string& community_id) override {
    ++whole_pool_reads;
    return real_.approved(community_id);
  }
  std::vector<PoolMember> nearest(const std::string& community_id, std::uint32_t skills,
                                  const std::string& building, int limit) override {
    auto found = real_.nearest(community_id, skills, building, limit);
    rows_read += found.size();
    return found;
  }
  int count(const std::string& community_id, VolunteerStatus status) override {
    return real_.count(community_id, status);
  }
  std::vector<Volunteer> named(const std::string& community_id, const std::string& name,
                               int limit) override {
    auto found = real_.named(community_id, name, limit);
    rows_read += found.size();
    return found;
  }
  int active(const std::string& community_id, std::int64_t now) override {
    return real_.active(community_id, now);
  }
  bool has_place(std::int64_t person_id, const std::string& community_id,
                 std::int64_t now) override {
    return real_.has_place(person_id, community_id, now);
  }

  int whole_pool_reads = 0;
  std::size_t rows_read = 0;

 private:
  Volunteers& real_;
};

// A community far larger than any look-ahead, with the engine reading volunteers through
// CountingVolunteers.
class LargePool : public FiveStepsFixture {
 protected:
  LargePool()
      : counting_(store_.volunteers),
        counted_{store_.transactions, store_.people,        counting_,      store_.requests,
                 store_.dialogs,      store_.events,        store_.outbox,  store_.timers,
                 store_.posts,        store_.roster,        store_.offers,  store_.shifts,
                 store_.evaluation,   store_.commendations, store_.service, store_.certificates,
                 store_.training,     store_.equipment,     store_.risks,   store_.vehicles,
                 store_.trips,        store_.rate_slots} {
    engine_ = std::make_unique<linli::Engine>(config_, counted_, *dir_);
  }

  CountingVolunteers counting_;
  Store counted_;
};

TEST_F(LargePool, RankingReadsTheNearestFewNotTheWholePool) {
  // 1,200 volunteers without the skill around building 31, then those with it, further away.
  for (int i = 0; i < 1200; ++i) add_volunteer("v" + std::to_string(i), std::to_string(i % 29));
  for (int b : {90, 36, 5, 28, 35, 60}) {
    add_volunteer("doc" + std::to_string(b), std::to_string(b), bit(Skill::disinfection));
  }
  // Disinfection, which nobody of the example has (a medical request would be sensitive: no card).
  auto card = texts_to(open_request("disinfection", "楼道消毒"), "gv");
  ASSERT_EQ(card.size(), 1u);
  // The card names the nearest with the skill: 28, 35 and 36.
  EXPECT_THAT(card[0],
              HasSubstr("推荐：@doc28（28栋·消杀）、@doc35（35栋·消杀）、@doc36（36栋·消杀）"));
  advance(config_.assignments.unclaimed_after_min * kMinute);  // the first round
  auto second = advance(config_.assignments.offer_timeout_min * kMinute);
  std::vector<std::string> offered;
  for (const auto& s : second) {
    if (s.msg.route.rfind("o:", 0) == 0) offered.push_back(s.msg.chat);
  }
  // After 陈师傅 and 赵姐 (same building) and doc28: the nearest with the skill.
  EXPECT_EQ(offered, (std::vector<std::string>{"doc35", "doc36", "doc5"}));
  EXPECT_EQ(counting_.whole_pool_reads, 0);
  EXPECT_LT(counting_.rows_read, 200u);
}

// A coordinator's name for a volunteer is looked up by the name, not in the whole pool: the
// same answers (the one found, or the list of those who share the name) from a few rows.
TEST_F(LargePool, ANameIsLookedUpWithoutReadingThePool) {
  for (int i = 0; i < 1200; ++i) add_volunteer("v" + std::to_string(i), std::to_string(i % 29));
  std::int64_t a = add_volunteer("wf1", "31");
  std::int64_t b = add_volunteer("wf2", "35");
  for (std::int64_t id : {a, b}) {
    auto v = *store_.volunteers.get(id);
    v.name = "王芳";
    store_.volunteers.upsert(v);
  }
  open_request("repair", "厨房水管漏水");
  std::string said = to(say("zhou", "zhou", "派单 #1 王芳"), "zhou");
  EXPECT_THAT(said, HasSubstr("有 2 位审核通过的志愿者都叫「王芳」"));
  EXPECT_THAT(said, HasSubstr("编号 " + std::to_string(a) + " · 王芳 · 31栋"));
  EXPECT_THAT(said, HasSubstr("编号 " + std::to_string(b) + " · 王芳 · 35栋"));
  EXPECT_THAT(store_.offers.open_for("request", 1), IsEmpty());
  say("zhou", "zhou", "派单 #1 v1107");
  ASSERT_EQ(store_.offers.open_for("request", 1).size(), 1u);
  EXPECT_EQ(store_.offers.open_for("request", 1)[0].person_id, person("v1107"));
  // /commend finds its volunteer by the words its text starts with, the same way.
  EXPECT_THAT(to(say("zhou", "zhou", "表彰 王芳 连续三天送药"), "zhou"),
              HasSubstr("有 2 位审核通过的志愿者都叫「王芳」"));
  say("zhou", "zhou", "表彰 v1107 连续三天送药");
  say("zhou", "zhou", "表彰 " + std::to_string(b) + "：连续三天送药");
  auto commended = store_.commendations.in_period("sc", 0, now_ + 1);
  ASSERT_EQ(commended.size(), 2u);
  EXPECT_EQ(commended[0].person_id, person("v1107"));
  EXPECT_EQ(commended[1].person_id, b);
  EXPECT_EQ(counting_.whole_pool_reads, 0);
  EXPECT_LT(counting_.rows_read, 20u);
}

TEST_F(FiveSteps, RemindersAskToConfirmAndWhoDoesNotIsReplacedFromTheWaitList) {
  make_post(1, "31", 3);
  auto cards = recruit();
  say("chen", "gv", "报名", cards["gv"]);
  say("zhao", "gv", "报名", cards["gv"]);
  auto reminded = advance(1 * kHour);  // 2 hours before the start
  const Sent* reminder = find_to(reminded, "chen");
  ASSERT_NE(reminder, nullptr);
  EXPECT_THAT(reminder->msg.text, HasSubstr("请回复这条消息「确认」"));
  EXPECT_EQ(find_to(reminded, "zhao"), nullptr);  // waiting: nothing to confirm
  auto replaced = advance(1 * kHour);             // 1 hour before: no confirmation
  EXPECT_EQ(status(1, "chen"), RosterStatus::gone);
  EXPECT_EQ(status(1, "zhao"), RosterStatus::taken);
  EXPECT_THAT(to(replaced, "chen"), HasSubstr("名额已经让给其他志愿者"));
  EXPECT_THAT(to(replaced, "zhao"), HasSubstr("现在是你的了"));
}

TEST_F(FiveSteps, ConfirmingKeepsThePlace) {
  make_post(1, "31", 3);
  auto cards = recruit();
  say("chen", "gv", "报名", cards["gv"]);
  auto reminded = advance(1 * kHour);
  auto confirmed = say("chen", "chen", "确认", find_to(reminded, "chen")->platform_id);
  EXPECT_THAT(to(confirmed, "chen"), HasSubstr("已确认"));
  advance(1 * kHour);
  EXPECT_EQ(status(1, "chen"), RosterStatus::taken);
}

// Where a platform carries no reply (DingTalk) or a client cannot reply: the answer in the
// private chat goes to the last thing Linli asked there.
TEST_F(FiveSteps, ConfirmingWithoutReplyingKeepsThePlace) {
  make_post(1, "31", 3);
  auto cards = recruit();
  say("chen", "gv", "报名", cards["gv"]);
  advance(1 * kHour);
  auto confirmed = say("chen", "chen", "确认");
  EXPECT_THAT(to(confirmed, "chen"), HasSubstr("已确认"));
  advance(1 * kHour);
  EXPECT_EQ(status(1, "chen"), RosterStatus::taken);
}

TEST_F(FiveSteps, AnOfferIsAnsweredWithoutReplyingAndTheLastQuestionIsTheOneAnswered) {
  make_post(1, "31", 3);
  auto cards = recruit();
  say("zhao", "gv", "报名", cards["gv"]);
  advance(1 * kHour);  // the shift reminder first
  open_request("repair", "漏水");
  say("zhou", "zhou", "派单 #1 赵姐");  // then the offer: the last question
  auto accepted = say("zhao", "zhao", "收到");
  EXPECT_EQ(store_.requests.get(1)->volunteer_id, person("zhao"));
  EXPECT_THAT(to(accepted, "zhou"), HasSubstr("赵姐 接下了 #1"));
  // The reminder is still open, and now the last: the next answer is for it.
  auto confirmed = say("zhao", "zhao", "确认");
  EXPECT_THAT(to(confirmed, "zhao"), HasSubstr("已确认"));
  // Nothing left to answer: a "yes" is not understood.
  auto nothing = say("zhao", "zhao", "好的");
  EXPECT_THAT(to(nothing, "zhao"), Not(HasSubstr("已确认")));
}

TEST_F(FiveSteps, WithoutAWaitListTheReservePoolIsAsked) {
  make_post(1, "31", 3);
  auto cards = recruit();
  say("chen", "gv", "报名", cards["gv"]);
  advance(1 * kHour);
  auto replaced = advance(1 * kHour);
  const Sent* offer = find_to(replaced, "zhao");  // same building, free
  ASSERT_NE(offer, nullptr);
  EXPECT_THAT(offer->msg.text, HasSubstr("还差人"));
  say("zhao", "zhao", "收到", offer->platform_id);
  EXPECT_EQ(status(1, "zhao"), RosterStatus::taken);
}

TEST_F(FiveSteps, CheckInAndOutRecordTheHoursServed) {
  make_post(1, "31", 1);
  auto cards = recruit();
  say("chen", "gv", "报名", cards["gv"]);
  now_ += kHour;
  EXPECT_THAT(say("chen", "chen", "签到").at(0).msg.text,
              HasSubstr("已签到（岗位 1「照看王奶奶」）"));
  EXPECT_THAT(say("chen", "chen", "/checkin").at(0).msg.text, HasSubstr("已经签到了"));
  now_ += 3 * kHour + 30 * kMinute;
  EXPECT_THAT(say("chen", "chen", "签退").at(0).msg.text, HasSubstr("这次服务 3.5 小时"));
  EXPECT_THAT(say("chen", "chen", "时长").at(0).msg.text, HasSubstr("累计 3.5 小时"));
  EXPECT_THAT(say("chen", "chen", "签退").at(0).msg.text, HasSubstr("没有签到"));
}

TEST_F(FiveSteps, CheckInIsRefusedAtTheDailyCap) {
  std::int64_t s = *store_.shifts.check_in({0, person("chen"), "sc", 0, now_ - 8 * kHour, 0});
  store_.shifts.check_out(s, now_);
  // The fixture's day starts at 16:00 UTC (midnight in China); keep the shift inside it.
  EXPECT_THAT(say("chen", "chen", "签到").at(0).msg.text, HasSubstr("每天 8.0 小时的上限"));
}

// The fixture's clock reads 16:00 in China: today began 16 hours ago.
TEST_F(FiveSteps, ShiftIsCheckedOutWhenItReachesTheDailyCapCountingEarlierHours) {
  std::int64_t earlier = *store_.shifts.check_in({0, person("chen"), "sc", 0, now_ - 7 * kHour, 0});
  store_.shifts.check_out(earlier, now_ - 4 * kHour);  // 3 hours this morning
  say("chen", "chen", "签到");
  EXPECT_TRUE(texts_to(advance(5 * kHour - kMinute), "chen").empty());
  auto sent = advance(kMinute);
  EXPECT_THAT(to(sent, "chen"),
              HasSubstr("到了每天 8.0 小时的上限，已自动为你签退：这次服务 5.0 小时"));
  EXPECT_FALSE(store_.shifts.on_duty(person("chen")));
  EXPECT_THAT(say("chen", "chen", "时长").at(0).msg.text, HasSubstr("今天 8.0 小时"));
  EXPECT_THAT(say("chen", "chen", "签到").at(0).msg.text, HasSubstr("每天 8.0 小时的上限"));
}

TEST_F(FiveSteps, ShiftOnAPostLeftOpenIsCheckedOutWhenThePostEnds) {
  make_post(1, "31", 1);  // 17:00-21:00
  auto cards = recruit();
  say("chen", "gv", "报名", cards["gv"]);
  now_ += kHour;
  say("chen", "chen", "签到");
  auto sent = advance(4 * kHour);
  EXPECT_THAT(
      to(sent, "chen"),
      HasSubstr("岗位 1「照看王奶奶」已在 1月15日 21:00 结束，已自动为你签退：这次服务 4.0 小时"));
  EXPECT_FALSE(store_.shifts.on_duty(person("chen")));
  // Checking out by hand later finds nothing open; the hours are those of the post.
  now_ += 2 * kHour;
  EXPECT_THAT(say("chen", "chen", "签退").at(0).msg.text, HasSubstr("没有签到"));
  EXPECT_THAT(say("chen", "chen", "时长").at(0).msg.text, HasSubstr("累计 4.0 小时"));
}

TEST_F(FiveSteps, NightShiftRunsUntilTheCapOfTheDayItRunsInto) {
  now_ += 6 * kHour;  // 22:00
  say("chen", "chen", "签到");
  EXPECT_TRUE(texts_to(advance(10 * kHour - kMinute), "chen").empty());  // 2 h, then 8 h
  EXPECT_THAT(to(advance(kMinute), "chen"), HasSubstr("已自动为你签退：这次服务 10.0 小时"));
  EXPECT_THAT(say("chen", "chen", "时长").at(0).msg.text,
              HasSubstr("今天 8.0 小时，近 7 天 10.0 小时"));
}

TEST_F(FiveSteps, HoursShownNeverExceedTheCapOfADay) {
  // Recorded before the cap closed shifts: 12 hours today and 10 hours yesterday.
  std::int64_t a = *store_.shifts.check_in({0, person("chen"), "sc", 0, now_ - 14 * kHour, 0});
  store_.shifts.check_out(a, now_ - 2 * kHour);
  std::int64_t b = *store_.shifts.check_in({0, person("chen"), "sc", 0, now_ - 30 * kHour, 0});
  store_.shifts.check_out(b, now_ - 20 * kHour);
  EXPECT_THAT(say("chen", "chen", "时长").at(0).msg.text,
              HasSubstr("今天 8.0 小时，近 7 天 16.0 小时，累计 16.0 小时"));
}

TEST_F(FiveSteps, ShiftStillOpenPastTheCapIsRecordedCappedWhenCheckedOut) {
  // Open since this morning, and the timer has not fired (the service was down).
  store_.shifts.check_in({0, person("zhao"), "sc", 0, now_ - 11 * kHour, 0});
  EXPECT_THAT(say("zhao", "zhao", "/hours").at(0).msg.text, HasSubstr("今天 8.0 小时"));
  EXPECT_THAT(say("zhao", "zhao", "签退").at(0).msg.text,
              HasSubstr("这次服务 8.0 小时。今天共 8.0 小时"));
}

TEST_F(FiveSteps, StatsShowUnmetNeedsByCategory) {
  open_request("medical", "量血压");
  store_.requests.mark_unmet(1);
  make_post(3);
  auto text = say("zhou", "zhou", "统计").at(0).msg.text;
  EXPECT_THAT(text, HasSubstr("3 人已通过"));
  EXPECT_THAT(text, HasSubstr("无人能接的需求：医护 1"));
  EXPECT_THAT(text, HasSubstr("1 照看王奶奶：0/3"));
}

}  // namespace
}  // namespace linli::test

namespace linli::test {
namespace {

class Privacy : public EngineFixture {};

TEST_F(Privacy, AddressesOfClosedRequestsArePurgedAfterTheRetention) {
  put_dialog("li", "help", "confirm", "li",
             {{"category", "repair"},
              {"details", "漏水"},
              {"address", "31栋2单元501"},
              {"building", "31"},
              {"urgent", "0"}});
  say("li", "li", "是");
  say("chen", "gv", "接单", "p" + std::to_string(store_.requests.get(1)->card_outbox_id));
  say("chen", "gv", "完成 #1");
  store_.timers.arm(Timer{TimerKind::purge}, now_);
  fire_due();
  EXPECT_EQ(store_.requests.get(1)->address, "31栋2单元501");  // closed just now: kept
  now_ += config_.privacy.address_retention_days * 24 * 3'600'000LL + 1;
  fire_due();  // the purge re-armed itself for the next day
  EXPECT_EQ(store_.requests.get(1)->address, "");
  EXPECT_TRUE(store_.timers.next_due().has_value());
}

TEST_F(Privacy, OpenRequestsKeepTheirAddress) {
  put_dialog("li", "help", "confirm", "li",
             {{"category", "repair"},
              {"details", "漏水"},
              {"address", "31栋2单元501"},
              {"building", "31"},
              {"urgent", "0"}});
  say("li", "li", "是");
  store_.requests.purge_addresses(now_ + 365LL * 24 * 3'600'000);
  EXPECT_EQ(store_.requests.get(1)->address, "31栋2单元501");
}

TEST_F(FiveSteps, TeamsAreListedAndACoordinatorsOwnTeamRenamed) {
  std::int64_t post = make_post(3);
  Post p = *store_.posts.get(post);
  p.team = "老党员服务队";  // named in the post dialog: that is how a team of one's own is made
  store_.posts.update(p);
  auto list = say("zhou", "zhou", "队伍").at(0).msg.text;
  EXPECT_THAT(list, HasSubstr("关爱特殊群体（0）"));
  EXPECT_THAT(list, HasSubstr("老党员服务队（1）"));
  EXPECT_THAT(say("zhou", "zhou", "队伍 老党员服务队 党员先锋队").at(0).msg.text,
              HasSubstr("已改名为「党员先锋队」（1 个岗位）"));
  EXPECT_EQ(store_.posts.get(post)->team, "党员先锋队");
  EXPECT_THAT(say("zhou", "zhou", "/team 6 别的名字").at(0).msg.text, HasSubstr("不能改名"));
  EXPECT_THAT(say("zhou", "zhou", "队伍 党员先锋队 /x").at(0).msg.text, HasSubstr("2–20 个字"));
  EXPECT_EQ(store_.posts.get(post)->team, "党员先锋队");
  // Renamed to one of the method's own teams, the posts join it under its code.
  EXPECT_THAT(say("zhou", "zhou", "队伍 党员先锋队 消杀").at(0).msg.text,
              HasSubstr("已改名为「消杀」"));
  EXPECT_EQ(store_.posts.get(post)->team, *team_to_store("消杀"));
  EXPECT_THAT(say("zhou", "zhou", "队伍 党员先锋队 新名").at(0).msg.text,
              HasSubstr("没有岗位属于"));
  EXPECT_THAT(say("chen", "chen", "/team").at(0).msg.text, HasSubstr("只有本社区的协调员"));
}

}  // namespace
}  // namespace linli::test
