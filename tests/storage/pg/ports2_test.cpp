// The second half of the domain's ports on both engines (issue 13): Shifts, Evaluation,
// Commendations, ServiceRecords, Certificates, Training, Equipment, Risks, Vehicles and Trips.
// Each case is a typed test that runs the same calls on SQLite's repositories over a temporary
// file and on PostgreSQL's (storage/pg/*_repo.*) over a fresh database migrated by
// storage/pg/migrations, and expects the same answers: the two engines are shown to agree.
// "Two instances" are two connections to the one database, as two Linli processes would hold.
//
// The invariants that must hold across instances (the last of the stock, a trip accepted once,
// one open shift per person) are then raced on PostgreSQL for real: the second connection's
// statement, run by a Pool worker as in production, waits on the first's row until the first
// commits, under READ COMMITTED and under SERIALIZABLE (where the pool's retry answers 40001).
//
// Times are milliseconds; the community's day and month begin at midnight in UTC+8, the edges
// the SQLite engine's tests use for hours, reports and certificates.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "storage/certificate_signature.hpp"
#include "storage/pg/connection.hpp"
#include "storage/pg/migrations.hpp"
#include "storage/pg/pool.hpp"
#include "storage/pg/store.hpp"
#include "storage/store.hpp"
#include "tests/support/postgres.hpp"
#include "tests/support/temp_dir.hpp"

namespace linli::storage {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kHour = 3'600'000;
constexpr std::int64_t kDay = 24 * kHour;
constexpr std::int64_t kNov1 = 1'793'462'400'000;   // 2026-11-01 00:00 +08:00
constexpr std::int64_t kNov30 = 1'795'968'000'000;  // 2026-11-30 00:00 +08:00
constexpr std::int64_t kDec1 = 1'796'054'400'000;   // 2026-12-01 00:00 +08:00
constexpr std::int64_t kJan1 = 1'798'732'800'000;   // 2027-01-01 00:00 +08:00

// The ports of one instance (this file tests the second ten).
using Ports = Store;

// One connection to the test's database with its repositories.
class Instance {
 public:
  virtual ~Instance() = default;
  virtual Ports& ports() = 0;
  // Plain SQL without values, the same text on both engines: the rows the first half's ports
  // (people, posts, help requests) would have written.
  virtual void exec(const std::string& sql) = 0;
  virtual void use_secret(const std::string& secret) = 0;
};

class SqliteInstance final : public Instance {
 public:
  explicit SqliteInstance(const std::string& path) : db_(path, "normal"), store_(db_) {}
  Ports& ports() override { return store_.ports; }
  void exec(const std::string& sql) override { db_.sql().exec(sql); }
  void use_secret(const std::string& secret) override { store_.certificates.use_secret(secret); }

 private:
  Database db_;
  SqliteStore store_;
};

class PgInstance final : public Instance {
 public:
  // On a connection of its own, or on `borrowed` (a Pool worker's, as a PgStore per worker).
  explicit PgInstance(const std::string& conninfo)
      : own_(std::make_unique<pg::Connection>(conninfo)), c_(*own_) {}
  explicit PgInstance(pg::Connection& borrowed) : c_(borrowed) {}
  Ports& ports() override { return store_.ports; }
  void exec(const std::string& sql) override { c_.run_script(sql); }
  void use_secret(const std::string& secret) override { store_.certificates.use_secret(secret); }
  pg::Connection& connection() { return c_; }

 private:
  std::unique_ptr<pg::Connection> own_;
  pg::Connection& c_;
  pg::PgStore store_{c_};
};

// A database of each engine, opened as many times as a test needs instances.
struct OnSqlite {
  static constexpr bool kPostgres = false;
  test::TempDir dir;
  std::unique_ptr<Instance> open() {
    return std::make_unique<SqliteInstance>(dir.path() + "/linli.db");
  }
};

struct OnPostgres {
  static constexpr bool kPostgres = true;
  std::string conninfo = test::PostgresServer::shared().fresh_database();
  OnPostgres() {
    pg::Connection c(conninfo);
    pg::migrate(c);
  }
  std::unique_ptr<Instance> open() { return std::make_unique<PgInstance>(conninfo); }
};

// People 1-8, communities sc and other, two posts of sc with their teams.
constexpr const char* kSeed = R"sql(
INSERT INTO communities (id, name, lang) VALUES ('sc', 'Test', 'zh'), ('other', 'Other', 'zh');
INSERT INTO people (name, created_at) VALUES ('p1', 0), ('p2', 0), ('p3', 0), ('p4', 0),
  ('p5', 0), ('p6', 0), ('p7', 0), ('p8', 0);
INSERT INTO posts (community_id, team, title, headcount, starts_at, ends_at, risk, created_by,
  created_at) VALUES ('sc', 'care', 'Grandma', 10, 0, 0, 'low', 1, 0),
  ('sc', 'delivery', 'Medicine', 2, 0, 0, 'high', 1, 0);
)sql";

template <typename Engine>
class Ports2 : public ::testing::Test {
 protected:
  void SetUp() override {
    if constexpr (Engine::kPostgres) LINLI_REQUIRE_POSTGRES();
    engine_ = std::make_unique<Engine>();
    a_ = engine_->open();
    b_ = engine_->open();
    a_->exec(kSeed);
  }
  Ports& a() { return a_->ports(); }
  Ports& b() { return b_->ports(); }
  // A help request of sc by resident 8, done by `volunteer` at `done_at` and rated (0: not).
  void done_request(std::int64_t volunteer, const std::string& category, std::int64_t created_at,
                    std::int64_t done_at, int rating, const std::string& comment = "") {
    std::string rated = rating == 0 ? "NULL, NULL" : std::to_string(rating) + ", '" + comment + "'";
    a_->exec(
        "INSERT INTO help_requests (community_id, resident_id, category, details, status, "
        "volunteer_id, created_at, claimed_at, done_at, rating, comment) VALUES ('sc', 8, '" +
        category + "', 'd', 'done', " + std::to_string(volunteer) + ", " +
        std::to_string(created_at) + ", " + std::to_string(created_at + 1000) + ", " +
        std::to_string(done_at) + ", " + rated + ")");
  }

  std::unique_ptr<Engine> engine_;
  std::unique_ptr<Instance> a_;
  std::unique_ptr<Instance> b_;
};

struct EngineNames {
  template <typename T>
  static std::string GetName(int) {
    return T::kPostgres ? "Postgres" : "Sqlite";
  }
};
using Engines = ::testing::Types<OnSqlite, OnPostgres>;
TYPED_TEST_SUITE(Ports2, Engines, EngineNames);

// --- Shifts ---------------------------------------------------------------------------------

TYPED_TEST(Ports2, ACheckInOpensOneShiftPerPersonAndACheckOutClosesItOnce) {
  auto id = this->a().shifts.check_in({0, 1, "sc", 1, kNov30, 0});
  ASSERT_TRUE(id);
  EXPECT_FALSE(this->b().shifts.check_in({0, 1, "sc", 0, kNov30 + 1000, 0}));  // B: still open
  ASSERT_TRUE(this->b().shifts.check_in({0, 2, "sc", 0, kNov30 + 2000, 0}));   // another person
  EXPECT_EQ(this->b().shifts.on_duty(1)->id, *id);
  EXPECT_EQ(this->a().shifts.on_duty_in("sc"), (std::set<std::int64_t>{1, 2}));
  EXPECT_TRUE(this->a().shifts.on_duty_in("other").empty());
  EXPECT_TRUE(this->b().shifts.check_out(*id, kNov30 + kHour));
  EXPECT_FALSE(this->a().shifts.check_out(*id, kNov30 + 2 * kHour));  // closed before: not again
  Shift s = *this->a().shifts.get(*id);
  EXPECT_EQ(s.post_id, 1);
  EXPECT_EQ(s.checkout_at, kNov30 + kHour);
  EXPECT_FALSE(this->a().shifts.on_duty(1));
  EXPECT_EQ(this->a().shifts.get(this->a().shifts.on_duty(2)->id)->post_id, 0);  // no post
  EXPECT_TRUE(this->a().shifts.check_in({0, 1, "sc", 0, kNov30 + 3 * kHour, 0}));
  EXPECT_FALSE(this->a().shifts.get(999));
}

// A shift over the community's midnight counts on each day for its part; one that ends at a
// day's first instant is not of that day, one that starts at its end is not either; an open
// shift counts until the end asked for.
TYPED_TEST(Ports2, HoursServedAreCutAtTheCommunitysMidnight) {
  auto& s = this->a().shifts;
  auto late = s.check_in({0, 1, "sc", 1, kDec1 - 2 * kHour, 0});  // 22:00 on Nov 30
  s.check_out(*late, kDec1 + 3 * kHour);                          // 03:00 on Dec 1
  auto earlier = s.check_in({0, 2, "sc", 0, kNov30 - kHour, 0});
  s.check_out(*earlier, kNov30);                 // 23:00 to 00:00 of Nov 29-30: Nov 29's only
  s.check_in({0, 3, "sc", 0, kDec1 + kDay, 0});  // Dec 2, still open
  EXPECT_EQ(s.served(1, kNov30, kDec1), 2 * kHour);
  EXPECT_EQ(s.served(1, kDec1, kDec1 + kDay), 3 * kHour);
  EXPECT_EQ(s.served(2, kNov30, kDec1), 0);
  EXPECT_EQ(s.served(2, kNov30 - kDay, kNov30), kHour);
  EXPECT_EQ(s.served(3, kDec1, kDec1 + kDay), 0);  // starts at the day's end
  EXPECT_EQ(s.served(3, kDec1 + kDay, kDec1 + kDay + 5 * kHour), 5 * kHour);
  EXPECT_TRUE(s.of_person(2, kNov30, kDec1).empty());
  auto both = s.of_person(1, kNov30, kDec1 + kDay);
  ASSERT_EQ(both.size(), 1u);
  EXPECT_EQ(both[0].checkin_at, kDec1 - 2 * kHour);
  auto open = s.of_person(3, kDec1 + kDay, kJan1);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].checkout_at, 0);
}

// --- Evaluation ------------------------------------------------------------------------------

// A rating names the post and team of the shift its volunteer was on when the request was done;
// of two shifts touching that moment, the later; ratings and requests of a period are
// [from, to), oldest first.
TYPED_TEST(Ports2, RatingsCarryTheShiftsPostAndTheMonthsEdges) {
  auto& s = this->a().shifts;
  auto first = s.check_in({0, 2, "sc", 1, kDec1 - 3 * kHour, 0});
  s.check_out(*first, kDec1 - kHour);
  s.check_in({0, 2, "sc", 2, kDec1 - kHour, 0});  // in again at the moment of the first's end
  this->done_request(2, "shopping", kDec1 - 2 * kHour, kDec1 - kHour, 5, "thanks");
  this->done_request(2, "repair", kDec1 - 2 * kHour, kDec1, 2);  // the first instant of Dec
  this->done_request(3, "repair", kNov1 - 1, kNov1, 4);          // no shift: no post
  this->done_request(3, "repair", kNov1 - 2, kNov1 - 1, 1);      // October's
  this->done_request(3, "medical", kNov1, kNov1 + 1, 0);         // done, not rated
  auto nov = this->b().evaluation.ratings("sc", kNov1, kDec1);
  ASSERT_EQ(nov.size(), 2u);
  EXPECT_EQ(nov[0].volunteer_id, 3);
  EXPECT_EQ(nov[0].post_id, 0);
  EXPECT_EQ(nov[0].team, "");
  EXPECT_EQ(nov[1].rating, 5);
  EXPECT_EQ(nov[1].comment, "thanks");
  EXPECT_EQ(nov[1].post_id, 2);  // the later of the two shifts
  EXPECT_EQ(nov[1].team, "delivery");
  auto dec = this->b().evaluation.ratings("sc", kDec1, kJan1);
  ASSERT_EQ(dec.size(), 1u);
  EXPECT_EQ(dec[0].done_at, kDec1);
  auto requests = this->b().evaluation.requests("sc", kNov1, kDec1);
  ASSERT_EQ(requests.size(), 3u);  // made in November: two of person 3's were made in October
  EXPECT_EQ(requests[0].created_at, kNov1);
  EXPECT_EQ(requests[0].category, "medical");
  EXPECT_EQ(requests[0].rating, 0);
  EXPECT_EQ(requests[0].status, RequestStatus::done);
  EXPECT_EQ(requests[0].claimed_at, kNov1 + 1000);
  EXPECT_FALSE(requests[0].unmet);
  EXPECT_EQ(requests[2].category, "repair");
  EXPECT_EQ(requests[2].rating, 2);
  EXPECT_TRUE(this->b().evaluation.requests("other", 0, kJan1).empty());
}

TYPED_TEST(Ports2, SatisfactionAndAVolunteersRatingsAreSummedInTheStatement) {
  this->done_request(2, "repair", kNov1, kNov1 + 1, 5);
  this->done_request(2, "repair", kNov1, kNov1 + 2, 2, "late");
  this->done_request(2, "repair", kNov1, kNov1 + 3, 3);
  this->done_request(3, "repair", kNov1, kNov1 + 4, 1);
  this->done_request(3, "repair", kNov1, kNov1 + 5, 0);
  RatingSum all = this->a().evaluation.satisfaction("sc", 2);
  EXPECT_EQ(all.count, 4);
  EXPECT_EQ(all.sum, 11);
  EXPECT_EQ(all.low, 2);
  RatingSum none = this->a().evaluation.satisfaction("other", 2);
  EXPECT_EQ(none.count, 0);
  EXPECT_EQ(none.sum, 0);
  RatingSum mine = this->a().evaluation.volunteer_ratings("sc", 2, 3, 2);
  EXPECT_EQ(mine.count, 3);  // over all three, though two are returned
  EXPECT_EQ(mine.sum, 10);
  EXPECT_EQ(mine.low, 2);
  ASSERT_EQ(mine.latest.size(), 2u);
  EXPECT_EQ(mine.latest[0].done_at, kNov1 + 3);  // newest first
  EXPECT_EQ(mine.latest[1].comment, "late");
  EXPECT_EQ(mine.latest[1].volunteer_id, 2);
  EXPECT_EQ(this->a().evaluation.volunteer_ratings("sc", 2, 3, 0).latest.size(), 1u);
  EXPECT_EQ(this->a().evaluation.volunteer_ratings("sc", 5, 3, 5).count, 0);
}

// Time served in a month, by person and post: a shift over the month's end counts in each month
// for its part; one still open counts until the month's end.
TYPED_TEST(Ports2, TimeServedIsGroupedByPersonAndPostAndCutAtTheMonthsEnds) {
  auto& s = this->a().shifts;
  auto over = s.check_in({0, 2, "sc", 1, kDec1 - 2 * kHour, 0});
  s.check_out(*over, kDec1 + kHour);
  auto earlier = this->b().shifts.check_in({0, 3, "sc", 2, kNov1 - kHour, 0});
  this->b().shifts.check_out(*earlier, kNov1 + kHour);
  s.check_in({0, 4, "sc", 0, kDec1 - kHour, 0});  // no post, still open
  s.check_in({0, 5, "other", 0, kNov30, 0});
  auto nov = this->b().evaluation.served("sc", kNov1, kDec1);
  ASSERT_EQ(nov.size(), 3u);
  EXPECT_EQ(nov[0].person_id, 2);
  EXPECT_EQ(nov[0].post_id, 1);
  EXPECT_EQ(nov[0].team, "care");
  EXPECT_EQ(nov[0].ms, 2 * kHour);
  EXPECT_EQ(nov[1].person_id, 3);
  EXPECT_EQ(nov[1].team, "delivery");
  EXPECT_EQ(nov[1].ms, kHour);  // from the month's first instant
  EXPECT_EQ(nov[2].person_id, 4);
  EXPECT_EQ(nov[2].post_id, 0);
  EXPECT_EQ(nov[2].team, "");
  EXPECT_EQ(nov[2].ms, kHour);
  auto dec = this->b().evaluation.served("sc", kDec1, kJan1);
  ASSERT_EQ(dec.size(), 2u);
  EXPECT_EQ(dec[0].ms, kHour);
  EXPECT_EQ(dec[1].ms, kJan1 - kDec1);
  // Two shifts of one person on one post are one row.
  auto later = this->b().shifts.check_in({0, 3, "sc", 2, kNov1 + 2 * kHour, 0});
  this->b().shifts.check_out(*later, kNov1 + 4 * kHour);
  nov = this->a().evaluation.served("sc", kNov1, kDec1);
  ASSERT_EQ(nov.size(), 3u);
  EXPECT_EQ(nov[1].ms, 3 * kHour);
}

// Trips served (accepted, started or done) count by when they were scheduled, [from, to).
TYPED_TEST(Ports2, TheTripsOfAMonthAreThoseServedAndScheduledInIt) {
  auto& t = this->a().trips;
  this->a().vehicles.add({0, "sc", 3, 4, "A1", true, kNov1});
  auto trip = [&](std::int64_t at) {
    return t.create({0, "sc", "hospital", "31", "H", at, 1, 0, TripStatus::offered, 0, 0, 1, at});
  };
  auto accepted = trip(kNov1);
  auto done = trip(kDec1 - 1);
  auto started = trip(kNov30);
  trip(kNov30);  // offered to nobody willing yet
  auto cancelled = trip(kNov30);
  auto december = trip(kDec1);
  for (auto id : {accepted, done, started, cancelled, december})
    ASSERT_TRUE(t.accept(id, 3, 1, kNov1, 0));
  ASSERT_TRUE(t.finish(done, 3, kDec1));
  ASSERT_TRUE(t.start(started, 3, kNov30));
  ASSERT_TRUE(t.cancel(cancelled, kNov30));
  EXPECT_EQ(this->b().evaluation.trips("sc", kNov1, kDec1), 3);
  EXPECT_EQ(this->b().evaluation.trips("sc", kDec1, kJan1), 1);
  EXPECT_EQ(this->b().evaluation.trips("other", kNov1, kJan1), 0);
}

// --- Commendations and service records -------------------------------------------------------

TYPED_TEST(Ports2, CommendationsOfAPeriodAreThoseMadeInIt) {
  auto& c = this->a().commendations;
  auto person = c.record({0, "sc", 2, "", "Ten nights of deliveries", 1, kNov1});
  auto team = c.record({0, "sc", 0, "care", "The whole care team", 1, kDec1 - 1});
  c.record({0, "sc", 3, "", "December's", 1, kDec1});
  EXPECT_GT(team, person);
  auto nov = this->b().commendations.in_period("sc", kNov1, kDec1);
  ASSERT_EQ(nov.size(), 2u);
  EXPECT_EQ(nov[0].id, person);
  EXPECT_EQ(nov[0].person_id, 2);
  EXPECT_EQ(nov[0].text, "Ten nights of deliveries");
  EXPECT_EQ(nov[1].person_id, 0);
  EXPECT_EQ(nov[1].team, "care");
  EXPECT_EQ(nov[1].by, 1);
  EXPECT_EQ(nov[1].at, kDec1 - 1);
  EXPECT_TRUE(this->b().commendations.in_period("other", kNov1, kJan1).empty());
}

// Every correction of a day stays, with what it replaced: the audit of the hours.
TYPED_TEST(Ports2, EachCorrectionOfHoursIsKeptWithWhatItReplaced) {
  auto& r = this->a().service;
  auto first = r.add_correction(
      {0, 2, "sc", kNov30, "2026-11-30", 3 * kHour, 5 * kHour, "left early", 1, kDec1});
  auto second = r.add_correction(
      {0, 2, "sc", kNov30, "2026-11-30", 4 * kHour, 3 * kHour, "it was 4", 1, kDec1 + 1});
  r.add_correction({0, 2, "sc", kDec1, "2026-12-01", 0, kHour, "not there", 1, kDec1 + 2});
  r.add_correction({0, 3, "sc", kNov30, "2026-11-30", kHour, 0, "forgot to check in", 1, kDec1});
  auto nov = this->b().service.corrections(2, kNov30, kDec1);
  ASSERT_EQ(nov.size(), 2u);
  EXPECT_EQ(nov[0].id, first);
  EXPECT_EQ(nov[0].previous_ms, 5 * kHour);
  EXPECT_EQ(nov[0].date, "2026-11-30");
  EXPECT_EQ(nov[1].id, second);
  EXPECT_EQ(nov[1].hours_ms, 4 * kHour);
  EXPECT_EQ(nov[1].previous_ms, 3 * kHour);
  EXPECT_EQ(nov[1].reason, "it was 4");
  EXPECT_EQ(nov[1].by, 1);
  EXPECT_EQ(nov[1].community_id, "sc");
  EXPECT_EQ(this->b().service.corrections(2, kNov30, kDec1 + 1).size(), 3u);
  EXPECT_ANY_THROW(r.add_correction({0, 2, "sc", kNov30, "2026-11-30", -1, 0, "x", 1, kDec1}));
}

TYPED_TEST(Ports2, TasksDoneAreCountedByCategoryMostFirst) {
  this->done_request(2, "shopping", kNov1, kNov1 + 1, 5);
  this->done_request(2, "repair", kNov1, kNov1 + 2, 0);
  this->done_request(2, "repair", kNov1, kNov1 + 3, 4);
  this->done_request(2, "medical", kNov1, kNov1 + 4, 0);
  this->done_request(2, "Zoo", kNov1, kNov1 + 5, 0);
  this->done_request(2, "shopping", kNov1, kDec1, 0);  // December's
  this->done_request(3, "repair", kNov1, kNov1 + 6, 0);
  auto tasks = this->b().service.tasks_done(2, kNov1, kDec1);
  // Ties in byte order, as SQLite sorts: upper case before lower case.
  std::vector<std::pair<std::string, int>> expected = {
      {"repair", 2}, {"Zoo", 1}, {"medical", 1}, {"shopping", 1}};
  EXPECT_EQ(tasks, expected);
}

// --- Certificates ----------------------------------------------------------------------------

Certificate certificate_of(std::int64_t person) {
  Certificate c;
  c.person_id = person;
  c.community_id = "sc";
  c.name = "陈师傅";
  c.organisation = "Test";
  c.lang = "zh";
  c.from_date = "2026-11-01";
  c.to_date = "2026-11-30";
  c.hours_ms = 12 * kHour;
  c.teams = {{"care", 10 * kHour}, {"delivery", 2 * kHour}};
  c.posts = {"1 Grandma", "2 Medicine"};
  c.tasks = {{"repair", 3}};
  c.issued_at = kDec1;
  c.issued_by = person;
  return c;
}

// The secret is made once, by whichever instance needs it first, and read by the others: a
// code issued on A verifies on B. A changed row or a made-up code does not verify.
TYPED_TEST(Ports2, ACertificateIssuedOnOneInstanceVerifiesOnTheOther) {
  Certificate issued = this->a().certificates.issue(certificate_of(2));
  ASSERT_GT(issued.id, 0);
  CertificateCheck seen = this->b().certificates.check("  " + issued.code + " ");
  ASSERT_EQ(seen.status, CertificateStatus::valid);
  EXPECT_EQ(seen.certificate->code, issued.code);
  EXPECT_EQ(seen.certificate->teams, issued.teams);
  EXPECT_EQ(seen.certificate->posts, issued.posts);
  EXPECT_EQ(seen.certificate->tasks, issued.tasks);
  EXPECT_EQ(seen.certificate->name, "陈师傅");
  std::string upper = issued.code;
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  EXPECT_EQ(this->b().certificates.check(upper).status, CertificateStatus::valid);
  std::string forged = issued.code;
  forged.back() = forged.back() == '0' ? '1' : '0';
  EXPECT_EQ(this->b().certificates.check(forged).status, CertificateStatus::invalid);
  EXPECT_EQ(
      this->b().certificates.check("99-" + issued.code.substr(issued.code.find('-') + 1)).status,
      CertificateStatus::invalid);
  EXPECT_EQ(this->b().certificates.check("hello").status, CertificateStatus::invalid);
  Certificate other = this->b().certificates.issue(certificate_of(3));
  EXPECT_EQ(this->a().certificates.check(other.code).status, CertificateStatus::valid);
  this->a_->exec("UPDATE certificates SET hours_ms = hours_ms * 2 WHERE id = " +
                 std::to_string(issued.id));
  EXPECT_EQ(this->b().certificates.check(issued.code).status, CertificateStatus::invalid);
  this->a_->exec("UPDATE certificates SET teams = 'not json' WHERE id = " +
                 std::to_string(other.id));
  EXPECT_EQ(this->b().certificates.check(other.code).status, CertificateStatus::invalid);
}

TYPED_TEST(Ports2, ACertificateIsRevokedOnce) {
  Certificate issued = this->a().certificates.issue(certificate_of(2));
  EXPECT_TRUE(this->b().certificates.revoke(issued.id, 1, kDec1 + 5));
  EXPECT_FALSE(this->a().certificates.revoke(issued.id, 4, kDec1 + 6));
  CertificateCheck seen = this->a().certificates.check(issued.code);
  EXPECT_EQ(seen.status, CertificateStatus::revoked);
  EXPECT_EQ(seen.certificate->revoked_by, 1);
  EXPECT_EQ(seen.certificate->revoked_at, kDec1 + 5);
  EXPECT_FALSE(this->a().certificates.revoke(999, 1, kDec1));
}

// The operator's secret signs alike on both engines: the same certificate, with the same id,
// has the same code on SQLite and on PostgreSQL.
TYPED_TEST(Ports2, TheOperatorsSecretSignsAsOnTheOtherEngine) {
  this->a_->use_secret("the operator's secret");
  Certificate issued = this->a().certificates.issue(certificate_of(2));
  Certificate expected = certificate_of(2);
  expected.id = issued.id;
  EXPECT_EQ(issued.code, std::to_string(issued.id) + "-" +
                             certificate::signature("the operator's secret", expected));
  // B reads the database's own secret, not the operator's: it does not verify A's.
  EXPECT_EQ(this->b().certificates.check(issued.code).status, CertificateStatus::invalid);
  this->b_->use_secret("the operator's secret");
  EXPECT_EQ(this->b().certificates.check(issued.code).status, CertificateStatus::valid);
}

// --- Training --------------------------------------------------------------------------------

TYPED_TEST(Ports2, ACourseAndATrainingAreRecordedOnce) {
  auto& t = this->a().training;
  EXPECT_TRUE(t.add_course("sc", "急救", kNov1));
  EXPECT_FALSE(this->b().training.add_course("sc", "急救", kNov1 + 1));
  EXPECT_TRUE(t.add_course("other", "急救", kNov1));
  EXPECT_TRUE(t.add_course("sc", "alpha", kNov1 + 2));
  EXPECT_TRUE(t.add_course("sc", "Zeta", kNov1 + 2));
  // Same moment: byte order, as SQLite sorts (upper case first).
  EXPECT_EQ(this->b().training.courses("sc"), (std::vector<std::string>{"急救", "Zeta", "alpha"}));
  EXPECT_TRUE(t.record("sc", 2, "prevention", 1, kNov1));
  EXPECT_FALSE(this->b().training.record("sc", 2, "prevention", 4, kNov1 + 1));
  EXPECT_TRUE(t.record("sc", 2, "急救", 1, kNov1 + 1));
  EXPECT_TRUE(t.record("sc", 3, "prevention", 1, kNov1));
  EXPECT_TRUE(t.record("other", 3, "急救", 1, kNov1));
  EXPECT_EQ(this->b().training.of_person("sc", 2),
            (std::vector<std::string>{"prevention", "急救"}));
  EXPECT_EQ(this->b().training.completed("sc"),
            (std::map<std::string, int>{{"prevention", 2}, {"急救", 1}}));
  EXPECT_TRUE(this->b().training.of_person("sc", 5).empty());
}

// --- Equipment -------------------------------------------------------------------------------

TYPED_TEST(Ports2, StockIsAddedTakenAndNeverBelowZero) {
  auto& e = this->a().equipment;
  EXPECT_EQ(e.add("sc", "suits", 5), 5);
  EXPECT_EQ(e.add("sc", "masks", 50), 50);
  EXPECT_EQ(this->b().equipment.add("sc", "suits", 2), 7);
  e.set_min("sc", "gloves", 10);  // a threshold before any stock
  auto stock = this->b().equipment.stock("sc");
  ASSERT_EQ(stock.size(), 3u);  // in the order they were first named
  EXPECT_EQ(stock[0].item, "suits");
  EXPECT_EQ(stock[1].item, "masks");
  EXPECT_EQ(stock[2].item, "gloves");
  EXPECT_EQ(stock[2].qty, 0);
  EXPECT_EQ(stock[2].min_qty, 10);
  EXPECT_EQ(e.take("sc", "suits", 7), 0);
  EXPECT_FALSE(e.take("sc", "suits", 1));
  EXPECT_FALSE(e.take("sc", "boots", 1));
  EXPECT_FALSE(this->b().equipment.take("sc", "masks", 51));
  EXPECT_EQ(this->b().equipment.item("sc", "masks")->qty, 50);
  EXPECT_FALSE(e.item("other", "masks"));
  EXPECT_ANY_THROW(this->a_->exec("UPDATE stock SET qty = -1 WHERE item = 'masks'"));
}

// A reads 3 in stock, B hands out 2 between A's read and A's statement: A's 3 cannot go out.
TYPED_TEST(Ports2, StockReadByOneAndTakenByTheOtherIsNotTakenTwice) {
  ASSERT_EQ(this->a().equipment.add("sc", "masks", 3), 3);
  ASSERT_EQ(this->a().equipment.item("sc", "masks")->qty, 3);
  EXPECT_EQ(this->b().equipment.take("sc", "masks", 2), 1);
  EXPECT_FALSE(this->a().equipment.take("sc", "masks", 3));
  EXPECT_EQ(this->a().equipment.take("sc", "masks", 1), 0);
  EXPECT_FALSE(this->b().equipment.take("sc", "masks", 1));
}

// The coordinators are warned once per crossing of the threshold, whichever instance crossed.
TYPED_TEST(Ports2, AnItemIsMarkedLowOncePerCrossing) {
  auto& e = this->a().equipment;
  e.add("sc", "suits", 6);
  e.set_min("sc", "suits", 5);
  EXPECT_FALSE(e.mark_low("sc", "suits"));
  ASSERT_EQ(e.take("sc", "suits", 2), 4);
  EXPECT_TRUE(this->b().equipment.mark_low("sc", "suits"));
  EXPECT_FALSE(e.mark_low("sc", "suits"));
  this->b().equipment.add("sc", "suits", 1);  // 5: not above, still low
  ASSERT_EQ(e.take("sc", "suits", 1), 4);
  EXPECT_FALSE(e.mark_low("sc", "suits"));
  this->b().equipment.add("sc", "suits", 2);  // 6: above, may warn again
  ASSERT_EQ(e.take("sc", "suits", 1), 5);
  EXPECT_TRUE(e.mark_low("sc", "suits"));
  e.set_min("sc", "suits", 3);  // the threshold lowered under the stock: no longer low
  e.set_min("sc", "suits", 5);
  EXPECT_TRUE(this->b().equipment.mark_low("sc", "suits"));
  e.set_min("sc", "masks", 0);  // 0: no warning
  EXPECT_FALSE(e.mark_low("sc", "masks"));
}

TYPED_TEST(Ports2, WhatAPersonWasHandedIsSummedByItemPastWhatAnIntHolds) {
  auto& e = this->a().equipment;
  e.hand_out("sc", 2, "masks", 2'000'000'000, 1, kNov1);
  this->b().equipment.hand_out("sc", 2, "masks", 2'000'000'000, 1, kNov1 + 1);
  e.hand_out("sc", 2, "suits", 1, 1, kNov1);
  e.hand_out("other", 2, "suits", 1, 1, kNov1);
  e.hand_out("sc", 3, "suits", 1, 1, kNov1);
  EXPECT_EQ(this->b().equipment.held("sc", 2),
            (std::map<std::string, std::int64_t>{{"masks", 4'000'000'000LL}, {"suits", 1}}));
  EXPECT_TRUE(e.held("sc", 4).empty());
}

// --- Risks -----------------------------------------------------------------------------------

TYPED_TEST(Ports2, AreasKeepTheirLatestLevelAndPostsBothTheirNeedsAndArrangements) {
  auto& r = this->a().risks;
  EXPECT_FALSE(r.high("sc", "31"));
  r.set_level("sc", "31", true, 1, kNov1);
  r.set_level("sc", "b", false, 1, kNov1 + 1);
  r.set_level("sc", "A", true, 1, kNov1 + 1);
  this->b().risks.set_level("sc", "31", false, 4, kNov1 + 2);
  EXPECT_EQ(r.high("sc", "31"), false);
  EXPECT_EQ(r.high("sc", "A"), true);
  EXPECT_FALSE(r.high("other", "31"));
  EXPECT_EQ(this->b().risks.areas("sc"),
            (std::vector<std::pair<std::string, bool>>{{"A", true}, {"b", false}, {"31", false}}));
  EXPECT_FALSE(r.post(1));
  r.set_supply(1, ShiftSupport::meals, true);
  this->b().risks.set_supply(1, ShiftSupport::insurance, true);
  PostSupport needs;
  needs.post_id = 1;
  needs.risk_as_place = true;
  needs.courses = {"prevention", "自定义课程"};
  needs.items = {"masks"};
  r.put_post(needs);  // needs only: the arrangements stay
  auto now = this->b().risks.post(1);
  ASSERT_TRUE(now);
  EXPECT_TRUE(now->meals);
  EXPECT_TRUE(now->insurance);
  EXPECT_FALSE(now->transport);
  EXPECT_TRUE(now->risk_as_place);
  EXPECT_EQ(now->courses, needs.courses);
  EXPECT_EQ(now->items, needs.items);
  this->b().risks.set_supply(1, ShiftSupport::transport, true);
  this->b().risks.set_supply(1, ShiftSupport::meals, false);
  needs.courses.clear();
  r.put_post(needs);
  now = r.post(1);
  EXPECT_FALSE(now->meals);
  EXPECT_TRUE(now->transport);
  EXPECT_TRUE(now->courses.empty());
  EXPECT_EQ(now->items, needs.items);
}

// --- Vehicles and trips ----------------------------------------------------------------------

TYPED_TEST(Ports2, OneActiveVehiclePerPlateAndARetiredPlateMayComeBack) {
  auto& v = this->a().vehicles;
  auto car = v.add({0, "sc", 3, 5, "渝A12345", true, kNov1});
  ASSERT_TRUE(car);
  EXPECT_FALSE(this->b().vehicles.add({0, "sc", 4, 7, "渝A12345", true, kNov1 + 1}));
  EXPECT_TRUE(v.add({0, "other", 4, 7, "渝A12345", true, kNov1 + 1}));
  auto van = this->b().vehicles.add({0, "sc", 4, 7, "渝B67890", true, kNov1 + 2});
  ASSERT_TRUE(van);
  EXPECT_TRUE(v.retire("sc", "渝A12345", kNov1 + 3));
  EXPECT_FALSE(this->b().vehicles.retire("sc", "渝A12345", kNov1 + 4));
  auto back = v.add({0, "sc", 5, 4, "渝A12345", true, kNov1 + 5});
  ASSERT_TRUE(back);
  auto all = this->b().vehicles.of_community("sc");
  ASSERT_EQ(all.size(), 3u);  // active first, then by id
  EXPECT_EQ(all[0].id, *van);
  EXPECT_EQ(all[1].id, *back);
  EXPECT_EQ(all[2].id, *car);
  EXPECT_FALSE(all[2].active);
  Vehicle got = *this->b().vehicles.get(*van);
  EXPECT_EQ(got.driver_id, 4);
  EXPECT_EQ(got.seats, 7);
  EXPECT_EQ(got.plate, "渝B67890");
  EXPECT_EQ(got.created_at, kNov1 + 2);
  EXPECT_FALSE(v.get(999));
}

TYPED_TEST(Ports2, ATripGoesThroughItsStatusesOnceEach) {
  auto& t = this->a().trips;
  auto& other = this->b().trips;
  this->a_->exec(
      "INSERT INTO help_requests (community_id, resident_id, category, details, "
      "status, created_at) VALUES ('sc', 8, 'driving', 'd', 'open', 0)");
  auto car = this->a().vehicles.add({0, "sc", 3, 5, "A1", true, kNov1});
  auto van = this->a().vehicles.add({0, "sc", 4, 7, "B2", true, kNov1});
  Trip ride{0, "sc", "hospital", "31栋", "市人民医院", kDec1 + 9 * kHour, 2, 1, TripStatus::offered,
            0, 0,    1,          kDec1};
  auto id = t.create(ride);
  t.offered(id, kDec1 + 1);
  EXPECT_EQ(other.of_request(1)->id, id);
  EXPECT_FALSE(other.start(id, 3, kDec1 + 2));  // not accepted yet
  EXPECT_TRUE(t.accept(id, 3, *car, kDec1 + 2, kHour));
  EXPECT_FALSE(other.accept(id, 4, *van, kDec1 + 3, kHour));  // taken
  EXPECT_FALSE(other.start(id, 4, kDec1 + 4));                // not their trip
  EXPECT_FALSE(other.unserved(id));                           // only from offered
  EXPECT_TRUE(other.finish(id, 3, kDec1 + 5));                // never said it started
  Trip got = *t.get(id);
  EXPECT_EQ(got.status, TripStatus::done);
  EXPECT_EQ(got.driver_id, 3);
  EXPECT_EQ(got.vehicle_id, *car);
  EXPECT_EQ(got.request_id, 1);
  EXPECT_EQ(got.offered_at, kDec1 + 1);
  EXPECT_EQ(got.accepted_at, kDec1 + 2);
  EXPECT_EQ(got.started_at, kDec1 + 2);  // from its acceptance
  EXPECT_EQ(got.finished_at, kDec1 + 5);
  EXPECT_EQ(got.seats, 2);
  EXPECT_EQ(got.origin, "31栋");
  EXPECT_FALSE(other.finish(id, 3, kDec1 + 6));
  EXPECT_FALSE(other.cancel(id, kDec1 + 6));  // done: not cancelled
  EXPECT_FALSE(other.of_request(1));          // over
  auto unserved = t.create(
      {0, "sc", "supplies", "a", "b", kDec1, 1, 0, TripStatus::offered, 0, 0, 1, kDec1 + 7});
  EXPECT_TRUE(other.unserved(unserved));
  EXPECT_TRUE(other.cancel(unserved, kDec1 + 8));
  EXPECT_EQ(t.get(unserved)->cancelled_at, kDec1 + 8);
  EXPECT_EQ(t.get(unserved)->request_id, 0);
  EXPECT_FALSE(t.get(999));
}

// Issue 11's fleet review: a driver is not given two trips too close together, and a trip on
// the road is not cancelled.
TYPED_TEST(Ports2, ADriverTakesNoSecondTripWithinTheSpanAndATripOnTheRoadStays) {
  auto& t = this->a().trips;
  auto trip = [&](std::int64_t at) {
    return t.create({0, "sc", "staff", "a", "b", at, 1, 0, TripStatus::offered, 0, 0, 1, kNov30});
  };
  this->a().vehicles.add({0, "sc", 3, 4, "A1", true, kNov1});
  this->a().vehicles.add({0, "sc", 4, 4, "B2", true, kNov1});
  auto first = trip(kDec1);
  auto near = trip(kDec1 + kHour / 2);
  auto far = trip(kDec1 + 2 * kHour);
  ASSERT_TRUE(t.accept(first, 3, 1, kNov30, kHour));
  EXPECT_FALSE(this->b().trips.accept(near, 3, 1, kNov30, kHour));  // half an hour after
  EXPECT_EQ(t.get(near)->status, TripStatus::offered);
  EXPECT_TRUE(this->b().trips.accept(near, 4, 1, kNov30, kHour));  // another driver
  EXPECT_TRUE(t.accept(far, 3, 1, kNov30, kHour));                 // two hours after
  ASSERT_TRUE(t.start(first, 3, kDec1));
  EXPECT_FALSE(t.cancel(first, kDec1 + 1));  // on the road
  EXPECT_EQ(t.get(first)->status, TripStatus::started);
  EXPECT_TRUE(t.cancel(far, kDec1 + 1));
}

TYPED_TEST(Ports2, BusyDriversScheduleAndTotalsOfTheFleet) {
  auto& t = this->a().trips;
  auto trip = [&](std::int64_t at, std::int64_t requested_at) {
    return t.create(
        {0, "sc", "staff", "a", "b", at, 1, 0, TripStatus::offered, 0, 0, 1, requested_at});
  };
  this->a().vehicles.add({0, "sc", 3, 4, "A1", true, kNov1});
  auto first = trip(kDec1, kNov30);
  auto second = trip(kDec1 + kHour, kNov30 + 1);
  auto third = trip(kDec1 - 1, kNov30 - 5);  // cancelled: not counted, not the first
  auto fourth = trip(kDec1 + 2 * kHour, kNov30 + 2);
  ASSERT_TRUE(t.accept(first, 3, 1, kNov30, 0));
  ASSERT_TRUE(t.accept(second, 4, 1, kNov30, 0));
  ASSERT_TRUE(t.start(second, 4, kDec1 + kHour));
  ASSERT_TRUE(t.accept(third, 5, 1, kNov30, 0));
  ASSERT_TRUE(t.cancel(third, kNov30));
  ASSERT_TRUE(t.accept(fourth, 6, 1, kNov30, 0));
  ASSERT_TRUE(t.finish(fourth, 6, kDec1 + 3 * kHour));
  EXPECT_EQ(this->b().trips.busy_drivers("sc", kDec1 - kHour, kDec1 + 2 * kHour),
            (std::set<std::int64_t>{3, 4}));
  EXPECT_EQ(this->b().trips.busy_drivers("sc", kDec1 + kHour + 1, kJan1),
            (std::set<std::int64_t>{}));
  auto day = this->b().trips.scheduled("sc", kDec1 - 1, kDec1 + 2 * kHour);
  ASSERT_EQ(day.size(), 3u);
  EXPECT_EQ(day[0].id, third);
  EXPECT_EQ(day[0].status, TripStatus::cancelled);
  EXPECT_EQ(day[1].id, first);
  EXPECT_EQ(day[2].id, second);
  EXPECT_EQ(day[2].status, TripStatus::started);
  EXPECT_EQ(this->b().trips.total("sc"), (std::pair<int, std::int64_t>{3, kNov30}));
  EXPECT_EQ(this->b().trips.total("other"), (std::pair<int, std::int64_t>{0, 0}));
}

// A unit of work that made the secret and then rolled back (on PostgreSQL a serialization
// failure at COMMIT does, and the pool runs it again) leaves no secret behind: the next
// certificate must not be signed with that one, which no other instance could ever check.
TEST(PgCertificates, ASecretMadeInAUnitOfWorkThatRolledBackSignsNothing) {
  LINLI_REQUIRE_POSTGRES();
  OnPostgres db;
  auto a = db.open();
  auto b = db.open();
  a->exec(kSeed);
  auto& connection = static_cast<PgInstance&>(*a).connection();
  connection.exec("BEGIN");
  a->ports().certificates.issue(certificate_of(2));
  connection.exec("ROLLBACK");
  Certificate kept = a->ports().certificates.issue(certificate_of(2));
  EXPECT_EQ(b->ports().certificates.check(kept.code).status, CertificateStatus::valid);
}

// The daily purges delete in one statement whatever a day left behind: at city scale that can
// take longer than the 30 s statement_timeout every connection gets for decisions, and a purge
// that fails every day keeps what must not be kept. Each purge lifts it for its own unit of
// work, and only for that unit.
TEST(PgPurges, EachPurgeLiftsTheStatementTimeoutForItsUnitOfWorkOnly) {
  LINLI_REQUIRE_POSTGRES();
  OnPostgres db;
  auto a = db.open();
  auto& connection = static_cast<PgInstance&>(*a).connection();
  auto timeout = [&] { return std::string(connection.exec("SHOW statement_timeout").text(0, 0)); };
  const std::vector<std::function<void(Store&)>> purges = {
      [](Store& s) { s.events.purge(1); },
      [](Store& s) { s.requests.purge_addresses(1); },
      [](Store& s) { s.outbox.purge_texts(1); },
      [](Store& s) { s.outbox.purge_held(1); },
  };
  for (std::size_t i = 0; i < purges.size(); ++i) {
    ASSERT_EQ(timeout(), "30s") << "purge " << i;
    connection.exec("BEGIN");
    purges[i](a->ports());
    EXPECT_EQ(timeout(), "0") << "purge " << i << " left the decisions' limit on";
    connection.exec("COMMIT");
    EXPECT_EQ(timeout(), "30s") << "purge " << i << " changed the session's limit";
  }
}

// --- Races on PostgreSQL ---------------------------------------------------------------------

// Two transactions at once on two connections: A has done its write and holds the row; B's
// statement, run by a Pool worker as production runs a decision, must wait for A's row (the
// server says so in pg_stat_activity) until A commits. `isolation` is B's and A's.
class PgRace : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    LINLI_REQUIRE_POSTGRES();
    conninfo_ = test::PostgresServer::shared().fresh_database();
    pg::Connection c(conninfo_);
    pg::migrate(c);
    c.run_script(kSeed);
    a_ = std::make_unique<PgInstance>(conninfo_);
  }
  void TearDown() override {
    if (a_ && !a_->connection().idle()) a_->connection().exec("ROLLBACK");
  }
  // A's transaction, in which it then does its write and holds the row.
  void begin_a() { a_->connection().exec(std::string("BEGIN ISOLATION LEVEL ") + GetParam()); }
  bool serializable() const { return std::string(GetParam()) == "SERIALIZABLE"; }

  // Runs `second` on a Pool worker while A's transaction is open; commits A once the server
  // shows the worker waiting on a lock (at most 30 s). What `second` returned in the end, and
  // how many times the pool ran it again.
  template <typename R>
  std::pair<R, std::uint64_t> against_a(std::function<R(Instance&)> second) {
    pg::Pool pool(conninfo_, 1);
    std::atomic<int> pid{0};
    auto value = std::make_shared<std::optional<R>>();
    std::promise<void> finished;
    auto outcome = finished.get_future();
    const std::string isolation = GetParam();
    pool.submit(
        [&pid, value, second, isolation](pg::Connection& c) {
          c.exec("SET TRANSACTION ISOLATION LEVEL " + isolation);
          pid = c.backend_pid();
          PgInstance over(c);
          *value = second(over);
        },
        [&finished](std::exception_ptr e) {
          if (e) {
            finished.set_exception(e);
          } else {
            finished.set_value();
          }
        });
    bool waited = waits_on_a_lock(pid);
    a_->connection().exec("COMMIT");
    EXPECT_TRUE(waited) << "B never waited for A's row";
    EXPECT_EQ(outcome.wait_for(30s), std::future_status::ready) << "B did not finish";
    outcome.get();
    return {**value, pool.retries()};
  }

  std::unique_ptr<PgInstance> a_;

 private:
  bool waits_on_a_lock(const std::atomic<int>& pid) const {
    pg::Connection watch(conninfo_);
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (pid != 0) {
        pg::Result r = watch.exec(
            "SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'",
            {static_cast<int>(pid)});
        if (r.integer(0, 0) == 1) return true;
      }
      std::this_thread::sleep_for(5ms);
    }
    return false;
  }

 protected:
  std::string conninfo_;
};

// The last three masks: A hands them out; B, at the same moment, asks for one.
TEST_P(PgRace, TheLastOfTheStockGoesToOneOfTwoInstances) {
  ASSERT_EQ(a_->ports().equipment.add("sc", "masks", 3), 3);
  begin_a();
  ASSERT_EQ(a_->ports().equipment.take("sc", "masks", 3), 0);
  auto [taken, retries] = against_a<std::optional<int>>(
      [](Instance& b) { return b.ports().equipment.take("sc", "masks", 1); });
  EXPECT_FALSE(taken);
  EXPECT_EQ(retries, serializable() ? 1u : 0u);
  EXPECT_EQ(a_->ports().equipment.item("sc", "masks")->qty, 0);
}

// Two drivers reply 接单 to one trip on two instances: exactly one gets it.
TEST_P(PgRace, ATripIsAcceptedByOneOfTwoDrivers) {
  auto car = a_->ports().vehicles.add({0, "sc", 3, 5, "A1", true, kNov1});
  auto van = a_->ports().vehicles.add({0, "sc", 4, 7, "B2", true, kNov1});
  auto id = a_->ports().trips.create(
      {0, "sc", "hospital", "31", "H", kDec1, 1, 0, TripStatus::offered, 0, 0, 1, kNov30});
  begin_a();
  ASSERT_TRUE(a_->ports().trips.accept(id, 3, *car, kNov30 + 1, 0));
  auto [accepted, retries] = against_a<bool>(
      [id, van = *van](Instance& b) { return b.ports().trips.accept(id, 4, van, kNov30 + 2, 0); });
  EXPECT_FALSE(accepted);
  EXPECT_EQ(retries, serializable() ? 1u : 0u);
  Trip t = *a_->ports().trips.get(id);
  EXPECT_EQ(t.driver_id, 3);
  EXPECT_EQ(t.vehicle_id, *car);
  EXPECT_EQ(t.accepted_at, kNov30 + 1);
}

// 签到 sent twice at once (two chats, two instances): one open shift. SQLite's statement
// (INSERT ... WHERE NOT EXISTS an open one) would let both transactions see none; here the
// second waits on the unique index and inserts nothing.
TEST_P(PgRace, TwoCheckInsAtOnceOpenOneShift) {
  begin_a();
  ASSERT_TRUE(a_->ports().shifts.check_in({0, 2, "sc", 1, kNov30, 0}));
  auto [opened, retries] = against_a<std::optional<std::int64_t>>([](Instance& b) {
    return b.ports().shifts.check_in({0, 2, "sc", 0, kNov30 + 1, 0});
  });
  EXPECT_FALSE(opened);
  EXPECT_EQ(retries, serializable() ? 1u : 0u);
  EXPECT_EQ(a_->ports().shifts.on_duty(2)->post_id, 1);
  EXPECT_EQ(a_->ports().shifts.of_person(2, 0, kJan1).size(), 1u);
}

// Two coordinators register one plate at once: one vehicle.
TEST_P(PgRace, OnePlateRegisteredTwiceAtOnceIsOneVehicle) {
  begin_a();
  ASSERT_TRUE(a_->ports().vehicles.add({0, "sc", 3, 5, "渝A12345", true, kNov1}));
  auto [added, retries] = against_a<std::optional<std::int64_t>>([](Instance& b) {
    return b.ports().vehicles.add({0, "sc", 4, 7, "渝A12345", true, kNov1 + 1});
  });
  EXPECT_FALSE(added);
  EXPECT_EQ(retries, serializable() ? 1u : 0u);
  EXPECT_EQ(a_->ports().vehicles.of_community("sc").size(), 1u);
}

// Two coordinators stock up a new item at once (库存 口罩 +5, +3): both are counted.
TEST_P(PgRace, StockAddedByTwoInstancesAtOnceCountsBoth) {
  begin_a();
  ASSERT_EQ(a_->ports().equipment.add("sc", "masks", 5), 5);
  auto [now, retries] =
      against_a<int>([](Instance& b) { return b.ports().equipment.add("sc", "masks", 3); });
  EXPECT_EQ(now, 8);
  EXPECT_EQ(retries, serializable() ? 1u : 0u);
  EXPECT_EQ(a_->ports().equipment.item("sc", "masks")->qty, 8);
  EXPECT_EQ(a_->ports().equipment.stock("sc").size(), 1u);
}

// Two hand-outs cross the threshold on two instances at once: the coordinators are warned once.
TEST_P(PgRace, OneCrossingOfTheThresholdWarnsOnceAcrossInstances) {
  a_->ports().equipment.add("sc", "suits", 4);
  a_->ports().equipment.set_min("sc", "suits", 5);
  begin_a();
  ASSERT_TRUE(a_->ports().equipment.mark_low("sc", "suits"));
  auto [warned, retries] =
      against_a<bool>([](Instance& b) { return b.ports().equipment.mark_low("sc", "suits"); });
  EXPECT_FALSE(warned);
  EXPECT_EQ(retries, serializable() ? 1u : 0u);
}

// The first certificates of two instances at once: the secret is made once, both sign with it.
TEST_P(PgRace, TwoInstancesMakingTheSecretAtOnceAgreeOnOne) {
  begin_a();
  Certificate first = a_->ports().certificates.issue(certificate_of(2));
  auto [second, retries] = against_a<Certificate>(
      [](Instance& b) { return b.ports().certificates.issue(certificate_of(3)); });
  EXPECT_EQ(retries, serializable() ? 1u : 0u);
  PgInstance c(conninfo_);
  EXPECT_EQ(c.ports().certificates.check(first.code).status, CertificateStatus::valid);
  EXPECT_EQ(c.ports().certificates.check(second.code).status, CertificateStatus::valid);
  pg::Connection count(conninfo_);
  EXPECT_EQ(count.exec("SELECT count(*) FROM service_secrets").integer(0, 0), 1);
}

INSTANTIATE_TEST_SUITE_P(Isolation, PgRace, ::testing::Values("READ COMMITTED", "SERIALIZABLE"),
                         [](const auto& info) {
                           return std::string(info.param) == "SERIALIZABLE" ? "Serializable"
                                                                            : "ReadCommitted";
                         });

}  // namespace
}  // namespace linli::storage
