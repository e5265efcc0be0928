#include "storage/playground_log_repo.hpp"

namespace linli::storage {

PlaygroundLogRepo::PlaygroundLogRepo(Database& db)
    : db_(db),
      insert_(db.sql(),
              "INSERT INTO playground_log (adapter, chat, message_id, json) VALUES (?, ?, ?, ?)"),
      set_id_(db.sql(), "UPDATE playground_log SET message_id = seq WHERE seq = ?"),
      since_(db.sql(),
             "SELECT seq, chat, message_id, json FROM playground_log WHERE adapter = ? AND seq > ? "
             "ORDER BY seq LIMIT ?"),
      last_(db.sql(), "SELECT IFNULL(MAX(seq), 0) FROM playground_log WHERE adapter = ?"),
      has_(db.sql(),
           "SELECT 1 FROM playground_log WHERE adapter = ? AND message_id = ? AND chat = ? "
           "LIMIT 1") {}

std::int64_t PlaygroundLogRepo::append_message(const std::string& adapter, const std::string& chat,
                                               const std::string& json) {
  Database::Transaction txn(db_);
  std::int64_t seq = append_edit(adapter, chat, "", json);
  Use q(set_id_);
  q->bind(1, seq);
  q->exec();
  txn.commit();
  return seq;
}

std::int64_t PlaygroundLogRepo::append_edit(const std::string& adapter, const std::string& chat,
                                            const std::string& message_id,
                                            const std::string& json) {
  Use q(insert_);
  q->bind(1, adapter);
  q->bind(2, chat);
  q->bind(3, message_id);
  q->bind(4, json);
  q->exec();
  return db_.sql().getLastInsertRowid();
}

std::vector<PlaygroundEntry> PlaygroundLogRepo::since(const std::string& adapter,
                                                      std::int64_t after_seq, int limit) {
  Use q(since_);
  q->bind(1, adapter);
  q->bind(2, after_seq);
  q->bind(3, limit);
  std::vector<PlaygroundEntry> out;
  while (q->executeStep()) {
    out.push_back({q->getColumn(0).getInt64(), q->getColumn(1).getString(),
                   q->getColumn(2).getString(), q->getColumn(3).getString()});
  }
  return out;
}

std::int64_t PlaygroundLogRepo::last_seq(const std::string& adapter) {
  Use q(last_);
  q->bind(1, adapter);
  q->executeStep();
  return q->getColumn(0).getInt64();
}

bool PlaygroundLogRepo::has_message(const std::string& adapter, const std::string& chat,
                                    const std::string& message_id) {
  Use q(has_);
  q->bind(1, adapter);
  q->bind(2, message_id);
  q->bind(3, chat);
  return q->executeStep();
}

}  // namespace linli::storage
