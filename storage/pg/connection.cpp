#include "storage/pg/connection.hpp"

#include <libpq-fe.h>

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
  const char* keys[] = {"connect_timeout", "fallback_application_name", "client_encoding", "dbname",
                        nullptr};
  const char* values[] = {"10", "linli", "UTF8", conninfo.c_str(), nullptr};
  conn_ = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn_ == nullptr) throw PgError("08001", "cannot connect to PostgreSQL: out of memory");
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string why = trimmed(PQerrorMessage(conn_));
    PQfinish(conn_);
    throw PgError("08001", "cannot connect to PostgreSQL: " + why);
  }
  PQsetNoticeProcessor(conn_, &ignore_notice, nullptr);
}

Connection::~Connection() {
  PQfinish(conn_);
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
  std::vector<const char*> values;
  std::vector<int> lengths;
  values.reserve(params.size());
  lengths.reserve(params.size());
  for (const Param& p : params) {
    values.push_back(p.c_str());
    lengths.push_back(p.length());
  }
  // PQexecParams needs the text NUL-terminated; string_view does not promise it.
  std::string text(sql);
  return check(PQexecParams(conn_, text.c_str(), static_cast<int>(params.size()), nullptr,
                            values.data(), lengths.data(), nullptr, /*resultFormat=*/0));
}

void Connection::run_script(std::string_view sql) {
  // Several statements in one PQexec come back as the last one's result; an error in any stops
  // the rest and is that result.
  check(PQexec(conn_, std::string(sql).c_str()));
}

bool Connection::ok() const {
  return PQstatus(conn_) == CONNECTION_OK;
}

bool Connection::idle() const {
  return PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

void Connection::reset() {
  PQreset(conn_);
  if (!ok())
    throw PgError("08001", "cannot connect to PostgreSQL: " + trimmed(PQerrorMessage(conn_)));
  PQsetNoticeProcessor(conn_, &ignore_notice, nullptr);
}

int Connection::backend_pid() const {
  return PQbackendPID(conn_);
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
