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
  // Forgets ids older than `before` (platforms stop retrying after hours, not days), and the
  // failures of events that were not parked.
  int purge(std::int64_t before) override;
  int failed(const std::string& adapter, const std::string& event_id, const std::string& error,
             std::int64_t now) override;
  void park(const std::string& adapter, const std::string& event_id, std::int64_t now) override;

 private:
  SQLite::Statement insert_;
  SQLite::Statement purge_;
  SQLite::Statement purge_failures_;
  SQLite::Statement fail_;
  SQLite::Statement attempts_;
  SQLite::Statement park_;
};

}  // namespace linli::storage
