#pragma once
// PostgreSQL's schema migrations (issue 13), versioned like SQLite's (storage/migrations.cpp):
// a table `schema_version` holds one row per migration applied. Several instances starting at
// once apply each migration exactly once: they take one advisory lock first, and the one that
// gets it applies what is missing while the others wait, then find nothing left to do.
//
// The numbering follows SQLite's so that one number names one schema on both engines: the first
// PostgreSQL migration is version 14 and creates at once what SQLite's 1 to 14 built up; from
// then on PostgreSQL's N is SQLite's N (storage/migrations.cpp), written in the same change.

#include <span>
#include <stdexcept>
#include <string_view>

#include "storage/pg/connection.hpp"

namespace linli::storage::pg {

struct Migration {
  int version;
  std::string_view sql;
};

std::span<const Migration> migrations();
int latest_schema_version();

// The key of the advisory lock the migrations run under ("linli" in ASCII).
constexpr std::int64_t kMigrationLock = 0x6c696e6c69;

// The schema version of the database: 0 when it has none yet.
int schema_version(Connection& connection);

struct MigrationOutcome {
  int before = 0;
  int after = 0;
};

// Thrown when the database's schema is newer than this binary knows: a newer Linli migrated it.
class SchemaTooNew : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Applies the migrations the database lacks, each in its own transaction with its row of
// schema_version, under pg_advisory_lock(kMigrationLock); waits while another instance holds it.
// Blocking: at start-up or in `linli migrate`, never on the io thread. Throws PgError (with the
// migration's number) or SchemaTooNew.
MigrationOutcome migrate(Connection& connection);

}  // namespace linli::storage::pg
