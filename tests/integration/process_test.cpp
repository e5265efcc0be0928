// build/linli as operators run it: the command line, exit codes, configuration errors, a
// graceful stop on SIGTERM, and logs that keep message texts out.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include <SQLiteCpp/Database.h>

#include <fstream>
#include <memory>

#include <nlohmann/json.hpp>

#include "tests/support/fake_telegram.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/telegram_updates.hpp"
#include "tests/support/temp_dir.hpp"

namespace linli::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

// The example config on port 0 with its database in `dir`, with `patch` merged in.
std::string write_config(const std::string& dir, const json& patch = json::object()) {
  std::ifstream in(std::string(LINLI_SOURCE_DIR) + "/config/example.json");
  json c = json::parse(in);
  c["server"]["port"] = 0;
  c["database"] = dir + "/linli.db";
  c.merge_patch(patch);
  std::string path = dir + "/config.json";
  std::ofstream(path) << c.dump(2);
  return path;
}

TEST(Process, HelpListsTheCommands) {
  TempDir dir;
  Process p({LINLI_BINARY, "--help"}, dir.path());
  EXPECT_EQ(p.wait_exit(10s), 0);
  EXPECT_THAT(p.out(), HasSubstr("linli serve --config FILE"));
  EXPECT_THAT(p.out(), HasSubstr("check-config"));
}

TEST(Process, BadConfigStopsStartUpWithTheKeyAndReason) {
  TempDir dir;
  std::string path = write_config(dir.path(), {{"dialogs", {{"timeout_minutes", 0}}}});
  Process p({LINLI_BINARY, "serve", "--config", path}, dir.path());
  EXPECT_EQ(p.wait_exit(10s), 2);
  EXPECT_THAT(p.err(), HasSubstr("dialogs.timeout_minutes: must be between 1 and 10080"));
}

TEST(Process, UnknownCommandIsAUsageError) {
  TempDir dir;
  Process p({LINLI_BINARY, "srve"}, dir.path());
  EXPECT_EQ(p.wait_exit(10s), 2);
  EXPECT_THAT(p.err(), HasSubstr("unknown command \"srve\""));
}

TEST(Process, SigtermAnswersWhatIsInFlightFlushesAndExitsZero) {
  TempDir dir;
  Process p({LINLI_BINARY, "serve", "--config", write_config(dir.path())}, dir.path());
  std::uint16_t port = p.wait_listening(20s);
  ASSERT_NE(port, 0) << p.err();
  HttpClient client(port);
  EXPECT_EQ(client.get("/healthz").status, 200);
  json body = {{"chat", "li"}, {"user", "li"}, {"text", "/menu"}};
  EXPECT_EQ(client.post("/playground/api/send", body.dump()).status, 200);
  p.signal(SIGTERM);
  EXPECT_EQ(p.wait_exit(20s), 0) << p.err();
  EXPECT_THAT(p.err(), HasSubstr("\"event\":\"stopped\",\"outbox_flushed\":1"));
}

TEST(Process, LogsCarryIdsButNeverMessageTexts) {
  TempDir dir;
  Process p({LINLI_BINARY, "serve", "--config", write_config(dir.path(), {{"log_level", "debug"}})},
            dir.path());
  std::uint16_t port = p.wait_listening(20s);
  ASSERT_NE(port, 0) << p.err();
  HttpClient client(port);
  for (const char* text : {"求助 MARKER-厨房水管漏水", "/help MARKER-two", "MARKER-three"}) {
    json body = {{"chat", "g31"}, {"user", "li"}, {"text", text}};
    EXPECT_EQ(client.post("/playground/api/send", body.dump()).status, 200);
  }
  p.signal(SIGTERM);
  EXPECT_EQ(p.wait_exit(20s), 0);
  std::string log = p.err();
  EXPECT_THAT(log, HasSubstr("\"event\":\"event\""));  // debug lines about each event exist
  EXPECT_THAT(log, Not(HasSubstr("MARKER")));
  EXPECT_THAT(log, Not(HasSubstr("厨房")));
  // Every line is one JSON object.
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    EXPECT_FALSE(json::parse(line, nullptr, false).is_discarded()) << line;
  }
}

TEST(Process, LogsKeepTokensAndSecretsOut) {
  TempDir dir;
  // The fake API knows another token: every call is refused as unauthorized and logged.
  FakeTelegram fake("7000000001:the-right-token");
  json telegram = {{"type", "telegram"},
                   {"name", "tg"},
                   {"token", "7000000001:TOKEN-MARKER-wrong"},
                   {"secret_token", "SECRET-MARKER"},
                   {"username", "linli_bot"},
                   {"api_base", fake.base_url()}};
  std::ifstream in(std::string(LINLI_SOURCE_DIR) + "/config/example.json");
  json c = json::parse(in);
  c["adapters"].push_back(telegram);
  std::string path =
      write_config(dir.path(), {{"log_level", "debug"}, {"adapters", c["adapters"]}});
  Process p({LINLI_BINARY, "serve", "--config", path}, dir.path());
  std::uint16_t port = p.wait_listening(20s);
  ASSERT_NE(port, 0) << p.err();
  HttpClient client(port);
  TelegramUpdates ups;
  TelegramUser li{1001, "秀英", "李", "", "zh"};
  json update = ups.message(li.id, "private", li, "/menu MARKER-text");
  EXPECT_EQ(client
                .post("/telegram/tg", update.dump(),
                      {{"X-Telegram-Bot-Api-Secret-Token", "SECRET-MARKER"}})
                .status,
            200);
  EXPECT_EQ(client
                .post("/telegram/tg", update.dump(),
                      {{"X-Telegram-Bot-Api-Secret-Token", "SECRET-MARKER-no"}})
                .status,
            401);
  ASSERT_TRUE(fake.wait_until([](const FakeTelegram& f) { return !f.calls().empty(); }, 10s));
  p.signal(SIGTERM);
  EXPECT_EQ(p.wait_exit(20s), 0);
  std::string log = p.err();
  EXPECT_THAT(log, HasSubstr("\"event\":\"send_dead\""));  // the refused call was logged...
  EXPECT_THAT(log, HasSubstr("\"event\":\"webhook_refused\""));
  EXPECT_THAT(log, Not(HasSubstr("TOKEN-MARKER")));  // ...without the token
  EXPECT_THAT(log, Not(HasSubstr("SECRET-MARKER")));
  EXPECT_THAT(log, Not(HasSubstr("MARKER-text")));
}

// `linli export` (issue 11): its errors say exactly what is wrong and exit non-zero, changing
// nothing; a good run writes the CSV, with its byte order mark, to the file named.
TEST(Process, ExportErrorsSayWhyAndExitNonZero) {
  TempDir dir;
  const std::string config = write_config(dir.path());
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {LINLI_BINARY, "export"});
    auto p = std::make_unique<Process>(args, dir.path());
    EXPECT_TRUE(p->wait_exit(30s).has_value());
    return p;
  };
  const std::vector<std::string> range = {"--from", "2027-01-01", "--to", "2027-01-31"};
  auto p = run({"hours", "--config", config, "--from", "2027-02-30", "--to", "2027-03-01"});
  EXPECT_EQ(p->wait_exit(1s), 2);
  EXPECT_THAT(p->err(), HasSubstr("--from \"2027-02-30\" is not a date (YYYY-MM-DD)"));
  p = run({"hours", "--config", config, "--from", "2027-03-01", "--to", "2027-02-01"});
  EXPECT_EQ(p->wait_exit(1s), 2);
  EXPECT_THAT(p->err(), HasSubstr("--from 2027-03-01 is after --to 2027-02-01"));
  p = run({"hours", "--config", config, "--from", "2027-03-01"});
  EXPECT_EQ(p->wait_exit(1s), 2);
  EXPECT_THAT(p->err(), HasSubstr("--from and --to are required"));
  p = run({"shifts", "--config", config, "--from", "2027-01-01", "--to", "2027-01-31"});
  EXPECT_EQ(p->wait_exit(1s), 2);
  EXPECT_THAT(p->err(),
              HasSubstr("unknown export \"shifts\" (known: hours, requests, volunteers, trips)"));
  p = run({"hours", "--config", dir.path() + "/none.json", "--from", "2027-01-01", "--to",
           "2027-01-31"});
  EXPECT_EQ(p->wait_exit(1s), 2);
  EXPECT_THAT(p->err(), HasSubstr("none.json"));
  // No database yet: the export says so and does not create one.
  p = run({"volunteers", "--config", config, "--from", "2027-01-01", "--to", "2027-01-31"});
  EXPECT_EQ(p->wait_exit(1s), 1);
  EXPECT_THAT(p->err(), HasSubstr("linli.db does not exist"));
  EXPECT_FALSE(std::ifstream(dir.path() + "/linli.db").good());

  {  // a database, as the service leaves it after its first start
    Process serve({LINLI_BINARY, "serve", "--config", config}, dir.path());
    ASSERT_NE(serve.wait_listening(30s), 0);
    serve.signal(SIGTERM);
    ASSERT_EQ(serve.wait_exit(30s), 0);
  }
  p = run({"volunteers", "--config", config, "--from", "2027-01-01", "--to", "2027-01-31", "--out",
           dir.path() + "/no/such/dir/v.csv"});
  EXPECT_EQ(p->wait_exit(1s), 1);
  EXPECT_THAT(p->err(), HasSubstr("could not write " + dir.path() + "/no/such/dir/v.csv"));
  p = run({"volunteers", "--config", config, "--from", "2026-01-01", "--to", "2030-12-31", "--out",
           dir.path() + "/v.csv"});
  EXPECT_EQ(p->wait_exit(1s), 0) << p->err();
  std::ifstream in(dir.path() + "/v.csv", std::ios::binary);
  std::string csv((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(csv.rfind("\xEF\xBB\xBF志愿者编号,社区,姓名,电话,", 0), 0u) << csv;
  EXPECT_THAT(csv, HasSubstr(",陈师傅,13800000001,31,"));
  // Phone numbers: the file is its owner's alone.
  EXPECT_EQ(std::filesystem::status(dir.path() + "/v.csv").permissions() &
                (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
            std::filesystem::perms::none);
  // A database of another schema is not migrated by an export: it is refused as it is.
  {
    SQLite::Database other(dir.path() + "/linli.db", SQLite::OPEN_READWRITE);
    other.exec("PRAGMA user_version = 99");
  }
  p = run({"volunteers", "--config", config, "--from", "2026-01-01", "--to", "2030-12-31"});
  EXPECT_EQ(p->wait_exit(1s), 1);
  EXPECT_THAT(p->err(), HasSubstr("has schema 99 and this linli expects"));
  SQLite::Database after(dir.path() + "/linli.db", SQLite::OPEN_READONLY);
  EXPECT_EQ(after.execAndGet("PRAGMA user_version").getInt(), 99);
}

// An option without its value says which value is missing; a config that does not fit the
// database (its phone numbers encrypted, and no key or another key) is a bad config: exit 2, as
// the README says of operator errors.
TEST(Process, ExportOptionsNeedTheirValuesAndAConfigThatDoesNotFitTheDatabaseExitsTwo) {
  TempDir dir;
  const std::string key = "LINLI_TEST_DATA_KEY=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
  const std::string plain = dir.path() + "/plain.json";  // the same database, no key
  std::filesystem::copy_file(write_config(dir.path()), plain);
  const std::string keyed =
      write_config(dir.path(), {{"encryption_key", {{"env", "LINLI_TEST_DATA_KEY"}}}});
  auto run = [&](std::vector<std::string> args, std::vector<std::string> env = {}) {
    args.insert(args.begin(), {LINLI_BINARY, "export"});
    auto p = std::make_unique<Process>(args, dir.path(), env);
    EXPECT_TRUE(p->wait_exit(30s).has_value());
    return p;
  };
  auto p = run({"hours", "--config"});
  EXPECT_EQ(p->wait_exit(1s), 2);
  EXPECT_THAT(p->err(), HasSubstr("--config needs a file"));
  EXPECT_THAT(p->err(), Not(HasSubstr("unexpected argument")));
  p = run({"hours", "--config", "--from", "2027-01-01", "--to", "2027-01-31"});
  EXPECT_EQ(p->wait_exit(1s), 2);
  EXPECT_THAT(p->err(), HasSubstr("--config needs a file"));
  p = run({"hours", "--config", keyed, "--to", "2027-01-31", "--from"});
  EXPECT_EQ(p->wait_exit(1s), 2);
  EXPECT_THAT(p->err(), HasSubstr("--from needs a date (YYYY-MM-DD)"));
  p = run({"hours", "--config", keyed, "--from", "2027-01-01", "--to", "2027-01-31", "--out"});
  EXPECT_EQ(p->wait_exit(1s), 2);
  EXPECT_THAT(p->err(), HasSubstr("--out needs a file"));
  {  // the service's first start imports the volunteers, their phones encrypted
    Process serve({LINLI_BINARY, "serve", "--config", keyed}, dir.path(), {key});
    ASSERT_NE(serve.wait_listening(30s), 0) << serve.err();
    serve.signal(SIGTERM);
    ASSERT_EQ(serve.wait_exit(30s), 0);
  }
  const std::vector<std::string> range = {"--from", "2026-01-01", "--to", "2030-12-31"};
  std::vector<std::string> args = {"volunteers", "--config", plain};
  args.insert(args.end(), range.begin(), range.end());
  p = run(args);
  EXPECT_EQ(p->wait_exit(1s), 2);
  EXPECT_THAT(p->err(), HasSubstr("config error"));
  EXPECT_THAT(p->err(), HasSubstr("encryption_key"));
  args[2] = keyed;
  p = run(args,
          {"LINLI_TEST_DATA_KEY=AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="});  // another key
  EXPECT_EQ(p->wait_exit(1s), 2);
  EXPECT_THAT(p->err(), HasSubstr("config error"));
  EXPECT_THAT(p->err(), HasSubstr("encryption_key"));
  p = run(args, {key});  // the service's own key
  EXPECT_EQ(p->wait_exit(1s), 0) << p->err();
  EXPECT_THAT(p->out(), HasSubstr(",陈师傅,13800000001,"));
}

}  // namespace
}  // namespace linli::test
