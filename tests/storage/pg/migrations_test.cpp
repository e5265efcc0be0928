// PostgreSQL's migrations: the schema SQLite has at the same version, applied once however many
// instances start at the same moment, all or nothing, and never over a newer schema.

#include "storage/pg/migrations.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <exception>
#include <future>
#include <iostream>
#include <latch>
#include <map>
#include <set>
#include <thread>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "storage/database.hpp"
#include "tests/support/postgres.hpp"

namespace linli::storage::pg {
namespace {

class PgMigrations : public ::testing::Test {
 protected:
  void SetUp() override {
    LINLI_REQUIRE_POSTGRES();
    conninfo_ = test::PostgresServer::shared().fresh_database();
  }
  std::string conninfo_;
};

// Tables (but schema_version) and their columns in order, "name" or "name NOT NULL".
using Tables = std::map<std::string, std::vector<std::string>>;

Tables pg_tables(Connection& c) {
  Tables out;
  Result r = c.exec(
      "SELECT table_name, column_name, is_nullable FROM information_schema.columns "
      "WHERE table_schema = current_schema() AND table_name <> 'schema_version' "
      "ORDER BY table_name, ordinal_position");
  for (int i = 0; i < r.rows(); ++i) {
    out[std::string(r.text(i, 0))].push_back(std::string(r.text(i, 1)) +
                                             (r.text(i, 2) == "NO" ? " NOT NULL" : ""));
  }
  return out;
}

// Indexes made by CREATE INDEX, not those behind a primary key or a UNIQUE constraint.
std::set<std::string> pg_indexes(Connection& c) {
  std::set<std::string> out;
  Result r = c.exec(
      "SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
      "JOIN pg_namespace n ON n.oid = i.relnamespace WHERE n.nspname = current_schema() "
      "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)");
  for (int i = 0; i < r.rows(); ++i) out.insert(std::string(r.text(i, 0)));
  return out;
}

Tables sqlite_tables(SQLite::Database& db) {
  Tables out;
  SQLite::Statement t(db,
                      "SELECT name FROM sqlite_master WHERE type = 'table' "
                      "AND name NOT LIKE 'sqlite_%'");
  while (t.executeStep()) {
    std::string table = t.getColumn(0).getString();
    // table_xinfo, not table_info: it lists generated columns too (volunteers.building_no).
    SQLite::Statement cols(db,
                           "SELECT name, \"notnull\", pk FROM pragma_table_xinfo(?) ORDER BY cid");
    cols.bind(1, table);
    while (cols.executeStep()) {
      // PostgreSQL's key columns are NOT NULL whether or not the table says so.
      bool not_null = cols.getColumn(1).getInt() != 0 || cols.getColumn(2).getInt() != 0;
      out[table].push_back(cols.getColumn(0).getString() + (not_null ? " NOT NULL" : ""));
    }
  }
  return out;
}

std::set<std::string> sqlite_indexes(SQLite::Database& db) {
  std::set<std::string> out;
  SQLite::Statement q(db,
                      "SELECT name FROM sqlite_master WHERE type = 'index' "
                      "AND name NOT LIKE 'sqlite_autoindex%'");
  while (q.executeStep()) out.insert(q.getColumn(0).getString());
  return out;
}

TEST_F(PgMigrations, TheSchemaIsSqlitesAtTheSameVersion) {
  Connection c(conninfo_);
  MigrationOutcome m = migrate(c);
  EXPECT_EQ(m.before, 0);
  EXPECT_EQ(m.after, latest_schema_version());
  // A SQLite migration without its PostgreSQL counterpart fails here: write both.
  ASSERT_EQ(latest_schema_version(), storage::Database::latest_schema_version());
  storage::Database sqlite(":memory:", "normal");
  Tables lite = sqlite_tables(sqlite.sql());
  Tables pg = pg_tables(c);
  EXPECT_EQ(lite.size(), pg.size());
  for (const auto& [table, columns] : lite) {
    ASSERT_TRUE(pg.count(table)) << "PostgreSQL has no table " << table;
    EXPECT_EQ(pg.at(table), columns) << "table " << table;
  }
  for (const auto& [table, columns] : pg) EXPECT_TRUE(lite.count(table)) << "extra: " << table;
  EXPECT_EQ(pg_indexes(c), sqlite_indexes(sqlite.sql()));
}

TEST_F(PgMigrations, ThreeInstancesStartingAtOnceApplyEachMigrationOnce) {
  constexpr int kInstances = 3;
  std::latch go(kInstances);
  std::vector<MigrationOutcome> outcomes(kInstances);
  std::vector<std::string> errors(kInstances);
  std::vector<std::thread> instances;
  for (int i = 0; i < kInstances; ++i) {
    instances.emplace_back([&, i] {
      go.arrive_and_wait();
      try {
        Connection c(conninfo_);
        outcomes[i] = migrate(c);
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    });
  }
  for (auto& t : instances) t.join();
  int applied = 0;
  for (int i = 0; i < kInstances; ++i) {
    EXPECT_EQ(errors[i], "") << "instance " << i;
    EXPECT_EQ(outcomes[i].after, latest_schema_version()) << "instance " << i;
    if (outcomes[i].before == 0)
      ++applied;
    else
      EXPECT_EQ(outcomes[i].before, latest_schema_version()) << "instance " << i;
  }
  EXPECT_EQ(applied, 1);
  Connection c(conninfo_);
  Result rows = c.exec("SELECT version, count(*) FROM schema_version GROUP BY version ORDER BY 1");
  ASSERT_EQ(rows.rows(), static_cast<int>(migrations().size()));
  for (int i = 0; i < rows.rows(); ++i) {
    EXPECT_EQ(rows.integer(i, 0), migrations()[i].version);
    EXPECT_EQ(rows.integer(i, 1), 1);
  }
  storage::Database sqlite(":memory:", "normal");
  EXPECT_EQ(pg_tables(c).size(), sqlite_tables(sqlite.sql()).size());
  // Nobody holds the lock any more.
  EXPECT_EQ(c.exec("SELECT pg_try_advisory_lock($1::bigint)", {kMigrationLock}).text(0, 0), "t");
}

TEST_F(PgMigrations, ASecondRunChangesNothing) {
  Connection c(conninfo_);
  migrate(c);
  std::string applied_at(c.exec("SELECT applied_at::text FROM schema_version").text(0, 0));
  MigrationOutcome again = migrate(c);
  EXPECT_EQ(again.before, latest_schema_version());
  EXPECT_EQ(again.after, latest_schema_version());
  EXPECT_EQ(c.exec("SELECT count(*) FROM schema_version").integer(0, 0),
            static_cast<std::int64_t>(migrations().size()));
  EXPECT_EQ(c.exec("SELECT applied_at::text FROM schema_version").text(0, 0), applied_at);
}

// DDL is transactional in PostgreSQL: a migration that fails half-way leaves none of its tables.
TEST_F(PgMigrations, AMigrationThatFailsLeavesNothingOfItselfAndSaysWhichItWas) {
  Connection c(conninfo_);
  c.run_script("CREATE TABLE offers (id bigint)");  // in the way of the schema's own
  try {
    migrate(c);
    FAIL() << "migrated over a table in the way";
  } catch (const PgError& e) {
    EXPECT_EQ(e.sqlstate(), "42P07");  // duplicate_table
    EXPECT_EQ(std::string(e.what()).rfind("migration 14: ", 0), 0u) << e.what();
  }
  EXPECT_EQ(schema_version(c), 0);
  EXPECT_EQ(c.exec("SELECT to_regclass('communities') IS NULL").text(0, 0), "t");
  EXPECT_EQ(c.exec("SELECT pg_try_advisory_lock($1::bigint)", {kMigrationLock}).text(0, 0), "t");
}

TEST_F(PgMigrations, ASchemaNewerThanThisBinaryIsLeftAlone) {
  Connection c(conninfo_);
  migrate(c);
  c.exec("INSERT INTO schema_version (version) VALUES ($1::integer)",
         {latest_schema_version() + 1});
  EXPECT_THROW(migrate(c), SchemaTooNew);
  EXPECT_EQ(schema_version(c), latest_schema_version() + 1);
}

// The schema keeps what SQLite's statements rely on: the one-open-shift index, the generated
// building number, and ids made up by the database.
TEST_F(PgMigrations, TheSchemaKeepsSqlitesRules) {
  Connection c(conninfo_);
  migrate(c);
  c.exec("INSERT INTO communities VALUES ('c', 'C', 'zh')");
  std::int64_t person =
      c.exec("INSERT INTO people (created_at) VALUES (1) RETURNING id").integer(0, 0);
  EXPECT_GT(person, 0);
  c.exec(
      "INSERT INTO volunteers (person_id, community_id, name, building, status, created_at) "
      "VALUES ($1, 'c', 'v', '31', 'approved', 1)",
      {person});
  EXPECT_EQ(c.exec("SELECT building_no FROM volunteers").integer(0, 0), 31);
  c.exec("UPDATE volunteers SET building = '3A'");
  EXPECT_TRUE(c.exec("SELECT building_no FROM volunteers").is_null(0, 0));
  c.exec("INSERT INTO shifts (person_id, community_id, checkin_at) VALUES ($1, 'c', 1)", {person});
  try {
    c.exec("INSERT INTO shifts (person_id, community_id, checkin_at) VALUES ($1, 'c', 2)",
           {person});
    FAIL() << "two open shifts";
  } catch (const PgError& e) {
    EXPECT_EQ(e.sqlstate(), "23505");
  }
  try {
    c.exec(
        "INSERT INTO commendations (community_id, person_id, team, text, by_person, at) "
        "VALUES ('c', $1, 'team', 't', $1, 1)",
        {person});
    FAIL() << "a commendation of a person and a team at once";
  } catch (const PgError& e) {
    EXPECT_EQ(e.sqlstate(), "23514");  // check_violation
  }
}

// A database that sorts text by a language's rules would order rosters and lists otherwise than
// SQLite (bytes): refused before anything is written, with the config key and the way out.
TEST_F(PgMigrations, ADatabaseThatDoesNotSortByBytesIsRefusedWithTheKeyAndTheWayOut) {
  Connection admin(test::PostgresServer::shared().conninfo());
  const std::string base = test::PostgresServer::shared().conninfo();
  auto database_with = [&](const std::string& name, const std::string& options) {
    admin.exec_unprepared("DROP DATABASE IF EXISTS " + name);
    admin.exec_unprepared("CREATE DATABASE " + name + " TEMPLATE template0 " + options);
    return base.substr(0, base.rfind("dbname=")) + "dbname=" + name;
  };
  // C.UTF-8 compares code points through the C library, not bytes: the one other collation
  // every Debian machine has.
  std::vector<std::string> refused = {
      database_with("sorts_c_utf8", "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'")};
  try {  // an ICU collation, where the server has ICU (Debian's has)
    refused.push_back(database_with("sorts_icu", "LOCALE_PROVIDER icu ICU_LOCALE 'en-US'"));
  } catch (const PgError& e) {
    std::cout << "[ note     ] no ICU database on this server: " << e.what() << "\n";
  }
  for (const std::string& conninfo : refused) {
    Connection c(conninfo);
    try {
      migrate(c);
      FAIL() << "migrated " << conninfo;
    } catch (const WrongCollation& e) {
      const std::string what = e.what();
      EXPECT_EQ(what.rfind("database.postgres: ", 0), 0u) << what;
      EXPECT_NE(what.find("createdb -T template0 --locale=C"), std::string::npos) << what;
      EXPECT_NE(what.find(conninfo.substr(conninfo.rfind('=') + 1)), std::string::npos) << what;
    }
    EXPECT_EQ(schema_version(c), 0);
    EXPECT_EQ(c.exec("SELECT to_regclass('schema_version') IS NULL").text(0, 0), "t");
  }
  Connection c(database_with("sorts_posix", "LOCALE 'POSIX'"));
  EXPECT_EQ(migrate(c).after, latest_schema_version());
}

// Another instance migrating a large database holds the migration lock longer than a
// decision's lock_timeout: this one waits for it all the same, then finds nothing to do; and
// its session's own limits are back afterwards.
TEST_F(PgMigrations, MigrationsWaitForAnotherInstanceLongerThanLockTimeout) {
  Connection first(conninfo_);
  migrate(first);
  Connection other(conninfo_);
  other.exec("SELECT pg_advisory_lock($1::bigint)", {kMigrationLock});
  Connection c(conninfo_ + " options='-c lock_timeout=100ms'");
  auto outcome = std::async(std::launch::async, [&]() -> std::string {
    try {
      return std::to_string(migrate(c).after);
    } catch (const std::exception& e) {
      return e.what();
    }
  });
  // Until the server has seen it wait three times its lock_timeout (or it ended).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (
      std::chrono::steady_clock::now() < deadline &&
      outcome.wait_for(std::chrono::milliseconds(10)) != std::future_status::ready &&
      other.exec_unprepared("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                            "AND datname = current_database() AND now() - query_start > '300ms'")
              .integer(0, 0) == 0) {
  }
  other.exec("SELECT pg_advisory_unlock($1::bigint)", {kMigrationLock});
  EXPECT_EQ(outcome.get(), std::to_string(latest_schema_version()));
  EXPECT_EQ(c.exec("SHOW lock_timeout").text(0, 0), "100ms");
  EXPECT_EQ(c.exec("SHOW statement_timeout").text(0, 0), "30s");
}

}  // namespace
}  // namespace linli::storage::pg
