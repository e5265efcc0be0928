#include "storage/help_requests_repo.hpp"

#include <sqlite3.h>

namespace linli::storage {
namespace {
const std::string kColumns =
    "id, community_id, resident_id, category, details, building, address, urgent, status, "
    "IFNULL(volunteer_id, 0), IFNULL(card_outbox_id, 0), created_at, IFNULL(claimed_at, 0), "
    "IFNULL(done_at, 0), IFNULL(rating, 0), IFNULL(comment, ''), private";
// The associated data of a sealed address: this column, and the ticket's id as the row.
constexpr std::string_view kAddress = "help_requests.address";

}  // namespace

RequestStatus request_status(const std::string& s) {
  if (s == "claimed") return RequestStatus::claimed;
  if (s == "done") return RequestStatus::done;
  if (s == "cancelled") return RequestStatus::cancelled;
  return RequestStatus::open;
}

std::string to_string(RequestStatus s) {
  switch (s) {
    case RequestStatus::open:
      return "open";
    case RequestStatus::claimed:
      return "claimed";
    case RequestStatus::done:
      return "done";
    case RequestStatus::cancelled:
      return "cancelled";
  }
  return "open";
}

HelpRequestsRepo::HelpRequestsRepo(Database& db, const FieldCipher* cipher)
    : db_(db),
      cipher_(cipher),
      insert_(db.sql(),
              "INSERT INTO help_requests (community_id, resident_id, category, details, building, "
              "address, urgent, status, created_at, private) VALUES (?, ?, ?, ?, ?, ?, ?, 'open', "
              "?, ?)"),
      set_address_(db.sql(), "UPDATE help_requests SET address = ? WHERE id = ?"),
      get_(db.sql(), "SELECT " + kColumns + " FROM help_requests WHERE id = ?"),
      set_card_(db.sql(), "UPDATE help_requests SET card_outbox_id = ? WHERE id = ?"),
      claim_(db.sql(),
             "UPDATE help_requests SET status = 'claimed', volunteer_id = ?, claimed_at = ? "
             "WHERE id = ? AND status = 'open'"),
      finish_(db.sql(),
              "UPDATE help_requests SET status = 'done', done_at = ? "
              "WHERE id = ? AND status = 'claimed' AND volunteer_id = ?"),
      rate_(db.sql(),
            "UPDATE help_requests SET rating = ?, comment = NULLIF(?, '') "
            "WHERE id = ? AND resident_id = ? AND status = 'done' AND rating IS NULL"),
      cancel_(db.sql(),
              "UPDATE help_requests SET status = 'cancelled' "
              "WHERE id = ? AND resident_id = ? AND status = 'open'"),
      release_(db.sql(),
               "UPDATE help_requests SET status = 'open', volunteer_id = NULL, claimed_at = NULL "
               "WHERE id = ? AND volunteer_id = ? AND status = 'claimed'"),
      of_resident_(db.sql(),
                   "SELECT " + kColumns +
                       " FROM help_requests WHERE resident_id = ? AND "
                       "(status IN ('open', 'claimed') OR (status = 'done' AND rating IS NULL)) "
                       "ORDER BY id DESC LIMIT 20"),
      of_volunteer_(db.sql(),
                    "SELECT " + kColumns +
                        " FROM help_requests WHERE volunteer_id = ? AND status = 'claimed' "
                        "ORDER BY id LIMIT 20"),
      mark_unmet_(db.sql(), "UPDATE help_requests SET unmet = 1 WHERE id = ?"),
      purge_(db.sql(),
             "UPDATE help_requests SET address = '' WHERE address <> '' AND "
             "((status = 'done' AND done_at < ?1) OR (status = 'cancelled' AND created_at < ?1))"),
      open_by_category_(db.sql(),
                        "SELECT category, COUNT(*) FROM help_requests WHERE community_id = ? AND "
                        "status = 'open' AND unmet = 0 GROUP BY category ORDER BY category"),
      unmet_by_category_(
          db.sql(),
          "SELECT category, COUNT(*) FROM help_requests WHERE community_id = ? AND "
          "unmet = 1 AND status IN ('open', 'cancelled') GROUP BY category ORDER BY category"),
      busy_(db.sql(),
            "SELECT DISTINCT volunteer_id FROM help_requests WHERE community_id = ? AND status = "
            "'claimed'") {}

HelpRequest HelpRequestsRepo::read(SQLite::Statement& q) const {
  HelpRequest r;
  r.id = q.getColumn(0).getInt64();
  r.community_id = q.getColumn(1).getString();
  r.resident_id = q.getColumn(2).getInt64();
  r.category = q.getColumn(3).getString();
  r.details = q.getColumn(4).getString();
  r.building = q.getColumn(5).getString();
  r.address = q.getColumn(6).getString();
  if (cipher_) r.address = cipher_->open(r.address, kAddress, r.id);
  r.urgent = q.getColumn(7).getInt() != 0;
  r.status = request_status(q.getColumn(8).getString());
  r.volunteer_id = q.getColumn(9).getInt64();
  r.card_outbox_id = q.getColumn(10).getInt64();
  r.created_at = q.getColumn(11).getInt64();
  r.claimed_at = q.getColumn(12).getInt64();
  r.done_at = q.getColumn(13).getInt64();
  r.rating = q.getColumn(14).getInt();
  r.comment = q.getColumn(15).getString();
  r.sensitive = q.getColumn(16).getInt() != 0;
  return r;
}

std::int64_t HelpRequestsRepo::create(const HelpRequest& r) {
  // A sealed address is bound to the ticket's id, which exists only after the INSERT: the row
  // is inserted with '' and its address set in the same transaction (the caller's, or ours).
  bool seal = cipher_ && !r.address.empty();
  std::optional<Database::Transaction> own;
  if (seal && sqlite3_get_autocommit(db_.sql().getHandle())) own.emplace(db_);
  std::int64_t id = 0;
  {
    Use q(insert_);
    q->bind(1, r.community_id);
    q->bind(2, r.resident_id);
    q->bind(3, r.category);
    q->bind(4, r.details);
    q->bind(5, r.building);
    q->bind(6, seal ? "" : r.address.c_str());
    q->bind(7, r.urgent ? 1 : 0);
    q->bind(8, r.created_at);
    q->bind(9, r.sensitive ? 1 : 0);
    q->exec();
    id = db_.sql().getLastInsertRowid();
  }
  if (seal) {
    Use q(set_address_);
    q->bind(1, cipher_->seal(r.address, kAddress, id));
    q->bind(2, id);
    q->exec();
  }
  if (own) own->commit();
  return id;
}

std::optional<HelpRequest> HelpRequestsRepo::get(std::int64_t id) {
  Use q(get_);
  q->bind(1, id);
  if (!q->executeStep()) return std::nullopt;
  return read(*q);
}

void HelpRequestsRepo::set_card(std::int64_t id, std::int64_t outbox_id) {
  Use q(set_card_);
  q->bind(1, outbox_id);
  q->bind(2, id);
  q->exec();
}

bool HelpRequestsRepo::claim(std::int64_t id, std::int64_t volunteer_id, std::int64_t now) {
  Use q(claim_);
  q->bind(1, volunteer_id);
  q->bind(2, now);
  q->bind(3, id);
  return q->exec() == 1;
}

bool HelpRequestsRepo::finish(std::int64_t id, std::int64_t volunteer_id, std::int64_t now) {
  Use q(finish_);
  q->bind(1, now);
  q->bind(2, id);
  q->bind(3, volunteer_id);
  return q->exec() == 1;
}

bool HelpRequestsRepo::rate(std::int64_t id, std::int64_t resident_id, int rating,
                            const std::string& comment) {
  Use q(rate_);
  q->bind(1, rating);
  q->bind(2, comment);
  q->bind(3, id);
  q->bind(4, resident_id);
  return q->exec() == 1;
}

bool HelpRequestsRepo::cancel(std::int64_t id, std::int64_t resident_id) {
  Use q(cancel_);
  q->bind(1, id);
  q->bind(2, resident_id);
  return q->exec() == 1;
}

bool HelpRequestsRepo::release(std::int64_t id, std::int64_t volunteer_id) {
  Use q(release_);
  q->bind(1, id);
  q->bind(2, volunteer_id);
  return q->exec() == 1;
}

std::vector<HelpRequest> HelpRequestsRepo::of_resident(std::int64_t resident_id) {
  Use q(of_resident_);
  q->bind(1, resident_id);
  std::vector<HelpRequest> out;
  while (q->executeStep()) out.push_back(read(*q));
  return out;
}

std::vector<HelpRequest> HelpRequestsRepo::of_volunteer(std::int64_t volunteer_id) {
  Use q(of_volunteer_);
  q->bind(1, volunteer_id);
  std::vector<HelpRequest> out;
  while (q->executeStep()) out.push_back(read(*q));
  return out;
}

// '' is written as it is, also with a cipher: an empty address hides nothing, and
// FieldCipher::seal keeps "" as "" anyway.
int HelpRequestsRepo::purge_addresses(std::int64_t before) {
  Use q(purge_);
  q->bind(1, before);
  return q->exec();
}

void HelpRequestsRepo::mark_unmet(std::int64_t id) {
  Use q(mark_unmet_);
  q->bind(1, id);
  q->exec();
}

std::map<std::string, int> HelpRequestsRepo::count_by_category(const std::string& community_id,
                                                               bool unmet) {
  Use q(unmet ? unmet_by_category_ : open_by_category_);
  q->bind(1, community_id);
  std::map<std::string, int> out;
  while (q->executeStep()) out[q->getColumn(0).getString()] = q->getColumn(1).getInt();
  return out;
}

std::set<std::int64_t> HelpRequestsRepo::busy_volunteers(const std::string& community_id) {
  Use q(busy_);
  q->bind(1, community_id);
  std::set<std::int64_t> out;
  while (q->executeStep()) out.insert(q->getColumn(0).getInt64());
  return out;
}

}  // namespace linli::storage
