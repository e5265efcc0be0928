#pragma once
// One object of the config file being read: remembers the key path for error messages and
// refuses keys it does not know, because a typo in a config key must stop start-up, not be
// silently ignored. config/ reads the common sections with it; each platform reads its own
// adapter section with it (adapters/<type>/), so that the platform's keys live with the platform.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.hpp"

namespace linli {

// Walks one JSON object, remembering the key path for error messages and refusing keys it
// does not know: a typo in a config key must stop start-up, not be silently ignored.
class ConfigSection {
 public:
  ConfigSection(const nlohmann::json& j, std::string path, EnvLookup env)
      : j_(j), path_(std::move(path)), env_(env) {
    if (!j_.is_object()) fail("", "must be an object");
  }

  [[noreturn]] void fail(const std::string& key, const std::string& why) const {
    throw ConfigError(at(key) + ": " + why);
  }

  std::string at(const std::string& key) const {
    if (key.empty()) return path_.empty() ? "(top level)" : path_;
    return path_.empty() ? key : path_ + "." + key;
  }

  void allow(std::initializer_list<const char*> keys) const {
    std::set<std::string> ok(keys.begin(), keys.end());
    for (const auto& [k, v] : j_.items()) {
      if (!ok.count(k)) fail(k, "unknown key (allowed: " + join(keys) + ")");
    }
  }

  bool has(const char* key) const { return j_.contains(key) && !j_.at(key).is_null(); }

  // The value of a key as it is in the file (check has() first), for keys of several forms.
  const nlohmann::json& raw(const char* key) const { return j_.at(key); }

  // A string, or {"env": "NAME"} to read a secret from the environment.
  std::string str(const char* key, std::optional<std::string> fallback = std::nullopt) const {
    if (!has(key)) {
      if (fallback) return *fallback;
      fail(key, "missing (a string is required)");
    }
    const nlohmann::json& v = j_.at(key);
    if (v.is_string()) return v.get<std::string>();
    if (v.is_object() && v.size() == 1 && v.contains("env") && v.at("env").is_string()) {
      std::string name = v.at("env").get<std::string>();
      const char* value = env_(name.c_str());
      if (value == nullptr || *value == '\0')
        fail(key, "environment variable " + name + " is not set");
      return value;
    }
    fail(key, "must be a string or {\"env\": \"VARIABLE\"}");
  }

  std::string nonempty(const char* key, std::optional<std::string> fallback = std::nullopt) const {
    std::string s = str(key, std::move(fallback));
    if (s.empty()) fail(key, "must not be empty");
    return s;
  }

  std::int64_t integer(const char* key, std::int64_t fallback, std::int64_t lo,
                       std::int64_t hi) const {
    if (!has(key)) return fallback;
    const nlohmann::json& v = j_.at(key);
    if (!v.is_number_integer()) fail(key, "must be an integer");
    auto n = v.get<std::int64_t>();
    if (n < lo || n > hi) {
      fail(key, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
    }
    return n;
  }

  double number(const char* key, double fallback, double lo, double hi) const {
    if (!has(key)) return fallback;
    const nlohmann::json& v = j_.at(key);
    if (!v.is_number()) fail(key, "must be a number");
    double n = v.get<double>();
    if (n < lo || n > hi) fail(key, "must be between " + fmt(lo) + " and " + fmt(hi));
    return n;
  }

  std::string one_of(const char* key, std::string fallback,
                     std::initializer_list<const char*> options) const {
    std::string s = str(key, fallback);
    for (const char* o : options) {
      if (s == o) return s;
    }
    fail(key, "must be one of " + join(options));
  }

  template <typename F>
  void each(const char* key, bool required, F&& f) const {
    if (!has(key)) {
      if (required) fail(key, "missing (a list is required)");
      return;
    }
    const nlohmann::json& v = j_.at(key);
    if (!v.is_array()) fail(key, "must be a list");
    for (std::size_t i = 0; i < v.size(); ++i) f(v[i], at(key) + "[" + std::to_string(i) + "]");
  }

  std::vector<std::string> strings(const char* key) const {
    std::vector<std::string> out;
    each(key, false, [&](const nlohmann::json& v, const std::string& path) {
      if (!v.is_string() || v.get<std::string>().empty()) {
        throw ConfigError(path + ": must be a non-empty string");
      }
      out.push_back(v.get<std::string>());
    });
    return out;
  }

  ConfigSection sub(const char* key) const {
    static const nlohmann::json kEmpty = nlohmann::json::object();
    return ConfigSection(has(key) ? j_.at(key) : kEmpty, at(key), env_);
  }

  // An http:// or https:// URL with a host, without trailing '/': a platform's API root.
  std::string base_url(const char* key, std::optional<std::string> fallback = std::nullopt) const {
    std::string url = nonempty(key, std::move(fallback));
    bool https = url.rfind("https://", 0) == 0;
    if (!https && url.rfind("http://", 0) != 0) fail(key, "must start with http:// or https://");
    // "https://" alone would leave "https:" once its trailing '/' go: no call could be made.
    std::size_t host = https ? 8 : 7;
    if (host == url.size() || std::string_view("/?#").find(url[host]) != std::string_view::npos) {
      fail(key, "must name a host after http:// or https://");
    }
    while (url.back() == '/') url.pop_back();
    return url;
  }

  EnvLookup env() const { return env_; }

 private:
  static std::string join(std::initializer_list<const char*> keys) {
    std::string out;
    for (const char* k : keys) out += (out.empty() ? "" : ", ") + std::string(k);
    return out;
  }
  static std::string fmt(double d) {
    std::ostringstream os;
    os << d;
    return os.str();
  }

  const nlohmann::json& j_;
  std::string path_;
  EnvLookup env_;
};

}  // namespace linli
