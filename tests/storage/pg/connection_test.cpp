// A libpq connection: values only as parameters, errors with their SQLSTATE, the connection
// string shown with its password masked.

#include "storage/pg/connection.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <iostream>
#include <thread>

#include "tests/support/postgres.hpp"

namespace linli::storage::pg {
namespace {

class PgConnection : public ::testing::Test {
 protected:
  void SetUp() override {
    LINLI_REQUIRE_POSTGRES();
    conninfo_ = test::PostgresServer::shared().fresh_database();
  }
  std::string conninfo_;
};

TEST_F(PgConnection, ValuesTravelAsParametersNeverAsText) {
  Connection c(conninfo_);
  c.run_script("CREATE TABLE t (id bigint PRIMARY KEY, name text)");
  const std::string hostile = "x'); DROP TABLE t; --";
  EXPECT_EQ(c.exec("INSERT INTO t VALUES ($1, $2)", {std::int64_t{1}, hostile}).affected(), 1);
  EXPECT_EQ(c.exec("INSERT INTO t VALUES ($1, $2)", {2, std::nullopt}).affected(), 1);
  Result r = c.exec("SELECT id, name FROM t ORDER BY id");
  ASSERT_EQ(r.rows(), 2);
  EXPECT_EQ(r.integer(0, 0), 1);
  EXPECT_EQ(r.text(0, 1), hostile);
  EXPECT_TRUE(r.is_null(1, 1));
  EXPECT_EQ(c.exec("SELECT $1::text", {"名字 with ünïcode"}).text(0, 0), "名字 with ünïcode");
}

TEST_F(PgConnection, AnErrorCarriesTheServersSqlstate) {
  Connection c(conninfo_);
  c.run_script("CREATE TABLE t (id bigint PRIMARY KEY)");
  c.exec("INSERT INTO t VALUES ($1)", {1});
  try {
    c.exec("INSERT INTO t VALUES ($1)", {1});
    FAIL() << "a second row with the same key";
  } catch (const PgError& e) {
    EXPECT_EQ(e.sqlstate(), "23505");  // unique_violation
    EXPECT_FALSE(e.retryable());
    EXPECT_NE(std::string(e.what()).find("t_pkey"), std::string::npos) << e.what();
  }
  try {
    c.exec("SELEC 1");
    FAIL() << "a syntax error";
  } catch (const PgError& e) {
    EXPECT_EQ(e.sqlstate(), "42601");
  }
  EXPECT_EQ(c.exec("SELECT 1").integer(0, 0), 1) << "the connection is still usable";
}

TEST_F(PgConnection, NoServerIsAConnectionErrorWithLibpqsReason) {
  // Port 1 on 127.0.0.1: nothing listens there, the refusal is immediate.
  try {
    Connection c("host=127.0.0.1 port=1 dbname=linli connect_timeout=2");
    FAIL() << "connected to nothing";
  } catch (const PgError& e) {
    EXPECT_EQ(e.sqlstate(), "08001");
    EXPECT_NE(std::string(e.what()).find("cannot connect to PostgreSQL"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("refused"), std::string::npos) << e.what();
  }
}

TEST_F(PgConnection, AConnectionTheServerDroppedSaysSoAndResetConnectsAgain) {
  Connection c(conninfo_);
  Connection admin(conninfo_);
  int before = c.backend_pid();
  // Waits until that server process is gone (PostgreSQL 14 and later).
  admin.exec("SELECT pg_terminate_backend($1::integer, 10000)", {before});
  EXPECT_THROW(c.exec("SELECT 1"), PgError);
  EXPECT_FALSE(c.ok());
  c.reset();
  EXPECT_TRUE(c.ok());
  EXPECT_NE(c.backend_pid(), before);
  EXPECT_EQ(c.exec("SELECT 1").integer(0, 0), 1);
}

// Statements prepared on the server session: `text` among them (counted there, not only in
// the cache).
std::int64_t prepared_on_server(Connection& c, const std::string& text) {
  return c
      .exec_unprepared("SELECT count(*) FROM pg_prepared_statements WHERE statement = $1", {text})
      .integer(0, 0);
}

TEST_F(PgConnection, AStatementIsPreparedOnceThenRunByName) {
  Connection c(conninfo_);
  const std::string text = "SELECT $1::bigint + 1";
  for (int i = 1; i <= 3; ++i) EXPECT_EQ(c.exec(text, {i}).integer(0, 0), i + 1);
  EXPECT_EQ(c.prepares(), 1u);
  EXPECT_EQ(c.prepared(), 1u);
  EXPECT_EQ(prepared_on_server(c, text), 1);
  c.exec_unprepared("SELECT $1::bigint * 2", {2});
  EXPECT_EQ(c.prepares(), 1u) << "exec_unprepared prepares nothing";
  // A statement the server refuses to prepare is not kept: the next try reports it again.
  EXPECT_THROW(c.exec("SELEC 1"), PgError);
  EXPECT_THROW(c.exec("SELEC 1"), PgError);
  EXPECT_EQ(c.prepared(), 1u);
}

// Prepared statements belong to the session, not to a transaction: a failed statement and the
// ROLLBACK after it leave them, including one prepared inside the rolled-back transaction.
TEST_F(PgConnection, PreparedStatementsSurviveAFailedStatementAndItsRollback) {
  Connection c(conninfo_);
  c.run_script("CREATE TABLE t (id bigint PRIMARY KEY)");
  const std::string insert = "INSERT INTO t VALUES ($1)";
  const std::string select = "SELECT count(*) FROM t WHERE id >= $1";
  c.exec("BEGIN");
  c.exec(insert, {1});
  EXPECT_EQ(c.exec(select, {0}).integer(0, 0), 1);
  EXPECT_THROW(c.exec(insert, {1}), PgError);  // 23505: the transaction is aborted
  try {
    c.exec(select, {0});
    FAIL() << "a statement in an aborted transaction";
  } catch (const PgError& e) {
    EXPECT_EQ(e.sqlstate(), "25P02");
  }
  EXPECT_EQ(c.exec("ROLLBACK").command(), "ROLLBACK");
  const auto prepares = c.prepares();
  EXPECT_EQ(c.exec(insert, {2}).affected(), 1);
  EXPECT_EQ(c.exec(select, {0}).integer(0, 0), 1);
  EXPECT_EQ(c.prepares(), prepares) << "nothing prepared again";
  EXPECT_EQ(prepared_on_server(c, insert), 1);
  EXPECT_EQ(prepared_on_server(c, select), 1);
}

TEST_F(PgConnection, AReconnectForgetsThePreparedStatements) {
  Connection c(conninfo_);
  Connection admin(conninfo_);
  const std::string text = "SELECT $1::text || '!'";
  EXPECT_EQ(c.exec(text, {"a"}).text(0, 0), "a!");
  admin.exec("SELECT pg_terminate_backend($1::integer, 10000)", {c.backend_pid()});
  EXPECT_THROW(c.exec(text, {"b"}), PgError);
  c.reset();
  EXPECT_EQ(c.prepared(), 0u);
  // The new session has no statement of that name: executing it without preparing would fail.
  EXPECT_EQ(c.exec(text, {"c"}).text(0, 0), "c!");
  EXPECT_EQ(c.prepares(), 2u);
  EXPECT_EQ(prepared_on_server(c, text), 1);
}

TEST_F(PgConnection, DiscardAllForgetsThemToo) {
  Connection c(conninfo_);
  const std::string text = "SELECT $1::bigint";
  EXPECT_EQ(c.exec(text, {7}).integer(0, 0), 7);
  c.exec("DISCARD ALL");
  EXPECT_EQ(c.prepared(), 0u);
  EXPECT_EQ(c.exec(text, {8}).integer(0, 0), 8);
  c.run_script("SELECT 1; DEALLOCATE ALL");
  EXPECT_EQ(c.exec(text, {9}).integer(0, 0), 9);
}

// The figure behind preparing by default, printed (never a pass/fail timing): single-row
// selects by primary key, as most of the repositories' reads are.
TEST_F(PgConnection, PreparedSingleRowSelectsPrintTheirTimeBesideUnpreparedOnes) {
  Connection c(conninfo_);
  c.run_script(
      "CREATE TABLE people (id bigint PRIMARY KEY, name text NOT NULL, lang text NOT NULL);"
      "INSERT INTO people SELECT g, 'name ' || g, 'zh' FROM generate_series(1, 1000) g");
  const std::string text = "SELECT id, name, lang FROM people WHERE id = $1";
  constexpr int kSelects = 10000;
  auto run = [&](bool prepared) {
    std::int64_t sum = 0;
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kSelects; ++i) {
      Param id = std::int64_t{i % 1000 + 1};
      Result r = prepared ? c.exec(text, {id}) : c.exec_unprepared(text, {id});
      sum += r.integer(0, 0);
    }
    EXPECT_EQ(sum, std::int64_t{kSelects / 1000} * 500500);
    return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
               .count() /
           kSelects;
  };
  run(true);  // warm both paths: the table's pages, the catalog caches
  run(false);
  const double unprepared = run(false), prepared = run(true);
  std::cout << "[ figure   ] " << kSelects << " single-row selects over 127.0.0.1: unprepared "
            << unprepared << " us each, prepared " << prepared << " us each\n";
  EXPECT_EQ(c.prepares(), 1u);
}

TEST_F(PgConnection, DecisionsGetLockAndStatementTimeoutsUnlessTheOperatorSetThem) {
  auto show = [](Connection& c, const char* name) {
    return std::string(c.exec_unprepared(std::string("SHOW ") + name).text(0, 0));
  };
  Connection c(conninfo_);
  EXPECT_EQ(show(c, "lock_timeout"), "5s");
  EXPECT_EQ(show(c, "statement_timeout"), "30s");
  EXPECT_EQ(show(c, "idle_in_transaction_session_timeout"), "1min");
  Connection admin(conninfo_);
  admin.exec("SELECT pg_terminate_backend($1::integer, 10000)", {c.backend_pid()});
  EXPECT_THROW(c.exec("SELECT 1"), PgError);
  c.reset();
  EXPECT_EQ(show(c, "lock_timeout"), "5s") << "a new session gets them again";

  // The operator's choice stays: in the connection string, or on the database.
  Connection own(conninfo_ + " options='-c lock_timeout=250ms'");
  EXPECT_EQ(show(own, "lock_timeout"), "250ms");
  EXPECT_EQ(show(own, "statement_timeout"), "30s");
  admin.exec_unprepared("ALTER DATABASE " +
                        std::string(admin.exec("SELECT current_database()").text(0, 0)) +
                        " SET statement_timeout = '45s'");
  Connection later(conninfo_);
  EXPECT_EQ(show(later, "statement_timeout"), "45s");
  EXPECT_EQ(show(later, "lock_timeout"), "5s");
}

int tcp_option(int fd, int level, int name) {
  int value = -1;
  socklen_t size = sizeof value;
  EXPECT_EQ(::getsockopt(fd, level, name, &value, &size), 0);
  return value;
}

TEST_F(PgConnection, KeepalivesNoticeAVanishedServerUnlessTheOperatorSetsThem) {
  Connection c(conninfo_);
  EXPECT_EQ(tcp_option(c.socket(), SOL_SOCKET, SO_KEEPALIVE), 1);
  EXPECT_EQ(tcp_option(c.socket(), IPPROTO_TCP, TCP_KEEPIDLE), 30);
  EXPECT_EQ(tcp_option(c.socket(), IPPROTO_TCP, TCP_KEEPINTVL), 10);
  EXPECT_EQ(tcp_option(c.socket(), IPPROTO_TCP, TCP_KEEPCNT), 3);
  Connection own(conninfo_ + " keepalives_idle=77");
  EXPECT_EQ(tcp_option(own.socket(), IPPROTO_TCP, TCP_KEEPIDLE), 77);
  EXPECT_EQ(tcp_option(own.socket(), IPPROTO_TCP, TCP_KEEPCNT), 3);
}

TEST_F(PgConnection, CancelEndsAStatementWaitingOnTheServerFromAnotherThread) {
  Connection holder(conninfo_);
  holder.exec("SELECT pg_advisory_lock(5)");
  Connection c(conninfo_ + " options='-c lock_timeout=0'");  // it would wait for ever
  auto waiting = std::async(std::launch::async, [&]() -> std::string {
    try {
      c.exec("SELECT pg_advisory_lock(5)");
      return "took the lock";
    } catch (const PgError& e) {
      return e.sqlstate();
    }
  });
  Connection admin(conninfo_);
  ASSERT_TRUE(test::someone_waits_on_a_lock(admin));
  EXPECT_TRUE(c.cancel());
  if (waiting.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
    holder.exec("SELECT pg_advisory_unlock(5)");
  }
  EXPECT_EQ(waiting.get(), "57014");  // query_canceled
  EXPECT_EQ(c.exec("SELECT 1").integer(0, 0), 1) << "the connection goes on";
}

TEST(PgConninfo, APasswordIsNeverShown) {
  std::string error;
  auto kv = describe_conninfo("host=db.internal dbname=linli user=ops password=s3cret", error);
  ASSERT_TRUE(kv) << error;
  EXPECT_EQ(kv->find("s3cret"), std::string::npos) << *kv;
  EXPECT_NE(kv->find("password=***"), std::string::npos) << *kv;
  EXPECT_NE(kv->find("host=db.internal"), std::string::npos) << *kv;
  EXPECT_NE(kv->find("dbname=linli"), std::string::npos) << *kv;

  auto uri =
      describe_conninfo("postgresql://ops:s3cret@10.0.0.5:6432/linli?sslmode=require", error);
  ASSERT_TRUE(uri) << error;
  EXPECT_EQ(uri->find("s3cret"), std::string::npos) << *uri;
  EXPECT_NE(uri->find("password=***"), std::string::npos) << *uri;
  EXPECT_NE(uri->find("port=6432"), std::string::npos) << *uri;
  EXPECT_NE(uri->find("sslmode=require"), std::string::npos) << *uri;

  auto none = describe_conninfo("host=db dbname=linli", error);
  ASSERT_TRUE(none) << error;
  EXPECT_EQ(none->find("password"), std::string::npos) << *none;
}

// libpq's own parse errors quote the piece they stumbled on, which can be part of a password.
TEST(PgConninfo, AnErrorLibpqGivesForABadStringShowsNoPartOfThePassword) {
  for (std::string bad : {"host=db password=s3 cret", "postgresql://ops:s3%cret@db/linli"}) {
    std::string error;
    EXPECT_FALSE(describe_conninfo(bad, error)) << bad;
    EXPECT_FALSE(error.empty()) << bad;
    EXPECT_EQ(error.find("cret"), std::string::npos) << error;
  }
}

TEST(PgConninfo, AValueWithSpacesIsShownQuotedAsLibpqReadsIt) {
  std::string error;
  auto shown = describe_conninfo("host=db options='-c search_path=linli'", error);
  ASSERT_TRUE(shown) << error;
  EXPECT_NE(shown->find("options='-c search_path=linli'"), std::string::npos) << *shown;
  auto again = describe_conninfo(*shown, error);  // what is shown reads back the same
  ASSERT_TRUE(again) << error;
  EXPECT_EQ(*again, *shown);
}

TEST(PgConninfo, WhatLibpqCannotReadIsRefusedWithItsReason) {
  std::string error;
  EXPECT_FALSE(describe_conninfo("hots=db dbname=linli", error));
  EXPECT_NE(error.find("hots"), std::string::npos) << error;
  // A piece of the string quoted in the reason could be a piece of a password: hidden.
  EXPECT_FALSE(describe_conninfo("host", error));
  EXPECT_NE(error.find("missing \"=\" after \"***\""), std::string::npos) << error;
}

}  // namespace
}  // namespace linli::storage::pg
