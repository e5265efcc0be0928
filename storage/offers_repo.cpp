#include "storage/offers_repo.hpp"

namespace linli::storage {
namespace {
constexpr const char* kColumns =
    "id, kind, target_id, person_id, status, round, IFNULL(offered_by, 0), offered_at";

constexpr const char* kShiftColumns =
    "id, person_id, community_id, IFNULL(post_id, 0), checkin_at, IFNULL(checkout_at, 0)";

// Overlap of [checkin, checkout or `to`) with [from, to), summed.
constexpr const char* kServed =
    "SUM(MAX(0, MIN(IFNULL(checkout_at, :to), :to) - MAX(checkin_at, :from)))";
}  // namespace

OfferStatus offer_status(const std::string& s) {
  if (s == "accepted") return OfferStatus::accepted;
  if (s == "declined") return OfferStatus::declined;
  if (s == "expired") return OfferStatus::expired;
  if (s == "withdrawn") return OfferStatus::withdrawn;
  return OfferStatus::offered;
}

std::string to_string(OfferStatus s) {
  switch (s) {
    case OfferStatus::offered:
      return "offered";
    case OfferStatus::accepted:
      return "accepted";
    case OfferStatus::declined:
      return "declined";
    case OfferStatus::expired:
      return "expired";
    case OfferStatus::withdrawn:
      return "withdrawn";
  }
  return "offered";
}

OffersRepo::OffersRepo(Database& db)
    : db_(db),
      insert_(
          db.sql(),
          "INSERT INTO offers (kind, target_id, person_id, status, round, offered_by, offered_at) "
          "VALUES (?, ?, ?, 'offered', ?, NULLIF(?, 0), ?)"),
      get_(db.sql(), std::string("SELECT ") + kColumns + " FROM offers WHERE id = ?"),
      settle_(db.sql(),
              "UPDATE offers SET status = ?, answered_at = ? WHERE id = ? AND status = 'offered'"),
      open_for_(
          db.sql(),
          std::string("SELECT ") + kColumns +
              " FROM offers WHERE kind = ? AND target_id = ? AND status = 'offered' ORDER BY id"),
      open_to_(db.sql(), std::string("SELECT ") + kColumns +
                             " FROM offers WHERE person_id = ? AND status = 'offered' ORDER BY id "
                             "DESC LIMIT 20"),
      asked_(db.sql(),
             "SELECT DISTINCT person_id FROM offers WHERE kind = ? AND target_id = ? AND past = 0"),
      rounds_(db.sql(),
              "SELECT IFNULL(MAX(round), 0) FROM offers WHERE kind = ? AND target_id = ? AND "
              "past = 0"),
      start_over_(db.sql(), "UPDATE offers SET past = 1 WHERE kind = ? AND target_id = ?") {}

Offer OffersRepo::read(SQLite::Statement& q) {
  Offer o;
  o.id = q.getColumn(0).getInt64();
  o.kind = q.getColumn(1).getString();
  o.target_id = q.getColumn(2).getInt64();
  o.person_id = q.getColumn(3).getInt64();
  o.status = offer_status(q.getColumn(4).getString());
  o.round = q.getColumn(5).getInt();
  o.offered_by = q.getColumn(6).getInt64();
  o.offered_at = q.getColumn(7).getInt64();
  return o;
}

std::int64_t OffersRepo::create(const Offer& o) {
  Use q(insert_);
  q->bind(1, o.kind);
  q->bind(2, o.target_id);
  q->bind(3, o.person_id);
  q->bind(4, o.round);
  q->bind(5, o.offered_by);
  q->bind(6, o.offered_at);
  q->exec();
  return db_.sql().getLastInsertRowid();
}

std::optional<Offer> OffersRepo::get(std::int64_t id) {
  Use q(get_);
  q->bind(1, id);
  if (!q->executeStep()) return std::nullopt;
  return read(*q);
}

bool OffersRepo::settle(std::int64_t id, OfferStatus status, std::int64_t now) {
  Use q(settle_);
  q->bind(1, to_string(status));
  q->bind(2, now);
  q->bind(3, id);
  return q->exec() == 1;
}

std::vector<Offer> OffersRepo::open_for(const std::string& kind, std::int64_t target_id) {
  Use q(open_for_);
  q->bind(1, kind);
  q->bind(2, target_id);
  std::vector<Offer> out;
  while (q->executeStep()) out.push_back(read(*q));
  return out;
}

std::vector<Offer> OffersRepo::open_to(std::int64_t person_id) {
  Use q(open_to_);
  q->bind(1, person_id);
  std::vector<Offer> out;
  while (q->executeStep()) out.push_back(read(*q));
  return out;
}

std::vector<std::int64_t> OffersRepo::asked(const std::string& kind, std::int64_t target_id) {
  Use q(asked_);
  q->bind(1, kind);
  q->bind(2, target_id);
  std::vector<std::int64_t> out;
  while (q->executeStep()) out.push_back(q->getColumn(0).getInt64());
  return out;
}

int OffersRepo::rounds(const std::string& kind, std::int64_t target_id) {
  Use q(rounds_);
  q->bind(1, kind);
  q->bind(2, target_id);
  q->executeStep();
  return q->getColumn(0).getInt();
}

void OffersRepo::start_over(const std::string& kind, std::int64_t target_id) {
  Use q(start_over_);
  q->bind(1, kind);
  q->bind(2, target_id);
  q->exec();
}

ShiftsRepo::ShiftsRepo(Database& db)
    : db_(db),
      on_duty_(db.sql(), std::string("SELECT ") + kShiftColumns +
                             " FROM shifts WHERE person_id = ? AND checkout_at IS NULL "
                             "ORDER BY id DESC LIMIT 1"),
      get_(db.sql(), std::string("SELECT ") + kShiftColumns + " FROM shifts WHERE id = ?"),
      on_duty_in_(
          db.sql(),
          "SELECT DISTINCT person_id FROM shifts WHERE community_id = ? AND checkout_at IS NULL"),
      // One open shift per person, in the statement: a check-in that another one (another
      // instance, another chat) beat to it inserts nothing.
      insert_(db.sql(),
              "INSERT INTO shifts (person_id, community_id, post_id, checkin_at) "
              "SELECT :person, :community, NULLIF(:post, 0), :at WHERE NOT EXISTS "
              "(SELECT 1 FROM shifts WHERE person_id = :person AND checkout_at IS NULL)"),
      check_out_(db.sql(),
                 "UPDATE shifts SET checkout_at = ? WHERE id = ? AND checkout_at IS NULL"),
      served_(db.sql(), std::string("SELECT IFNULL(") + kServed +
                            ", 0) FROM shifts WHERE person_id = :person AND checkin_at < :to AND "
                            "(checkout_at IS NULL OR checkout_at > :from)"),
      of_person_(db.sql(), std::string("SELECT ") + kShiftColumns +
                               " FROM shifts WHERE person_id = :person AND checkin_at < :to AND "
                               "(checkout_at IS NULL OR checkout_at > :from) ORDER BY checkin_at") {
}

Shift ShiftsRepo::read(SQLite::Statement& q) {
  return Shift{q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getString(),
               q.getColumn(3).getInt64(), q.getColumn(4).getInt64(), q.getColumn(5).getInt64()};
}

std::optional<Shift> ShiftsRepo::on_duty(std::int64_t person_id) {
  Use q(on_duty_);
  q->bind(1, person_id);
  if (!q->executeStep()) return std::nullopt;
  return read(*q);
}

std::optional<Shift> ShiftsRepo::get(std::int64_t id) {
  Use q(get_);
  q->bind(1, id);
  if (!q->executeStep()) return std::nullopt;
  return read(*q);
}

std::vector<Shift> ShiftsRepo::of_person(std::int64_t person_id, std::int64_t from,
                                         std::int64_t to) {
  Use q(of_person_);
  q->bind(":person", person_id);
  q->bind(":from", from);
  q->bind(":to", to);
  std::vector<Shift> out;
  while (q->executeStep()) out.push_back(read(*q));
  return out;
}

std::set<std::int64_t> ShiftsRepo::on_duty_in(const std::string& community_id) {
  Use q(on_duty_in_);
  q->bind(1, community_id);
  std::set<std::int64_t> out;
  while (q->executeStep()) out.insert(q->getColumn(0).getInt64());
  return out;
}

std::optional<std::int64_t> ShiftsRepo::check_in(const Shift& s) {
  Use q(insert_);
  q->bind(":person", s.person_id);
  q->bind(":community", s.community_id);
  q->bind(":post", s.post_id);
  q->bind(":at", s.checkin_at);
  if (q->exec() == 0) return std::nullopt;
  return db_.sql().getLastInsertRowid();
}

bool ShiftsRepo::check_out(std::int64_t id, std::int64_t at) {
  Use q(check_out_);
  q->bind(1, at);
  q->bind(2, id);
  return q->exec() > 0;
}

std::int64_t ShiftsRepo::served(std::int64_t person_id, std::int64_t from, std::int64_t to) {
  Use q(served_);
  q->bind(":person", person_id);
  q->bind(":from", from);
  q->bind(":to", to);
  q->executeStep();
  return q->getColumn(0).getInt64();
}

}  // namespace linli::storage
