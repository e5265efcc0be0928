#pragma once
// The "database" key (issue 13): a SQLite file, or a PostgreSQL database.
//   "database": "linli.db"                          SQLite (also {"env": "VARIABLE"})
//   "database": {"postgres": "host=... dbname=..."} PostgreSQL, a libpq connection string
//   "database": {"postgres": {"env": "LINLI_PG"}}   the same, read from the environment
//   optional beside "postgres": "connections": 1..64, the pool's size (default 4)
// Whether libpq can read the connection string is checked where libpq is (storage/pg/).

#include "config/config.hpp"
#include "config/section.hpp"

namespace linli {

// Sets config.engine, config.database or config.postgres; throws ConfigError naming the key.
void parse_database(const ConfigSection& top, Config& config);

}  // namespace linli
