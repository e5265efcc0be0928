#pragma once
// The one open dialog of each person on PostgreSQL: the port DialogStates, as
// storage/dialogs_repo.* keeps it on SQLite, the answers so far sealed whole the same way. Any
// instance continues a dialog another one started: it is a row, not a session.

#include <optional>

#include "dialogs/ports.hpp"
#include "storage/field_cipher.hpp"
#include "storage/pg/connection.hpp"

namespace linli::storage::pg {

class PgDialogsRepo final : public DialogStates {
 public:
  // `cipher` (may be null: data stored as it is) must outlive the repository.
  explicit PgDialogsRepo(Connection& c, const FieldCipher* cipher = nullptr)
      : c_(c), cipher_(cipher) {}

  std::optional<DialogRecord> get(std::int64_t person_id) override;
  void put(const DialogRecord& d) override;
  void erase(std::int64_t person_id) override;
  std::int64_t count() override;

 private:
  Connection& c_;
  const FieldCipher* cipher_;
};

}  // namespace linli::storage::pg
