// The config file: parse_config gives a Config that keeps the promises below, or throws
// ConfigError naming the key; nothing else may come out of it.

#include <exception>
#include <set>
#include <string>

#include "adapters/playground/playground_config.hpp"
#include "adapters/registry.hpp"
#include "adapters/telegram/telegram_config.hpp"
#include "config/config.hpp"
#include "tests/fuzz/harnesses.hpp"

namespace linli::fuzz {
namespace {

// No environment: {"env": "NAME"} always names an unset variable.
const char* no_env(const char*) {
  return nullptr;
}

bool starts_with(const std::string& s, std::string_view prefix) {
  return s.rfind(prefix, 0) == 0;
}

void check_adapter(const AdapterConfig& a) {
  LINLI_FUZZ_CHECK(a.type == "playground" || a.type == "telegram");
  LINLI_FUZZ_CHECK(!a.name.empty());
  LINLI_FUZZ_CHECK(starts_with(a.webhook_path, "/"));
  LINLI_FUZZ_CHECK(a.limits.per_chat_per_s > 0 && a.limits.per_group_per_min > 0 &&
                   a.limits.global_per_s > 0 && a.limits.burst >= 1);
  if (a.type == "playground") {
    const auto* playground = a.settings_as<PlaygroundConfig>();
    LINLI_FUZZ_CHECK(playground != nullptr);
    for (const auto& p : playground->people) {
      LINLI_FUZZ_CHECK(!p.id.empty() && !p.name.empty());
      LINLI_FUZZ_CHECK(p.lang == "zh" || p.lang == "en");
    }
    return;
  }
  const auto* telegram = a.settings_as<TelegramConfig>();
  LINLI_FUZZ_CHECK(telegram != nullptr);
  const TelegramConfig& t = *telegram;
  LINLI_FUZZ_CHECK(!t.token.empty());
  LINLI_FUZZ_CHECK(!t.secret_token.empty() && t.secret_token.size() <= 256);
  // The bot's own name: what "/cmd@name" and replies to the bot are recognised by.
  LINLI_FUZZ_CHECK(!t.username.empty() && t.username.front() != '@');
  LINLI_FUZZ_CHECK(a.bot_username == t.username);
  // Calls go to <api_base>/bot<token>/<method>: a scheme and a host, no trailing '/'.
  std::string_view base = t.api_base;
  std::string_view scheme = starts_with(t.api_base, "https://") ? "https://" : "http://";
  LINLI_FUZZ_CHECK(starts_with(t.api_base, scheme));
  LINLI_FUZZ_CHECK(base.size() > scheme.size() && base.back() != '/');
  LINLI_FUZZ_CHECK(std::string_view("/?#").find(base[scheme.size()]) == std::string_view::npos);
}

void check_config(const Config& c) {
  // One engine: a SQLite file, or a PostgreSQL connection string and a pool (issue 13).
  if (c.engine == DatabaseEngine::sqlite) {
    LINLI_FUZZ_CHECK(!c.database.empty());
  } else {
    LINLI_FUZZ_CHECK(c.database.empty() && !c.postgres.conninfo.empty());
    LINLI_FUZZ_CHECK(c.postgres.connections >= 1 && c.postgres.connections <= 64);
  }
  LINLI_FUZZ_CHECK(c.synchronous == "normal" || c.synchronous == "full");
  LINLI_FUZZ_CHECK(c.lang == "zh" || c.lang == "en");
  LINLI_FUZZ_CHECK(c.utc_offset_min >= -14 * 60 && c.utc_offset_min <= 14 * 60);
  LINLI_FUZZ_CHECK(c.dialogs.timeout_s >= 60);
  LINLI_FUZZ_CHECK(c.shifts.replace_before_min < c.shifts.remind_before_min);
  LINLI_FUZZ_CHECK(!c.adapters.empty() && !c.communities.empty());
  std::set<std::string> names, paths;
  for (const AdapterConfig& a : c.adapters) {
    check_adapter(a);
    LINLI_FUZZ_CHECK(names.insert(a.name).second);
    LINLI_FUZZ_CHECK(paths.insert(a.webhook_path).second);
  }
  for (const CommunityConfig& m : c.communities) {
    LINLI_FUZZ_CHECK(!m.id.empty() && !m.coordinators.empty());
    LINLI_FUZZ_CHECK(m.utc_offset_min >= -14 * 60 && m.utc_offset_min <= 14 * 60);
    bool volunteers = false;
    for (const GroupConfig& g : m.groups) {
      LINLI_FUZZ_CHECK(c.adapter(g.adapter) != nullptr && !g.chat.empty());
      volunteers |= g.kind == GroupKind::volunteers;
    }
    LINLI_FUZZ_CHECK(volunteers);
    for (const VolunteerSeed& v : m.volunteers) {
      LINLI_FUZZ_CHECK(c.adapter(v.adapter) != nullptr && !v.user.empty() && !v.name.empty());
    }
  }
}

}  // namespace

int fuzz_config(const std::uint8_t* data, std::size_t size) {
  try {
    Config c = parse_config(std::string(reinterpret_cast<const char*>(data), size), no_env);
    check_config(c);
  } catch (const ConfigError&) {
    // The answer to a bad file.
  } catch (const std::exception& e) {
    violated("exception other than ConfigError escaped:", e.what(), __FILE__, __LINE__);
  }
  return 0;
}

}  // namespace linli::fuzz
