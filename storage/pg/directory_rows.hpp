#pragma once
// The PostgreSQL side of storage/directory_rows.hpp (issue 13): the directory's communities,
// groups and coordinators as rows, and the chats platforms moved. Each runs inside the caller's
// transaction on `c`, a pool worker's connection (or the start-up one).

#include <cstdint>
#include <string>

#include "dialogs/directory.hpp"
#include "storage/pg/connection.hpp"

namespace linli::storage::pg {

void save_directory(Connection& c, const Directory& dir);
ChatMoves load_chat_moves(Connection& c);
void record_chat_move(Connection& c, const std::string& adapter, const std::string& from,
                      const std::string& to, std::int64_t now);

}  // namespace linli::storage::pg
