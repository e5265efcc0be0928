#include "storage/pg/commendations_repo.hpp"

namespace linli::storage::pg {

std::int64_t PgCommendationsRepo::record(const Commendation& c) {
  return c_
      .exec(
          "INSERT INTO commendations (community_id, person_id, team, text, by_person, at) "
          "VALUES ($1, NULLIF($2::bigint, 0), $3, $4, $5, $6) RETURNING id",
          {c.community_id, c.person_id, c.team, c.text, c.by, c.at})
      .integer(0, 0);
}

std::vector<Commendation> PgCommendationsRepo::in_period(const std::string& community_id,
                                                         std::int64_t from, std::int64_t to) {
  Result r = c_.exec(
      "SELECT id, community_id, COALESCE(person_id, 0), team, text, by_person, at "
      "FROM commendations WHERE community_id = $1 AND at >= $2 AND at < $3 ORDER BY at, id",
      {community_id, from, to});
  std::vector<Commendation> out;
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back(Commendation{r.integer(i, 0), std::string(r.text(i, 1)), r.integer(i, 2),
                               std::string(r.text(i, 3)), std::string(r.text(i, 4)),
                               r.integer(i, 5), r.integer(i, 6)});
  }
  return out;
}

}  // namespace linli::storage::pg
