#include "storage/training_repo.hpp"

namespace linli::storage {

TrainingRepo::TrainingRepo(Database& db)
    : add_course_(
          db.sql(),
          "INSERT OR IGNORE INTO courses (community_id, name, created_at) VALUES (?, ?, ?)"),
      courses_(db.sql(),
               "SELECT name FROM courses WHERE community_id = ? ORDER BY created_at, name"),
      record_(db.sql(),
              "INSERT OR IGNORE INTO trainings (community_id, person_id, course, recorded_by, "
              "recorded_at) VALUES (?, ?, ?, ?, ?)"),
      of_person_(db.sql(),
                 "SELECT course FROM trainings WHERE community_id = ? AND person_id = ? "
                 "ORDER BY recorded_at, course"),
      completed_(db.sql(),
                 "SELECT course, COUNT(*) FROM trainings WHERE community_id = ? GROUP BY course") {}

bool TrainingRepo::add_course(const std::string& community_id, const std::string& name,
                              std::int64_t now) {
  Use q(add_course_);
  q->bind(1, community_id);
  q->bind(2, name);
  q->bind(3, now);
  return q->exec() == 1;
}

std::vector<std::string> TrainingRepo::courses(const std::string& community_id) {
  Use q(courses_);
  q->bind(1, community_id);
  std::vector<std::string> out;
  while (q->executeStep()) out.push_back(q->getColumn(0).getString());
  return out;
}

bool TrainingRepo::record(const std::string& community_id, std::int64_t person_id,
                          const std::string& course, std::int64_t by, std::int64_t now) {
  Use q(record_);
  q->bind(1, community_id);
  q->bind(2, person_id);
  q->bind(3, course);
  q->bind(4, by);
  q->bind(5, now);
  return q->exec() == 1;
}

std::vector<std::string> TrainingRepo::of_person(const std::string& community_id,
                                                 std::int64_t person_id) {
  Use q(of_person_);
  q->bind(1, community_id);
  q->bind(2, person_id);
  std::vector<std::string> out;
  while (q->executeStep()) out.push_back(q->getColumn(0).getString());
  return out;
}

std::map<std::string, int> TrainingRepo::completed(const std::string& community_id) {
  Use q(completed_);
  q->bind(1, community_id);
  std::map<std::string, int> out;
  while (q->executeStep()) out[q->getColumn(0).getString()] = q->getColumn(1).getInt();
  return out;
}

}  // namespace linli::storage
