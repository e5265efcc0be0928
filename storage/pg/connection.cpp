#include "storage/pg/connection.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <vector>

namespace linli::storage::pg {
namespace {

// libpq's messages end with a newline; ours are one line each.
std::string trimmed(const char* message) {
  std::string s = message != nullptr ? message : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

void ignore_notice(void*, const char*) {
  // "relation already exists, skipping" and the like: libpq would print them on stderr, which
  // is the service's log (one JSON line per event).
}

// A value as libpq's key=value syntax writes it: quoted when it is empty or holds a space, a
// quote or a backslash.
std::string quoted(std::string_view value) {
  if (!value.empty() && value.find_first_of(" '\\") == std::string_view::npos) {
    return std::string(value);
  }
  std::string out = "'";
  for (char ch : value) {
    if (ch == '\'' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "'";
}

// The settings of "Session settings" in connection.hpp, applied only where the server's value
// is still its built-in default: one an operator chose anywhere (connection string, role,
// database, postgresql.conf) stays.
constexpr const char* kSessionDefaults =
    "SELECT set_config(d.name, d.value, false) FROM (VALUES ('lock_timeout', '5s'),"
    " ('statement_timeout', '30s'), ('idle_in_transaction_session_timeout', '60s')) AS d(name, "
    "value) JOIN pg_settings s ON s.name = d.name WHERE s.source = 'default'";

// Whether `sql` (any case, after blanks) starts with `word`.
bool starts_with_word(std::string_view sql, std::string_view word) {
  auto begin = std::find_if_not(sql.begin(), sql.end(),
                                [](unsigned char ch) { return std::isspace(ch) != 0; });
  sql.remove_prefix(static_cast<std::size_t>(begin - sql.begin()));
  if (sql.size() < word.size()) return false;
  return std::equal(word.begin(), word.end(), sql.begin(), [](char a, char b) {
    return std::toupper(static_cast<unsigned char>(a)) ==
           std::toupper(static_cast<unsigned char>(b));
  });
}

// DISCARD ALL, DISCARD PLANS... and DEALLOCATE drop prepared statements on the server.
bool drops_prepared(std::string_view sql) {
  return starts_with_word(sql, "DISCARD") || starts_with_word(sql, "DEALLOCATE");
}

struct Values {
  std::vector<const char*> values;
  std::vector<int> lengths;
  explicit Values(std::initializer_list<Param> params) {
    values.reserve(params.size());
    lengths.reserve(params.size());
    for (const Param& p : params) {
      values.push_back(p.c_str());
      lengths.push_back(p.length());
    }
  }
  int count() const { return static_cast<int>(values.size()); }
};

}  // namespace

Result::Result(pg_result* r) : r_(r) {}

Result::~Result() {
  if (r_ != nullptr) PQclear(r_);
}

Result::Result(Result&& other) noexcept : r_(other.r_) {
  other.r_ = nullptr;
}

Result& Result::operator=(Result&& other) noexcept {
  if (this != &other) {
    if (r_ != nullptr) PQclear(r_);
    r_ = other.r_;
    other.r_ = nullptr;
  }
  return *this;
}

int Result::rows() const {
  return PQntuples(r_);
}

int Result::columns() const {
  return PQnfields(r_);
}

std::int64_t Result::affected() const {
  const char* n = PQcmdTuples(r_);
  std::int64_t value = 0;
  std::from_chars(n, n + std::char_traits<char>::length(n), value);
  return value;
}

std::string_view Result::command() const {
  return PQcmdStatus(r_);
}

bool Result::is_null(int row, int column) const {
  return PQgetisnull(r_, row, column) != 0;
}

std::string_view Result::text(int row, int column) const {
  return {PQgetvalue(r_, row, column), static_cast<std::size_t>(PQgetlength(r_, row, column))};
}

std::int64_t Result::integer(int row, int column) const {
  std::string_view t = text(row, column);
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (ec != std::errc() || end != t.data() + t.size()) {
    throw PgError("22P02", "column " + std::string(PQfname(r_, column)) + " is not an integer: \"" +
                               std::string(t) + "\"");
  }
  return value;
}

Connection::Connection(const std::string& conninfo) {
  // Keywords are read in order and later ones win: the operator's string (expanded from
  // "dbname") overrides these defaults. Without connect_timeout libpq would wait for ever on an
  // unreachable host.
  // Keepalives likewise (connection.hpp says why).
  const char* keys[] = {"connect_timeout",
                        "fallback_application_name",
                        "client_encoding",
                        "keepalives",
                        "keepalives_idle",
                        "keepalives_interval",
                        "keepalives_count",
                        "dbname",
                        nullptr};
  const char* values[] = {"10", "linli", "UTF8", "1", "30", "10", "3", conninfo.c_str(), nullptr};
  conn_ = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn_ == nullptr) throw PgError("08001", "cannot connect to PostgreSQL: out of memory");
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string why = trimmed(PQerrorMessage(conn_));
    PQfinish(conn_);
    throw PgError("08001", "cannot connect to PostgreSQL: " + why);
  }
  try {
    start_session();
  } catch (...) {
    if (cancel_ != nullptr) PQfreeCancel(cancel_);
    PQfinish(conn_);
    throw;
  }
}

Connection::~Connection() {
  if (cancel_ != nullptr) PQfreeCancel(cancel_);
  PQfinish(conn_);
}

void Connection::start_session() {
  PQsetNoticeProcessor(conn_, &ignore_notice, nullptr);
  forget_prepared();
  {
    std::lock_guard lock(cancel_mutex_);
    if (cancel_ != nullptr) PQfreeCancel(cancel_);
    cancel_ = PQgetCancel(conn_);
  }
  check(PQexec(conn_, kSessionDefaults));
}

void Connection::forget_prepared() {
  prepared_.clear();
}

bool Connection::cancel() {
  std::lock_guard lock(cancel_mutex_);
  if (cancel_ == nullptr) return false;
  char error[256];
  return PQcancel(cancel_, error, sizeof error) == 1;
}

Result Connection::check(pg_result* r) {
  Result result(r);
  ExecStatusType status = r != nullptr ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
  const char* state = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = trimmed(r != nullptr ? PQresultErrorMessage(r) : "");
  if (message.empty()) message = trimmed(PQerrorMessage(conn_));
  // No SQLSTATE: the server never answered (the connection broke under the statement).
  throw PgError(state != nullptr ? state : "08006", message);
}

Result Connection::exec(std::string_view sql, std::initializer_list<Param> params) {
  if (drops_prepared(sql)) return exec_unprepared(sql, params);
  // libpq needs the text NUL-terminated; string_view does not promise it.
  std::string text(sql);
  auto found = prepared_.find(text);
  if (found == prepared_.end()) {
    if (prepared_.size() >= kMostPrepared) return exec_unprepared(sql, params);
    std::string name = "linli_" + std::to_string(++names_);
    // Types inferred by the server from the statement, as PQexecParams does.
    ++prepares_;
    check(PQprepare(conn_, name.c_str(), text.c_str(), static_cast<int>(params.size()), nullptr));
    found = prepared_.emplace(std::move(text), std::move(name)).first;
  }
  Values v(params);
  return check(PQexecPrepared(conn_, found->second.c_str(), v.count(), v.values.data(),
                              v.lengths.data(), nullptr, /*resultFormat=*/0));
}

Result Connection::exec_unprepared(std::string_view sql, std::initializer_list<Param> params) {
  Values v(params);
  std::string text(sql);
  Result r = check(PQexecParams(conn_, text.c_str(), v.count(), nullptr, v.values.data(),
                                v.lengths.data(), nullptr, /*resultFormat=*/0));
  if (drops_prepared(sql)) forget_prepared();
  return r;
}

void Connection::run_script(std::string_view sql) {
  // Several statements in one PQexec come back as the last one's result; an error in any stops
  // the rest and is that result. A script that drops prepared statements (anywhere in it) drops
  // the cache: better to prepare again than to execute a name the server forgot.
  std::string text(sql);
  std::string upper = text;
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (upper.find("DISCARD") != std::string::npos || upper.find("DEALLOCATE") != std::string::npos)
    forget_prepared();
  check(PQexec(conn_, text.c_str()));
}

bool Connection::ok() const {
  return PQstatus(conn_) == CONNECTION_OK;
}

bool Connection::idle() const {
  return PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

void Connection::reset() {
  // The new session knows none of the old one's prepared statements.
  forget_prepared();
  PQreset(conn_);
  if (!ok())
    throw PgError("08001", "cannot connect to PostgreSQL: " + trimmed(PQerrorMessage(conn_)));
  start_session();
}

int Connection::backend_pid() const {
  return PQbackendPID(conn_);
}

int Connection::socket() const {
  return PQsocket(conn_);
}

namespace {

// libpq's parse errors quote the piece of the string they stumbled on, which may be a piece of
// the password ("missing \"=\" after \"cret\""): every quoted piece is hidden.
std::string without_quoted(std::string_view message) {
  // The one error that quotes an option's name, never its value: shown whole.
  if (message.starts_with("invalid connection option")) return std::string(message);
  std::string out, piece;
  bool inside = false;
  for (char ch : message) {
    if (ch != '"') {
      (inside ? piece : out) += ch;
      continue;
    }
    if (inside) out += (piece == "=" ? piece : "***") + "\"";  // libpq's own "=" is no secret
    if (!inside) out += '"';
    piece.clear();
    inside = !inside;
  }
  if (inside) out += "***";
  return out;
}

}  // namespace

std::optional<std::string> describe_conninfo(const std::string& conninfo, std::string& error) {
  char* err = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &err);
  if (options == nullptr) {
    error = err != nullptr ? without_quoted(trimmed(err)) : "out of memory";
    if (err != nullptr) PQfreemem(err);
    return std::nullopt;
  }
  std::string out;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    std::string keyword = o->keyword;
    // libpq marks secret options with "*" (the password); never print them.
    bool secret = o->dispchar != nullptr && std::string_view(o->dispchar) == "*";
    out += (out.empty() ? "" : " ") + keyword + "=" + (secret ? "***" : quoted(o->val));
  }
  PQconninfoFree(options);
  return out;
}

}  // namespace linli::storage::pg
