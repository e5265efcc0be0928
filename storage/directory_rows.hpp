#pragma once
// The communities, groups and coordinators of the directory as database rows, for joins and
// reports: the config file stays their source of truth, so they are rewritten at every start.

#include <cstdint>
#include <string>

#include "dialogs/directory.hpp"
#include "storage/database.hpp"

namespace linli::storage {

void save_directory(Database& db, const Directory& dir);

// The chats platforms moved (a Telegram group upgraded to a supergroup), for the next Directory.
ChatMoves load_chat_moves(Database& db);
// Records that the platform moved chat `from` to `to`, inside the caller's transaction; the
// group's row follows it when it is one of ours.
void record_chat_move(Database& db, const std::string& adapter, const std::string& from,
                      const std::string& to, std::int64_t now);

}  // namespace linli::storage
