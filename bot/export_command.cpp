#include "bot/export_command.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <optional>

#include <SQLiteCpp/Database.h>

#include "adapters/registry.hpp"
#include "config/config.hpp"
#include "dialogs/hours.hpp"
#include "storage/exports.hpp"
#include "storage/field_cipher.hpp"
#include "storage/store.hpp"

namespace linli {
namespace {

std::string kinds_text(const char* separator = ", ") {
  std::string out;
  for (const auto& k : storage::export_kinds()) {
    out += (out.empty() ? "" : separator) + std::string(k.name);
  }
  return out;
}

}  // namespace

int export_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                   const char* (*env)(const char*), std::int64_t now_ms) {
  auto usage = [&](const std::string& why) {
    err << "linli export: " << why << "\nusage: linli export " << kinds_text("|")
        << " --config FILE --from YYYY-MM-DD --to YYYY-MM-DD [--out FILE]\n";
    return 2;
  };
  if (args.empty()) return usage("which export? one of " + kinds_text());
  const storage::ExportKind* kind = storage::find_export(args[0]);
  if (kind == nullptr)
    return usage("unknown export \"" + args[0] + "\" (known: " + kinds_text() + ")");
  std::string config_path, from, to, out_path;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    std::string* value = a == "--config" ? &config_path
                         : a == "--from" ? &from
                         : a == "--to"   ? &to
                         : a == "--out"  ? &out_path
                                         : nullptr;
    if (value == nullptr) return usage("unexpected argument \"" + a + "\"");
    // An option last on the line, or followed by another option, has no value.
    if (i + 1 >= args.size() || args[i + 1].rfind("--", 0) == 0) {
      return usage(a +
                   (a == "--from" || a == "--to" ? " needs a date (YYYY-MM-DD)" : " needs a file"));
    }
    *value = args[++i];
  }
  if (config_path.empty()) return usage("--config FILE is required");
  if (from.empty() || to.empty()) return usage("--from and --to are required");
  // Validated without a zone: whether a date exists does not depend on one.
  auto from_day = parse_iso_date(from, 0);
  auto to_day = parse_iso_date(to, 0);
  if (!from_day) return usage("--from \"" + from + "\" is not a date (YYYY-MM-DD)");
  if (!to_day) return usage("--to \"" + to + "\" is not a date (YYYY-MM-DD)");
  if (*from_day > *to_day) return usage("--from " + from + " is after --to " + to);

  Config config;
  try {
    config = load_config(config_path, env);
  } catch (const ConfigError& e) {
    err << "linli export: config error: " << e.what() << "\n";
    return 2;
  }
  if (config.engine == DatabaseEngine::postgres) {
    err << "linli export: exports read a SQLite database; PostgreSQL's engine is not built yet\n";
    return 2;
  }
  if (config.database == ":memory:") {
    err << "linli export: the config's \"database\" is :memory:, which holds nothing to export\n";
    return 2;
  }
  std::error_code ec;
  if (!std::filesystem::exists(config.database, ec)) {
    err << "linli export: the database " << config.database
        << " does not exist (the config's \"database\")\n";
    return 1;
  }
  std::string csv;
  try {
    // An export reads; it never migrates a database another version of linli serves.
    const int schema =
        SQLite::Database(config.database, SQLite::OPEN_READONLY).execAndGet("PRAGMA user_version");
    if (schema != storage::Database::latest_schema_version()) {
      err << "linli export: the database " << config.database << " has schema " << schema
          << " and this linli expects " << storage::Database::latest_schema_version()
          << ": export with the linli that serves it\n";
      return 1;
    }
    storage::Database db(config.database, config.synchronous);
    std::optional<storage::FieldCipher> cipher;
    if (!config.encryption_key.empty()) cipher.emplace(config.encryption_key);
    storage::SqliteStore store(db, cipher ? &*cipher : nullptr);
    // One read snapshot for the whole export, and nothing written.
    db.sql().exec("BEGIN");
    storage::ExportContext ctx{store, config, from, to, now_ms};
    csv = storage::to_csv(kind->run(ctx));
    db.sql().exec("ROLLBACK");
  } catch (const storage::ExportConfigError& e) {
    // The config does not fit the database it names: an operator's error, as a bad config is.
    err << "linli export: config error: " << config_path << ": " << e.what() << "\n";
    return 2;
  } catch (const storage::FieldCipherError& e) {
    err << "linli export: config error: " << config_path << ": encryption_key: " << e.what()
        << "\n";
    return 2;
  } catch (const std::exception& e) {
    err << "linli export: " << e.what() << "\n";
    return 1;
  }
  if (out_path.empty()) {
    out << csv;
    out.flush();
    if (!out) {
      err << "linli export: could not write to standard output\n";
      return 1;
    }
    return 0;
  }
  // Readable by its owner only: the volunteers' export holds phone numbers.
  const int fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  // An older file of the same name keeps its mode through O_TRUNC: set it, or write nothing.
  bool written = fd >= 0 && ::fchmod(fd, 0600) == 0;
  for (std::size_t at = 0; written && at < csv.size();) {
    const ssize_t n = ::write(fd, csv.data() + at, csv.size() - at);
    if (n < 0 && errno == EINTR) continue;
    written = n > 0;
    if (written) at += static_cast<std::size_t>(n);
  }
  if (fd >= 0 && ::close(fd) != 0) written = false;
  if (!written) {
    err << "linli export: could not write " << out_path << "\n";
    return 1;
  }
  return 0;
}

}  // namespace linli
