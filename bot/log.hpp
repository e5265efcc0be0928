#pragma once
// One JSON object per line, with ids and outcomes: never tokens, secrets or message texts
// (STYLE 10). One Logger is built in main and passed down.

#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>
#include <variant>

namespace linli {

enum class LogLevel { debug = 0, info = 1, warn = 2, error = 3 };

struct LogField {
  LogField(std::string_view k, std::string_view v) : key(k), value(std::string(v)) {}
  LogField(std::string_view k, const std::string& v) : key(k), value(v) {}
  LogField(std::string_view k, const char* v) : key(k), value(std::string(v)) {}
  template <typename I, typename = std::enable_if_t<std::is_integral_v<I>>>
  LogField(std::string_view k, I v) : key(k), value(static_cast<std::int64_t>(v)) {}
  LogField(std::string_view k, double v) : key(k), value(v) {}
  std::string_view key;
  std::variant<std::string, std::int64_t, double> value;
};

class Logger {
 public:
  explicit Logger(LogLevel level = LogLevel::info, std::FILE* out = stderr)
      : level_(level), out_(out) {}
  static LogLevel parse_level(std::string_view s);

  bool enabled(LogLevel l) const { return l >= level_; }
  void write(LogLevel l, std::string_view event, std::initializer_list<LogField> fields = {});
  void debug(std::string_view e, std::initializer_list<LogField> f = {}) {
    write(LogLevel::debug, e, f);
  }
  void info(std::string_view e, std::initializer_list<LogField> f = {}) {
    write(LogLevel::info, e, f);
  }
  void warn(std::string_view e, std::initializer_list<LogField> f = {}) {
    write(LogLevel::warn, e, f);
  }
  void error(std::string_view e, std::initializer_list<LogField> f = {}) {
    write(LogLevel::error, e, f);
  }

 private:
  LogLevel level_;
  std::FILE* out_;
  std::mutex mutex_;  // tests log from their own threads too
};

// JSON string escaping, shared with code that writes small JSON by hand.
void append_json_string(std::string& out, std::string_view s);

}  // namespace linli
