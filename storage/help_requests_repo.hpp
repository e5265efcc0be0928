#pragma once
// Help requests (tickets #N). Every change of status is a conditional UPDATE, so that of two
// volunteers claiming the same ticket exactly one changes a row.

#include <optional>
#include <vector>

#include "storage/database.hpp"
#include "storage/records.hpp"

namespace linli::storage {

class HelpRequestsRepo {
 public:
  explicit HelpRequestsRepo(Database& db);

  std::int64_t create(const HelpRequest& r);  // returns the ticket number
  std::optional<HelpRequest> get(std::int64_t id);
  void set_card(std::int64_t id, std::int64_t outbox_id);
  bool claim(std::int64_t id, std::int64_t volunteer_id, std::int64_t now);   // open → claimed
  bool finish(std::int64_t id, std::int64_t volunteer_id, std::int64_t now);  // claimed → done
  bool rate(std::int64_t id, std::int64_t resident_id, int rating, const std::string& comment);
  bool cancel(std::int64_t id, std::int64_t resident_id);  // open → cancelled
  // A resident's requests that are not finished and rated, newest first.
  std::vector<HelpRequest> of_resident(std::int64_t resident_id);
  // A volunteer's claimed tasks, oldest first.
  std::vector<HelpRequest> of_volunteer(std::int64_t volunteer_id);

 private:
  static HelpRequest read(SQLite::Statement& q);

  Database& db_;
  SQLite::Statement insert_;
  SQLite::Statement get_;
  SQLite::Statement set_card_;
  SQLite::Statement claim_;
  SQLite::Statement finish_;
  SQLite::Statement rate_;
  SQLite::Statement cancel_;
  SQLite::Statement of_resident_;
  SQLite::Statement of_volunteer_;
};

std::string to_string(RequestStatus s);

}  // namespace linli::storage
