#pragma once
// The one open dialog of each person, so a dialog survives a restart of the service. With a
// FieldCipher the answers so far (`data`: a phone number, an address) are encrypted whole.

#include <optional>

#include "dialogs/ports.hpp"
#include "dialogs/records.hpp"
#include "storage/database.hpp"
#include "storage/field_cipher.hpp"

namespace linli::storage {

class DialogsRepo final : public DialogStates {
 public:
  // `cipher` (may be null: data stored as it is) must outlive the repository.
  explicit DialogsRepo(Database& db, const FieldCipher* cipher = nullptr);

  std::optional<DialogRecord> get(std::int64_t person_id) override;
  void put(const DialogRecord& d) override;
  void erase(std::int64_t person_id) override;
  std::int64_t count() override;

 private:
  const FieldCipher* cipher_;
  SQLite::Statement get_;
  SQLite::Statement put_;
  SQLite::Statement erase_;
  SQLite::Statement count_;
};

}  // namespace linli::storage
