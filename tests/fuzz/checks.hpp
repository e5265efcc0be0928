#pragma once
// Small predicates the harnesses share. Each is written from the definition it checks, not from
// the code under test, so that both cannot be wrong the same way.

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace linli::fuzz {

// A decimal integer as std::to_string writes one: optional '-', digits, nothing else.
inline bool is_integer(std::string_view s) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return !s.empty() && ec == std::errc() && end == s.data() + s.size();
}

inline bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// No ASCII white space at either end.
inline bool is_trimmed(std::string_view s) {
  return s.empty() || (!is_ascii_space(s.front()) && !is_ascii_space(s.back()));
}

// UTF-8 as RFC 3629 defines it: no overlong forms, no surrogates, nothing above U+10FFFF. What
// a JSON parser hands back, so what every text from a webhook is.
inline bool is_valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80                 ? 1
                    : c >= 0xC2 && c <= 0xDF ? 2
                    : c >= 0xE0 && c <= 0xEF ? 3
                    : c >= 0xF0 && c <= 0xF4 ? 4
                                             : 0;
    if (n == 0 || i + n > s.size()) return false;
    if (n > 1) {
      auto second = static_cast<unsigned char>(s[i + 1]);
      unsigned char lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
      unsigned char hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
      if (second < lo || second > hi) return false;
      for (std::size_t k = 2; k < n; ++k) {
        if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
      }
    }
    i += n;
  }
  return true;
}

// UTF-16 code units of valid UTF-8 (what a JSON parser hands back): one per code point, two for
// one above U+FFFF, whose lead byte is 0xF0-0xF4.
inline std::size_t utf16_units(std::string_view valid_utf8) {
  std::size_t units = 0;
  for (char ch : valid_utf8) {
    auto c = static_cast<unsigned char>(ch);
    if ((c & 0xC0) != 0x80) ++units;
    if (c >= 0xF0) ++units;
  }
  return units;
}

}  // namespace linli::fuzz
