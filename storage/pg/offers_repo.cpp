#include "storage/pg/offers_repo.hpp"

#include "storage/offers_repo.hpp"
#include "storage/pg/rows.hpp"

namespace linli::storage::pg {
namespace {

constexpr const char* kColumns =
    "SELECT id, kind, target_id, person_id, status, round, coalesce(offered_by, 0), offered_at "
    "FROM offers ";

std::vector<Offer> offers(const Result& r) {
  std::vector<Offer> out;
  for (int i = 0; i < r.rows(); ++i) {
    Offer o;
    o.id = r.integer(i, 0);
    o.kind = str(r, i, 1);
    o.target_id = r.integer(i, 2);
    o.person_id = r.integer(i, 3);
    o.status = offer_status(str(r, i, 4));
    o.round = int32(r, i, 5);
    o.offered_by = r.integer(i, 6);
    o.offered_at = r.integer(i, 7);
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace

std::int64_t PgOffersRepo::create(const Offer& o) {
  return c_
      .exec(
          "INSERT INTO offers (kind, target_id, person_id, status, round, offered_by, "
          "offered_at) VALUES ($1, $2, $3, 'offered', $4, NULLIF($5::bigint, 0), $6) "
          "RETURNING id",
          {o.kind, o.target_id, o.person_id, o.round, o.offered_by, o.offered_at})
      .integer(0, 0);
}

std::optional<Offer> PgOffersRepo::get(std::int64_t id) {
  auto o = offers(c_.exec(std::string(kColumns) + "WHERE id = $1", {id}));
  if (o.empty()) return std::nullopt;
  return o.front();
}

bool PgOffersRepo::settle(std::int64_t id, OfferStatus status, std::int64_t now) {
  return c_.exec(
               "UPDATE offers SET status = $1, answered_at = $2 WHERE id = $3 AND "
               "status = 'offered'",
               {to_string(status), now, id})
             .affected() == 1;
}

std::vector<Offer> PgOffersRepo::open_for(const std::string& kind, std::int64_t target_id) {
  return offers(c_.exec(std::string(kColumns) +
                            "WHERE kind = $1 AND target_id = $2 AND status = 'offered' "
                            "ORDER BY id",
                        {kind, target_id}));
}

std::vector<Offer> PgOffersRepo::open_to(std::int64_t person_id) {
  return offers(c_.exec(std::string(kColumns) +
                            "WHERE person_id = $1 AND status = 'offered' ORDER BY id DESC LIMIT 20",
                        {person_id}));
}

std::vector<std::int64_t> PgOffersRepo::asked(const std::string& kind, std::int64_t target_id) {
  Result r = c_.exec(
      "SELECT DISTINCT person_id FROM offers WHERE kind = $1 AND target_id = $2 AND past = 0 "
      "ORDER BY person_id",
      {kind, target_id});
  std::vector<std::int64_t> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(r.integer(i, 0));
  return out;
}

int PgOffersRepo::rounds(const std::string& kind, std::int64_t target_id) {
  return int32(c_.exec("SELECT coalesce(max(round), 0) FROM offers WHERE kind = $1 AND "
                       "target_id = $2 AND past = 0",
                       {kind, target_id}),
               0, 0);
}

void PgOffersRepo::start_over(const std::string& kind, std::int64_t target_id) {
  c_.exec("UPDATE offers SET past = 1 WHERE kind = $1 AND target_id = $2", {kind, target_id});
}

}  // namespace linli::storage::pg
