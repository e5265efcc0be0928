#include "config/database_config.hpp"

#include <nlohmann/json.hpp>

namespace linli {

void parse_database(const ConfigSection& top, Config& c) {
  const std::string forms =
      "must be a SQLite file name (\"linli.db\") or {\"postgres\": \"<libpq connection string>\"}";
  if (!top.has("database")) top.fail("database", "missing: " + forms);
  const nlohmann::json& d = top.raw("database");
  // A string, or {"env": ...} for the SQLite file as every string of the config may be.
  if (d.is_string() || (d.is_object() && d.contains("env"))) {
    c.engine = DatabaseEngine::sqlite;
    c.database = top.nonempty("database");
    // A connection string where a file name belongs ({"env": "LINLI_PG"} without its
    // "postgres"): refused, or serve would create a file named after it, password and all.
    if (c.database.find('=') != std::string::npos || c.database.starts_with("postgres://") ||
        c.database.starts_with("postgresql://")) {
      top.fail("database",
               "looks like a PostgreSQL connection string, not a SQLite file name: write "
               "{\"postgres\": ...} around it");
    }
    return;
  }
  if (!d.is_object()) top.fail("database", forms);
  ConfigSection db = top.sub("database");
  db.allow({"postgres", "connections"});
  if (!db.has("postgres"))
    db.fail("postgres", "missing: the libpq connection string, or {\"env\": \"VARIABLE\"}");
  c.engine = DatabaseEngine::postgres;
  c.database.clear();
  const nlohmann::json& p = db.raw("postgres");
  if (p.is_string()) {
    c.postgres.conninfo = p.get<std::string>();
    if (c.postgres.conninfo.empty()) db.fail("postgres", "must not be empty");
  } else if (p.is_object()) {
    ConfigSection e = db.sub("postgres");
    e.allow({"env"});
    if (!e.has("env")) e.fail("env", "missing: the name of an environment variable");
    if (!e.raw("env").is_string() || e.raw("env").get<std::string>().empty()) {
      e.fail("env", "must be the name of an environment variable");
    }
    c.postgres.env = e.raw("env").get<std::string>();
    const char* value = top.env()(c.postgres.env.c_str());
    if (value == nullptr) e.fail("env", "environment variable " + c.postgres.env + " is not set");
    if (*value == '\0') e.fail("env", "environment variable " + c.postgres.env + " is empty");
    c.postgres.conninfo = value;
  } else {
    db.fail("postgres", "must be a libpq connection string or {\"env\": \"VARIABLE\"}");
  }
  c.postgres.connections =
      static_cast<int>(db.integer("connections", c.postgres.connections, 1, 64));
}

}  // namespace linli
