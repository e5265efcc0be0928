#pragma once

// UTF-8 text as the adapters cut and trim it, shared by all of them. "A code point" is one
// valid RFC 3629 sequence (no overlong forms, no surrogates, nothing above U+10FFFF), the
// validity json's dump() checks; any other byte counts as a code point of its own, as the
// replacement character it will be sent as. Nothing here ever cuts a valid sequence.

#include <cstddef>
#include <string>
#include <string_view>

namespace linli {

inline constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // "…": U+2026, 3 bytes

// The byte length of the code point starting at s[i] (1 to 4); 1 for a byte that starts no
// valid sequence. `i` must be below s.size().
std::size_t code_point_bytes(std::string_view s, std::size_t i);

// The number of code points in `s`.
std::size_t code_points(std::string_view s);

// The byte length of the first `n` code points of `s` (all of `s` when it has fewer).
std::size_t code_point_prefix(std::string_view s, std::size_t n);

// The longest prefix of `s` of at most `max` bytes that ends between code points: for error
// strings in logs. No "…".
std::string clip(std::string_view s, std::size_t max);

// `s` if it has at most `max` code points, else its longest prefix that leaves room for "…"
// followed by "…": `max` code points in all. `max` must be at least 1.
std::string fit_code_points(std::string_view s, std::size_t max);

// `s` if it has at most `max` bytes, else its longest prefix, cut between code points, that
// leaves room for "…" (3 bytes), followed by "…". `max` must be at least 3.
std::string fit_bytes(std::string_view s, std::size_t max);

// Which ASCII characters trim() takes for spaces, and whether it takes the ideographic space
// U+3000 too (a Chinese IME's space: " 你好" after an @name).
inline constexpr std::string_view kSpaceTabNewline = " \t\n\r";
inline constexpr std::string_view kAsciiWhitespace = " \t\n\r\v\f";  // C's isspace()
enum class IdeographicSpace { kept, trimmed };

// `s` without the spaces around it.
std::string trim(std::string_view s, std::string_view ascii_spaces, IdeographicSpace ideographic);

// Every byte of `s` but A-Z a-z 0-9 - _ . ~ as %XX (RFC 3986 unreserved kept, upper-case hex).
std::string percent_encode(std::string_view s);

}  // namespace linli
