#pragma once
// What the playground "platform" shows: every message typed in the page or sent by the bot, and
// every edit, in order. Kept in the database so the page survives a restart of the service.

#include <vector>

#include "storage/database.hpp"

namespace linli::storage {

struct PlaygroundEntry {
  std::int64_t seq = 0;
  std::string chat;
  std::string message_id;  // the message (for an edit: the message it changes)
  std::string json;        // the entry as the page reads it, without seq
};

class PlaygroundLogRepo {
 public:
  explicit PlaygroundLogRepo(Database& db);

  // Appends a new message; its message id is its sequence number.
  std::int64_t append_message(const std::string& adapter, const std::string& chat,
                              const std::string& json);
  // Appends a change to message `message_id`.
  std::int64_t append_edit(const std::string& adapter, const std::string& chat,
                           const std::string& message_id, const std::string& json);
  std::vector<PlaygroundEntry> since(const std::string& adapter, std::int64_t after_seq, int limit);
  std::int64_t last_seq(const std::string& adapter);
  bool has_message(const std::string& adapter, const std::string& chat,
                   const std::string& message_id);

 private:
  Database& db_;
  SQLite::Statement insert_;
  SQLite::Statement set_id_;
  SQLite::Statement since_;
  SQLite::Statement last_;
  SQLite::Statement has_;
};

}  // namespace linli::storage
