#pragma once
// One libpq connection to PostgreSQL (issue 13). Blocking calls: a connection belongs to one
// thread at a time, a worker of the Pool (storage/pg/pool.hpp), never the io_context thread.
//
// Every statement with values goes through PQexecParams with the values as parameters ($1, $2,
// ...), never spliced into the text. The one exception is run_script, for the fixed text of a
// migration compiled into the binary, which holds several statements and no values. Errors
// throw PgError carrying the server's SQLSTATE, so that callers can tell a serialization failure
// (40001) or a deadlock (40P01), which a retry resolves, from a bug.

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

struct pg_conn;    // PGconn of <libpq-fe.h>, which only the .cpp includes
struct pg_result;  // PGresult

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

  // One statement, its values as parameters.
  Result exec(std::string_view sql, std::initializer_list<Param> params = {});
  // Several statements without values (a migration's fixed text), in one round trip.
  void run_script(std::string_view sql);

  // Whether the connection is still up, as far as libpq knows; reset() connects again.
  bool ok() const;
  // Whether no transaction is open on it (PQtransactionStatus is IDLE).
  bool idle() const;
  void reset();
  // The server process serving this connection (pg_backend_pid), for tests and logs.
  int backend_pid() const;

 private:
  Result check(pg_result* r);

  pg_conn* conn_;
};

// The options of a libpq connection string as "key=value ..." with a password shown as ***:
// what `linli check-config` prints. nullopt and `error` set if libpq cannot parse it.
std::optional<std::string> describe_conninfo(const std::string& conninfo, std::string& error);

}  // namespace linli::storage::pg
