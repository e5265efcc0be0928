#pragma once
// The communities, groups and coordinators of the directory as database rows, for joins and
// reports: the config file stays their source of truth, so they are rewritten at every start.

#include "dialogs/directory.hpp"
#include "storage/database.hpp"

namespace linli::storage {

void save_directory(Database& db, const Directory& dir);

}  // namespace linli::storage
