// The test PostgreSQL server itself: unprivileged, on 127.0.0.1 only, no socket file, and gone
// with its folder afterwards, also when the test binary dies without cleaning up.

#include "tests/support/postgres.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>

namespace linli::test {
namespace {

using namespace std::chrono_literals;

std::string show(const std::string& conninfo, const std::string& setting) {
  std::unique_ptr<PGconn, void (*)(PGconn*)> c(PQconnectdb(conninfo.c_str()), PQfinish);
  EXPECT_EQ(PQstatus(c.get()), CONNECTION_OK) << PQerrorMessage(c.get());
  std::unique_ptr<PGresult, void (*)(PGresult*)> r(PQexec(c.get(), ("SHOW " + setting).c_str()),
                                                   PQclear);
  EXPECT_EQ(PQresultStatus(r.get()), PGRES_TUPLES_OK) << PQresultErrorMessage(r.get());
  return PQntuples(r.get()) == 1 ? PQgetvalue(r.get(), 0, 0) : "";
}

// The real uid of a process, from /proc.
long uid_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Uid:", 0) == 0) return std::stol(line.substr(4));
  }
  return -1;
}

// Gone: no such process, or a zombie nobody reaps (a container's init may not).
bool gone(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("State:", 0) == 0) return line.find('Z') != std::string::npos;
  }
  return true;
}

bool gone_within(pid_t pid, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!gone(pid)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

TEST(PostgresServer, RunsUnprivilegedOnLoopbackOnlyWithoutASocketFile) {
  LINLI_REQUIRE_POSTGRES();
  PostgresServer& pg = PostgresServer::shared();
  EXPECT_NE(uid_of(pg.pid()), 0) << "the server must not run as root";
  struct stat st {};
  ASSERT_EQ(::stat((pg.folder() + "/data").c_str(), &st), 0);
  EXPECT_EQ(static_cast<long>(st.st_uid), uid_of(pg.pid()));
  EXPECT_EQ(show(pg.conninfo(), "listen_addresses"), "127.0.0.1");
  EXPECT_EQ(show(pg.conninfo(), "unix_socket_directories"), "");
  EXPECT_EQ(show(pg.conninfo(), "port"), std::to_string(pg.port()));
}

TEST(PostgresServer, GivesEachTestAFreshEmptyDatabase) {
  LINLI_REQUIRE_POSTGRES();
  PostgresServer& pg = PostgresServer::shared();
  std::string a = pg.fresh_database();
  std::string b = pg.fresh_database();
  EXPECT_NE(a, b);
  std::unique_ptr<PGconn, void (*)(PGconn*)> c(PQconnectdb(a.c_str()), PQfinish);
  ASSERT_EQ(PQstatus(c.get()), CONNECTION_OK) << PQerrorMessage(c.get());
  std::unique_ptr<PGresult, void (*)(PGresult*)> r(
      PQexec(c.get(), "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), PQclear);
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_TUPLES_OK);
  EXPECT_STREQ(PQgetvalue(r.get(), 0, 0), "0");
}

TEST(PostgresServer, IsStoppedByItsPidAndItsFolderRemovedAtTheEndOfItsScope) {
  LINLI_REQUIRE_POSTGRES();
  pid_t pid = -1;
  std::string folder;
  {
    PostgresServer own;
    pid = own.pid();
    folder = own.folder();
    ASSERT_FALSE(gone(pid));
    ASSERT_TRUE(std::filesystem::exists(folder + "/data/PG_VERSION"));
  }
  EXPECT_TRUE(gone(pid));
  EXPECT_FALSE(std::filesystem::exists(folder));
}

// A test binary that crashes runs no destructors: the server still stops, told by the kernel
// when the thread that started it ends (PR_SET_PDEATHSIG).
TEST(PostgresServer, StopsWhenTheTestBinaryDiesWithoutCleaningUp) {
  LINLI_REQUIRE_POSTGRES();
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  pid_t child = ::fork();
  if (child == 0) {
    ::close(fds[0]);
    pid_t server = -1;
    std::string folder;
    try {
      PostgresServer* leaked = new PostgresServer;  // never deleted: the process dies first
      server = leaked->pid();
      folder = leaked->folder();
    } catch (...) {
    }
    std::string msg = std::to_string(server) + " " + folder + "\n";
    (void)!::write(fds[1], msg.data(), msg.size());
    ::_exit(server > 0 ? 0 : 1);
  }
  ::close(fds[1]);
  std::string msg;
  char buf[512];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) msg.append(buf, n);
  ::close(fds[0]);
  int st = 0;
  ::waitpid(child, &st, 0);
  ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << "the child could not start a server";
  pid_t server = std::stoi(msg);
  std::string folder = msg.substr(msg.find(' ') + 1);
  folder.pop_back();
  bool stopped = gone_within(server, 30s);
  if (!stopped) ::kill(server, SIGKILL);
  std::error_code ec;
  std::filesystem::remove_all(folder, ec);
  EXPECT_TRUE(stopped) << "postgres " << server << " outlived the test binary that started it";
}

}  // namespace
}  // namespace linli::test
