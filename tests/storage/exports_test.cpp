// `linli export` (storage/exports.hpp): the CSV's exact bytes for a known data set.

#include <gtest/gtest.h>

#include "dialogs/hours.hpp"
#include "dialogs/time_text.hpp"
#include "storage/exports.hpp"
#include "tests/support/engine_fixture.hpp"

namespace linli::test {
namespace {

// now_ is 2027-01-15 16:00 in the community's zone (+08:00).
class Exports : public EngineFixture {
 protected:
  Exports() {
    // Signed up on 2027-01-05 16:00 local.
    db_->exec("UPDATE volunteers SET created_at = " + std::to_string(now_ - 10 * kDay));
    Post p;
    p.community_id = "sc";
    p.team = "care";
    p.title = "照看王奶奶";
    p.starts_at = now_ - 40 * kHour;
    p.ends_at = now_ - 20 * kHour;
    p.created_by = person("zhou");
    p.created_at = now_ - 50 * kHour;
    const std::int64_t post = store_.posts.create(p);
    served("chen", now_ - 32 * kHour, 10 * kHour, post);             // 01-14 08:00–18:00: 8 count
    served("zhao", now_ - 26 * kHour, 2 * kHour + 30 * kMinute, 0);  // 01-14 14:00–16:30
    served("zhao", now_ - 4 * kDay, 1 * kHour, 0);                   // 01-11: outside the range
    HoursCorrection c;
    c.person_id = person("zhao");
    c.community_id = "sc";
    c.day = *parse_iso_date("2027-01-13", 480);
    c.date = "2027-01-13";
    c.hours_ms = 2 * kHour;
    c.reason = "纸质签到表, \"补录\"";
    c.by = person("zhou");
    c.at = now_;
    store_.service.add_correction(c);

    HelpRequest r;
    r.community_id = "sc";
    r.resident_id = person("li");
    r.category = "repair";
    r.details = "=水管漏了，电话13812345678";
    r.building = "31";
    r.address = "31栋2单元501";
    r.urgent = true;
    r.created_at = now_ - 30 * kHour;  // 01-14 10:00
    const std::int64_t done = store_.requests.create(r);
    store_.requests.claim(done, person("chen"), now_ - 29 * kHour);
    store_.requests.finish(done, person("chen"), now_ - 28 * kHour);
    store_.requests.rate(done, person("li"), 5, "谢谢\n陈师傅");
    r.category = "shopping";
    r.details = "买菜";
    r.urgent = false;
    r.created_at = now_ - 2 * kHour;  // 01-15 14:00
    store_.requests.create(r);
  }

  void served(const std::string& user, std::int64_t from, std::int64_t ms, std::int64_t post) {
    Shift s;
    s.person_id = person(user);
    s.community_id = "sc";
    s.post_id = post;
    s.checkin_at = from;
    auto id = store_.shifts.check_in(s);
    store_.shifts.check_out(*id, from + ms);
  }

  std::string csv(std::string_view kind) {
    storage::ExportContext ctx{*db_->sqlite_store(), config_, "2027-01-12", "2027-01-15", now_};
    return storage::to_csv(storage::find_export(kind)->run(ctx));
  }
};

TEST_F(Exports, HoursAreTheHoursThatCountPerDayVolunteerAndTeam) {
  EXPECT_EQ(csv("hours"),
            "\xEF\xBB\xBF"
            "日期,社区,志愿者编号,志愿者,队伍,小时,已更正,更正原因\r\n"
            "2027-01-13,山城花园社区,3,赵姐,不在岗位上,2.00,是,\"纸质签到表, \"\"补录\"\"\"\r\n"
            "2027-01-14,山城花园社区,2,陈师傅,关爱特殊群体,8.00,,\r\n"
            "2027-01-14,山城花园社区,3,赵姐,不在岗位上,2.50,,\r\n");
}

TEST_F(Exports, RequestsLeaveAddressesOutAndMaskWhatWasTyped) {
  EXPECT_EQ(csv("requests"),
            "\xEF\xBB\xBF"
            "编号,社区,提出时间,类别,楼栋,紧急,状态,志愿者,接单时间,完成时间,评分,评价,无人能接,"
            "内容\r\n"
            "1,山城花园社区,2027-01-14 10:00,维修,31,是,已完成,陈师傅,2027-01-14 11:00,"
            "2027-01-14 12:00,5,\"谢谢\n陈师傅\",,'=水管漏了，电话***\r\n"
            "2,山城花园社区,2027-01-15 14:00,代购配送,31,,待接单,,,,,,,买菜\r\n");
}

TEST_F(Exports, VolunteersCarryTheirPhonesForTheCoordinator) {
  EXPECT_EQ(csv("volunteers"),
            "\xEF\xBB\xBF"
            "志愿者编号,社区,姓名,电话,楼栋,技能,空闲时间,状态,报名日期,期间小时\r\n"
            "2,山城花园社区,陈师傅,13800000001,31,维修,,已通过,2027-01-05,8.00\r\n"
            "3,山城花园社区,赵姐,13800000003,31,代购配送,,已通过,2027-01-05,4.50\r\n"
            "4,山城花园社区,刘医生,13800000002,32,医护,,已通过,2027-01-05,0.00\r\n");
}

TEST_F(Exports, TripsCarryTheirDriversPlatesAndEveryTimeLogged) {
  Vehicle v;
  v.community_id = "sc";
  v.driver_id = person("chen");
  v.seats = 5;
  v.plate = "渝A12345";
  v.created_at = now_ - 5 * kDay;
  const std::int64_t car = *store_.vehicles.add(v);
  auto trip = [&](const std::string& kind, const std::string& from, const std::string& to,
                  std::int64_t at, int seats, std::int64_t asked) {
    Trip t;
    t.community_id = "sc";
    t.kind = kind;
    t.origin = from;
    t.destination = to;
    t.scheduled_at = at;
    t.seats = seats;
    t.requested_by = person("zhou");
    t.requested_at = asked;
    const std::int64_t id = store_.trips.create(t);
    store_.trips.offered(id, asked);
    return id;
  };
  // T1, 01-14 09:00, asked 01-13 20:00: accepted 20:05, set off 08:50, arrived 09:40.
  const std::int64_t t1 =
      trip("hospital", "31栋", "市人民医院", now_ - 31 * kHour, 2, now_ - 44 * kHour);
  store_.trips.accept(t1, person("chen"), car, now_ - 44 * kHour + 5 * kMinute, 2 * kHour);
  store_.trips.start(t1, person("chen"), now_ - 31 * kHour - 10 * kMinute);
  store_.trips.finish(t1, person("chen"), now_ - 31 * kHour + 40 * kMinute);
  // T2, 01-15 14:00 (a formula-like origin, a phone in the destination), cancelled at 10:30.
  const std::int64_t t2 =
      trip("supplies", "-仓库", "社区门口，电话13812345678", now_ - 2 * kHour, 1, now_ - 6 * kHour);
  store_.trips.cancel(t2, now_ - 5 * kHour - 30 * kMinute);
  // T3, 01-16: after the range.
  trip("staff", "31栋", "核酸点", now_ + 18 * kHour, 1, now_);
  EXPECT_EQ(csv("trips"),
            "\xEF\xBB\xBF"
            "行程,社区,类型,出发地,目的地,人数,状态,司机,车牌,预约时间,提出时间,派出时间,接单时间,"
            "出发时间,完成时间,取消时间,求助编号\r\n"
            "T1,山城花园社区,就医,31栋,市人民医院,2,已完成,陈师傅,渝A12345,2027-01-14 09:00,"
            "2027-01-13 20:00,2027-01-13 20:00,2027-01-13 20:05,2027-01-14 08:50,2027-01-14 09:40,,"
            "\r\n"
            "T2,山城花园社区,物资,'-仓库,社区门口，电话***,1,已取消,,,2027-01-15 14:00,"
            "2027-01-15 10:00,2027-01-15 10:00,,,,2027-01-15 10:30,\r\n");
}

// Only what a spreadsheet would run as a formula gets the quote: phone numbers and signed
// numbers are shown as typed.
TEST(ExportsCsv, OnlyWhatASpreadsheetWouldRunIsEscaped) {
  storage::ExportTable t;
  t.header = {"v"};
  for (const char* v : {"+86 138 0013 8000", "-5", "+3", "-0.25", "13800138000", "-", "=1+2",
                        "@SUM(A1)", "\tx", "\rx", "+cmd|' /C calc'!A0", "-2+3", "-5.5.5",
                        "+86-138-0013-8000", "- 5", "+86  138", "-1 2.5", "+"}) {
    t.rows.push_back({v});
  }
  EXPECT_EQ(storage::to_csv(t),
            "\xEF\xBB\xBF"
            "v\r\n"
            "+86 138 0013 8000\r\n"
            "-5\r\n"
            "+3\r\n"
            "-0.25\r\n"
            "13800138000\r\n"
            "-\r\n"
            "'=1+2\r\n"
            "'@SUM(A1)\r\n"
            "'\tx\r\n"
            "\"'\rx\"\r\n"
            "'+cmd|' /C calc'!A0\r\n"
            "'-2+3\r\n"
            "'-5.5.5\r\n"
            "'+86-138-0013-8000\r\n"
            "'- 5\r\n"
            "'+86  138\r\n"
            "'-1 2.5\r\n"
            "+\r\n");
}

TEST_F(Exports, EveryKindIsListedOnceByName) {
  for (const auto& k : storage::export_kinds()) EXPECT_EQ(storage::find_export(k.name), &k);
  EXPECT_EQ(storage::find_export("shifts"), nullptr);
  EXPECT_NE(storage::find_export("trips"), nullptr);
}

}  // namespace
}  // namespace linli::test
