// PostgreSQL's migrations: the schema SQLite has at the same version, applied once however many
// instances start at the same moment, all or nothing, and never over a newer schema.

#include "storage/pg/migrations.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <exception>
#include <future>
#include <iostream>
#include <iterator>
#include <latch>
#include <map>
#include <regex>
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

// SQLite's tables (its own aside), each with its CREATE statement.
std::vector<std::pair<std::string, std::string>> sqlite_table_list(SQLite::Database& db) {
  std::vector<std::pair<std::string, std::string>> out;
  SQLite::Statement t(db,
                      "SELECT name, sql FROM sqlite_master WHERE type = 'table' "
                      "AND name NOT LIKE 'sqlite_%'");
  while (t.executeStep()) out.emplace_back(t.getColumn(0).getString(), t.getColumn(1).getString());
  return out;
}

Tables sqlite_tables(SQLite::Database& db) {
  Tables out;
  for (const auto& [table, create] : sqlite_table_list(db)) {
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

// The rules of a schema beyond its columns, one line each, in a form both engines' catalogs can
// be brought to: indexes (unique or not, columns, partial predicate), defaults, CHECKs and
// foreign keys. Expressions are normalized (normalized()) so that the same rule written by each
// engine's own printer reads the same.
using Rules = std::set<std::string>;

// Lower case, no blanks, parentheses or casts; PostgreSQL's "= ANY (ARRAY[...])" as IN.
std::string normalized(std::string e) {
  for (char& ch : e) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  // PostgreSQL keeps "x BETWEEN a AND b" as the two comparisons it means.
  static const std::regex between(R"((\w+) between (\S+) and (\S+))");
  e = std::regex_replace(e, between, "$1 >= $2 and $1 <= $3");
  std::string out;
  for (std::size_t i = 0; i < e.size(); ++i) {
    const char ch = e[i];
    if (ch == '\'') {  // a literal stays as it is
      std::size_t end = e.find('\'', i + 1);
      if (end == std::string::npos) end = e.size() - 1;
      out += e.substr(i, end - i + 1);
      i = end;
      continue;
    }
    if (ch == ':' && i + 1 < e.size() && e[i + 1] == ':') {  // ::type
      i += 2;
      while (i < e.size() && (std::isalnum(static_cast<unsigned char>(e[i])) || e[i] == '_' ||
                              e[i] == ' ' || e[i] == '[' || e[i] == ']')) {
        if (e[i] == ' ' &&
            !(e.compare(i, 8, " varying") == 0 || e.compare(i, 10, " precision") == 0))
          break;
        ++i;
      }
      --i;
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(ch)) || ch == '(' || ch == ')' || ch == '"')
      continue;
    out += ch;
  }
  for (auto [from, to] : {std::pair<std::string, std::string>{"=anyarray[", "in"}, {"<>", "!="}}) {
    for (std::size_t at; (at = out.find(from)) != std::string::npos;) {
      out.replace(at, from.size(), to);
      if (from == "=anyarray[") {
        std::size_t close = out.find(']', at);
        if (close != std::string::npos) out.erase(close, 1);
      }
    }
  }
  return out;
}

Rules pg_rules(Connection& c) {
  Rules out;
  Result i = c.exec(
      "SELECT t.relname, x.indisunique, (SELECT string_agg(coalesce(a.attname, '<expr>'), ','"
      " ORDER BY k.n) FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(col, n)"
      " LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.col),"
      " coalesce(pg_get_expr(x.indpred, x.indrelid), '') FROM pg_index x"
      " JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace"
      " WHERE n.nspname = current_schema() AND t.relname <> 'schema_version'");
  for (int r = 0; r < i.rows(); ++r) {
    std::string pred(i.text(r, 3));
    out.insert("index " + std::string(i.text(r, 0)) + "(" + std::string(i.text(r, 2)) + ")" +
               (i.text(r, 1) == "t" ? " unique" : "") +
               (pred.empty() ? "" : " where " + normalized(pred)));
  }
  Result d = c.exec(
      "SELECT table_name, column_name, column_default FROM information_schema.columns"
      " WHERE table_schema = current_schema() AND table_name <> 'schema_version'"
      " AND column_default IS NOT NULL");
  for (int r = 0; r < d.rows(); ++r) {
    out.insert("default " + std::string(d.text(r, 0)) + "." + std::string(d.text(r, 1)) + " " +
               normalized(std::string(d.text(r, 2))));
  }
  Result k = c.exec(
      "SELECT t.relname, k.contype, pg_get_constraintdef(k.oid) FROM pg_constraint k"
      " JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace"
      " WHERE n.nspname = current_schema() AND k.contype IN ('c', 'f')"
      " AND t.relname <> 'schema_version'");
  for (int r = 0; r < k.rows(); ++r) {
    std::string def(k.text(r, 2));
    if (k.text(r, 1) == "c") def = def.substr(def.find('('));  // "CHECK (...)"
    out.insert((k.text(r, 1) == "c" ? "check " : "foreign key ") + std::string(k.text(r, 0)) + " " +
               normalized(def));
  }
  return out;
}

// The CHECK (...) clauses of a CREATE TABLE statement, each without its keyword.
std::vector<std::string> checks_of(const std::string& sql) {
  std::vector<std::string> out;
  std::string upper = sql;
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  for (std::size_t at = 0; (at = upper.find("CHECK", at)) != std::string::npos;) {
    const bool word = (at == 0 || !(std::isalnum(static_cast<unsigned char>(upper[at - 1])) ||
                                    upper[at - 1] == '_'));
    std::size_t open = upper.find_first_not_of(" \n\t", at + 5);
    if (!word || open == std::string::npos || upper[open] != '(') {
      at += 5;  // a name that holds the word (checkin_at)
      continue;
    }
    int depth = 0;
    std::size_t end = open;
    bool quoted = false;
    for (; end < sql.size(); ++end) {
      if (sql[end] == '\'') quoted = !quoted;
      if (quoted) continue;
      if (sql[end] == '(') ++depth;
      if (sql[end] == ')' && --depth == 0) break;
    }
    out.push_back(sql.substr(open, end - open + 1));
    at = end;
  }
  return out;
}

Rules sqlite_rules(SQLite::Database& db) {
  Rules out;
  for (const auto& [table, create] : sqlite_table_list(db)) {
    for (const std::string& check : checks_of(create)) {
      out.insert("check " + table + " " + normalized(check));
    }
    SQLite::Statement cols(db, "SELECT name, dflt_value, pk FROM pragma_table_xinfo(?)");
    cols.bind(1, table);
    std::vector<std::pair<int, std::string>> key;
    while (cols.executeStep()) {
      if (!cols.getColumn(1).isNull()) {
        out.insert("default " + table + "." + cols.getColumn(0).getString() + " " +
                   normalized(cols.getColumn(1).getString()));
      }
      if (cols.getColumn(2).getInt() > 0)
        key.emplace_back(cols.getColumn(2).getInt(), cols.getColumn(0).getString());
    }
    std::sort(key.begin(), key.end());
    std::string key_columns;
    for (const auto& [n, name] : key) key_columns += (key_columns.empty() ? "" : ",") + name;
    SQLite::Statement idx(db,
                          "SELECT l.name, l.\"unique\", l.origin, coalesce(m.sql, '') FROM "
                          "pragma_index_list(?) l LEFT JOIN sqlite_master m ON m.name = l.name");
    idx.bind(1, table);
    bool key_index = false;
    while (idx.executeStep()) {
      SQLite::Statement info(
          db, "SELECT coalesce(name, '<expr>') FROM pragma_index_info(?) ORDER BY seqno");
      info.bind(1, idx.getColumn(0).getString());
      std::string columns;
      while (info.executeStep())
        columns += (columns.empty() ? "" : ",") + info.getColumn(0).getString();
      const std::string sql = idx.getColumn(3).getString();
      std::size_t where = sql.rfind(" WHERE ");
      out.insert("index " + table + "(" + columns + ")" +
                 (idx.getColumn(1).getInt() != 0 ? " unique" : "") +
                 (where == std::string::npos ? "" : " where " + normalized(sql.substr(where + 7))));
      key_index = key_index || idx.getColumn(2).getString() == "pk";
    }
    // An INTEGER PRIMARY KEY is the rowid: no index listed, PostgreSQL's is one.
    if (!key_index && !key_columns.empty())
      out.insert("index " + table + "(" + key_columns + ") unique");
    SQLite::Statement fk(db,
                         "SELECT id, \"table\", \"from\", \"to\", on_delete FROM "
                         "pragma_foreign_key_list(?) ORDER BY id, seq");
    fk.bind(1, table);
    std::map<int, std::array<std::string, 4>> keys;  // from, table, to, on delete
    while (fk.executeStep()) {
      auto& k = keys[fk.getColumn(0).getInt()];
      k[0] += (k[0].empty() ? "" : ",") + fk.getColumn(2).getString();
      k[1] = fk.getColumn(1).getString();
      // No column named: the other table's primary key (SQLite's shorthand), here always "id".
      std::string to = fk.getColumn(3).isNull() ? "id" : fk.getColumn(3).getString();
      k[2] += (k[2].empty() ? "" : ",") + to;
      k[3] = fk.getColumn(4).getString();
    }
    for (const auto& [id, k] : keys) {
      out.insert("foreign key " + table + " " +
                 normalized("FOREIGN KEY (" + k[0] + ") REFERENCES " + k[1] + "(" + k[2] + ")" +
                            (k[3] == "NO ACTION" ? "" : " ON DELETE " + k[3])));
    }
  }
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

  // The rules, as sets: what one engine has and the other lacks is printed on each side.
  Rules lite_rules = sqlite_rules(sqlite.sql()), pg_rules_ = pg_rules(c);
  Rules only_lite, only_pg;
  std::set_difference(lite_rules.begin(), lite_rules.end(), pg_rules_.begin(), pg_rules_.end(),
                      std::inserter(only_lite, only_lite.end()));
  std::set_difference(pg_rules_.begin(), pg_rules_.end(), lite_rules.begin(), lite_rules.end(),
                      std::inserter(only_pg, only_pg.end()));
  // Each kind of rule is there to compare (a query that found none would compare nothing).
  for (std::string kind : {"index ", "default ", "check ", "foreign key "}) {
    EXPECT_TRUE(std::any_of(lite_rules.begin(), lite_rules.end(), [&](const std::string& r) {
      return r.rfind(kind, 0) == 0;
    })) << kind;
  }
  EXPECT_TRUE(std::any_of(lite_rules.begin(), lite_rules.end(), [](const std::string& r) {
    return r.find(" unique where ") != std::string::npos;
  }));
  EXPECT_EQ(only_lite, Rules{}) << "rules only SQLite's schema has";
  EXPECT_EQ(only_pg, Rules{}) << "rules only PostgreSQL's schema has";
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
