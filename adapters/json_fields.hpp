#pragma once

// Reading JSON from a platform whose fields may have any type: a wrong type counts as missing,
// and nothing here throws. Shared by the adapters, which used to carry a copy each.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace linli {

// The member `key` of `j`; nullptr when `j` is no object or has no such member.
const nlohmann::json* field(const nlohmann::json& j, const char* key);

// The member `key` when it is an object; nullptr otherwise.
const nlohmann::json* object_field(const nlohmann::json& j, const char* key);

// The member `key` when it is a string; "" otherwise (missing, null, a number, ...).
std::string string_field(const nlohmann::json& j, const char* key);

// The member `key` when it is a JSON integer that fits std::int64_t; nullopt otherwise (a
// float, a string, a number above INT64_MAX).
std::optional<std::int64_t> int_field(const nlohmann::json& j, const char* key);

// As int_field, and also a string holding nothing but an integer ("1700000000000", "-5"), as
// platforms that document numbers as strings write them (DingTalk's createAt).
std::optional<std::int64_t> int_or_numeric_string_field(const nlohmann::json& j, const char* key);

// A whole string as a signed 64-bit integer (std::from_chars: optional '-', decimal digits,
// nothing else, no '+', no spaces); nullopt when empty, malformed or out of range.
std::optional<std::int64_t> parse_int(std::string_view s);

// Only decimal digits, 1 to `max_digits` of them (at most 18, so any of them fits in 64 bits):
// headers and timestamps where a sign, a space or an absurd length means a forged value.
std::optional<std::int64_t> parse_digits(std::string_view s, std::size_t max_digits);

}  // namespace linli
