#pragma once
// Inbound event ids already handled. Recorded in the transaction of the event's effects, so a
// platform's retry of the same update is acknowledged and changes nothing.

#include "dialogs/ports.hpp"
#include "storage/database.hpp"

namespace linli::storage {

class EventsRepo final : public Inbox {
 public:
  explicit EventsRepo(Database& db);

  // True the first time an id is seen; false for a retry.
  bool record(const std::string& adapter, const std::string& event_id, std::int64_t now) override;
  // Forgets ids older than `before` (platforms stop retrying after hours, not days).
  int purge(std::int64_t before) override;

 private:
  SQLite::Statement insert_;
  SQLite::Statement purge_;
};

}  // namespace linli::storage
