#include "storage/pg/help_requests_repo.hpp"

#include "storage/help_requests_repo.hpp"
#include "storage/pg/rows.hpp"

namespace linli::storage::pg {
namespace {

constexpr const char* kColumns =
    "SELECT id, community_id, resident_id, category, details, building, address, urgent, status, "
    "coalesce(volunteer_id, 0), coalesce(card_outbox_id, 0), created_at, coalesce(claimed_at, 0), "
    "coalesce(done_at, 0), coalesce(rating, 0), coalesce(comment, ''), private FROM help_requests ";
// The associated data of a sealed address: this column, and the ticket's id as the row.
constexpr std::string_view kAddress = "help_requests.address";

}  // namespace

std::vector<HelpRequest> PgHelpRequestsRepo::read(const Result& q) const {
  std::vector<HelpRequest> out;
  for (int i = 0; i < q.rows(); ++i) {
    HelpRequest r;
    r.id = q.integer(i, 0);
    r.community_id = str(q, i, 1);
    r.resident_id = q.integer(i, 2);
    r.category = str(q, i, 3);
    r.details = str(q, i, 4);
    r.building = str(q, i, 5);
    r.address = str(q, i, 6);
    if (cipher_) r.address = cipher_->open(r.address, kAddress, r.id);
    r.urgent = flag(q, i, 7);
    r.status = request_status(str(q, i, 8));
    r.volunteer_id = q.integer(i, 9);
    r.card_outbox_id = q.integer(i, 10);
    r.created_at = q.integer(i, 11);
    r.claimed_at = q.integer(i, 12);
    r.done_at = q.integer(i, 13);
    r.rating = int32(q, i, 14);
    r.comment = str(q, i, 15);
    r.sensitive = flag(q, i, 16);
    out.push_back(std::move(r));
  }
  return out;
}

std::int64_t PgHelpRequestsRepo::create(const HelpRequest& r) {
  // A sealed address is bound to the ticket's id: the id is taken from the sequence first, so
  // that the row is written once, sealed, by one INSERT (no transaction of our own needed).
  const bool seal = cipher_ && !r.address.empty();
  const std::int64_t id = seal ? next_id(c_, "help_requests") : 0;
  return c_
      .exec(
          "INSERT INTO help_requests (id, community_id, resident_id, category, details, "
          "building, address, urgent, status, created_at, private) VALUES "
          "(coalesce($1, nextval(pg_get_serial_sequence('help_requests', 'id'))), $2, $3, $4, "
          "$5, $6, $7, $8, 'open', $9, $10) RETURNING id",
          {seal ? Param(id) : Param(std::nullopt), r.community_id, r.resident_id, r.category,
           r.details, r.building, seal ? Param(cipher_->seal(r.address, kAddress, id)) : r.address,
           r.urgent ? 1 : 0, r.created_at, r.sensitive ? 1 : 0})
      .integer(0, 0);
}

std::optional<HelpRequest> PgHelpRequestsRepo::get(std::int64_t id) {
  auto r = read(c_.exec(std::string(kColumns) + "WHERE id = $1", {id}));
  if (r.empty()) return std::nullopt;
  return r.front();
}

void PgHelpRequestsRepo::set_card(std::int64_t id, std::int64_t outbox_id) {
  c_.exec("UPDATE help_requests SET card_outbox_id = $1 WHERE id = $2", {outbox_id, id});
}

bool PgHelpRequestsRepo::claim(std::int64_t id, std::int64_t volunteer_id, std::int64_t now) {
  return c_.exec(
               "UPDATE help_requests SET status = 'claimed', volunteer_id = $1, claimed_at = $2 "
               "WHERE id = $3 AND status = 'open'",
               {volunteer_id, now, id})
             .affected() == 1;
}

bool PgHelpRequestsRepo::finish(std::int64_t id, std::int64_t volunteer_id, std::int64_t now) {
  return c_.exec(
               "UPDATE help_requests SET status = 'done', done_at = $1 "
               "WHERE id = $2 AND status = 'claimed' AND volunteer_id = $3",
               {now, id, volunteer_id})
             .affected() == 1;
}

bool PgHelpRequestsRepo::rate(std::int64_t id, std::int64_t resident_id, int rating,
                              const std::string& comment) {
  return c_.exec(
               "UPDATE help_requests SET rating = $1, comment = NULLIF($2, '') "
               "WHERE id = $3 AND resident_id = $4 AND status = 'done' AND rating IS NULL",
               {rating, comment, id, resident_id})
             .affected() == 1;
}

bool PgHelpRequestsRepo::cancel(std::int64_t id, std::int64_t resident_id) {
  return c_.exec(
               "UPDATE help_requests SET status = 'cancelled' "
               "WHERE id = $1 AND resident_id = $2 AND status = 'open'",
               {id, resident_id})
             .affected() == 1;
}

bool PgHelpRequestsRepo::release(std::int64_t id, std::int64_t volunteer_id) {
  return c_.exec(
               "UPDATE help_requests SET status = 'open', volunteer_id = NULL, claimed_at = NULL "
               "WHERE id = $1 AND volunteer_id = $2 AND status = 'claimed'",
               {id, volunteer_id})
             .affected() == 1;
}

std::vector<HelpRequest> PgHelpRequestsRepo::of_resident(std::int64_t resident_id) {
  return read(c_.exec(std::string(kColumns) +
                          "WHERE resident_id = $1 AND (status IN ('open', 'claimed') OR "
                          "(status = 'done' AND rating IS NULL)) ORDER BY id DESC LIMIT 20",
                      {resident_id}));
}

std::vector<HelpRequest> PgHelpRequestsRepo::of_volunteer(std::int64_t volunteer_id) {
  return read(c_.exec(
      std::string(kColumns) + "WHERE volunteer_id = $1 AND status = 'claimed' ORDER BY id LIMIT 20",
      {volunteer_id}));
}

int PgHelpRequestsRepo::purge_addresses(std::int64_t before) {
  no_statement_timeout(c_);
  return static_cast<int>(
      c_.exec("UPDATE help_requests SET address = '' WHERE address <> '' AND "
              "((status = 'done' AND done_at < $1) OR (status = 'cancelled' AND created_at < $1))",
              {before})
          .affected());
}

void PgHelpRequestsRepo::mark_unmet(std::int64_t id) {
  c_.exec("UPDATE help_requests SET unmet = 1 WHERE id = $1", {id});
}

std::map<std::string, int> PgHelpRequestsRepo::count_by_category(const std::string& community_id,
                                                                 bool unmet) {
  Result r = c_.exec(unmet ? "SELECT category, count(*) FROM help_requests WHERE community_id = "
                             "$1 AND unmet = 1 AND status IN ('open', 'cancelled') "
                             "GROUP BY category ORDER BY category"
                           : "SELECT category, count(*) FROM help_requests WHERE community_id = "
                             "$1 AND status = 'open' AND unmet = 0 "
                             "GROUP BY category ORDER BY category",
                     {community_id});
  std::map<std::string, int> out;
  for (int i = 0; i < r.rows(); ++i) out[str(r, i, 0)] = int32(r, i, 1);
  return out;
}

std::set<std::int64_t> PgHelpRequestsRepo::busy_volunteers(const std::string& community_id) {
  Result r = c_.exec(
      "SELECT DISTINCT volunteer_id FROM help_requests WHERE community_id = $1 AND "
      "status = 'claimed'",
      {community_id});
  std::set<std::int64_t> out;
  for (int i = 0; i < r.rows(); ++i) out.insert(r.integer(i, 0));
  return out;
}

}  // namespace linli::storage::pg
