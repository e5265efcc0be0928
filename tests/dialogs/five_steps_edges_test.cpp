// The edges of the five steps that a review found wanting, each pinned by a test: held places
// that must not block a post forever, replacements that must give people time to answer,
// offers that must not be lost, the wait-list order, and privacy of what reaches a group.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/five_steps_fixture.hpp"

namespace linli::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class Edges : public FiveStepsFixture {};

TEST_F(Edges, HeldPlaceIsReleasedWhenTheSignUpIsCancelled) {
  make_post(1);
  auto cards = recruit();
  say("zhang", "g31", "报名", cards["g31"]);
  ASSERT_EQ(status(1, "zhang"), RosterStatus::held);
  say("chen", "gv", "报名", cards["gv"]);
  ASSERT_EQ(status(1, "chen"), RosterStatus::waiting);
  auto sent = say("zhang", "g31", "/cancel");
  EXPECT_EQ(status(1, "zhang"), RosterStatus::gone);
  EXPECT_EQ(status(1, "chen"), RosterStatus::taken);
  EXPECT_THAT(to(sent, "zhang"), HasSubstr("保留的名额已经取消"));
  EXPECT_THAT(to(sent, "chen"), HasSubstr("现在是你的了"));
}

TEST_F(Edges, HeldPlaceIsReleasedWhenTheSignUpTimesOut) {
  make_post(1);
  auto cards = recruit();
  say("zhang", "g31", "报名", cards["g31"]);
  say("chen", "gv", "报名", cards["gv"]);
  advance(config_.dialogs.timeout_s * 1000 + 1);
  EXPECT_FALSE(dialog_of("zhang"));
  EXPECT_EQ(status(1, "chen"), RosterStatus::taken);
}

TEST_F(Edges, SubmittedSignUpKeepsItsHeldPlaceUntilTheReview) {
  make_post(1);
  auto cards = recruit();
  say("zhang", "g31", "报名", cards["g31"]);
  put_dialog("zhang", "signup", "confirm", "zhang",
             {{"name", "张建国"},
              {"phone", "13700000000"},
              {"building", "31"},
              {"skills", "1"},
              {"availability", "晚上"}});
  say("zhang", "zhang", "是");
  say("zhang", "g31", "/help");  // a new dialog later does not give the place away
  EXPECT_EQ(status(1, "zhang"), RosterStatus::held);
}

TEST_F(Edges, ApprovedVolunteerOfAnotherCommunityIsToldInsteadOfBlockingAPlace) {
  make_post(1);
  auto cards = recruit();
  db_->exec(
      "INSERT INTO communities (id, name, lang) VALUES ('other', '别的社区', 'zh') "
      "ON CONFLICT (id) DO NOTHING");
  Volunteer v;
  v.person_id = person("wu");
  v.community_id = "other";
  v.name = "吴";
  v.status = VolunteerStatus::approved;
  store_.volunteers.upsert(v);
  auto sent = say("wu", "g31", "报名", cards["g31"]);
  EXPECT_EQ(status(1, "wu"), RosterStatus::gone);
  EXPECT_THAT(to(sent, "wu"), HasSubstr("这个招募属于另一个社区"));
  EXPECT_FALSE(dialog_of("wu"));
}

TEST_F(Edges, HeldPlaceApprovedAfterTheRemindersIsNotReplacedUnasked) {
  make_post(1, "31", 3);  // reminders at -2 h, replacement at -1 h
  auto cards = recruit();
  say("zhang", "g31", "报名", cards["g31"]);
  put_dialog("zhang", "signup", "confirm", "zhang",
             {{"name", "张建国"},
              {"phone", "13700000000"},
              {"building", "31"},
              {"skills", "1"},
              {"availability", "晚上"}});
  auto submitted = say("zhang", "zhang", "是");
  advance(90 * kMinute);
  say("zhou", "zhou", "通过", find_to(submitted, "zhou")->platform_id);
  ASSERT_EQ(status(1, "zhang"), RosterStatus::taken);
  advance(31 * kMinute);
  EXPECT_EQ(status(1, "zhang"), RosterStatus::taken);
}

TEST_F(Edges, AfterDowntimeNobodyIsReplacedWithoutTimeToConfirm) {
  make_post(1, "31", 3);
  auto cards = recruit();
  say("chen", "gv", "报名", cards["gv"]);
  auto caught_up = advance(150 * kMinute);  // both timers fell due while nobody was looking
  EXPECT_THAT(to(caught_up, "chen"), HasSubstr("请回复这条消息「确认」"));
  EXPECT_THAT(to(caught_up, "chen"), Not(HasSubstr("名额已经让给")));
  EXPECT_EQ(status(1, "chen"), RosterStatus::taken);
}

TEST_F(Edges, ReminderAnsweredLateIsStillGivenItsGrace) {
  make_post(1, "31", 4);  // reminders at -2 h (in 2 h), replacement at -1 h
  auto cards = recruit();
  say("chen", "gv", "报名", cards["gv"]);
  advance(2 * kHour + 30 * kMinute);  // the reminder fired 30 minutes late (downtime)
  advance(40 * kMinute);              // the replacement is due, but the grace is not over
  EXPECT_EQ(status(1, "chen"), RosterStatus::taken);
  advance(25 * kMinute);  // a full hour after the reminder, still before the start
  EXPECT_EQ(status(1, "chen"), RosterStatus::gone);
}

TEST_F(Edges, CoordinatorOfferIsNotExpiredByTheAutomaticRound) {
  open_request("repair", "漏水");
  advance((config_.assignments.unclaimed_after_min - 1) * kMinute);
  auto offered = say("zhou", "zhou", "派单 #1 赵姐");
  const Sent* offer = find_to(offered, "zhao");
  ASSERT_NE(offer, nullptr);
  advance(2 * kMinute);  // the automatic round starts one minute after the assignment
  EXPECT_EQ(store_.offers.get(1)->status, OfferStatus::offered);
  say("zhao", "zhao", "收到", offer->platform_id);
  EXPECT_EQ(store_.requests.get(1)->volunteer_id, person("zhao"));
  EXPECT_EQ(store_.offers.get(1)->status, OfferStatus::accepted);
}

TEST_F(Edges, WaitingVolunteerAcceptingAnOfferForAFullPostKeepsTheirTurn) {
  make_post(1);
  auto cards = recruit();
  say("chen", "gv", "报名", cards["gv"]);
  say("zhao", "gv", "报名", cards["gv"]);  // waiting, first
  say("liu", "gv", "报名", cards["gv"]);   // waiting, second
  auto offered = say("zhou", "zhou", "派单 1 赵姐");
  say("zhao", "zhao", "收到", find_to(offered, "zhao")->platform_id);
  EXPECT_EQ(store_.roster.first_waiting(1)->person_id, person("zhao"));
}

TEST_F(Edges, RaisingTheHeadcountPromotesTheWaitList) {
  make_post(1);
  auto cards = recruit();
  say("chen", "gv", "报名", cards["gv"]);
  say("zhao", "gv", "报名", cards["gv"]);
  say("zhou", "zhou", "设岗 1");
  for (const char* a : {"-", "-", "2", "-", "-", "-", "-", "是"}) say("zhou", "zhou", a);
  EXPECT_EQ(store_.posts.get(1)->headcount, 2);
  EXPECT_EQ(status(1, "zhao"), RosterStatus::taken);
}

TEST_F(Edges, CallForAPostUnderWayStaysOpenUntilItEnds) {
  Post p;
  p.community_id = "sc";
  p.team = "care";
  p.title = "三天的岗位";
  p.headcount = 3;
  p.building = "31";
  p.place = "31栋";
  p.starts_at = now_ - kHour;
  p.ends_at = now_ + 48 * kHour;
  p.created_by = person("zhou");
  p.created_at = now_;
  store_.posts.create(p);
  ASSERT_FALSE(recruit().empty());
  advance(1000);
  EXPECT_TRUE(store_.posts.open_call(1));
}

TEST_F(Edges, FullWidthPhoneNumberIsMaskedOnTheGroupCard) {
  put_dialog("li", "help", "confirm", "li",
             {{"category", "repair"},
              {"details", "水管漏水，电话１３８００１３８０００"},
              {"address", "31栋"},
              {"building", "31"},
              {"urgent", "0"}});
  auto card = texts_to(say("li", "li", "是"), "gv");
  ASSERT_EQ(card.size(), 1u);
  EXPECT_THAT(card[0], HasSubstr("水管漏水，电话***"));
}

TEST_F(Edges, DeliveredMessagesKeepNoTextSoNoAddressOutlivesThePurge) {
  open_request("repair", "漏水");
  say("chen", "gv", "接单", "p" + std::to_string(store_.requests.get(1)->card_outbox_id));
  say("chen", "chen", "完成 #1");
  EXPECT_EQ(db_->value("SELECT COUNT(*) FROM outbox WHERE payload LIKE '%2单元501%'"), "0");
}

TEST_F(Edges, RefusedButtonAnswerIsNotADeadLetterForCoordinators) {
  make_post(2);
  auto cards = recruit();
  std::int64_t answer = 0;
  for (const auto& s : press("chen", "gv", cards["gv"], "c:1:join")) {
    if (s.msg.kind == OutKind::answer_callback) answer = s.id;
  }
  ASSERT_NE(answer, 0);
  EXPECT_TRUE(texts_to(undeliverable(answer, false), "zhou").empty());
}

}  // namespace
}  // namespace linli::test
