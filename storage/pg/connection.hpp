#pragma once
// One libpq connection to PostgreSQL (issue 13). Blocking calls: a connection belongs to one
// thread at a time, a worker of the Pool (storage/pg/pool.hpp), never the io_context thread.
//
// Every statement with values goes with the values as parameters ($1, $2, ...), never spliced
// into the text. The one exception is run_script, for the fixed text of a migration compiled into
// the binary, which holds several statements and no values. Errors throw PgError carrying the
// server's SQLSTATE, so that callers can tell a serialization failure (40001) or a deadlock
// (40P01), which a retry resolves, from a bug.
//
// Prepared statements: exec() prepares a text the first time this connection runs it
// (PQprepare) and from then on only executes it (PQexecPrepared): the repositories' statements
// are a fixed set of texts run again and again, and parsing and planning each every time cost
// about 40 % of a single-row select's time over 127.0.0.1 (10,000 selects by primary key: 260 us
// each unprepared, 155 us prepared, on the shared 2-core machine under load;
// tests/storage/pg/connection_test.cpp prints the figure). A prepared statement lives in the server
// session, not in a transaction: a ROLLBACK or a failed statement leaves it; a new session
// (reset()) or DISCARD ALL / DEALLOCATE ALL run through this connection forget them, and so does
// the cache.
//
// Session settings (unless the operator set them: the connection string's `options`, ALTER ROLE
// or DATABASE ... SET, postgresql.conf): lock_timeout 5 s, so that a decision waiting on a row
// another instance holds fails (55P03) within a platform's patience for a webhook answer instead
// of holding a worker; statement_timeout 30 s, far above any of Linli's statements, so that a
// runaway one cannot hold a worker for ever; idle_in_transaction_session_timeout 60 s, so that a
// transaction left open by a stuck process releases its row locks for the other instances. And
// TCP keepalives (idle 30 s, then every 10 s, 3 probes) unless the connection string sets them:
// a server or network that vanished without a FIN is noticed in about a minute, not hours.

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

struct pg_conn;    // PGconn of <libpq-fe.h>, which only the .cpp includes
struct pg_result;  // PGresult
struct pg_cancel;  // PGcancel

namespace linli::storage::pg {

class PgError : public std::runtime_error {
 public:
  PgError(std::string sqlstate, const std::string& message)
      : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}
  // Five characters, e.g. "23505" unique_violation; "08006" when the connection broke and the
  // server said nothing; "08001" when no connection could be made.
  const std::string& sqlstate() const { return sqlstate_; }
  // A serialization failure or a deadlock: the transaction may be run again as it was.
  bool retryable() const { return sqlstate_ == "40001" || sqlstate_ == "40P01"; }

 private:
  std::string sqlstate_;
};

// A statement's value: text, an integer, or NULL. Sent in text format; the server infers its type
// from the statement (write "$1::bigint" where it cannot).
class Param {
 public:
  Param(std::nullopt_t) {}  // NOLINT(google-explicit-constructor): reads as SQL NULL
  Param(std::string_view s) : value_(s) {}              // NOLINT(google-explicit-constructor)
  Param(const char* s) : value_(std::string(s)) {}      // NOLINT(google-explicit-constructor)
  Param(const std::string& s) : value_(s) {}            // NOLINT(google-explicit-constructor)
  Param(std::int64_t n) : value_(std::to_string(n)) {}  // NOLINT(google-explicit-constructor)
  Param(int n) : value_(std::to_string(n)) {}           // NOLINT(google-explicit-constructor)

  const char* c_str() const { return value_ ? value_->c_str() : nullptr; }
  int length() const { return value_ ? static_cast<int>(value_->size()) : 0; }

 private:
  std::optional<std::string> value_;
};

// The rows a statement returned; owns its PGresult.
class Result {
 public:
  explicit Result(pg_result* r);
  ~Result();
  Result(Result&& other) noexcept;
  Result& operator=(Result&& other) noexcept;
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;

  int rows() const;
  int columns() const;
  // Rows a command touched (INSERT, UPDATE, DELETE): what a conditional statement decided.
  std::int64_t affected() const;
  // The command tag: "COMMIT", or "ROLLBACK" when COMMIT met a transaction an error had aborted.
  std::string_view command() const;
  bool is_null(int row, int column) const;
  std::string_view text(int row, int column) const;
  std::int64_t integer(int row, int column) const;

 private:
  pg_result* r_;
};

class Connection {
 public:
  // `conninfo` is a libpq connection string ("host=... dbname=..." or "postgresql://..."). Connects
  // with a 10-second connect_timeout and application_name "linli" unless the string sets them.
  // Throws PgError("08001", libpq's reason) when no connection is made.
  explicit Connection(const std::string& conninfo);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // One statement, its values as parameters; prepared once per connection (see above).
  Result exec(std::string_view sql, std::initializer_list<Param> params = {});
  // One statement, parsed and planned for this run only (PQexecParams): for a text that is made
  // up at run time and would only fill the cache.
  Result exec_unprepared(std::string_view sql, std::initializer_list<Param> params = {});
  // Several statements without values (a migration's fixed text), in one round trip.
  void run_script(std::string_view sql);

  // Whether the connection is still up, as far as libpq knows; reset() connects again.
  bool ok() const;
  // Whether no transaction is open on it (PQtransactionStatus is IDLE).
  bool idle() const;
  void reset();
  // The server process serving this connection (pg_backend_pid), for tests and logs.
  int backend_pid() const;
  // The connection's socket (PQsocket), for tests that read its TCP options.
  int socket() const;

  // Asks the server to cancel the statement this connection is running (PQcancel), from any
  // thread: that statement fails with 57014 (query_canceled). Nothing happens when none runs.
  // False when the request could not be delivered.
  bool cancel();

  // Statements prepared on this session, and PQprepare calls made since it was opened.
  std::size_t prepared() const { return prepared_.size(); }
  std::uint64_t prepares() const { return prepares_; }

  // More distinct texts than this run unprepared: the repositories' texts are a fixed set far
  // smaller; a caller that makes up texts must not grow the server session without bound.
  static constexpr std::size_t kMostPrepared = 512;

 private:
  Result check(pg_result* r);
  // After a connection is made: the session settings above, a fresh cancel handle, no
  // prepared statements.
  void start_session();
  void forget_prepared();

  pg_conn* conn_;
  std::unordered_map<std::string, std::string> prepared_;  // text -> statement name
  std::uint64_t prepares_ = 0;
  std::uint64_t names_ = 0;
  // cancel() runs on another thread than the one that reconnects: the handle is swapped under
  // the mutex.
  std::mutex cancel_mutex_;
  pg_cancel* cancel_ = nullptr;
};

// The options of a libpq connection string as "key=value ..." with a password shown as ***:
// what `linli check-config` prints. nullopt and `error` set if libpq cannot parse it.
std::optional<std::string> describe_conninfo(const std::string& conninfo, std::string& error);

// For the daily purges, which delete in one statement whatever a day left behind: the session's
// statement_timeout (30 s, meant for decisions) would end them at city scale, every day, and
// what must not be kept (addresses, old texts) would be kept for ever. Lasts until the end of
// the caller's transaction (the purge's unit of work).
inline void no_statement_timeout(Connection& c) {
  c.exec("SET LOCAL statement_timeout = 0");
}

}  // namespace linli::storage::pg
