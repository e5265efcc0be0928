#pragma once
// The one open dialog of each person, so a dialog survives a restart of the service.

#include <optional>

#include "dialogs/ports.hpp"
#include "dialogs/records.hpp"
#include "storage/database.hpp"

namespace linli::storage {

class DialogsRepo final : public DialogStates {
 public:
  explicit DialogsRepo(Database& db);

  std::optional<DialogRecord> get(std::int64_t person_id) override;
  void put(const DialogRecord& d) override;
  void erase(std::int64_t person_id) override;
  std::int64_t count() override;

 private:
  SQLite::Statement get_;
  SQLite::Statement put_;
  SQLite::Statement erase_;
  SQLite::Statement count_;
};

}  // namespace linli::storage
