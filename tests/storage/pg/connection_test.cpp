// A libpq connection: values only as parameters, errors with their SQLSTATE, the connection
// string shown with its password masked.

#include "storage/pg/connection.hpp"

#include <gtest/gtest.h>

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
