#include "storage/pg/dialogs_repo.hpp"

#include "storage/pg/rows.hpp"

namespace linli::storage::pg {
namespace {
// The associated data of sealed answers: this column, and person_id as the row.
constexpr std::string_view kData = "dialogs.data";
}  // namespace

std::optional<DialogRecord> PgDialogsRepo::get(std::int64_t person_id) {
  Result r = c_.exec(
      "SELECT person_id, kind, state, adapter, chat, thread, private_chat, community_id, data, "
      "updated_at FROM dialogs WHERE person_id = $1",
      {person_id});
  if (r.rows() == 0) return std::nullopt;
  DialogRecord d;
  d.person_id = r.integer(0, 0);
  d.kind = str(r, 0, 1);
  d.state = str(r, 0, 2);
  d.adapter = str(r, 0, 3);
  d.chat = str(r, 0, 4);
  d.thread = str(r, 0, 5);
  d.private_chat = flag(r, 0, 6);
  d.community_id = str(r, 0, 7);
  d.data = str(r, 0, 8);
  if (cipher_) d.data = cipher_->open(d.data, kData, d.person_id);
  d.updated_at = r.integer(0, 9);
  return d;
}

// SQLite's INSERT OR REPLACE, as an upsert of every column.
void PgDialogsRepo::put(const DialogRecord& d) {
  c_.exec(
      "INSERT INTO dialogs (person_id, kind, state, adapter, chat, thread, private_chat, "
      "community_id, data, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
      "ON CONFLICT (person_id) DO UPDATE SET kind = excluded.kind, state = excluded.state, "
      "adapter = excluded.adapter, chat = excluded.chat, thread = excluded.thread, "
      "private_chat = excluded.private_chat, community_id = excluded.community_id, "
      "data = excluded.data, updated_at = excluded.updated_at",
      {d.person_id, d.kind, d.state, d.adapter, d.chat, d.thread, d.private_chat ? 1 : 0,
       d.community_id, cipher_ ? cipher_->seal(d.data, kData, d.person_id) : d.data, d.updated_at});
}

void PgDialogsRepo::erase(std::int64_t person_id) {
  c_.exec("DELETE FROM dialogs WHERE person_id = $1", {person_id});
}

std::int64_t PgDialogsRepo::count() {
  return c_.exec("SELECT count(*) FROM dialogs").integer(0, 0);
}

}  // namespace linli::storage::pg
