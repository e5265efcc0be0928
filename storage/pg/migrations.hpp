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

// Thrown when the database does not sort text by bytes (its collation is not C or POSIX of the
// libc provider): Linli's orderings of names and texts (rosters, lists, exports) must be the
// same on both engines, and SQLite compares bytes. Refusing such a database, rather than writing
// COLLATE "C" on every column and ORDER BY, keeps the schema the same text on both engines and
// cannot be forgotten by the next column. An operator error: the message names the config key
// `database.postgres` and how to create a database that fits.
class WrongCollation : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws WrongCollation unless the connected database's collation is C or POSIX (libc).
void check_collation(Connection& connection);

// Applies the migrations the database lacks, each in its own transaction with its row of
// schema_version, under pg_advisory_lock(kMigrationLock); waits while another instance holds it.
// Blocking: at start-up or in `linli migrate`, never on the io thread. Checks the collation
// first. Waits without lock_timeout or statement_timeout (a migration may build an index on a
// large table; another instance may hold the lock that long), restored afterwards. Throws
// PgError (with the migration's number), SchemaTooNew or WrongCollation.
MigrationOutcome migrate(Connection& connection);

}  // namespace linli::storage::pg
