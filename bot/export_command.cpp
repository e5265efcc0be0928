#include "bot/export_command.hpp"

#include <filesystem>
#include <fstream>
#include <optional>

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
    const bool has_value = i + 1 < args.size();
    if (a == "--config" && has_value) {
      config_path = args[++i];
    } else if (a == "--from" && has_value) {
      from = args[++i];
    } else if (a == "--to" && has_value) {
      to = args[++i];
    } else if (a == "--out" && has_value) {
      out_path = args[++i];
    } else {
      return usage("unexpected argument \"" + a + "\"");
    }
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
  std::error_code ec;
  if (config.database != ":memory:" && !std::filesystem::exists(config.database, ec)) {
    err << "linli export: the database " << config.database
        << " does not exist (the config's \"database\")\n";
    return 1;
  }
  std::string csv;
  try {
    storage::Database db(config.database, config.synchronous);
    std::optional<storage::FieldCipher> cipher;
    if (!config.encryption_key.empty()) cipher.emplace(config.encryption_key);
    storage::SqliteStore store(db, cipher ? &*cipher : nullptr);
    // One read snapshot for the whole export, and nothing written.
    db.sql().exec("BEGIN");
    storage::ExportContext ctx{store, config, from, to, now_ms};
    csv = storage::to_csv(kind->run(ctx));
    db.sql().exec("ROLLBACK");
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
  std::ofstream file(out_path, std::ios::binary | std::ios::trunc);
  file << csv;
  file.close();
  if (!file) {
    err << "linli export: could not write " << out_path << "\n";
    return 1;
  }
  return 0;
}

}  // namespace linli
