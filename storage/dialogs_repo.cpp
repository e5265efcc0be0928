#include "storage/dialogs_repo.hpp"

namespace linli::storage {
namespace {
// The associated data of sealed answers: this column, and person_id as the row.
constexpr std::string_view kData = "dialogs.data";
}  // namespace

DialogsRepo::DialogsRepo(Database& db, const FieldCipher* cipher)
    : cipher_(cipher),
      get_(
          db.sql(),
          "SELECT person_id, kind, state, adapter, chat, thread, private_chat, community_id, data, "
          "updated_at FROM dialogs WHERE person_id = ?"),
      put_(db.sql(),
           "INSERT OR REPLACE INTO dialogs (person_id, kind, state, adapter, chat, thread, "
           "private_chat, community_id, data, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
      erase_(db.sql(), "DELETE FROM dialogs WHERE person_id = ?"),
      count_(db.sql(), "SELECT COUNT(*) FROM dialogs") {}

std::optional<DialogRecord> DialogsRepo::get(std::int64_t person_id) {
  Use q(get_);
  q->bind(1, person_id);
  if (!q->executeStep()) return std::nullopt;
  DialogRecord d;
  d.person_id = q->getColumn(0).getInt64();
  d.kind = q->getColumn(1).getString();
  d.state = q->getColumn(2).getString();
  d.adapter = q->getColumn(3).getString();
  d.chat = q->getColumn(4).getString();
  d.thread = q->getColumn(5).getString();
  d.private_chat = q->getColumn(6).getInt() != 0;
  d.community_id = q->getColumn(7).getString();
  d.data = q->getColumn(8).getString();
  if (cipher_) d.data = cipher_->open(d.data, kData, d.person_id);
  d.updated_at = q->getColumn(9).getInt64();
  return d;
}

void DialogsRepo::put(const DialogRecord& d) {
  Use q(put_);
  q->bind(1, d.person_id);
  q->bind(2, d.kind);
  q->bind(3, d.state);
  q->bind(4, d.adapter);
  q->bind(5, d.chat);
  q->bind(6, d.thread);
  q->bind(7, d.private_chat ? 1 : 0);
  q->bind(8, d.community_id);
  q->bind(9, cipher_ ? cipher_->seal(d.data, kData, d.person_id) : d.data);
  q->bind(10, d.updated_at);
  q->exec();
}

void DialogsRepo::erase(std::int64_t person_id) {
  Use q(erase_);
  q->bind(1, person_id);
  q->exec();
}

std::int64_t DialogsRepo::count() {
  Use q(count_);
  q->executeStep();
  return q->getColumn(0).getInt64();
}

}  // namespace linli::storage
