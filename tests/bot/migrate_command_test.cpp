// The binary's database commands (issue 13): `linli migrate` on SQLite and on PostgreSQL,
// several at once; `linli check-config` with PostgreSQL; `linli serve` refusing PostgreSQL
// until its engine exists.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "adapters/registry.hpp"
#include "bot/app.hpp"
#include "bot/clock.hpp"
#include "bot/log.hpp"
#include "storage/database.hpp"
#include "storage/pg/connection.hpp"
#include "storage/pg/migrations.hpp"
#include "tests/support/postgres.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace linli {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kLatest = std::to_string(storage::Database::latest_schema_version());

// A runnable config whose "database" is `database` (JSON), written into `dir`.
std::string write_config(const std::string& dir, const std::string& database) {
  std::string path = dir + "/config.json";
  std::ofstream(path) << R"({"database": )" << database << R"(,
  "server": {"port": 0},
  "adapters": [{"type": "telegram", "name": "pg", "token": "123:abc", "secret_token": "s3",
                "username": "linli_bot"}],
  "communities": [{"id": "c", "name": "C", "coordinators": ["pg:zhou"],
                   "groups": [{"chat": "pg:gv", "kind": "volunteers"}]}]})";
  return path;
}

struct Outcome {
  int code;
  std::string out, err;
};

Outcome run(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
  test::TempDir dir;
  std::vector<std::string> argv{LINLI_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  test::Process p(argv, dir.path(), env);
  auto code = p.wait_exit(60s);
  return {code.value_or(-1), p.out(), p.err()};
}

// `linli COMMAND --config FILE` with a config whose "database" is `database` (JSON).
Outcome run_with(const std::string& command, const std::string& database) {
  test::TempDir dir;
  return run({command, "--config", write_config(dir.path(), database)});
}

TEST(LinliMigrate, OnSqliteMigratesWithoutServingAndASecondRunChangesNothing) {
  test::TempDir dir;
  std::string config = write_config(dir.path(), "\"" + dir.path() + "/linli.db\"");
  Outcome first = run({"migrate", "--config", config});
  EXPECT_EQ(first.code, 0) << first.err;
  EXPECT_THAT(first.out, HasSubstr("SQLite " + dir.path() + "/linli.db: schema version 0 -> " +
                                   kLatest + "\n"));
  EXPECT_EQ(SQLite::Database(dir.path() + "/linli.db").execAndGet("PRAGMA user_version").getInt(),
            storage::Database::latest_schema_version());
  Outcome second = run({"migrate", "--config", config});
  EXPECT_EQ(second.code, 0) << second.err;
  EXPECT_THAT(second.out,
              HasSubstr("schema version " + kLatest + " -> " + kLatest + " (already up to date)"));
}

TEST(LinliMigrate, RefusesASqliteSchemaNewerThanItself) {
  test::TempDir dir;
  {
    SQLite::Database db(dir.path() + "/linli.db", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("PRAGMA user_version = 999");
  }
  Outcome r =
      run({"migrate", "--config", write_config(dir.path(), "\"" + dir.path() + "/linli.db\"")});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("schema version 999, newer than this linli knows"));
}

TEST(LinliMigrate, ThreeProcessesOnOnePostgresApplyEachMigrationOnce) {
  LINLI_REQUIRE_POSTGRES();
  std::string conninfo = test::PostgresServer::shared().fresh_database();
  test::TempDir dir;
  std::string config = write_config(dir.path(), R"({"postgres": {"env": "LINLI_PG"}})");
  std::vector<std::unique_ptr<test::TempDir>> dirs;
  std::vector<std::unique_ptr<test::Process>> procs;
  for (int i = 0; i < 3; ++i) {
    dirs.push_back(std::make_unique<test::TempDir>());
    procs.push_back(std::make_unique<test::Process>(
        std::vector<std::string>{LINLI_BINARY, "migrate", "--config", config}, dirs.back()->path(),
        std::vector<std::string>{"LINLI_PG=" + conninfo}));
  }
  int applied = 0;
  for (auto& p : procs) {
    EXPECT_EQ(p->wait_exit(60s), 0) << p->err();
    EXPECT_THAT(p->out(), HasSubstr("migrated PostgreSQL "));
    if (p->out().find("schema version 0 -> " + kLatest + "\n") != std::string::npos)
      ++applied;
    else
      EXPECT_THAT(p->out(), HasSubstr("schema version " + kLatest + " -> " + kLatest));
  }
  EXPECT_EQ(applied, 1);
  storage::pg::Connection c(conninfo);
  EXPECT_EQ(c.exec("SELECT count(*) FROM schema_version").integer(0, 0),
            static_cast<std::int64_t>(storage::pg::migrations().size()));
  Outcome again = run({"migrate", "--config", config}, {"LINLI_PG=" + conninfo});
  EXPECT_EQ(again.code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("(already up to date)"));
}

TEST(LinliMigrate, AnUnreachablePostgresIsARuntimeErrorWithItsReason) {
  Outcome r = run_with("migrate",
                       R"({"postgres": "host=127.0.0.1 port=1 dbname=linli connect_timeout=2"})");
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("cannot connect to PostgreSQL"));
  EXPECT_THAT(r.err, HasSubstr("SQLSTATE 08001"));
}

TEST(LinliCheckConfig, ShowsPostgresWithThePasswordMasked) {
  Outcome r = run_with("check-config",
                       R"({"postgres": "host=db.internal dbname=linli user=ops password=s3cret"})");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("database PostgreSQL "));
  EXPECT_THAT(r.out, HasSubstr("password=***"));
  EXPECT_THAT(r.out + r.err, Not(HasSubstr("s3cret")));
}

TEST(LinliCheckConfig, ShowsTheSqliteFile) {
  Outcome r = run_with("check-config", R"("data/linli.db")");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("database SQLite data/linli.db"));
}

TEST(LinliCheckConfig, AConnectionStringLibpqCannotReadIsAConfigError) {
  Outcome r = run_with("check-config", R"({"postgres": "hots=db password=s3cret"})");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("config error: "));
  EXPECT_THAT(r.err, HasSubstr("database.postgres: invalid connection option \"hots\""));
  EXPECT_THAT(r.err, Not(HasSubstr("s3cret")));
}

TEST(LinliCheckConfig, AnUnsetVariableNamesTheKey) {
  Outcome r = run_with("check-config", R"({"postgres": {"env": "LINLI_PG_NOT_SET_HERE"}})");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("database.postgres.env: environment variable LINLI_PG_NOT_SET_HERE "
                               "is not set"));
}

TEST(LinliServe, WithAnUnreachablePostgresStopsAtStartUpSayingWhy) {
  Outcome r = run_with("serve", R"({"postgres": "host=127.0.0.1 port=1 dbname=linli"})");
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("127.0.0.1"));
  EXPECT_THAT(r.err, Not(HasSubstr("listening")));
}

// In process, where no main checks first: the App connects to PostgreSQL, never takes the
// PostgreSQL form's empty file name to SQLite (which would open a temporary database and lose
// everything in it).
TEST(LinliServe, TheAppOnAnUnreachablePostgresThrowsInsteadOfOpeningATemporarySqliteFile) {
  test::TempDir dir;
  std::string path = write_config(dir.path(), R"({"postgres": "host=127.0.0.1 port=1"})");
  Config config = load_config(path, [](const char*) -> const char* { return nullptr; });
  ASSERT_EQ(config.engine, DatabaseEngine::postgres);
  SystemClock clock;
  std::FILE* quiet = std::fopen("/dev/null", "w");
  Logger log(LogLevel::error, quiet);
  try {
    App app(config, clock, log);
    ADD_FAILURE() << "the App was built on an unreachable PostgreSQL";
  } catch (const storage::pg::PgError& e) {
    EXPECT_EQ(e.sqlstate(), "08001");
  }
  std::fclose(quiet);
}

}  // namespace
}  // namespace linli
