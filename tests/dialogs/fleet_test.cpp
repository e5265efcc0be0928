// The car fleet and sensitive requests (issue 11, part B): vehicles and their drivers, trips
// offered privately to the nearest free driver and passed on when declined or not answered,
// each logged with its times; /fleet's figures; counselling, medical escort and private
// requests that never reach a group.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dialogs/command_parser.hpp"
#include "dialogs/fleet.hpp"
#include "tests/support/five_steps_fixture.hpp"

namespace linli::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class Fleet : public FiveStepsFixture {
 protected:
  void SetUp() override {
    wu_ = add_volunteer("wu", "31", bit(Skill::driving));
    ma_ = add_volunteer("ma", "35", bit(Skill::driving));
    he_ = add_volunteer("he", "40", bit(Skill::driving) | bit(Skill::repair));
    for (const char* v :
         {"车辆 添加 wu 5 渝A11111", "车辆 添加 ma 5 渝A22222", "车辆 添加 he 7 渝A33333"}) {
      auto sent = run(say("zhou", "zhou", v));
      EXPECT_THAT(sent.at(0).msg.text, HasSubstr("已登记车辆")) << v;
    }
  }
  // Everything the outbox was ever given in this test, as it was given.
  std::vector<Sent> run(std::vector<Sent> sent) {
    all_.insert(all_.end(), sent.begin(), sent.end());
    return sent;
  }
  std::vector<Sent> tick(std::int64_t ms) {
    now_ += ms;
    return run(fire_due());
  }
  // The offer route of the latest private message to `user` in `sent`.
  static std::string offer_to(const std::vector<Sent>& sent, const std::string& user) {
    for (auto it = sent.rbegin(); it != sent.rend(); ++it) {
      if (it->msg.chat == user && it->msg.route.rfind("o:", 0) == 0) return it->platform_id;
    }
    return "";
  }
  // The last edit of a card in the volunteers' group in `sent`, or null.
  static const Sent* card_edit(const std::vector<Sent>& sent) {
    const Sent* edit = nullptr;
    for (const auto& m : sent) {
      if (m.msg.chat == "gv" && m.msg.kind == OutKind::edit) edit = &m;
    }
    return edit;
  }
  static std::string all_text(const std::vector<Sent>& sent, const std::string& chat) {
    std::string out;
    for (const auto& t : texts_to(sent, chat)) out += t + "\n";
    return out;
  }
  // 李阿姨 confirms request #1 for a ride to hospital: what that sent (its card in gv).
  std::vector<Sent> ride_request() {
    put_dialog("li", "help", "confirm", "li",
               {{"category", "driving"},
                {"details", "明天去医院复查"},
                {"group_building", "31"},
                {"address", "2单元501"},
                {"building", "31"},
                {"urgent", "0"}},
               {"category", "details", "address", "urgency"});
    return run(say("li", "li", "是"));
  }
  std::int64_t wu_ = 0, ma_ = 0, he_ = 0;
  std::vector<Sent> all_;
};

// ---- vehicles

TEST_F(Fleet, AVehicleNeedsAnApprovedVolunteerWhoDrivesAndAPlateNotInUse) {
  auto sent = say("zhou", "zhou", "车辆 添加 陈师傅 5 渝B1");  // repairs, does not drive
  EXPECT_THAT(sent.at(0).msg.text, HasSubstr("没有「驾驶」"));
  sent = say("zhou", "zhou", "车辆 添加 李阿姨 5 渝B1");
  EXPECT_THAT(sent.at(0).msg.text, HasSubstr("不是本社区已通过审核的志愿者"));
  sent = say("zhou", "zhou", "车辆 添加 wu 0 渝B1");
  EXPECT_THAT(sent.at(0).msg.text, HasSubstr("座位数「0」不对"));
  sent = say("zhou", "zhou", "车辆 添加 ma 5 渝A11111");
  EXPECT_THAT(sent.at(0).msg.text, HasSubstr("渝A11111 已经在车队里了"));
  EXPECT_EQ(store_.vehicles.of_community("sc").size(), 3u);
  sent = say("zhou", "zhou", "/lang en");
  sent = say("zhou", "zhou", "/vehicle add 陈师傅 5 B1");
  EXPECT_THAT(sent.at(0).msg.text, HasSubstr("has not got the driving skill"));
  sent = say("zhou", "zhou", "/vehicle retire 渝A33333");
  EXPECT_THAT(sent.at(0).msg.text, HasSubstr("retired"));
  sent = say("zhou", "zhou", "/vehicle");
  EXPECT_THAT(sent.at(0).msg.text, HasSubstr("渝A33333 · 7 seats · he (retired)"));
  // A retired plate can come back, as a new vehicle.
  sent = say("zhou", "zhou", "/vehicle add he 7 渝A33333");
  EXPECT_THAT(sent.at(0).msg.text, HasSubstr("added"));
}

TEST_F(Fleet, OnlyCoordinatorsManageTheFleetTheOthersAreToldInTheirLanguage) {
  for (const char* text :
       {"车辆", "车辆 添加 wu 5 渝C1", "派车 就医 31栋 医院 明天 9:00", "车队"}) {
    // Typed as a word in a group, it is neighbours talking: no refusal there (issue 11).
    EXPECT_TRUE(say("li", "g31", text).empty()) << text;
    auto sent = say("li", "li", text);
    ASSERT_EQ(sent.size(), 1u) << text;
    EXPECT_THAT(sent[0].msg.text, HasSubstr("只有本社区的协调员")) << text;
  }
  for (const char* text :
       {"/vehicle", "/vehicle add wu 5 C1", "/trip hospital 31 Hospital tomorrow 9:00", "/fleet"}) {
    auto sent = say("emma", "g31", text);
    ASSERT_EQ(sent.size(), 1u) << text;
    EXPECT_THAT(sent[0].msg.text, HasSubstr("only a coordinator")) << text;
  }
  // A driver (a volunteer, not a coordinator) cannot dispatch either.
  auto sent = say("wu", "wu", "派车 物资 31栋 仓库 明天 9:00");
  EXPECT_THAT(sent.at(0).msg.text, HasSubstr("只有本社区的协调员"));
  EXPECT_FALSE(store_.trips.get(1));
  EXPECT_EQ(store_.vehicles.of_community("sc").size(), 3u);
}

// ---- trips

TEST_F(Fleet, ATripIsDeclinedOfferedToTheNextAcceptedAndLoggedWithItsTimes) {
  const std::int64_t t0 = now_;
  auto sent = run(say("zhou", "zhou", "派车 就医 31栋 市人民医院 明天 9:00 2"));
  EXPECT_THAT(all_text(sent, "zhou"), HasSubstr("T1 就医：31栋 → 市人民医院"));
  EXPECT_THAT(all_text(sent, "zhou"), HasSubstr("wu"));  // the nearest: building 31
  std::string offer = offer_to(sent, "wu");
  ASSERT_FALSE(offer.empty());
  EXPECT_THAT(all_text(sent, "wu"), HasSubstr("【派车】T1 就医"));
  EXPECT_THAT(all_text(sent, "wu"), HasSubstr("渝A11111"));
  EXPECT_TRUE(texts_to(sent, "ma").empty());  // one driver at a time

  now_ += 2 * kMinute;
  sent = run(say("wu", "wu", "不行", offer));
  std::string next = offer_to(sent, "ma");  // 35 is nearer to 31 than 40
  ASSERT_FALSE(next.empty());
  EXPECT_THAT(all_text(sent, "ma"), HasSubstr("T1"));

  now_ += 3 * kMinute;
  sent = run(say("ma", "ma", "接单", next));
  EXPECT_THAT(all_text(sent, "ma"), HasSubstr("T1 是你的了"));
  EXPECT_THAT(all_text(sent, "zhou"), HasSubstr("ma 接了 T1（渝A22222"));
  // Too late for wu to change his mind.
  sent = run(say("wu", "wu", "接单", offer));
  EXPECT_THAT(all_text(sent, "wu"), Not(HasSubstr("是你的了")));

  now_ += kHour;
  sent = run(say("ma", "ma", "派车 出发 1"));
  EXPECT_THAT(all_text(sent, "ma"), HasSubstr("T1 已出发"));
  now_ += 30 * kMinute;
  sent = run(say("wu", "wu", "完成 T1"));  // not his trip
  EXPECT_THAT(all_text(sent, "wu"), HasSubstr("T1 不是你正在开的行程"));
  sent = run(say("ma", "ma", "完成 T1"));
  EXPECT_THAT(all_text(sent, "ma"), HasSubstr("T1 已完成"));

  auto t = store_.trips.get(1);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->status, TripStatus::done);
  EXPECT_EQ(t->kind, "hospital");
  EXPECT_EQ(t->seats, 2);
  EXPECT_EQ(t->driver_id, ma_);
  EXPECT_EQ(store_.vehicles.get(t->vehicle_id)->plate, "渝A22222");
  EXPECT_EQ(t->requested_at, t0);
  EXPECT_EQ(t->offered_at, t0 + 2 * kMinute);
  EXPECT_EQ(t->accepted_at, t0 + 5 * kMinute);
  EXPECT_EQ(t->started_at, t0 + 5 * kMinute + kHour);
  EXPECT_EQ(t->finished_at, t0 + 5 * kMinute + kHour + 30 * kMinute);
  check_nothing_private_in_groups(all_);
  // The report counts it among the trips of a period that holds its time, and not in another.
  EXPECT_EQ(store_.evaluation.trips("sc", t->scheduled_at, t->scheduled_at + 1), 1);
  EXPECT_EQ(store_.evaluation.trips("sc", t->scheduled_at + 1, t->scheduled_at + kHour), 0);
  EXPECT_EQ(store_.evaluation.trips("other", t->scheduled_at, t->scheduled_at + 1), 0);
}

TEST_F(Fleet, AnUnansweredOfferGoesToTheNextDriverAndAtTheEndTheCoordinatorsAreTold) {
  auto sent = run(say("zhou", "zhou", "/trip supplies 31 Warehouse tomorrow 9:00"));
  ASSERT_FALSE(offer_to(sent, "wu").empty());
  sent = tick(config_.assignments.offer_timeout_min * kMinute - 1);
  EXPECT_TRUE(sent.empty());
  sent = tick(1);
  EXPECT_FALSE(offer_to(sent, "ma").empty());
  sent = tick(config_.assignments.offer_timeout_min * kMinute);
  EXPECT_FALSE(offer_to(sent, "he").empty());
  EXPECT_EQ(store_.trips.get(1)->status, TripStatus::offered);
  sent = tick(config_.assignments.offer_timeout_min * kMinute);
  EXPECT_THAT(all_text(sent, "zhou"), HasSubstr("T1（物资"));
  EXPECT_THAT(all_text(sent, "zhou"), HasSubstr("没有空闲的司机了"));
  EXPECT_EQ(store_.trips.get(1)->status, TripStatus::unserved);
  EXPECT_THAT(all_text(sent, "zhou"), Not(HasSubstr("交还志愿者")));  // no request behind it
  // Nobody drove it: the report does not count it.
  const std::int64_t at = store_.trips.get(1)->scheduled_at;
  EXPECT_EQ(store_.evaluation.trips("sc", at, at + 1), 0);
  // A late yes finds the trip gone.
  sent = run(say("wu", "wu", "ok"));
  EXPECT_THAT(all_text(sent, "wu"), Not(HasSubstr("是你的了")));
}

// A ride request's trip that no driver takes: the coordinators are told how to give the request
// back to the volunteers (in their language), and doing so gives it back.
TEST_F(Fleet, AnUnservedRideTellsTheCoordinatorsHowToGiveItBackToTheVolunteers) {
  ride_request();
  run(say("zhou", "zhou", "派车 #1 现在"));
  std::vector<Sent> sent;
  for (int i = 0; i < 3; ++i) sent = tick(config_.assignments.offer_timeout_min * kMinute);
  ASSERT_EQ(store_.trips.get(1)->status, TripStatus::unserved);
  EXPECT_THAT(all_text(sent, "zhou"), HasSubstr("没有空闲的司机了"));
  EXPECT_THAT(all_text(sent, "zhou"), HasSubstr("发「派车 取消 T1」可把这条求助交还志愿者接单"));
  sent = run(say("zhou", "zhou", "派车 取消 T1"));
  EXPECT_EQ(store_.trips.get(1)->status, TripStatus::cancelled);
  EXPECT_EQ(store_.requests.get(1)->status, RequestStatus::open);
  const Sent* edit = card_edit(sent);
  ASSERT_NE(edit, nullptr);
  EXPECT_THAT(edit->msg.text, Not(HasSubstr("车队")));
}

TEST_F(Fleet, AnUnservedRideTellsAnEnglishCoordinatorHowToGiveItBack) {
  ride_request();
  say("zhou", "zhou", "/lang en");
  run(say("zhou", "zhou", "/trip #1 now"));
  std::vector<Sent> sent;
  for (int i = 0; i < 3; ++i) sent = tick(config_.assignments.offer_timeout_min * kMinute);
  EXPECT_THAT(all_text(sent, "zhou"),
              HasSubstr("Send \"/trip cancel 1\" to give the request back to the volunteers."));
}

TEST_F(Fleet, ADriverWithATripAtThatTimeIsNotFreeAndSeatsMustSuffice) {
  auto sent = run(say("zhou", "zhou", "派车 接送 31栋 核酸点 明天 9:00"));
  run(say("wu", "wu", "ok", offer_to(sent, "wu")));
  ASSERT_EQ(store_.trips.get(1)->status, TripStatus::accepted);
  // Half an hour later wu is still on T1: ma (35) is asked, not wu (31).
  sent = run(say("zhou", "zhou", "派车 接送 31栋 核酸点 明天 9:30"));
  EXPECT_TRUE(offer_to(sent, "wu").empty());
  EXPECT_FALSE(offer_to(sent, "ma").empty());
  // Seven people fit only he's van.
  sent = run(say("zhou", "zhou", "派车 隔离 31栋 隔离酒店 明天 15:00 7"));
  EXPECT_FALSE(offer_to(sent, "he").empty());
  EXPECT_THAT(all_text(sent, "he"), HasSubstr("渝A33333"));
  // Bad input changes nothing.
  for (const char* bad : {"派车 游玩 31栋 公园 明天 9:00", "派车 就医 31栋 医院 昨天吧",
                          "派车 就医 31栋 医院 明天 9:00 99", "派车 就医"}) {
    sent = say("zhou", "zhou", bad);
    EXPECT_EQ(sent.size(), 1u) << bad;
  }
  EXPECT_FALSE(store_.trips.get(4));
}

// Offered two trips half an hour apart before taking either, a driver can take only one: the
// accept statement itself refuses the second, which goes on to the next driver.
TEST_F(Fleet, ADriverWhoAcceptedOneTripCannotAcceptAnotherAtAnOverlappingTime) {
  auto first = run(say("zhou", "zhou", "派车 接送 31栋 核酸点 明天 9:00"));
  auto second = run(say("zhou", "zhou", "派车 物资 31栋 仓库 明天 9:30"));
  const std::string offer1 = offer_to(first, "wu");
  const std::string offer2 = offer_to(second, "wu");
  ASSERT_FALSE(offer1.empty());
  ASSERT_FALSE(offer2.empty());  // wu had taken neither yet: free for both
  run(say("wu", "wu", "接单", offer1));
  ASSERT_EQ(store_.trips.get(1)->driver_id, wu_);
  auto sent = run(say("wu", "wu", "接单", offer2));
  EXPECT_THAT(all_text(sent, "wu"), HasSubstr("T2 接不了：它和你已接的 T1"));
  EXPECT_THAT(all_text(sent, "wu"), Not(HasSubstr("是你的了")));
  EXPECT_EQ(store_.trips.get(2)->status, TripStatus::offered);
  EXPECT_EQ(store_.trips.get(2)->driver_id, 0);
  // Passed on as a decline: ma (35) is asked now.
  const std::string next = offer_to(sent, "ma");
  ASSERT_FALSE(next.empty());
  run(say("ma", "ma", "ok", next));
  EXPECT_EQ(store_.trips.get(2)->driver_id, ma_);
  // In English too; and a trip far enough from T1 wu can still take.
  say("wu", "wu", "/lang en");
  auto third = run(say("zhou", "zhou", "派车 物资 31栋 仓库 明天 9:45"));  // wu and ma are busy
  sent = run(say("he", "he", "no", offer_to(third, "he")));
  EXPECT_THAT(all_text(sent, "zhou"), HasSubstr("没有空闲的司机了"));
  auto later = run(say("zhou", "zhou", "派车 物资 31栋 仓库 明天 15:00"));
  run(say("wu", "wu", "ok", offer_to(later, "wu")));
  EXPECT_EQ(store_.trips.get(4)->driver_id, wu_);
}

TEST_F(Fleet, ADriversClashIsToldInEnglish) {
  auto first = run(say("zhou", "zhou", "/trip staff 31 Depot tomorrow 9:00"));
  auto second = run(say("zhou", "zhou", "/trip supplies 31 Depot tomorrow 10:00"));
  say("wu", "wu", "/lang en");
  run(say("wu", "wu", "ok", offer_to(first, "wu")));
  auto sent = run(say("wu", "wu", "ok", offer_to(second, "wu")));
  EXPECT_THAT(all_text(sent, "wu"), HasSubstr("You cannot take T2: it is too close to T1"));
  EXPECT_FALSE(offer_to(sent, "ma").empty());
}

TEST_F(Fleet, TheFleetShowsVehiclesTodaysTripsAndTheTotal) {
  // now_ is 16:00 in the community's zone (+08:00) on 15 January.
  run(say("zhou", "zhou", "派车 就医 31栋 市人民医院 现在"));
  auto sent = run(say("zhou", "zhou", "派车 物资 仓库 31栋 20:00 3"));
  run(say("wu", "wu", "ok", offer_to(sent, "wu")));
  run(say("zhou", "zhou", "派车 隔离 31栋 隔离酒店 明天 9:00"));  // not today
  sent = say("zhou", "zhou", "车队");
  std::string text = sent.at(0).msg.text;
  EXPECT_THAT(text, HasSubstr("渝A11111 · 5 座 · wu"));
  EXPECT_THAT(text, HasSubstr("渝A33333 · 7 座 · he"));
  EXPECT_THAT(text, HasSubstr("T1 16:00 就医 31栋 → 市人民医院 · 等司机回复"));
  EXPECT_THAT(text, HasSubstr("T2 20:00 物资 仓库 → 31栋 · wu 已接单"));
  EXPECT_THAT(text, Not(HasSubstr("T3")));
  EXPECT_THAT(text, HasSubstr("共 3 趟，自 1月15日 起"));
  say("zhou", "zhou", "/lang en");
  sent = say("zhou", "zhou", "/fleet");
  EXPECT_THAT(sent.at(0).msg.text, HasSubstr("3 trips since Jan 15"));
}

TEST_F(Fleet, AResidentsRideRequestBecomesATripWhenTheCoordinatorRepliesToItsCard) {
  auto sent = ride_request();
  const Sent* card = find_to(sent, "gv");
  ASSERT_NE(card, nullptr);
  const std::string card_id = card->platform_id;  // `sent` is replaced below
  // A volunteer cannot make it a trip; the coordinator can, by replying to the card.
  sent = run(say("chen", "gv", "派车", card_id));
  EXPECT_THAT(all_text(sent, "gv"), HasSubstr("只有本社区的协调员"));
  sent = run(say("zhou", "gv", "派车 明天 8:00", card_id));
  auto t = store_.trips.get(1);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->request_id, 1);
  EXPECT_EQ(t->kind, "hospital");
  std::string offer = offer_to(sent, "wu");
  ASSERT_FALSE(offer.empty());
  // The address is not in the offer; it comes with the trip.
  EXPECT_THAT(all_text(sent, "wu"), Not(HasSubstr("501")));
  sent = run(say("wu", "wu", "接单", offer));
  EXPECT_THAT(all_text(sent, "wu"), HasSubstr("31栋2单元501"));
  EXPECT_THAT(all_text(sent, "li"), HasSubstr("wu"));
  EXPECT_EQ(store_.requests.get(1)->status, RequestStatus::claimed);
  EXPECT_EQ(store_.requests.get(1)->volunteer_id, wu_);
  sent = run(say("wu", "wu", "/trip done 1"));
  EXPECT_EQ(store_.trips.get(1)->status, TripStatus::done);
  EXPECT_EQ(store_.requests.get(1)->status, RequestStatus::done);
  EXPECT_FALSE(texts_to(sent, "li").empty());  // asked to rate
  // Only a ride request can become a trip.
  sent = say("zhou", "zhou", "/trip #1");
  EXPECT_THAT(sent.at(0).msg.text, HasSubstr("#1 不是一条开放的用车求助"));
  check_nothing_private_in_groups(all_);
}

TEST_F(Fleet, ACoordinatorCancelsATripItsOfferAndTimerEndAndTheDriverIsTold) {
  auto sent = run(say("zhou", "zhou", "派车 就医 31栋 市人民医院 明天 9:00"));
  const std::string offer = offer_to(sent, "wu");
  ASSERT_FALSE(offer.empty());
  now_ += 5 * kMinute;
  // Only a coordinator cancels.
  sent = run(say("wu", "wu", "派车 取消 1"));
  EXPECT_THAT(all_text(sent, "wu"), HasSubstr("只有本社区的协调员"));
  // "#1" names request 1, not trip T1: nothing is cancelled.
  sent = run(say("zhou", "zhou", "派车 取消 #1"));
  EXPECT_TRUE(all_text(sent, "wu").empty());
  EXPECT_NE(store_.trips.get(1)->status, TripStatus::cancelled);
  sent = run(say("zhou", "zhou", "派车 取消 1"));
  EXPECT_THAT(all_text(sent, "zhou"), HasSubstr("T1 已取消，已告诉 wu"));
  EXPECT_THAT(all_text(sent, "wu"), HasSubstr("T1 已取消，不用再回复了"));
  auto t = store_.trips.get(1);
  EXPECT_EQ(t->status, TripStatus::cancelled);
  EXPECT_EQ(t->cancelled_at, now_);
  EXPECT_TRUE(store_.offers.open_for("trip", 1).empty());
  // Its offer's time runs out with nothing happening: nobody else is asked.
  sent = tick(config_.assignments.offer_timeout_min * kMinute);
  EXPECT_TRUE(sent.empty());
  // A late yes finds it gone; cancelling again says it is cancelled already.
  sent = run(say("wu", "wu", "接单", offer));
  EXPECT_THAT(all_text(sent, "wu"), Not(HasSubstr("是你的了")));
  EXPECT_THAT(all_text(say("zhou", "zhou", "派车 取消 T1"), "zhou"), HasSubstr("T1 已经取消了"));

  // An accepted trip: its driver is told who cancelled it, and what.
  sent = run(say("zhou", "zhou", "派车 物资 仓库 31栋 明天 10:00"));
  run(say("wu", "wu", "ok", offer_to(sent, "wu")));
  ASSERT_EQ(store_.trips.get(2)->status, TripStatus::accepted);
  say("zhou", "zhou", "/lang en");
  sent = run(say("zhou", "zhou", "/trip cancel 2"));
  EXPECT_THAT(all_text(sent, "zhou"), HasSubstr("T2 is cancelled; wu told."));
  EXPECT_THAT(all_text(sent, "wu"), HasSubstr("T2（物资：仓库 → 31栋，"));
  EXPECT_THAT(all_text(sent, "wu"), HasSubstr("已被 zhou 取消，不用出车了"));
  // wu is free again at that time: the next trip then goes to him.
  sent = run(say("zhou", "zhou", "/trip supplies 31 Depot tomorrow 10:30"));
  EXPECT_FALSE(offer_to(sent, "wu").empty());
  // A trip done is not cancelled; nor is another community's, or one that does not exist.
  run(say("wu", "wu", "ok", offer_to(sent, "wu")));
  run(say("wu", "wu", "完成 T3"));
  EXPECT_THAT(all_text(say("zhou", "zhou", "/trip cancel 3"), "zhou"),
              HasSubstr("T3 is done already; it cannot be cancelled."));
  EXPECT_THAT(all_text(say("zhou", "zhou", "/trip cancel 9"), "zhou"),
              HasSubstr("There is no trip T9."));
  // The fleet counts neither cancelled trip.
  EXPECT_EQ(store_.trips.total("sc").first, 1);
}

TEST_F(Fleet, AResidentCancellingTheirRideCancelsItsTripAndTheCoordinatorIsTold) {
  ride_request();
  auto sent = run(say("zhou", "zhou", "派车 #1 明天 8:00"));
  ASSERT_FALSE(offer_to(sent, "wu").empty());
  // A second trip for the same ride is refused: two drivers could accept one resident.
  EXPECT_THAT(all_text(run(say("zhou", "zhou", "派车 #1 明天 8:30")), "zhou"),
              HasSubstr("已经有行程 T1 在安排"));
  EXPECT_FALSE(store_.trips.get(2));
  now_ += 3 * kMinute;
  sent = run(say("li", "li", "撤销 #1"));
  EXPECT_EQ(store_.requests.get(1)->status, RequestStatus::cancelled);
  auto t = store_.trips.get(1);
  EXPECT_EQ(t->status, TripStatus::cancelled);
  EXPECT_EQ(t->cancelled_at, now_);
  EXPECT_THAT(all_text(sent, "wu"), HasSubstr("T1 已取消，不用再回复了"));
  EXPECT_THAT(all_text(sent, "zhou"), HasSubstr("李阿姨 撤销了求助 #1，T1 也随之取消，已告诉 wu"));
  // Nobody else is asked to drive it.
  EXPECT_TRUE(tick(config_.assignments.offer_timeout_min * kMinute).empty());
  check_nothing_private_in_groups(all_);
}

TEST_F(Fleet, ACancelledTripOfARideRequestLeavesTheRequestOpenForVolunteersAgain) {
  ride_request();
  auto sent = run(say("zhou", "zhou", "派车 #1 明天 8:00"));
  run(say("wu", "wu", "接单", offer_to(sent, "wu")));
  ASSERT_EQ(store_.requests.get(1)->status, RequestStatus::claimed);
  sent = run(say("zhou", "zhou", "派车 取消 1"));
  EXPECT_THAT(all_text(sent, "wu"), HasSubstr("已被 zhou 取消"));
  EXPECT_THAT(all_text(sent, "li"), HasSubstr("#1 的用车 T1 已被协调员取消，求助重新开放"));
  auto r = store_.requests.get(1);
  EXPECT_EQ(r->status, RequestStatus::open);
  EXPECT_EQ(r->volunteer_id, 0);
  // Its card takes 接单 again, and nobody taking it, the private offers start as for any request.
  const Sent* card = nullptr;
  for (const auto& m : sent) {
    if (m.msg.chat == "gv" && m.msg.kind == OutKind::edit) card = &m;
  }
  ASSERT_NE(card, nullptr);
  EXPECT_THAT(card->msg.text, HasSubstr("接单"));
  ASSERT_FALSE(card->msg.buttons.empty());
  sent = tick(config_.assignments.unclaimed_after_min * kMinute);
  EXPECT_FALSE(store_.offers.open_for("request", 1).empty());
  check_nothing_private_in_groups(all_);
}

// One owner: while a trip serves a resident's ride, its card offers no 接单 and a volunteer's
// take (or a coordinator's assignment) is refused; the trip cancelled, the card and its button
// come back and a volunteer can take it.
TEST_F(Fleet, WhileATripServesARideItsCardSaysSoAndNoVolunteerCanTakeIt) {
  auto sent = ride_request();
  const Sent* card = find_to(sent, "gv");
  ASSERT_NE(card, nullptr);
  const std::string card_id = card->platform_id;
  ASSERT_FALSE(card->msg.buttons.empty());
  sent = run(say("zhou", "gv", "派车 明天 8:00", card_id));
  ASSERT_TRUE(store_.trips.get(1));
  const Sent* edit = card_edit(sent);
  ASSERT_NE(edit, nullptr);
  EXPECT_THAT(edit->msg.text, HasSubstr("车队安排中（T1）"));
  EXPECT_TRUE(edit->msg.buttons.empty());
  // chen replies 接单 to the card or types it: refused, nothing changes.
  sent = run(say("chen", "gv", "接单", card_id));
  EXPECT_THAT(all_text(sent, "gv"), HasSubstr("#1 由车队安排（T1），不用接单了"));
  sent = run(say("chen", "gv", "接单 #1"));
  EXPECT_THAT(all_text(sent, "gv"), HasSubstr("由车队安排"));
  EXPECT_EQ(store_.requests.get(1)->status, RequestStatus::open);
  sent = run(say("zhou", "zhou", "/assign #1 陈师傅"));
  EXPECT_THAT(all_text(sent, "zhou"), HasSubstr("由车队安排（T1）"));
  EXPECT_TRUE(store_.offers.open_for("request", 1).empty());
  // The driver, not a volunteer, takes it with the trip.
  run(say("wu", "wu", "接单", offer_to(all_, "wu")));
  EXPECT_EQ(store_.requests.get(1)->volunteer_id, wu_);
  // The trip cancelled, the request is open again and its card takes 接单, from chen too.
  sent = run(say("zhou", "zhou", "派车 取消 1"));
  edit = card_edit(sent);
  ASSERT_NE(edit, nullptr);
  EXPECT_THAT(edit->msg.text, Not(HasSubstr("车队")));
  EXPECT_FALSE(edit->msg.buttons.empty());
  sent = run(say("chen", "gv", "接单", card_id));
  EXPECT_EQ(store_.requests.get(1)->status, RequestStatus::claimed);
  EXPECT_EQ(store_.requests.get(1)->volunteer_id, person("chen"));
  check_nothing_private_in_groups(all_);
}

TEST_F(Fleet, AVolunteerIsToldInEnglishThatTheFleetHasTheRide) {
  auto sent = ride_request();
  const std::string card_id = find_to(sent, "gv")->platform_id;
  run(say("zhou", "zhou", "派车 #1 明天 8:00"));
  say("chen", "chen", "/lang en");
  sent = run(say("chen", "chen", "接单 #1"));
  EXPECT_THAT(all_text(sent, "chen"), HasSubstr("#1 is being arranged by the fleet (trip T1)"));
  EXPECT_EQ(store_.requests.get(1)->status, RequestStatus::open);
}

// A request that went through all its rounds before it became a trip is, once the trip is
// cancelled, offered again from the first round to the first volunteers, not escalated at once.
TEST_F(Fleet, AReopenedRideIsOfferedAgainFromTheFirstRound) {
  ride_request();
  tick(config_.assignments.unclaimed_after_min * kMinute);
  std::set<std::int64_t> first;
  for (const auto& o : store_.offers.open_for("request", 1)) first.insert(o.person_id);
  ASSERT_FALSE(first.empty());
  for (int i = 0; i < config_.assignments.max_offers + 1; ++i) {
    tick(config_.assignments.offer_timeout_min * kMinute);
  }
  ASSERT_TRUE(store_.offers.open_for("request", 1).empty());  // escalated: nobody is left
  run(say("zhou", "zhou", "派车 #1 明天 8:00"));
  auto sent = run(say("zhou", "zhou", "派车 取消 1"));
  ASSERT_EQ(store_.requests.get(1)->status, RequestStatus::open);
  sent = tick(config_.assignments.unclaimed_after_min * kMinute);
  std::set<std::int64_t> again;
  for (const auto& o : store_.offers.open_for("request", 1)) {
    again.insert(o.person_id);
    EXPECT_EQ(o.round, 1);
  }
  EXPECT_EQ(again, first);
  EXPECT_THAT(all_text(sent, "zhou"), Not(HasSubstr("#1")));  // not escalated again
  check_nothing_private_in_groups(all_);
}

// A driver's steps on a trip that was cancelled say so, not "not your trip".
TEST_F(Fleet, StartingOrFinishingACancelledTripSaysItWasCancelled) {
  auto sent = run(say("zhou", "zhou", "派车 就医 31栋 市人民医院 明天 9:00"));
  run(say("wu", "wu", "ok", offer_to(sent, "wu")));
  run(say("zhou", "zhou", "派车 取消 1"));
  EXPECT_THAT(all_text(run(say("wu", "wu", "派车 出发 1")), "wu"),
              HasSubstr("T1 已经取消了，不用出车"));
  EXPECT_THAT(all_text(run(say("wu", "wu", "完成 T1")), "wu"), HasSubstr("T1 已经取消了"));
  EXPECT_EQ(store_.trips.get(1)->status, TripStatus::cancelled);
  EXPECT_EQ(store_.trips.get(1)->started_at, 0);
  // A driver who was only asked hears the same; someone never asked does not learn of it.
  sent = run(say("zhou", "zhou", "派车 物资 仓库 31栋 明天 15:00"));
  ASSERT_FALSE(offer_to(sent, "wu").empty());
  run(say("zhou", "zhou", "派车 取消 2"));
  say("wu", "wu", "/lang en");
  EXPECT_THAT(all_text(run(say("wu", "wu", "/trip start 2")), "wu"),
              HasSubstr("T2 was cancelled; no need to drive."));
  EXPECT_THAT(all_text(run(say("ma", "ma", "派车 出发 2")), "ma"),
              HasSubstr("T2 不是你正在开的行程"));
  // A trip done is done, also when set off again.
  sent = run(say("zhou", "zhou", "派车 物资 仓库 31栋 明天 18:00"));
  run(say("wu", "wu", "ok", offer_to(sent, "wu")));
  run(say("wu", "wu", "完成 T3"));
  EXPECT_THAT(all_text(run(say("wu", "wu", "/trip start 3")), "wu"),
              HasSubstr("T3 is done already"));
}

// The rule (README, "The car fleet"): a trip on the road is not cancelled; the driver finishes
// it, and the resident's request stays with them, not reopened to volunteers.
TEST_F(Fleet, ATripOnTheRoadIsNotCancelledAndItsRideStaysWithTheDriver) {
  ride_request();
  auto sent = run(say("zhou", "zhou", "派车 #1 明天 8:00"));
  run(say("wu", "wu", "接单", offer_to(sent, "wu")));
  run(say("wu", "wu", "派车 出发 1"));
  ASSERT_EQ(store_.trips.get(1)->status, TripStatus::started);
  sent = run(say("zhou", "zhou", "派车 取消 1"));
  EXPECT_THAT(all_text(sent, "zhou"), HasSubstr("T1 已出发，wu 正在路上，不能取消"));
  EXPECT_TRUE(all_text(sent, "wu").empty());
  EXPECT_TRUE(all_text(sent, "li").empty());
  EXPECT_EQ(find_to(sent, "gv"), nullptr);  // the card is not reopened
  EXPECT_EQ(store_.trips.get(1)->status, TripStatus::started);
  EXPECT_EQ(store_.requests.get(1)->status, RequestStatus::claimed);
  EXPECT_EQ(store_.requests.get(1)->volunteer_id, wu_);
  say("zhou", "zhou", "/lang en");
  EXPECT_THAT(all_text(run(say("zhou", "zhou", "/trip cancel 1")), "zhou"),
              HasSubstr("T1 is already on the road with wu, so it cannot be cancelled"));
  // Nobody else is offered the ride meanwhile; the driver finishes it.
  EXPECT_TRUE(tick(config_.assignments.unclaimed_after_min * kMinute).empty());
  run(say("wu", "wu", "完成 T1"));
  EXPECT_EQ(store_.trips.get(1)->status, TripStatus::done);
  EXPECT_EQ(store_.requests.get(1)->status, RequestStatus::done);
}

// ---- sensitive requests

class Sensitive : public Fleet {
 protected:
  // 李阿姨 confirms request #1, a ride to a psychiatrist, as private (私密).
  std::vector<Sent> private_ride_request() {
    put_dialog("li", "help", "confirm", "li",
               {{"category", "driving"},
                {"details", "去精神科复诊"},
                {"group_building", "31"},
                {"address", "2单元501"},
                {"building", "31"},
                {"urgent", "0"}},
               {"category", "details", "address", "urgency"});
    return run(say("li", "li", "私密"));
  }
  // Nothing of the request in any message for a group, ever.
  void expect_never_in_a_group(const std::vector<std::string>& words) {
    for (const auto& s : all_) {
      if (s.msg.private_chat) continue;
      for (const auto& w : words) {
        EXPECT_THAT(s.msg.text, Not(HasSubstr(w))) << "in group " << s.msg.chat;
        for (const auto& row : s.msg.buttons) {
          for (const auto& b : row) EXPECT_THAT(b.label, Not(HasSubstr(w)));
        }
      }
    }
  }
};

TEST_F(Sensitive, CounsellingAskedInAGroupGoesOnPrivatelyAndOnlyToCounsellors) {
  std::int64_t sun = add_volunteer("sun", "35", bit(Skill::counselling));
  std::int64_t lin = add_volunteer("lin", "36", bit(Skill::counselling));
  auto sent = run(say("li", "g31", "求助"));
  sent = run(answer("li", "g31", "4"));  // 心理
  // What it is about is asked privately, not in the group.
  EXPECT_FALSE(texts_to(sent, "li").empty());
  ASSERT_TRUE(dialog_of("li"));
  EXPECT_TRUE(dialog_of("li")->private_chat);
  run(answer("li", "li", "儿子在前线，我一个人睡不着，很焦虑"));
  run(answer("li", "li", "2单元501"));
  run(answer("li", "li", "2"));
  sent = run(answer("li", "li", "是"));
  EXPECT_THAT(all_text(sent, "li"), HasSubstr("不会发到群里"));
  EXPECT_TRUE(store_.requests.get(1)->sensitive);
  EXPECT_EQ(find_to(sent, "gv"), nullptr);
  EXPECT_EQ(find_to(sent, "g31"), nullptr);
  // At once, privately, to the counsellors only: chen (repair, same building) is not asked.
  EXPECT_FALSE(offer_to(sent, "sun").empty());
  EXPECT_FALSE(offer_to(sent, "lin").empty());
  EXPECT_TRUE(texts_to(sent, "chen").empty());
  // Typed into a group, its number finds nothing.
  sent = run(say("chen", "gv", "接单 #1"));
  EXPECT_THAT(all_text(sent, "gv"), HasSubstr("#1"));
  EXPECT_EQ(store_.requests.get(1)->status, RequestStatus::open);
  // Nobody answers: the rounds go on privately, and then the coordinators are told privately.
  for (int i = 0; i < config_.assignments.max_offers + 1; ++i) {
    tick(config_.assignments.offer_timeout_min * kMinute);
  }
  bool told = false;
  for (const auto& s : all_) {
    if (s.msg.chat == "zhou" && s.msg.text.find("#1") != std::string::npos) told = true;
  }
  EXPECT_TRUE(told);
  (void)sun;
  (void)lin;
  // The category question in the group listed 心理 among the others; nothing after it did.
  expect_never_in_a_group({"焦虑", "前线", "睡不着"});
  for (const auto& s : all_) {
    if (!s.msg.private_chat) {
      EXPECT_NE(s.msg.route, "t:1") << "a card in " << s.msg.chat;
    }
  }
}

TEST_F(Sensitive, APrivateAnswerKeepsARepairOutOfTheGroupsAndItIsClaimedByOffer) {
  put_dialog("li", "help", "confirm", "li",
             {{"category", "repair"},
              {"details", "卫生间漏水，家里只有我一个人"},
              {"group_building", "31"},
              {"address", "2单元501"},
              {"building", "31"},
              {"urgent", "1"}},
             {"category", "details", "address", "urgency"});
  auto sent = run(say("li", "li", "私密"));
  EXPECT_TRUE(store_.requests.get(1)->sensitive);
  std::string offer = offer_to(sent, "chen");
  ASSERT_FALSE(offer.empty());
  EXPECT_TRUE(texts_to(sent, "zhao").empty());  // shopping, not repair
  sent = run(say("chen", "chen", "接单", offer));
  EXPECT_EQ(store_.requests.get(1)->status, RequestStatus::claimed);
  EXPECT_THAT(all_text(sent, "chen"), HasSubstr("31栋2单元501"));
  sent = run(say("chen", "gv", "完成 #1"));
  EXPECT_EQ(store_.requests.get(1)->status, RequestStatus::done);
  run(say("li", "li", "5 谢谢"));
  expect_never_in_a_group({"卫生间", "一个人", "维修"});
}

TEST_F(Sensitive, MedicalEscortIsNeverPostedAndEnglishResidentsAreToldHelpIsArranged) {
  put_dialog("emma", "help", "confirm", "emma",
             {{"category", "medical"},
              {"details", "insulin injection escort"},
              {"group_building", "31"},
              {"address", "2-501"},
              {"building", "31"},
              {"urgent", "0"}},
             {"category", "details_private", "address", "urgency"});
  auto sent = run(say("emma", "emma", "yes"));
  EXPECT_THAT(all_text(sent, "emma"), HasSubstr("help is being arranged privately"));
  EXPECT_FALSE(offer_to(sent, "liu").empty());
  expect_never_in_a_group({"insulin", "escort", "医护"});
}

// A private ride made a trip: the drivers asked see where to pick up and that the rest comes
// privately; the one who accepts gets the trip and the resident's details, and nothing of it
// reaches a group, even when the coordinator dispatches it from one.
TEST_F(Sensitive, APrivateRideMadeATripGoesToTheDriverWhoAcceptsAndNeverToAGroup) {
  auto sent = private_ride_request();
  ASSERT_TRUE(store_.requests.get(1)->sensitive);
  sent = run(say("zhou", "gv", "派车 #1 现在"));  // today: the fleet's list shows it
  EXPECT_EQ(find_to(sent, "gv"), nullptr);
  EXPECT_THAT(all_text(sent, "zhou"), HasSubstr("T1"));
  const std::string offer = offer_to(sent, "wu");
  ASSERT_FALSE(offer.empty());
  EXPECT_THAT(all_text(sent, "wu"), HasSubstr("31栋 → （接单后私信告知）"));
  EXPECT_THAT(all_text(sent, "wu"), Not(HasSubstr("精神科")));
  EXPECT_THAT(all_text(sent, "wu"), Not(HasSubstr("501")));
  sent = run(say("wu", "wu", "接单", offer));
  EXPECT_THAT(all_text(sent, "wu"), HasSubstr("T1 是你的了"));
  EXPECT_THAT(all_text(sent, "wu"), HasSubstr("31栋2单元501"));
  EXPECT_THAT(all_text(sent, "wu"), HasSubstr("去精神科复诊"));
  EXPECT_THAT(all_text(sent, "wu"), Not(HasSubstr("找不到")));
  EXPECT_FALSE(texts_to(sent, "li").empty());  // told who comes
  EXPECT_EQ(store_.requests.get(1)->status, RequestStatus::claimed);
  EXPECT_EQ(store_.requests.get(1)->volunteer_id, wu_);
  // The trip keeps the real destination (the trips export reads it), not a placeholder.
  EXPECT_EQ(store_.trips.get(1)->destination, "去精神科复诊");
  // The fleet's list, asked for in a group, shows it only as a neutral line.
  sent = run(say("zhou", "gv", "车队"));
  EXPECT_THAT(all_text(sent, "gv"), HasSubstr("私密行程 · 司机 已接单"));
  // Privately, the coordinator sees it whole.
  sent = run(say("zhou", "zhou", "车队"));
  EXPECT_THAT(all_text(sent, "zhou"), HasSubstr("就医 31栋 → 去精神科复诊 · wu 已接单"));
  run(say("wu", "wu", "完成 T1"));
  EXPECT_EQ(store_.requests.get(1)->status, RequestStatus::done);
  // No field of the private request in any group message: kind, building, text, room, driver.
  expect_never_in_a_group({"精神科", "501", "就医", "31栋", "接单后私信告知", "wu 已接单"});
}

// An English driver asked to take a private ride is told in English that the rest comes later.
TEST_F(Sensitive, AnEnglishDriverAskedForAPrivateRideIsToldInEnglish) {
  say("wu", "wu", "/lang en");
  private_ride_request();
  auto sent = run(say("zhou", "zhou", "派车 #1 明天 8:00"));
  ASSERT_FALSE(offer_to(sent, "wu").empty());
  EXPECT_THAT(all_text(sent, "wu"), HasSubstr("(told privately once accepted)"));
  EXPECT_THAT(all_text(sent, "wu"), Not(HasSubstr("接单后私信告知")));
  EXPECT_THAT(all_text(sent, "wu"), Not(HasSubstr("精神科")));
}

TEST(FleetWords, TripNumbersAndKinds) {
  EXPECT_EQ(fleet::parse_trip_number("T3"), 3);
  EXPECT_EQ(fleet::parse_trip_number("t12"), 12);
  EXPECT_FALSE(fleet::parse_trip_number("#3"));
  EXPECT_FALSE(fleet::parse_trip_number("T"));
  EXPECT_EQ(fleet::parse_kind("就医"), "hospital");
  EXPECT_EQ(fleet::parse_kind("Quarantine"), "quarantine");
  EXPECT_FALSE(fleet::parse_kind("游玩"));
  auto c = parse_command("车队", "");
  EXPECT_EQ(c.kind, ParseKind::ours);
  EXPECT_EQ(c.command, Command::fleet);
  c = parse_command("派车 就医 31栋 医院 明天 9:00", "");
  EXPECT_EQ(c.command, Command::trip);
  c = parse_command("/vehicle add wu 5 A1", "");
  EXPECT_EQ(c.command, Command::vehicle);
}

}  // namespace
}  // namespace linli::test
