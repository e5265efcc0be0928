#pragma once
// `linli migrate --config FILE` (issue 13): applies the schema migrations of the config's
// database, SQLite or PostgreSQL, without serving, and prints the schema version before and
// after. Several at once on one PostgreSQL database apply each migration once (an advisory
// lock, storage/pg/migrations.hpp); run again, it changes nothing.

#include <optional>
#include <ostream>
#include <string>

#include "config/config.hpp"

namespace linli {

// 0 when the schema is up to date afterwards; 1 when the database cannot be reached or migrated,
// or is newer than this binary.
int migrate_command(const Config& config, std::ostream& out, std::ostream& err);

// The config's database for people to read: "SQLite linli.db", or "PostgreSQL host=...
// password=***" with the password masked. nullopt and `error` set when libpq cannot read the
// connection string.
std::optional<std::string> describe_database(const Config& config, std::string& error);

}  // namespace linli
