#include "storage/pg/training_repo.hpp"

namespace linli::storage::pg {
namespace {

std::vector<std::string> first_column(const Result& r) {
  std::vector<std::string> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) out.emplace_back(r.text(i, 0));
  return out;
}

}  // namespace

// SQLite's INSERT OR IGNORE would also swallow a NOT NULL or CHECK failure; these tables have
// none a caller can hit, so ON CONFLICT DO NOTHING (the key only) is the same.
bool PgTrainingRepo::add_course(const std::string& community_id, const std::string& name,
                                std::int64_t now) {
  return c_.exec(
               "INSERT INTO courses (community_id, name, created_at) VALUES ($1, $2, $3) "
               "ON CONFLICT DO NOTHING",
               {community_id, name, now})
             .affected() == 1;
}

// Names of the same moment in byte order (COLLATE "C"), as SQLite sorts them.
std::vector<std::string> PgTrainingRepo::courses(const std::string& community_id) {
  return first_column(c_.exec(
      "SELECT name FROM courses WHERE community_id = $1 ORDER BY created_at, name COLLATE \"C\"",
      {community_id}));
}

bool PgTrainingRepo::record(const std::string& community_id, std::int64_t person_id,
                            const std::string& course, std::int64_t by, std::int64_t now) {
  return c_.exec(
               "INSERT INTO trainings (community_id, person_id, course, recorded_by, "
               "recorded_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
               {community_id, person_id, course, by, now})
             .affected() == 1;
}

std::vector<std::string> PgTrainingRepo::of_person(const std::string& community_id,
                                                   std::int64_t person_id) {
  return first_column(
      c_.exec("SELECT course FROM trainings WHERE community_id = $1 AND person_id = $2 "
              "ORDER BY recorded_at, course COLLATE \"C\"",
              {community_id, person_id}));
}

std::map<std::string, int> PgTrainingRepo::completed(const std::string& community_id) {
  Result r =
      c_.exec("SELECT course, COUNT(*) FROM trainings WHERE community_id = $1 GROUP BY course",
              {community_id});
  std::map<std::string, int> out;
  for (int i = 0; i < r.rows(); ++i)
    out[std::string(r.text(i, 0))] = static_cast<int>(r.integer(i, 1));
  return out;
}

}  // namespace linli::storage::pg
