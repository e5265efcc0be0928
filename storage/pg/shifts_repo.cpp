#include "storage/pg/shifts_repo.hpp"

namespace linli::storage::pg {
namespace {

constexpr const char* kColumns =
    "SELECT id, person_id, community_id, COALESCE(post_id, 0), checkin_at, "
    "COALESCE(checkout_at, 0) FROM shifts ";

Shift read(const Result& r, int row) {
  return Shift{r.integer(row, 0), r.integer(row, 1), std::string(r.text(row, 2)),
               r.integer(row, 3), r.integer(row, 4), r.integer(row, 5)};
}

std::vector<Shift> read_all(const Result& r) {
  std::vector<Shift> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) out.push_back(read(r, i));
  return out;
}

}  // namespace

std::optional<Shift> PgShiftsRepo::on_duty(std::int64_t person_id) {
  Result r = c_.exec(std::string(kColumns) +
                         "WHERE person_id = $1 AND checkout_at IS NULL ORDER BY id DESC LIMIT 1",
                     {person_id});
  if (r.rows() == 0) return std::nullopt;
  return read(r, 0);
}

std::optional<Shift> PgShiftsRepo::get(std::int64_t id) {
  Result r = c_.exec(std::string(kColumns) + "WHERE id = $1", {id});
  if (r.rows() == 0) return std::nullopt;
  return read(r, 0);
}

std::set<std::int64_t> PgShiftsRepo::on_duty_in(const std::string& community_id) {
  Result r = c_.exec(
      "SELECT DISTINCT person_id FROM shifts WHERE community_id = $1 AND checkout_at IS NULL",
      {community_id});
  std::set<std::int64_t> out;
  for (int i = 0; i < r.rows(); ++i) out.insert(r.integer(i, 0));
  return out;
}

std::optional<std::int64_t> PgShiftsRepo::check_in(const Shift& s) {
  // SQLite's form (INSERT ... WHERE NOT EXISTS an open shift) relies on its one writer: here two
  // transactions could both see none. The unique index decides instead: the second INSERT waits
  // for the first and then inserts nothing (or, in a SERIALIZABLE transaction, fails with 40001
  // and its retry inserts nothing).
  Result r = c_.exec(
      "INSERT INTO shifts (person_id, community_id, post_id, checkin_at) "
      "VALUES ($1, $2, NULLIF($3::bigint, 0), $4) "
      "ON CONFLICT (person_id) WHERE checkout_at IS NULL DO NOTHING RETURNING id",
      {s.person_id, s.community_id, s.post_id, s.checkin_at});
  if (r.rows() == 0) return std::nullopt;
  return r.integer(0, 0);
}

bool PgShiftsRepo::check_out(std::int64_t id, std::int64_t at) {
  return c_.exec("UPDATE shifts SET checkout_at = $1 WHERE id = $2 AND checkout_at IS NULL",
                 {at, id})
             .affected() > 0;
}

std::int64_t PgShiftsRepo::served(std::int64_t person_id, std::int64_t from, std::int64_t to) {
  // Each shift's overlap with [from, to), an open one counting until `to`. SQLite's two-argument
  // MAX and MIN are PostgreSQL's GREATEST and LEAST; SUM of bigint is numeric here, cast back.
  Result r = c_.exec(
      "SELECT COALESCE(SUM(GREATEST(0, LEAST(COALESCE(checkout_at, $3::bigint), $3::bigint) - "
      "GREATEST(checkin_at, $2::bigint))), 0)::bigint FROM shifts WHERE person_id = $1 AND "
      "checkin_at < $3::bigint AND (checkout_at IS NULL OR checkout_at > $2::bigint)",
      {person_id, from, to});
  return r.integer(0, 0);
}

std::vector<Shift> PgShiftsRepo::of_person(std::int64_t person_id, std::int64_t from,
                                           std::int64_t to) {
  return read_all(c_.exec(std::string(kColumns) +
                              "WHERE person_id = $1 AND checkin_at < $3::bigint AND "
                              "(checkout_at IS NULL OR checkout_at > $2::bigint) "
                              "ORDER BY checkin_at, id",
                          {person_id, from, to}));
}

}  // namespace linli::storage::pg
