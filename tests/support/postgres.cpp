#include "tests/support/postgres.hpp"

#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "storage/pg/connection.hpp"
#include "storage/pg/migrations.hpp"

namespace linli::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// The newest /usr/lib/postgresql/<major>/bin that has initdb and postgres (Debian's layout).
std::optional<std::string> bin_dir() {
  std::error_code ec;
  int best = -1;
  std::string found;
  for (const auto& e : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const std::string major = e.path().filename().string();
    if (major.empty() || major.find_first_not_of("0123456789") != std::string::npos) continue;
    fs::path bin = e.path() / "bin";
    if (!fs::exists(bin / "initdb", ec) || !fs::exists(bin / "postgres", ec)) continue;
    if (std::stoi(major) > best) {
      best = std::stoi(major);
      found = bin.string();
    }
  }
  if (best < 0) return std::nullopt;
  return found;
}

// Who the server runs as: initdb and postgres refuse root.
struct RunAs {
  uid_t uid = 0;
  gid_t gid = 0;
  bool change = false;  // setuid in the child (we are root)
};

std::optional<RunAs> unprivileged_user() {
  if (::geteuid() != 0) return RunAs{::geteuid(), ::getegid(), false};
  const passwd* pw = ::getpwnam("nobody");
  if (pw == nullptr) return std::nullopt;
  return RunAs{pw->pw_uid, pw->pw_gid, true};
}

// fork + exec `args` as `who`, stdout and stderr into `log_fd`. With `die_with_parent`, the
// child gets SIGINT (a fast shutdown for postgres) when the thread that started it ends.
pid_t spawn(const std::vector<std::string>& args, const RunAs& who, int log_fd,
            bool die_with_parent) {
  std::vector<char*> argv;  // built before fork: the child of a threaded parent only execs
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    int in = ::open("/dev/null", O_RDONLY);
    if (in < 0 || ::dup2(in, 0) < 0 || ::dup2(log_fd, 1) < 0 || ::dup2(log_fd, 2) < 0) _exit(126);
    if (who.change &&
        (::setgroups(0, nullptr) != 0 || ::setgid(who.gid) != 0 || ::setuid(who.uid) != 0)) {
      _exit(126);
    }
    // After setuid: changing credentials clears the parent-death signal.
    if (die_with_parent && (::prctl(PR_SET_PDEATHSIG, SIGINT) != 0 || ::getppid() != parent)) {
      _exit(126);
    }
    ::execv(argv[0], argv.data());
    _exit(127);
  }
  if (pid < 0) throw std::runtime_error("postgres test server: fork failed");
  return pid;
}

// The exit status of `pid` once it exits within `limit` (128 + signal if killed), else nullopt.
std::optional<int> wait_exit(pid_t pid, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    int st = 0;
    pid_t r = ::waitpid(pid, &st, WNOHANG);
    if (r == pid) return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    if (r < 0) return -1;  // not our child any more
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(20ms);
  }
}

// A port nobody listens on right now; the server may still lose it to another process, in which
// case start_once fails to bind and the constructor tries another.
int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("postgres test server: no free port on 127.0.0.1");
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

// Whether a process `pid` exists (zombies included: not yet reaped, but not a server).
bool alive(long pid) {
  return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
}

// The number at the start of `text`, or -1.
long leading_number(const std::string& text) {
  std::size_t digits = 0;
  while (digits < text.size() && digits < 9 &&
         std::isdigit(static_cast<unsigned char>(text[digits])))
    ++digits;
  return digits == 0 ? -1 : std::stol(text.substr(0, digits));
}

// Stops `pid` (a postgres of ours): fast shutdown, then SIGKILL. True if it exited in time.
bool stop_server(pid_t pid) {
  ::kill(pid, SIGINT);  // fast shutdown: clients are disconnected, no checkpoint wait
  if (wait_exit(pid, 30s)) return true;
  ::kill(pid, SIGKILL);
  wait_exit(pid, 10s);
  return false;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::optional<std::string> PostgresServer::missing() {
  if (!bin_dir()) {
    return std::string(
        "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): install Debian's "
        "postgresql package (apt-get install postgresql; deploy/quickstart.sh test does)");
  }
  if (!unprivileged_user()) {
    return std::string(
        "the tests run as root and there is no user `nobody` to run PostgreSQL as (initdb "
        "refuses root)");
  }
  return std::nullopt;
}

PostgresServer& PostgresServer::shared() {
  static PostgresServer server;
  return server;
}

int PostgresServer::remove_stale_folders(const std::string& temp) {
  int removed = 0;
  std::error_code ec;
  const std::string prefix = kFolderPrefix;
  for (const auto& e : fs::directory_iterator(temp, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) != 0 || !e.is_directory(ec)) continue;
    const std::string rest = name.substr(prefix.size());
    const long owner = leading_number(rest);
    if (owner < 0 || rest.find('-') != std::to_string(owner).size()) continue;  // not our form
    struct stat st {};
    if (::stat(e.path().c_str(), &st) != 0 || st.st_uid != ::geteuid()) continue;
    if (alive(owner)) continue;
    // The postmaster's pid is data/postmaster.pid's first line while it runs.
    const long postmaster = leading_number(slurp((e.path() / "data" / "postmaster.pid").string()));
    if (alive(postmaster)) continue;
    if (fs::remove_all(e.path(), ec) > 0 && !ec) ++removed;
  }
  return removed;
}

PostgresServer::PostgresServer(int first_port) {
  if (auto why = missing()) throw std::runtime_error(*why);
  const fs::path temp = fs::temp_directory_path();
  remove_stale_folders(temp.string());
  std::random_device rd;
  folder_ = (temp / (kFolderPrefix + std::to_string(::getpid()) + "-" + std::to_string(rd()) +
                     std::to_string(rd())))
                .string();
  fs::create_directories(folder_);
  // The folder is ours; `nobody` must be able to reach data/ inside it, and owns only data/.
  fs::permissions(folder_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                               fs::perms::others_read | fs::perms::others_exec);
  const std::string bin = *bin_dir();
  try {
    // Another process may take the port between free_port() and postgres binding it; then
    // postgres exits ("could not bind"), or another server answers the ping.
    for (int attempt = 0;; ++attempt) {
      try {
        const int port = attempt == 0 && first_port > 0 ? first_port : free_port();
        if (start_once(bin, port)) return;
        if (attempt == 4) {
          throw std::runtime_error("postgres test server: another server answered 5 times:\n" +
                                   log());
        }
      } catch (const std::runtime_error&) {
        if (attempt == 4 || log().find("could not bind") == std::string::npos) throw;
      }
    }
  } catch (...) {
    stop();
    throw;
  }
}

bool PostgresServer::start_once(const std::string& bin, int port) {
  const RunAs who = *unprivileged_user();
  const std::string data = folder_ + "/data";
  const std::string log_path = folder_ + "/postgres.log";
  int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) throw std::runtime_error("postgres test server: cannot write " + log_path);
  std::unique_ptr<int, void (*)(int*)> close_log(&log_fd, [](int* fd) { ::close(*fd); });
  if (!fs::exists(data + "/PG_VERSION")) {
    fs::create_directory(data);
    if (::chown(data.c_str(), who.uid, who.gid) != 0) {
      throw std::runtime_error("postgres test server: cannot give " + data + " to its user");
    }
    fs::permissions(data, fs::perms::owner_all);
    // --no-sync and fsync=off below: a test's database need not survive a power cut.
    pid_t initdb = spawn({bin + "/initdb", "-D", data, "-U", "linli", "-A", "trust", "-E", "UTF8",
                          "--locale=C", "--no-sync"},
                         who, log_fd, false);
    auto status = wait_exit(initdb, 120s);
    if (!status) {
      ::kill(initdb, SIGKILL);
      wait_exit(initdb, 5s);
    }
    if (status != 0) throw std::runtime_error("postgres test server: initdb failed:\n" + log());
  }
  port_ = port;
  // Only 127.0.0.1, and no unix socket (unix_socket_directories empty): nothing in a shared
  // folder such as /var/run/postgresql.
  pid_ = spawn(
      {bin + "/postgres", "-D", data, "-p", std::to_string(port_), "-c",
       "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "fsync=off", "-c",
       "full_page_writes=off", "-c", "shared_buffers=16MB", "-c", "max_connections=100"},
      who, log_fd, true);
  const std::string ping = conninfo() + " connect_timeout=2";
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (PQping(ping.c_str()) != PQPING_OK) {
    if (auto status = wait_exit(pid_, 50ms)) {
      pid_ = -1;
      throw std::runtime_error("postgres test server: postgres exited (" + std::to_string(*status) +
                               "):\n" + log());
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      throw std::runtime_error("postgres test server: not ready within 60 s:\n" + log());
    }
  }
  // Ours if it serves our data folder; a foreign server may not even let `linli` in.
  std::unique_ptr<PGconn, void (*)(PGconn*)> c(PQconnectdb(ping.c_str()), PQfinish);
  std::unique_ptr<PGresult, void (*)(PGresult*)> r(
      PQstatus(c.get()) == CONNECTION_OK ? PQexec(c.get(), "SHOW data_directory") : nullptr,
      PQclear);
  std::error_code ec;
  if (r != nullptr && PQresultStatus(r.get()) == PGRES_TUPLES_OK && PQntuples(r.get()) == 1 &&
      fs::equivalent(PQgetvalue(r.get(), 0, 0), data, ec)) {
    return true;
  }
  stop_server(pid_);  // lost the port: ours exits by itself, or is told to
  pid_ = -1;
  return false;
}

PostgresServer::~PostgresServer() {
  stop();
}

bool PostgresServer::stop() {
  bool in_time = true;
  if (pid_ > 0) {
    in_time = stop_server(pid_);
    pid_ = -1;
  }
  if (!folder_.empty()) {
    std::error_code ec;
    fs::remove_all(folder_, ec);
  }
  return in_time;
}

std::string PostgresServer::conninfo(const std::string& db) const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " user=linli dbname=" + db;
}

std::string PostgresServer::fresh_database(const std::string& template_db) {
  static std::mutex m;
  std::lock_guard lock(m);
  const std::string name = "test_" + std::to_string(++databases_);
  std::unique_ptr<PGconn, void (*)(PGconn*)> c(PQconnectdb(conninfo().c_str()), PQfinish);
  if (PQstatus(c.get()) != CONNECTION_OK) {
    throw std::runtime_error("postgres test server: " + std::string(PQerrorMessage(c.get())));
  }
  std::unique_ptr<PGresult, void (*)(PGresult*)> r(
      PQexec(c.get(),
             ("CREATE DATABASE " + name + (template_db.empty() ? "" : " TEMPLATE " + template_db))
                 .c_str()),
      PQclear);
  if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
    throw std::runtime_error("postgres test server: " + std::string(PQresultErrorMessage(r.get())));
  }
  return conninfo(name);
}

std::string PostgresServer::migrated_database() {
  static std::mutex m;
  std::lock_guard lock(m);
  if (migrated_.empty()) {
    const std::string conninfo = fresh_database();
    {
      storage::pg::Connection c(conninfo);
      storage::pg::migrate(c);
    }  // closed: a template must have no connection
    migrated_ = conninfo.substr(conninfo.rfind("dbname=") + 7);
  }
  return fresh_database(migrated_);
}

bool someone_waits_on_a_lock(storage::pg::Connection& admin) {
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (admin
            .exec_unprepared("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                             "AND datname = current_database()")
            .integer(0, 0) > 0) {
      return true;
    }
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

std::string PostgresServer::log() const {
  return slurp(folder_ + "/postgres.log");
}

}  // namespace linli::test
