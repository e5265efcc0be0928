#include "config/config.hpp"

#include "config/base64.hpp"
#include "config/database_config.hpp"

#include <fstream>
#include <initializer_list>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>

#include <nlohmann/json.hpp>

#include "config/section.hpp"

namespace linli {
namespace {

using nlohmann::json;

// "<adapter name>:<platform id>"; the id may itself contain ':' (e.g. XMPP addresses).
std::pair<std::string, std::string> split_qualified(const std::string& s,
                                                    const std::string& where) {
  auto colon = s.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == s.size()) {
    throw ConfigError(where + ": \"" + s + "\" must be \"<adapter name>:<platform id>\"");
  }
  return {s.substr(0, colon), s.substr(colon + 1)};
}

ServerConfig parse_server(const ConfigSection& r) {
  r.allow({"address", "port", "body_limit", "header_timeout_ms", "body_timeout_ms",
           "idle_timeout_ms", "max_connections"});
  ServerConfig s;
  s.address = r.nonempty("address", s.address);
  s.port = static_cast<std::uint16_t>(r.integer("port", s.port, 0, 65535));
  s.body_limit = static_cast<std::size_t>(
      r.integer("body_limit", static_cast<std::int64_t>(s.body_limit), 1024, 64 << 20));
  s.header_timeout_ms = r.integer("header_timeout_ms", s.header_timeout_ms, 100, 600'000);
  s.body_timeout_ms = r.integer("body_timeout_ms", s.body_timeout_ms, 100, 600'000);
  s.idle_timeout_ms = r.integer("idle_timeout_ms", s.idle_timeout_ms, 100, 3'600'000);
  s.max_connections =
      static_cast<int>(r.integer("max_connections", s.max_connections, 1, 1'000'000));
  return s;
}

RateLimits parse_limits(const ConfigSection& r, RateLimits l) {
  r.allow({"per_chat_per_s", "per_group_per_min", "global_per_s", "burst"});
  l.per_chat_per_s = r.number("per_chat_per_s", l.per_chat_per_s, 0.001, 1e6);
  l.per_group_per_min = r.number("per_group_per_min", l.per_group_per_min, 0.001, 1e8);
  l.global_per_s = r.number("global_per_s", l.global_per_s, 0.001, 1e6);
  l.burst = static_cast<int>(r.integer("burst", l.burst, 1, 10'000));
  return l;
}

// The keys every adapter has; the platform's parser reads the rest of its section.
AdapterConfig parse_adapter(const ConfigSection& r, std::span<const PlatformParser> platforms) {
  std::string types;
  for (const auto& p : platforms) types += (types.empty() ? "" : ", ") + std::string(p.type);
  AdapterConfig a;
  a.type = r.nonempty("type");
  const PlatformParser* platform = nullptr;
  for (const auto& p : platforms) {
    if (p.type == a.type) platform = &p;
  }
  if (platform == nullptr) r.fail("type", "must be one of " + types);
  a.name = r.nonempty("name");
  for (char c : a.name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) {
      r.fail("name", "use letters, digits, '_' and '-' only");
    }
  }
  a.webhook_path = r.nonempty("webhook_path", "/" + a.type + "/" + a.name);
  if (a.webhook_path.front() != '/') r.fail("webhook_path", "must start with '/'");
  a.limits = parse_limits(r.sub("rate_limits"), platform->limits);
  platform->parse(r, a);
  return a;
}

// "+08:00", "-05:30", "UTC": a fixed offset, which is what the communities we serve use.
int parse_utc_offset(const ConfigSection& r, const char* key, int fallback) {
  if (!r.has(key)) return fallback;
  std::string tz = r.str(key);
  if (tz == "UTC" || tz == "Z") return 0;
  if (tz.size() == 6 && (tz[0] == '+' || tz[0] == '-') && tz[3] == ':' &&
      std::isdigit(static_cast<unsigned char>(tz[1])) &&
      std::isdigit(static_cast<unsigned char>(tz[2])) &&
      std::isdigit(static_cast<unsigned char>(tz[4])) &&
      std::isdigit(static_cast<unsigned char>(tz[5]))) {
    int minutes = ((tz[1] - '0') * 10 + (tz[2] - '0')) * 60 + (tz[4] - '0') * 10 + (tz[5] - '0');
    if (minutes > 14 * 60) r.fail(key, "offset beyond ±14:00");
    return tz[0] == '-' ? -minutes : minutes;
  }
  r.fail(key, "must be an offset like \"+08:00\" or \"UTC\"");
}

CommunityConfig parse_community(const ConfigSection& r, const Config& c) {
  r.allow({"id", "name", "lang", "timezone", "coordinators", "groups", "volunteers"});
  CommunityConfig m;
  m.id = r.nonempty("id");
  m.name = r.nonempty("name");
  m.lang = r.one_of("lang", c.lang, {"zh", "en"});
  m.utc_offset_min = parse_utc_offset(r, "timezone", c.utc_offset_min);
  auto known_adapter = [&](const std::string& name, const std::string& where) {
    if (!c.adapter(name)) throw ConfigError(where + ": no adapter is named \"" + name + "\"");
  };
  r.each("coordinators", true, [&](const json& j, const std::string& path) {
    if (!j.is_string()) throw ConfigError(path + ": must be a string");
    known_adapter(split_qualified(j.get<std::string>(), path).first, path);
    m.coordinators.push_back(j.get<std::string>());
  });
  if (m.coordinators.empty()) r.fail("coordinators", "at least one coordinator is required");
  r.each("groups", true, [&](const json& j, const std::string& path) {
    ConfigSection g(j, path, r.env());
    g.allow({"chat", "kind", "building", "title"});
    GroupConfig gc;
    std::tie(gc.adapter, gc.chat) = split_qualified(g.nonempty("chat"), g.at("chat"));
    known_adapter(gc.adapter, g.at("chat"));
    gc.kind = g.one_of("kind", "", {"residents", "volunteers"}) == "residents"
                  ? GroupKind::residents
                  : GroupKind::volunteers;
    gc.building = g.str("building", "");
    gc.title = g.str("title", "");
    m.groups.push_back(std::move(gc));
  });
  bool has_volunteers_group = false;
  for (const auto& g : m.groups) has_volunteers_group |= g.kind == GroupKind::volunteers;
  if (!has_volunteers_group) r.fail("groups", "a community needs one group of kind \"volunteers\"");
  r.each("volunteers", false, [&](const json& j, const std::string& path) {
    ConfigSection v(j, path, r.env());
    v.allow({"person", "name", "phone", "building", "skills", "availability"});
    VolunteerSeed s;
    std::tie(s.adapter, s.user) = split_qualified(v.nonempty("person"), v.at("person"));
    known_adapter(s.adapter, v.at("person"));
    s.name = v.nonempty("name");
    s.phone = v.str("phone", "");
    s.building = v.str("building", "");
    s.skills = v.strings("skills");
    s.availability = v.str("availability", "");
    m.volunteers.push_back(std::move(s));
  });
  return m;
}

}  // namespace

const AdapterConfig* Config::adapter(const std::string& name) const {
  for (const auto& a : adapters) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

Config parse_config(const std::string& json_text, EnvLookup env,
                    std::span<const PlatformParser> platforms) {
  json j = json::parse(json_text, nullptr, /*allow_exceptions=*/false, /*ignore_comments=*/true);
  if (j.is_discarded()) throw ConfigError("the file is not valid JSON");
  ConfigSection r(j, "", env);
  r.allow({"server", "database", "synchronous", "lang", "timezone", "dialogs", "flood",
           "recruitment", "assignments", "shifts", "dispatcher", "sender", "http_client", "privacy",
           "log_level", "encryption_key", "communities", "adapters", "certificates"});
  Config c;
  c.server = parse_server(r.sub("server"));
  parse_database(r, c);
  c.synchronous = r.one_of("synchronous", c.synchronous, {"normal", "full"});
  c.lang = r.one_of("lang", c.lang, {"zh", "en"});
  c.log_level = r.one_of("log_level", c.log_level, {"debug", "info", "warn", "error"});
  if (r.has("encryption_key")) {
    // Only from the environment: a config file is read by more people than the service's
    // environment. No message repeats the key or any part of it.
    const json& k = j.at("encryption_key");
    if (!k.is_object() || !k.contains("env")) {
      r.fail("encryption_key", "must be {\"env\": \"VARIABLE\"}: keep the key out of the file");
    }
    std::string text = r.str("encryption_key");
    auto first = text.find_first_not_of(" \t\r\n");  // a newline left by `echo` or an editor
    auto last = text.find_last_not_of(" \t\r\n");
    std::optional<std::string> key;
    if (first != std::string::npos) key = decode_base64(text.substr(first, last - first + 1));
    const std::string how = "; make one with: openssl rand -base64 32";
    if (!key) r.fail("encryption_key", "not base64" + how);
    if (key->size() != 32) {  // AES-256
      r.fail("encryption_key", "must decode to 32 bytes, not " + std::to_string(key->size()) + how);
    }
    c.encryption_key = std::move(*key);
  }
  {
    // The codes of certificates of service are signed with this key: whoever knows it can make
    // codes that verify, so it is a secret like encryption_key, and at least 32 characters.
    ConfigSection s = r.sub("certificates");
    s.allow({"secret", "base_url"});
    if (s.has("secret")) {
      c.certificates.secret = s.str("secret");
      if (c.certificates.secret.size() < 32) {
        s.fail("secret", "must be at least 32 characters, not " +
                             std::to_string(c.certificates.secret.size()) +
                             "; make one with: openssl rand -hex 32");
      }
    }
    if (s.has("base_url")) c.certificates.base_url = s.base_url("base_url");
  }
  {
    ConfigSection d = r.sub("dialogs");
    d.allow({"timeout_minutes"});
    c.dialogs.timeout_s =
        d.integer("timeout_minutes", c.dialogs.timeout_s / 60, 1, 7 * 24 * 60) * 60;
  }
  c.utc_offset_min = parse_utc_offset(r, "timezone", c.utc_offset_min);
  {
    ConfigSection s = r.sub("recruitment");
    s.allow({"card_refresh_seconds", "deadline_hours"});
    c.recruitment.card_refresh_s =
        s.integer("card_refresh_seconds", c.recruitment.card_refresh_s, 0, 3600);
    c.recruitment.deadline_h = s.integer("deadline_hours", c.recruitment.deadline_h, 1, 24 * 30);
  }
  {
    ConfigSection s = r.sub("assignments");
    s.allow({"offer_timeout_minutes", "max_offers", "unclaimed_after_minutes", "batch_size",
             "trip_minutes"});
    c.assignments.offer_timeout_min =
        s.integer("offer_timeout_minutes", c.assignments.offer_timeout_min, 1, 24 * 60);
    c.assignments.max_offers =
        static_cast<int>(s.integer("max_offers", c.assignments.max_offers, 1, 100));
    c.assignments.unclaimed_after_min =
        s.integer("unclaimed_after_minutes", c.assignments.unclaimed_after_min, 1, 7 * 24 * 60);
    c.assignments.batch_size =
        static_cast<int>(s.integer("batch_size", c.assignments.batch_size, 1, 50));
    c.assignments.trip_minutes = s.integer("trip_minutes", c.assignments.trip_minutes, 1, 24 * 60);
  }
  {
    ConfigSection s = r.sub("shifts");
    s.allow({"remind_before_minutes", "replace_before_minutes", "daily_hours_cap"});
    c.shifts.remind_before_min =
        s.integer("remind_before_minutes", c.shifts.remind_before_min, 1, 7 * 24 * 60);
    c.shifts.replace_before_min =
        s.integer("replace_before_minutes", c.shifts.replace_before_min, 0, 7 * 24 * 60);
    if (c.shifts.replace_before_min >= c.shifts.remind_before_min) {
      s.fail("replace_before_minutes", "must be less than remind_before_minutes");
    }
    c.shifts.daily_hours_cap = s.number("daily_hours_cap", c.shifts.daily_hours_cap, 0.5, 24);
  }
  {
    ConfigSection p = r.sub("privacy");
    p.allow({"address_retention_days", "event_retention_days"});
    c.privacy.address_retention_days = static_cast<int>(
        p.integer("address_retention_days", c.privacy.address_retention_days, 1, 3650));
    c.privacy.event_retention_days =
        static_cast<int>(p.integer("event_retention_days", c.privacy.event_retention_days, 1, 365));
  }
  bool idle_given = false;  // max_idle_per_host follows sender.concurrency unless set
  {
    ConfigSection h = r.sub("http_client");
    h.allow({"connect_timeout_ms", "request_timeout_ms", "max_idle_per_host", "ca_file"});
    c.http_client.connect_timeout_ms =
        h.integer("connect_timeout_ms", c.http_client.connect_timeout_ms, 100, 120'000);
    c.http_client.request_timeout_ms =
        h.integer("request_timeout_ms", c.http_client.request_timeout_ms, 100, 600'000);
    idle_given = h.has("max_idle_per_host");
    c.http_client.max_idle_per_host = static_cast<int>(
        h.integer("max_idle_per_host", c.http_client.max_idle_per_host, 0, 10'000));
    c.http_client.ca_file = h.str("ca_file", "");
  }
  {
    ConfigSection f = r.sub("flood");
    f.allow({"messages_per_minute", "burst", "pause_s"});
    c.flood.messages_per_minute =
        static_cast<int>(f.integer("messages_per_minute", c.flood.messages_per_minute, 1, 100'000));
    c.flood.burst = static_cast<int>(f.integer("burst", c.flood.burst, 1, 10'000));
    c.flood.pause_s = f.integer("pause_s", c.flood.pause_s, 1, 86'400);
  }
  {
    ConfigSection d = r.sub("dispatcher");
    d.allow({"max_event_attempts"});
    c.dispatcher.max_event_attempts =
        static_cast<int>(d.integer("max_event_attempts", c.dispatcher.max_event_attempts, 1, 1000));
  }
  {
    ConfigSection s = r.sub("sender");
    s.allow({"max_attempts", "backoff_initial_ms", "backoff_max_ms", "concurrency"});
    c.sender.max_attempts =
        static_cast<int>(s.integer("max_attempts", c.sender.max_attempts, 1, 1000));
    c.sender.backoff_initial_ms =
        s.integer("backoff_initial_ms", c.sender.backoff_initial_ms, 1, 3'600'000);
    c.sender.backoff_max_ms = s.integer("backoff_max_ms", c.sender.backoff_max_ms, 1, 86'400'000);
    c.sender.concurrency =
        static_cast<int>(s.integer("concurrency", c.sender.concurrency, 1, 10'000));
  }
  // Every call the sender may have in flight can go back to the pool when it is done: a pool
  // smaller than that opens a new connection (and, on HTTPS, a new TLS session) for most sends
  // under load, which the benchmark measured at 10% of the CPU.
  if (!idle_given) c.http_client.max_idle_per_host = c.sender.concurrency;
  std::set<std::string> paths;
  r.each("adapters", true, [&](const json& a, const std::string& path) {
    AdapterConfig ac = parse_adapter(ConfigSection(a, path, env), platforms);
    if (c.adapter(ac.name)) throw ConfigError(path + ".name: \"" + ac.name + "\" is used twice");
    if (!paths.insert(ac.webhook_path).second) {
      throw ConfigError(path + ".webhook_path: \"" + ac.webhook_path + "\" is used twice");
    }
    c.adapters.push_back(std::move(ac));
  });
  if (c.adapters.empty()) r.fail("adapters", "at least one adapter is required");
  std::set<std::string> ids, chats;
  r.each("communities", true, [&](const json& m, const std::string& path) {
    CommunityConfig cc = parse_community(ConfigSection(m, path, env), c);
    if (!ids.insert(cc.id).second) throw ConfigError(path + ".id: \"" + cc.id + "\" is used twice");
    for (const auto& g : cc.groups) {
      if (!chats.insert(g.adapter + ":" + g.chat).second) {
        throw ConfigError(path + ".groups: chat \"" + g.adapter + ":" + g.chat +
                          "\" belongs to two communities");
      }
    }
    c.communities.push_back(std::move(cc));
  });
  if (c.communities.empty()) r.fail("communities", "at least one community is required");
  return c;
}

Config load_config(const std::string& path, EnvLookup env,
                   std::span<const PlatformParser> platforms) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path + ": cannot be read");
  std::ostringstream buf;
  buf << in.rdbuf();
  try {
    return parse_config(buf.str(), env, platforms);
  } catch (const ConfigError& e) {
    throw ConfigError(path + ": " + e.what());
  }
}

}  // namespace linli
