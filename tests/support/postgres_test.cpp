// The test PostgreSQL server itself: unprivileged, on 127.0.0.1 only, no socket file, and gone
// with its folder afterwards, also when the test binary dies without cleaning up.

#include "tests/support/postgres.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
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
// when the thread that started it ends (PR_SET_PDEATHSIG), and at once although a client (here
// this process, standing for a linli the tests started) is still connected: a smart shutdown
// (SIGTERM) would wait for that client for ever.
TEST(PostgresServer, StopsWhenTheTestBinaryDiesWithoutCleaningUp) {
  LINLI_REQUIRE_POSTGRES();
  int up[2], go[2];
  // Close-on-exec: postgres, which the child execs, must not hold the pipes open.
  ASSERT_EQ(::pipe2(up, O_CLOEXEC), 0);
  ASSERT_EQ(::pipe2(go, O_CLOEXEC), 0);
  pid_t child = ::fork();
  if (child == 0) {
    ::close(up[0]);
    ::close(go[1]);
    pid_t server = -1;
    std::string folder;
    int port = 0;
    try {
      PostgresServer* leaked = new PostgresServer;  // never deleted: the process dies first
      server = leaked->pid();
      folder = leaked->folder();
      port = leaked->port();
    } catch (...) {
    }
    std::string msg = std::to_string(server) + " " + std::to_string(port) + " " + folder + "\n";
    (void)!::write(up[1], msg.data(), msg.size());
    char byte;
    (void)!::read(go[0], &byte, 1);  // until the parent has connected (or closed the pipe)
    ::_exit(server > 0 ? 0 : 1);
  }
  ::close(up[1]);
  ::close(go[0]);
  std::string msg;
  char buf[512];
  while (msg.find('\n') == std::string::npos) {  // one line; the child stays until `go`
    ssize_t n = ::read(up[0], buf, sizeof buf);
    if (n <= 0) break;
    msg.append(buf, static_cast<std::size_t>(n));
  }
  ::close(up[0]);
  std::istringstream fields(msg);
  pid_t server = -1;
  int port = 0;
  std::string folder;
  fields >> server >> port >> folder;
  std::unique_ptr<PGconn, void (*)(PGconn*)> client(
      PQconnectdb(
          ("host=127.0.0.1 user=linli dbname=postgres port=" + std::to_string(port)).c_str()),
      PQfinish);
  const bool connected = PQstatus(client.get()) == CONNECTION_OK;
  ::close(go[1]);
  int st = 0;
  ::waitpid(child, &st, 0);
  ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << "the child could not start a server";
  EXPECT_TRUE(connected) << PQerrorMessage(client.get());
  bool stopped = gone_within(server, 30s);
  if (!stopped) ::kill(server, SIGKILL);
  std::error_code ec;
  std::filesystem::remove_all(folder, ec);
  EXPECT_TRUE(stopped) << "postgres " << server << " outlived the test binary that started it";
}

// Another server answering on the port chosen (here the shared one, on the port tried first):
// the fixture must notice that the server answering is not its own and move to another port.
TEST(PostgresServer, AServerAlreadyOnTheChosenPortIsNotTakenForOurs) {
  LINLI_REQUIRE_POSTGRES();
  PostgresServer& shared = PostgresServer::shared();
  PostgresServer own(shared.port());
  EXPECT_NE(own.port(), shared.port());
  EXPECT_TRUE(
      std::filesystem::equivalent(show(own.conninfo(), "data_directory"), own.folder() + "/data"));
  EXPECT_TRUE(std::filesystem::equivalent(show(shared.conninfo(), "data_directory"),
                                          shared.folder() + "/data"));
}

// The folder of a test binary that died (its pid gone) and whose postmaster is gone is removed;
// one of a live binary, one whose postmaster still runs, and anything not named like ours stay.
TEST(PostgresServer, StaleFoldersOfDeadRunsAreRemovedOnlyTheirs) {
  LINLI_REQUIRE_POSTGRES();
  namespace fs = std::filesystem;
  const fs::path temp =
      fs::temp_directory_path() / ("linli-stale-test-" + std::to_string(::getpid()));
  fs::remove_all(temp);
  fs::create_directories(temp);
  pid_t dead = ::fork();  // a pid that was a process and is no more
  if (dead == 0) ::_exit(0);
  ::waitpid(dead, nullptr, 0);
  const std::string prefix = PostgresServer::kFolderPrefix;
  const fs::path stale = temp / (prefix + std::to_string(dead) + "-1");
  const fs::path live = temp / (prefix + std::to_string(::getpid()) + "-2");
  const fs::path serving = temp / (prefix + std::to_string(dead) + "-3");
  const fs::path other = temp / "linli-pg-notours";
  for (const auto& p : {stale / "data", live / "data", serving / "data", other}) {
    fs::create_directories(p);
  }
  {
    std::ofstream pidfile(serving / "data" / "postmaster.pid");
    pidfile << ::getpid() << "\n/some/data\n";  // a postmaster that still runs
  }
  EXPECT_EQ(PostgresServer::remove_stale_folders(temp.string()), 1);
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(live));
  EXPECT_TRUE(fs::exists(serving));
  EXPECT_TRUE(fs::exists(other));
  fs::remove_all(temp);
}

}  // namespace
}  // namespace linli::test
