// `linli serve` on PostgreSQL (issue 13): the real App in process on a real PostgreSQL server
// (tests/support/postgres.hpp) with the fake Telegram Bot API, over HTTP on 127.0.0.1. The
// decisions run on the pool's workers (bot/pg_runtime.hpp); the stories are those of the SQLite
// suites (telegram_test.cpp, xmpp_race_test.cpp) and must come out the same.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "bot/dispatcher.hpp"
#include "bot/scheduler.hpp"
#include "storage/pg/store.hpp"
#include "tests/support/postgres.hpp"
#include "tests/support/process.hpp"
#include "tests/support/telegram_fixture.hpp"

namespace linli::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr int kNeighbours = 15;

// A fresh migrated database of its own for each test, or nothing when there is no server (the
// test then fails or skips in SetUp, before the App is used).
std::string fresh_postgres() {
  if (PostgresServer::missing()) return "";
  return PostgresServer::shared().migrated_database();
}

json on_postgres(const std::string& conninfo, int connections = 4) {
  if (conninfo.empty()) return json::object();
  return {{"database", {{"postgres", conninfo}, {"connections", connections}}}};
}

json neighbours() {
  json out = json::array();
  for (int i = 1; i <= kNeighbours; ++i) {
    out.push_back({{"person", "tg:" + std::to_string(5000 + i)},
                   {"name", "邻居" + std::to_string(i)},
                   {"building", "31"}});
  }
  return out;
}

TelegramUser neighbour(int i) {
  return TelegramUser{5000 + i, "邻居" + std::to_string(i), "", "", "zh"};
}

class TelegramOnPostgres : public Telegram {
 protected:
  explicit TelegramOnPostgres(std::string conninfo = fresh_postgres())
      : Telegram(on_postgres(conninfo), neighbours()), conninfo_(std::move(conninfo)) {}
  void SetUp() override { LINLI_REQUIRE_POSTGRES(); }

  // The database as an operator's psql would see it, beside the service.
  storage::pg::PgStore& db() {
    if (!store_) {
      connection_ = std::make_unique<storage::pg::Connection>(conninfo_);
      store_ = std::make_unique<storage::pg::PgStore>(*connection_);
    }
    return *store_;
  }
  DispatchStats stats() {
    return on_io([&] { return app_->app().dispatcher().stats(); });
  }

  std::string conninfo_;
  std::unique_ptr<storage::pg::Connection> connection_;
  std::unique_ptr<storage::pg::PgStore> store_;
};

TEST_F(TelegramOnPostgres, VolunteerSignsUpAndTheCoordinatorApprovesByButton) {
  say(kResidents, kZhang, "报名志愿者");
  expect(kResidents, "请问你的姓名");
  say(kResidents, kZhang, "张建国",
      TelegramMessageOptions{}.replying_to_bot(fake_.messages(kResidents).back().message_id));
  expect(kZhang.id, "你的手机号");
  say(kZhang.id, kZhang, "13700000000");
  say(kZhang.id, kZhang, "31栋");
  say(kZhang.id, kZhang, "1 3");
  say(kZhang.id, kZhang, "周末");
  expect(kZhang.id, "技能：维修、驾驶");
  say(kZhang.id, kZhang, "是");
  TelegramMessage review = expect(kZhou.id, "新志愿者待审核");
  press(kZhou.id, kZhou, review.message_id, button(review, 0, 0));  // 通过
  expect(kZhang.id, "你已成为 山城花园社区 的志愿者");
  expect(kVolunteers, "欢迎新志愿者 张建国");
  Person zhang = db().people.resolve("tg", std::to_string(kZhang.id), "", clock_.now_ms());
  auto v = db().volunteers.get(zhang.id);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->status, VolunteerStatus::approved);
  EXPECT_EQ(stats().failed, 0u);
}

TEST_F(TelegramOnPostgres, HelpRequestIsTakenAndTheRepliesArriveInOrder) {
  say(kResidents, kLi, "🙏请帮忙 /help@linli_bot 厨房水管漏水了😭");
  TelegramMessage ask = expect(kResidents, "需要哪方面的帮助");
  press(kResidents, kLi, ask.message_id, button(ask, 0, 0));  // 维修
  expect(kLi.id, "具体地址");
  say(kLi.id, kLi, "2单元501");
  say(kLi.id, kLi, "1");
  say(kLi.id, kLi, "是");
  expect(kLi.id, "已提交，编号 #1");
  TelegramMessage card = expect(kVolunteers, "厨房水管漏水了😭");
  say(kVolunteers, kChen, "接单💪", TelegramMessageOptions{}.replying_to_bot(card.message_id));
  expect(kChen.id, "地址：31栋2单元501");
  expect(kLi.id, "陈师傅 接了你的求助 #1");
  // Li's private chat, in the order the dialog spoke.
  std::vector<std::string> order = {"具体地址", "急吗", "请确认你的求助", "已提交，编号 #1",
                                    "陈师傅 接了你的求助 #1"};
  std::size_t next = 0;
  for (const auto& m : fake_.messages(kLi.id)) {
    if (next < order.size() && m.text.find(order[next]) != std::string::npos) ++next;
  }
  EXPECT_EQ(next, order.size()) << "Li's messages arrived out of order";
  auto request = db().requests.get(1);
  ASSERT_TRUE(request);
  EXPECT_EQ(request->status, RequestStatus::claimed);
}

TEST_F(TelegramOnPostgres, TheSameUpdateDeliveredTwiceIsHandledOnce) {
  json update = ups_.message(kResidents, "supergroup", kLi, "/help@linli_bot 灯坏了", {});
  EXPECT_EQ(post(update), 200);
  EXPECT_EQ(post(update), 200);
  expect(kResidents, "需要哪方面的帮助");
  EXPECT_EQ(count(kResidents, "需要哪方面的帮助"), 1);
  DispatchStats s = stats();
  EXPECT_EQ(s.handled, 1u);
  EXPECT_EQ(s.duplicates, 1u);
}

TEST_F(TelegramOnPostgres, AnOpenDialogTimesOutThroughItsTimer) {
  say(kLi.id, kLi, "/help");
  expect(kLi.id, "需要哪方面的帮助");
  clock_.advance_ms(3 * 3600 * 1000);
  EXPECT_GE(on_io([&] { return app_->app().scheduler().run_due(); }), 1);
  expect(kLi.id, "分钟没有回复");
  EXPECT_FALSE(
      db().dialogs.get(db().people.resolve("tg", std::to_string(kLi.id), "", clock_.now_ms()).id));
}

// The sender's reads on PostgreSQL come back later (bot/pg_outbox_book.hpp): a restart's backlog
// is read through the pool, each message delivered once, in order, and nothing sent before the
// stop (its mark went through the pool too) comes again.
TEST_F(TelegramOnPostgres, MessagesLeftInTheOutboxAtAStopArriveOnceAfterTheRestart) {
  say(kZhang.id, kZhang, "/menu");
  expect(kZhang.id, "你可以");
  fake_.add_fault(TelegramFault::server_error("sendMessage", 500, 1000).in_chat(kLi.id));
  for (const char* cmd : {"/menu", "/mine", "/lang en"}) say(kLi.id, kLi, cmd);
  ASSERT_TRUE(fake_.wait_until(
      [](const FakeTelegram& f) { return f.calls("sendMessage").size() >= 3; }, 10s));
  app_->stop(100ms);
  EXPECT_TRUE(fake_.messages(kLi.id).empty());
  EXPECT_EQ(db().outbox.depth(), 3);
  fake_.clear_faults();
  app_->start();
  expect(kLi.id, "I'll speak English");
  auto li = fake_.messages(kLi.id);
  ASSERT_EQ(li.size(), 3u);
  EXPECT_THAT(li[0].text, HasSubstr("你可以"));
  EXPECT_THAT(li[2].text, HasSubstr("I'll speak English"));
  EXPECT_EQ(fake_.messages(kZhang.id).size(), 1u);
  EXPECT_EQ(db().outbox.depth(), 0);
}

// DESIGN.md §1's race, decided on four workers at once: fifteen replies to a call for ten
// places come in together; exactly ten get one, five wait, and no reply failed or was parked
// because two transactions met (PostgreSQL's serialization failures are run again, not
// counted).
TEST_F(TelegramOnPostgres, FifteenRepliesForTenPlacesOnSeveralWorkers) {
  say(kZhou.id, kZhou, "设岗");
  expect(kZhou.id, "哪个队伍");
  for (const char* answer :
       {"6", "照看31栋独居的王奶奶", "10", "0", "31栋", "明天 8:00-12:00", "1"}) {
    say(kZhou.id, kZhou, answer);
  }
  expect(kZhou.id, "请确认岗位");
  say(kZhou.id, kZhou, "是");
  expect(kZhou.id, "岗位 1 已保存");
  say(kZhou.id, kZhou, "招募 1");
  expect(kZhou.id, "招募已发到 2 个群");
  TelegramMessage card = expect(kResidents, "【招募】岗位 1：照看31栋独居的王奶奶");

  std::vector<std::string> replies;
  for (int i = 1; i <= kNeighbours; ++i) {
    replies.push_back(ups_.message(kResidents, "supergroup", neighbour(i), i % 2 ? "+1" : "报名",
                                   TelegramMessageOptions{}.replying_to_bot(card.message_id))
                          .dump());
  }
  DispatchStats before = stats();
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kNeighbours; ++i) {
    threads.emplace_back([&, i] {
      HttpClient own(app_->port());
      ++ready;
      while (ready < kNeighbours) std::this_thread::yield();
      EXPECT_EQ(own.post("/telegram/tg", replies[i], {{"X-Telegram-Bot-Api-Secret-Token", kSecret}})
                    .status,
                200);
    });
  }
  for (auto& t : threads) t.join();

  RosterCounts n = db().roster.counts(1);
  EXPECT_EQ(n.taken, 10);
  EXPECT_EQ(n.waiting, 5);
  DispatchStats after = stats();
  EXPECT_EQ(after.handled - before.handled, static_cast<std::uint64_t>(kNeighbours));
  EXPECT_EQ(after.failed, 0u);
  EXPECT_EQ(after.parked, 0u);
  ASSERT_TRUE(fake_.wait_until(
      [](const FakeTelegram& f) {
        int places = 0, waiting = 0;
        for (int i = 1; i <= kNeighbours; ++i) {
          for (const auto& m : f.messages(5000 + i)) {
            places += m.text.find("个名额") != std::string::npos;
            waiting += m.text.find("候补第") != std::string::npos;
          }
        }
        return places == 10 && waiting == 5;
      },
      10s));
  // The card's refresh is a timer: it fires through the pool, and the card is edited in place.
  clock_.advance_ms(5'000);
  on_io([&] { return app_->app().scheduler().run_due(); });
  ASSERT_TRUE(fake_.wait_until(
      [&](const FakeTelegram& f) {
        for (const auto& m : f.messages(kResidents)) {
          if (m.message_id == card.message_id)
            return m.text.find("已报名 10/10 · 候补 5") != std::string::npos;
        }
        return false;
      },
      10s));
  EXPECT_EQ(count(kResidents, "【招募】岗位 1"), 1);
}

// The playground keeps its history in SQLite only: with PostgreSQL, start-up stops naming the
// key, before anything listens.
TEST(AppOnPostgres, APlaygroundAdapterIsAnOperatorErrorNamingTheKey) {
  LINLI_REQUIRE_POSTGRES();
  json patch = on_postgres(PostgresServer::shared().migrated_database(), 1);
  patch["adapters"] = json::array({{{"type", "telegram"},
                                    {"name", "tg"},
                                    {"token", kToken},
                                    {"secret_token", kSecret},
                                    {"username", "linli_bot"},
                                    {"api_base", "http://127.0.0.1:9"}},
                                   {{"type", "playground"},
                                    {"name", "play"},
                                    {"people", {{{"id", "li"}, {"name", "李秀英"}}}}}});
  Config config = telegram_config("unused.db", "http://127.0.0.1:9", patch);
  ManualClock clock{1'800'000'000'000};
  std::FILE* quiet = std::fopen("/dev/null", "w");
  Logger log(LogLevel::error, quiet);
  try {
    App app(config, clock, log);
    ADD_FAILURE() << "the App was built with a playground on PostgreSQL";
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("adapters: a \"playground\" adapter needs a SQLite"));
  }
  std::fclose(quiet);
}

// A database that sorts text otherwise than SQLite is the operator's to fix, like a bad config
// value: start-up stops with a config error naming database.postgres, before serving.
TEST(AppOnPostgres, ADatabaseThatDoesNotSortByBytesStopsStartUpAsAConfigError) {
  LINLI_REQUIRE_POSTGRES();
  const std::string base = PostgresServer::shared().conninfo();
  {
    storage::pg::Connection admin(base);
    admin.exec_unprepared("DROP DATABASE IF EXISTS app_sorts_c_utf8");
    admin.exec_unprepared(
        "CREATE DATABASE app_sorts_c_utf8 TEMPLATE template0 LC_COLLATE 'C.UTF-8' "
        "LC_CTYPE 'C.UTF-8'");
  }
  const std::string conninfo = base.substr(0, base.rfind("dbname=")) + "dbname=app_sorts_c_utf8";
  Config config = telegram_config("unused.db", "http://127.0.0.1:9", on_postgres(conninfo, 1));
  ManualClock clock{1'800'000'000'000};
  std::FILE* quiet = std::fopen("/dev/null", "w");
  Logger log(LogLevel::error, quiet);
  try {
    App app(config, clock, log);
    ADD_FAILURE() << "the App was built on a database that sorts by C.UTF-8";
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("database.postgres"));
    EXPECT_THAT(e.what(), HasSubstr("createdb -T template0 --locale=C"));
  }
  std::fclose(quiet);
}

// `linli serve` as operators run it, on PostgreSQL: it starts (migrating an empty database),
// answers /healthz and stops on SIGTERM.
TEST(ServeOnPostgres, StartsAnswersHealthAndStopsOnSigterm) {
  LINLI_REQUIRE_POSTGRES();
  TempDir dir;
  std::string conninfo = PostgresServer::shared().fresh_database();
  FakeTelegram fake(kToken);
  json c = {{"server", {{"port", 0}}},
            {"database", {{"postgres", conninfo}, {"connections", 2}}},
            {"adapters",
             {{{"type", "telegram"},
               {"name", "tg"},
               {"token", kToken},
               {"secret_token", kSecret},
               {"username", "linli_bot"},
               {"api_base", fake.base_url()}}}},
            {"communities",
             {{{"id", "sc"},
               {"name", "山城花园社区"},
               {"coordinators", {"tg:3001"}},
               {"groups",
                {{{"chat", "tg:" + std::to_string(kResidents)},
                  {"kind", "residents"},
                  {"building", "31"}},
                 {{"chat", "tg:" + std::to_string(kVolunteers)}, {"kind", "volunteers"}}}}}}}};
  std::string path = dir.path() + "/config.json";
  std::ofstream(path) << c.dump(2);
  Process p({LINLI_BINARY, "serve", "--config", path}, dir.path());
  std::uint16_t port = p.wait_listening(30s);
  ASSERT_NE(port, 0) << p.err();
  HttpClient client(port);
  EXPECT_EQ(client.get("/healthz").status, 200);
  TelegramUpdates ups;
  EXPECT_EQ(client
                .post("/telegram/tg", ups.message(kLi.id, "private", kLi, "/menu", {}).dump(),
                      {{"X-Telegram-Bot-Api-Secret-Token", kSecret}})
                .status,
            200);
  EXPECT_TRUE(
      fake.wait_until([](const FakeTelegram& f) { return !f.messages(kLi.id).empty(); }, 10s));
  p.signal(SIGTERM);
  EXPECT_EQ(p.wait_exit(20s), 0) << p.err();
  EXPECT_THAT(p.err(), HasSubstr("\"event\":\"stopped\""));
}

}  // namespace
}  // namespace linli::test
