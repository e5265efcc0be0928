#pragma once
// The one open dialog of each person, so a dialog survives a restart of the service.

#include <optional>

#include "storage/database.hpp"
#include "storage/records.hpp"

namespace linli::storage {

class DialogsRepo {
 public:
  explicit DialogsRepo(Database& db);

  std::optional<DialogRecord> get(std::int64_t person_id);
  void put(const DialogRecord& d);
  void erase(std::int64_t person_id);
  std::int64_t count();

 private:
  SQLite::Statement get_;
  SQLite::Statement put_;
  SQLite::Statement erase_;
  SQLite::Statement count_;
};

}  // namespace linli::storage
