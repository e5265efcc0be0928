#pragma once
// A real PostgreSQL server for the tests (issue 13), started by the tests themselves from
// Debian's `postgresql` package: `initdb` into a fresh temporary folder, then `postgres` on
// 127.0.0.1 and a free port, with no unix socket. Run as root (as CI does), the server runs as
// the unprivileged system user `nobody`, which owns nothing else on the machine (initdb and
// postgres refuse to run as root); run as anyone else, as that user.
//
// One server per test binary (`shared()`), because initdb costs seconds; each test takes a fresh
// database of its own from it (`fresh_database()`), as storage tests take a fresh SQLite file.
// The server is stopped by its pid (fast shutdown, then SIGKILL after a bounded wait) and its
// folder removed when the binary exits, also when tests failed; and it is told to stop
// (SIGINT, through PR_SET_PDEATHSIG) if the test binary dies without running destructors.
// SIGINT is postgres's fast shutdown (it ends the sessions still open); SIGTERM would be its
// smart shutdown, which waits for every client to disconnect, e.g. a linli the tests started.
// The folder of a binary that died that way is removed by the next server started on the
// machine (remove_stale_folders).
//
// The port: a free one is chosen, and another process may take it before postgres binds it (or
// another server already answer there): the server that answers must be ours (its
// data_directory is our folder's), else it is started again on another port.

#include <sys/types.h>

#include <cstdlib>
#include <optional>
#include <string>

#include <gtest/gtest.h>

namespace linli::storage::pg {
class Connection;
}

namespace linli::test {

// Waits (at most 30 s) until a session of `admin`'s database waits on a lock (pg_stat_activity):
// the event a test of lock waits starts from. False if none did.
bool someone_waits_on_a_lock(storage::pg::Connection& admin);

class PostgresServer {
 public:
  // Why the tests cannot start a server here ("install postgresql: ..."), or nullopt.
  static std::optional<std::string> missing();
  // The server of this test binary, started at the first call. Throws std::runtime_error with
  // the server's log when it does not start.
  static PostgresServer& shared();

  // `first_port`: the port to try first instead of a free one (for the fixture's own tests).
  explicit PostgresServer(int first_port = 0);
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // A libpq connection string for database `db` as the cluster's superuser `linli`.
  std::string conninfo(const std::string& db = "postgres") const;
  // Creates an empty database with a new name and returns its connection string; with
  // `template_db`, a copy of that database (which must have no connection open).
  std::string fresh_database(const std::string& template_db = "");
  // A fresh database with Linli's PostgreSQL schema (storage/pg/migrations): a copy of one
  // database migrated once per test binary, as migrating each costs a third of a second.
  std::string migrated_database();
  // Stops the server (fast shutdown) and removes its folder; true if it exited in time.
  bool stop();

  // The folders of earlier servers whose test binary and postmaster are both dead, under
  // `temp`: only ours ("linli-pg-<pid of the test binary>-..."), owned by this user. Returns how
  // many were removed.
  static int remove_stale_folders(const std::string& temp);
  static constexpr const char* kFolderPrefix = "linli-pg-";

  pid_t pid() const { return pid_; }
  int port() const { return port_; }
  const std::string& folder() const { return folder_; }
  std::string log() const;

 private:
  // Starts postgres on `port`; false if the server that answered there is not ours.
  bool start_once(const std::string& bin, int port);

  std::string folder_;  // parent of data/ and postgres.log, removed by stop()
  pid_t pid_ = -1;
  int port_ = 0;
  int databases_ = 0;
  std::string migrated_;  // the migrated template's name, once made
};

}  // namespace linli::test

// In a test or its SetUp: the shared server, or the test fails with what to install (or is
// skipped when LINLI_SKIP_PG=1 is set, explicitly).
#define LINLI_REQUIRE_POSTGRES()                                                  \
  do {                                                                            \
    if (auto why = ::linli::test::PostgresServer::missing()) {                    \
      const char* skip = std::getenv("LINLI_SKIP_PG");                            \
      if (skip != nullptr && std::string(skip) == "1") GTEST_SKIP() << *why;      \
      FAIL() << *why << " (or set LINLI_SKIP_PG=1 to skip the PostgreSQL tests)"; \
    }                                                                             \
  } while (false)
