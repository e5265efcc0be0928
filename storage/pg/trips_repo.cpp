#include "storage/pg/trips_repo.hpp"

#include "storage/trips_repo.hpp"

namespace linli::storage::pg {
namespace {

constexpr const char* kSelect =
    "SELECT id, community_id, kind, origin, destination, scheduled_at, seats, "
    "COALESCE(request_id, 0), status, COALESCE(driver_id, 0), COALESCE(vehicle_id, 0), "
    "requested_by, requested_at, COALESCE(offered_at, 0), COALESCE(accepted_at, 0), "
    "COALESCE(started_at, 0), COALESCE(finished_at, 0), COALESCE(cancelled_at, 0) FROM trips ";

Trip read(const Result& r, int row) {
  Trip t;
  t.id = r.integer(row, 0);
  t.community_id = std::string(r.text(row, 1));
  t.kind = std::string(r.text(row, 2));
  t.origin = std::string(r.text(row, 3));
  t.destination = std::string(r.text(row, 4));
  t.scheduled_at = r.integer(row, 5);
  t.seats = static_cast<int>(r.integer(row, 6));
  t.request_id = r.integer(row, 7);
  t.status = parse_trip_status(r.text(row, 8));
  t.driver_id = r.integer(row, 9);
  t.vehicle_id = r.integer(row, 10);
  t.requested_by = r.integer(row, 11);
  t.requested_at = r.integer(row, 12);
  t.offered_at = r.integer(row, 13);
  t.accepted_at = r.integer(row, 14);
  t.started_at = r.integer(row, 15);
  t.finished_at = r.integer(row, 16);
  t.cancelled_at = r.integer(row, 17);
  return t;
}

std::optional<Trip> first(const Result& r) {
  if (r.rows() == 0) return std::nullopt;
  return read(r, 0);
}

}  // namespace

std::int64_t PgTripsRepo::create(const Trip& t) {
  return c_
      .exec(
          "INSERT INTO trips (community_id, kind, origin, destination, scheduled_at, seats, "
          "request_id, status, requested_by, requested_at) "
          "VALUES ($1, $2, $3, $4, $5, $6, NULLIF($7::bigint, 0), 'offered', $8, $9) "
          "RETURNING id",
          {t.community_id, t.kind, t.origin, t.destination, t.scheduled_at, t.seats, t.request_id,
           t.requested_by, t.requested_at})
      .integer(0, 0);
}

std::optional<Trip> PgTripsRepo::get(std::int64_t id) {
  return first(c_.exec(std::string(kSelect) + "WHERE id = $1", {id}));
}

void PgTripsRepo::offered(std::int64_t id, std::int64_t at) {
  c_.exec("UPDATE trips SET offered_at = $1 WHERE id = $2", {at, id});
}

// The driver's other trips are those busy_drivers() counts. The NOT EXISTS reads other rows, so
// two different trips accepted at once by one driver are kept apart by the SERIALIZABLE unit of
// work (storage/pg/store.hpp), not by the row lock alone.
bool PgTripsRepo::accept(std::int64_t id, std::int64_t driver, std::int64_t vehicle,
                         std::int64_t at, std::int64_t span) {
  return c_.exec(
               "UPDATE trips t SET status = 'accepted', driver_id = $1, vehicle_id = $2, "
               "accepted_at = $3 WHERE t.id = $4 AND t.status = 'offered' AND NOT EXISTS ("
               "SELECT 1 FROM trips o WHERE o.community_id = t.community_id AND "
               "o.driver_id = $1 AND o.id <> t.id AND o.status IN ('accepted', 'started') AND "
               "o.scheduled_at > t.scheduled_at - $5::bigint AND "
               "o.scheduled_at < t.scheduled_at + $5::bigint)",
               {driver, vehicle, at, id, span})
             .affected() > 0;
}

bool PgTripsRepo::start(std::int64_t id, std::int64_t driver, std::int64_t at) {
  return c_.exec(
               "UPDATE trips SET status = 'started', started_at = $1 "
               "WHERE id = $2 AND driver_id = $3 AND status = 'accepted'",
               {at, id, driver})
             .affected() > 0;
}

bool PgTripsRepo::finish(std::int64_t id, std::int64_t driver, std::int64_t at) {
  return c_.exec(
               "UPDATE trips SET status = 'done', finished_at = $1, "
               "started_at = COALESCE(started_at, accepted_at) "
               "WHERE id = $2 AND driver_id = $3 AND status IN ('accepted', 'started')",
               {at, id, driver})
             .affected() > 0;
}

bool PgTripsRepo::unserved(std::int64_t id) {
  return c_.exec("UPDATE trips SET status = 'unserved' WHERE id = $1 AND status = 'offered'", {id})
             .affected() > 0;
}

std::set<std::int64_t> PgTripsRepo::busy_drivers(const std::string& community_id, std::int64_t from,
                                                 std::int64_t to) {
  Result r = c_.exec(
      "SELECT DISTINCT driver_id FROM trips WHERE community_id = $1 AND "
      "status IN ('accepted', 'started') AND scheduled_at >= $2 AND scheduled_at < $3",
      {community_id, from, to});
  std::set<std::int64_t> out;
  for (int i = 0; i < r.rows(); ++i) out.insert(r.integer(i, 0));
  return out;
}

std::vector<Trip> PgTripsRepo::scheduled(const std::string& community_id, std::int64_t from,
                                         std::int64_t to) {
  Result r = c_.exec(std::string(kSelect) +
                         "WHERE community_id = $1 AND scheduled_at >= $2 AND scheduled_at < $3 "
                         "ORDER BY scheduled_at, id",
                     {community_id, from, to});
  std::vector<Trip> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(read(r, i));
  return out;
}

std::pair<int, std::int64_t> PgTripsRepo::total(const std::string& community_id) {
  Result r = c_.exec(
      "SELECT COUNT(*), COALESCE(MIN(requested_at), 0) FROM trips WHERE community_id = $1 "
      "AND status <> 'cancelled'",
      {community_id});
  return {static_cast<int>(r.integer(0, 0)), r.integer(0, 1)};
}

bool PgTripsRepo::cancel(std::int64_t id, std::int64_t at) {
  return c_.exec(
               "UPDATE trips SET status = 'cancelled', cancelled_at = $1 WHERE id = $2 AND "
               "status IN ('offered', 'accepted', 'unserved')",
               {at, id})
             .affected() > 0;
}

std::optional<Trip> PgTripsRepo::of_request(std::int64_t request_id) {
  return first(c_.exec(std::string(kSelect) +
                           "WHERE request_id = $1 AND status NOT IN ('done', 'cancelled') "
                           "ORDER BY id DESC LIMIT 1",
                       {request_id}));
}

}  // namespace linli::storage::pg
