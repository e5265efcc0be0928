#pragma once
// Inbound event ids already handled, on PostgreSQL: the port Inbox, as storage/events_repo.*
// keeps it on SQLite. The same webhook delivered to two instances at once is recorded by one:
// both INSERT the same key; the second waits for the first's row and, once it is committed,
// inserts nothing (or, in a serializable transaction that could not see it, fails with 40001
// and runs again, to find it). Either way one decision is kept.

#include <string>

#include "dialogs/ports.hpp"
#include "storage/pg/connection.hpp"

namespace linli::storage::pg {

class PgEventsRepo final : public Inbox {
 public:
  explicit PgEventsRepo(Connection& c) : c_(c) {}

  bool record(const std::string& adapter, const std::string& event_id, std::int64_t now) override;
  int purge(std::int64_t before) override;
  int failed(const std::string& adapter, const std::string& event_id, const std::string& error,
             std::int64_t now) override;
  void park(const std::string& adapter, const std::string& event_id, std::int64_t now) override;

 private:
  Connection& c_;
};

}  // namespace linli::storage::pg
