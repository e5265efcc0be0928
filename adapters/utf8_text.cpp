#include "adapters/utf8_text.hpp"

namespace linli {

std::size_t code_point_bytes(std::string_view s, std::size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  std::size_t n = 1;
  unsigned char lo = 0x80;  // the range of the second byte
  unsigned char hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;  // overlong below U+0800
    if (c == 0xED) hi = 0x9F;  // surrogates U+D800-DFFF
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;  // overlong below U+10000
    if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 1;  // a continuation byte, C0, C1 or F5-FF
  }
  if (i + n > s.size()) return 1;
  auto second = static_cast<unsigned char>(s[i + 1]);
  if (second < lo || second > hi) return 1;
  for (std::size_t k = 2; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 1;
  }
  return n;
}

std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); i += code_point_bytes(s, i)) ++n;
  return n;
}

std::size_t code_point_prefix(std::string_view s, std::size_t n) {
  std::size_t i = 0;
  for (std::size_t seen = 0; i < s.size() && seen < n; ++seen) i += code_point_bytes(s, i);
  return i;
}

std::string clip(std::string_view s, std::size_t max) {
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t n = code_point_bytes(s, i);
    if (i + n > max) break;
    i += n;
  }
  return std::string(s.substr(0, i));
}

std::string fit_code_points(std::string_view s, std::size_t max) {
  if (code_points(s) <= max) return std::string(s);
  return std::string(s.substr(0, code_point_prefix(s, max - 1))) + std::string(kEllipsis);
}

std::string fit_bytes(std::string_view s, std::size_t max) {
  if (s.size() <= max) return std::string(s);
  return clip(s, max - kEllipsis.size()) + std::string(kEllipsis);
}

std::string trim(std::string_view s, std::string_view ascii_spaces, IdeographicSpace ideographic) {
  constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";
  bool ideo = ideographic == IdeographicSpace::trimmed;
  auto space = [&](char c) { return ascii_spaces.find(c) != std::string_view::npos; };
  for (;;) {
    if (!s.empty() && space(s.front())) {
      s.remove_prefix(1);
    } else if (ideo && s.substr(0, 3) == kIdeographicSpace) {
      s.remove_prefix(3);
    } else {
      break;
    }
  }
  for (;;) {
    if (!s.empty() && space(s.back())) {
      s.remove_suffix(1);
    } else if (ideo && s.size() >= 3 && s.substr(s.size() - 3) == kIdeographicSpace) {
      s.remove_suffix(3);
    } else {
      break;
    }
  }
  return std::string(s);
}

std::string percent_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace linli
