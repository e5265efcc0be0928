#include "storage/trips_repo.hpp"

namespace linli::storage {
namespace {
constexpr const char* kColumns =
    "id, community_id, kind, origin, destination, scheduled_at, seats, IFNULL(request_id, 0), "
    "status, IFNULL(driver_id, 0), IFNULL(vehicle_id, 0), requested_by, requested_at, "
    "IFNULL(offered_at, 0), IFNULL(accepted_at, 0), IFNULL(started_at, 0), "
    "IFNULL(finished_at, 0), IFNULL(cancelled_at, 0)";

}  // namespace

TripStatus parse_trip_status(std::string_view s) {
  if (s == "accepted") return TripStatus::accepted;
  if (s == "started") return TripStatus::started;
  if (s == "done") return TripStatus::done;
  if (s == "unserved") return TripStatus::unserved;
  if (s == "cancelled") return TripStatus::cancelled;
  return TripStatus::offered;
}

std::string to_string(TripStatus s) {
  switch (s) {
    case TripStatus::offered:
      return "offered";
    case TripStatus::accepted:
      return "accepted";
    case TripStatus::started:
      return "started";
    case TripStatus::done:
      return "done";
    case TripStatus::unserved:
      return "unserved";
    case TripStatus::cancelled:
      return "cancelled";
  }
  return "offered";
}

TripsRepo::TripsRepo(Database& db)
    : db_(db),
      insert_(db.sql(),
              "INSERT INTO trips (community_id, kind, origin, destination, scheduled_at, seats, "
              "request_id, status, requested_by, requested_at) "
              "VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, 0), 'offered', ?, ?)"),
      get_(db.sql(), std::string("SELECT ") + kColumns + " FROM trips WHERE id = ?"),
      offered_(db.sql(), "UPDATE trips SET offered_at = ? WHERE id = ?"),
      // The driver's other trips are those busy_drivers() counts, so that whom ranking left out
      // and whom this statement refuses are the same drivers.
      accept_(db.sql(),
              "UPDATE trips SET status = 'accepted', driver_id = :driver, vehicle_id = :vehicle, "
              "accepted_at = :at WHERE id = :id AND status = 'offered' AND NOT EXISTS ("
              "SELECT 1 FROM trips o WHERE o.community_id = trips.community_id AND "
              "o.driver_id = :driver AND o.id <> trips.id AND "
              "o.status IN ('accepted', 'started') AND "
              "o.scheduled_at > trips.scheduled_at - :span AND "
              "o.scheduled_at < trips.scheduled_at + :span)"),
      start_(db.sql(),
             "UPDATE trips SET status = 'started', started_at = ? "
             "WHERE id = ? AND driver_id = ? AND status = 'accepted'"),
      finish_(db.sql(),
              "UPDATE trips SET status = 'done', finished_at = ?, "
              "started_at = IFNULL(started_at, accepted_at) "
              "WHERE id = ? AND driver_id = ? AND status IN ('accepted', 'started')"),
      unserved_(db.sql(),
                "UPDATE trips SET status = 'unserved' WHERE id = ? AND status = 'offered'"),
      busy_(db.sql(),
            "SELECT DISTINCT driver_id FROM trips WHERE community_id = ? AND "
            "status IN ('accepted', 'started') AND scheduled_at >= ? AND scheduled_at < ?"),
      scheduled_(db.sql(), std::string("SELECT ") + kColumns +
                               " FROM trips WHERE community_id = ? AND scheduled_at >= ? AND "
                               "scheduled_at < ? ORDER BY scheduled_at, id"),
      total_(db.sql(),
             "SELECT COUNT(*), IFNULL(MIN(requested_at), 0) FROM trips WHERE community_id = ? "
             "AND status <> 'cancelled'"),
      cancel_(db.sql(),
              "UPDATE trips SET status = 'cancelled', cancelled_at = ? WHERE id = ? AND "
              "status IN ('offered', 'accepted', 'unserved')"),
      of_request_(db.sql(), std::string("SELECT ") + kColumns +
                                " FROM trips WHERE request_id = ? AND status NOT IN ('done', "
                                "'cancelled') ORDER BY id DESC LIMIT 1") {}

Trip TripsRepo::read(SQLite::Statement& q) {
  Trip t;
  t.id = q.getColumn(0).getInt64();
  t.community_id = q.getColumn(1).getString();
  t.kind = q.getColumn(2).getString();
  t.origin = q.getColumn(3).getString();
  t.destination = q.getColumn(4).getString();
  t.scheduled_at = q.getColumn(5).getInt64();
  t.seats = q.getColumn(6).getInt();
  t.request_id = q.getColumn(7).getInt64();
  t.status = parse_trip_status(q.getColumn(8).getString());
  t.driver_id = q.getColumn(9).getInt64();
  t.vehicle_id = q.getColumn(10).getInt64();
  t.requested_by = q.getColumn(11).getInt64();
  t.requested_at = q.getColumn(12).getInt64();
  t.offered_at = q.getColumn(13).getInt64();
  t.accepted_at = q.getColumn(14).getInt64();
  t.started_at = q.getColumn(15).getInt64();
  t.finished_at = q.getColumn(16).getInt64();
  t.cancelled_at = q.getColumn(17).getInt64();
  return t;
}

std::int64_t TripsRepo::create(const Trip& t) {
  Use q(insert_);
  q->bind(1, t.community_id);
  q->bind(2, t.kind);
  q->bind(3, t.origin);
  q->bind(4, t.destination);
  q->bind(5, t.scheduled_at);
  q->bind(6, t.seats);
  q->bind(7, t.request_id);
  q->bind(8, t.requested_by);
  q->bind(9, t.requested_at);
  q->exec();
  return db_.sql().getLastInsertRowid();
}

std::optional<Trip> TripsRepo::get(std::int64_t id) {
  Use q(get_);
  q->bind(1, id);
  if (!q->executeStep()) return std::nullopt;
  return read(*q);
}

void TripsRepo::offered(std::int64_t id, std::int64_t at) {
  Use q(offered_);
  q->bind(1, at);
  q->bind(2, id);
  q->exec();
}

bool TripsRepo::accept(std::int64_t id, std::int64_t driver, std::int64_t vehicle, std::int64_t at,
                       std::int64_t span) {
  Use q(accept_);
  q->bind(":driver", driver);
  q->bind(":vehicle", vehicle);
  q->bind(":at", at);
  q->bind(":id", id);
  q->bind(":span", span);
  return q->exec() > 0;
}

bool TripsRepo::start(std::int64_t id, std::int64_t driver, std::int64_t at) {
  Use q(start_);
  q->bind(1, at);
  q->bind(2, id);
  q->bind(3, driver);
  return q->exec() > 0;
}

bool TripsRepo::finish(std::int64_t id, std::int64_t driver, std::int64_t at) {
  Use q(finish_);
  q->bind(1, at);
  q->bind(2, id);
  q->bind(3, driver);
  return q->exec() > 0;
}

bool TripsRepo::unserved(std::int64_t id) {
  Use q(unserved_);
  q->bind(1, id);
  return q->exec() > 0;
}

std::set<std::int64_t> TripsRepo::busy_drivers(const std::string& community_id, std::int64_t from,
                                               std::int64_t to) {
  Use q(busy_);
  q->bind(1, community_id);
  q->bind(2, from);
  q->bind(3, to);
  std::set<std::int64_t> out;
  while (q->executeStep()) out.insert(q->getColumn(0).getInt64());
  return out;
}

std::vector<Trip> TripsRepo::scheduled(const std::string& community_id, std::int64_t from,
                                       std::int64_t to) {
  Use q(scheduled_);
  q->bind(1, community_id);
  q->bind(2, from);
  q->bind(3, to);
  std::vector<Trip> out;
  while (q->executeStep()) out.push_back(read(*q));
  return out;
}

std::pair<int, std::int64_t> TripsRepo::total(const std::string& community_id) {
  Use q(total_);
  q->bind(1, community_id);
  q->executeStep();
  return {q->getColumn(0).getInt(), q->getColumn(1).getInt64()};
}

bool TripsRepo::cancel(std::int64_t id, std::int64_t at) {
  Use q(cancel_);
  q->bind(1, at);
  q->bind(2, id);
  return q->exec() > 0;
}

std::optional<Trip> TripsRepo::of_request(std::int64_t request_id) {
  Use q(of_request_);
  q->bind(1, request_id);
  if (!q->executeStep()) return std::nullopt;
  return read(*q);
}

}  // namespace linli::storage
