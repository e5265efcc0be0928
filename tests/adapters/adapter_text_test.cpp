// The adapters' shared helpers: adapters/json_fields.hpp and adapters/utf8_text.hpp.

#include <cstdint>
#include <limits>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "adapters/json_fields.hpp"
#include "adapters/utf8_text.hpp"

namespace linli {
namespace {

using nlohmann::json;

const std::string kEmoji = "\xF0\x9F\x98\x80";  // U+1F600, 4 bytes
const std::string kHan = "\xE4\xBD\xA0";        // 你, 3 bytes
const std::string kIdeo = "\xE3\x80\x80";       // U+3000

// ---- JSON fields. ----

TEST(JsonFields, FieldOnlyOfAnObject) {
  json j = {{"a", 1}, {"n", nullptr}};
  ASSERT_NE(field(j, "a"), nullptr);
  EXPECT_EQ(*field(j, "a"), 1);
  ASSERT_NE(field(j, "n"), nullptr);  // present, null
  EXPECT_EQ(field(j, "b"), nullptr);
  EXPECT_EQ(field(json::array({1}), "a"), nullptr);
  EXPECT_EQ(field(json("a"), "a"), nullptr);
  EXPECT_EQ(field(json(), "a"), nullptr);
}

TEST(JsonFields, WrongTypesCountAsMissing) {
  json j = {{"o", {{"x", 1}}}, {"s", "text"}, {"i", 5},
            {"f", 1.5},        {"b", true},   {"a", json::array()}};
  EXPECT_NE(object_field(j, "o"), nullptr);
  EXPECT_EQ(object_field(j, "s"), nullptr);
  EXPECT_EQ(object_field(j, "a"), nullptr);
  EXPECT_EQ(string_field(j, "s"), "text");
  EXPECT_EQ(string_field(j, "i"), "");
  EXPECT_EQ(string_field(j, "o"), "");
  EXPECT_EQ(string_field(j, "missing"), "");
  EXPECT_EQ(string_field(json::array(), "s"), "");
  EXPECT_EQ(int_field(j, "i"), 5);
  EXPECT_EQ(int_field(j, "f"), std::nullopt);
  EXPECT_EQ(int_field(j, "b"), std::nullopt);
  EXPECT_EQ(int_field(j, "s"), std::nullopt);
  EXPECT_EQ(int_field(j, "missing"), std::nullopt);
}

TEST(JsonFields, IntFieldRange) {
  json j = json::parse(
      R"({"max": 9223372036854775807, "min": -9223372036854775808, "above": 9223372036854775808,
          "huge": 18446744073709551615, "neg": -3})");
  EXPECT_EQ(int_field(j, "max"), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(int_field(j, "min"), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(int_field(j, "above"), std::nullopt);
  EXPECT_EQ(int_field(j, "huge"), std::nullopt);
  EXPECT_EQ(int_field(j, "neg"), -3);
}

TEST(JsonFields, NumericStringsOnlyWhenAsked) {
  json j = {{"s", "1700000000000"},
            {"neg", "-4"},
            {"bad", "12a"},
            {"empty", ""},
            {"space", " 1"},
            {"plus", "+1"},
            {"big", "9223372036854775808"},
            {"i", 7}};
  EXPECT_EQ(int_field(j, "s"), std::nullopt);
  EXPECT_EQ(int_or_numeric_string_field(j, "s"), 1700000000000);
  EXPECT_EQ(int_or_numeric_string_field(j, "neg"), -4);
  EXPECT_EQ(int_or_numeric_string_field(j, "i"), 7);
  for (const char* k : {"bad", "empty", "space", "plus", "big", "missing"}) {
    EXPECT_EQ(int_or_numeric_string_field(j, k), std::nullopt) << k;
  }
}

TEST(JsonFields, ParseInt) {
  EXPECT_EQ(parse_int("0"), 0);
  EXPECT_EQ(parse_int("-12"), -12);
  EXPECT_EQ(parse_int("9223372036854775807"), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(parse_int("9223372036854775808"), std::nullopt);
  EXPECT_EQ(parse_int("-9223372036854775809"), std::nullopt);
  for (const char* s : {"", " 1", "1 ", "+1", "1.5", "0x10", "-", "abc"}) {
    EXPECT_EQ(parse_int(s), std::nullopt) << s;
  }
}

TEST(JsonFields, ParseDigits) {
  EXPECT_EQ(parse_digits("0", 12), 0);
  EXPECT_EQ(parse_digits("123456789012", 12), 123456789012);
  EXPECT_EQ(parse_digits("1234567890123", 12), std::nullopt);  // one digit too many
  EXPECT_EQ(parse_digits("999999999999999999", 18), 999999999999999999);
  EXPECT_EQ(parse_digits("9999999999999999999", 19), std::nullopt);  // never above 18
  for (const char* s : {"", "-1", "+1", " 1", "1a", "1.0"}) {
    EXPECT_EQ(parse_digits(s, 18), std::nullopt) << s;
  }
}

// ---- UTF-8. ----

TEST(Utf8Text, CodePoints) {
  EXPECT_EQ(code_points(""), 0u);
  EXPECT_EQ(code_points("ab" + kHan + kEmoji), 4u);
  EXPECT_EQ(code_point_prefix("ab" + kHan + kEmoji, 3), 5u);
  EXPECT_EQ(code_point_prefix("ab", 9), 2u);
  // Invalid bytes count one each: a stray continuation, a cut emoji, an overlong '/', a
  // surrogate, F5.
  EXPECT_EQ(code_points("\x80"), 1u);
  EXPECT_EQ(code_points(kEmoji.substr(0, 3)), 3u);
  EXPECT_EQ(code_points("\xC0\xAF"), 2u);
  EXPECT_EQ(code_points("\xED\xA0\x80"), 3u);
  EXPECT_EQ(code_points("\xF5\x80\x80\x80"), 4u);
}

TEST(Utf8Text, ClipNeverCutsACodePoint) {
  std::string s = "ab" + kEmoji + "c";  // 7 bytes
  EXPECT_EQ(clip(s, 7), s);
  EXPECT_EQ(clip(s, 100), s);
  EXPECT_EQ(clip(s, 6), "ab" + kEmoji);
  for (std::size_t n = 2; n < 6; ++n) EXPECT_EQ(clip(s, n), "ab") << n;
  EXPECT_EQ(clip(s, 0), "");
  EXPECT_EQ(clip("", 5), "");
  // Invalid bytes are kept as single bytes.
  EXPECT_EQ(clip("a\xFF\xFE", 2), "a\xFF");
  EXPECT_EQ(clip(kEmoji.substr(0, 3) + "x", 2), kEmoji.substr(0, 2));
}

TEST(Utf8Text, FitCodePoints) {
  std::string s = kHan + kHan + kEmoji + "d";  // 4 code points
  EXPECT_EQ(fit_code_points(s, 4), s);         // exactly the limit
  EXPECT_EQ(fit_code_points(s, 3), kHan + kHan + std::string(kEllipsis));
  EXPECT_EQ(fit_code_points(s, 1), std::string(kEllipsis));
  EXPECT_EQ(fit_code_points("", 1), "");
  EXPECT_EQ(code_points(fit_code_points(s, 2)), 2u);
}

TEST(Utf8Text, FitBytes) {
  std::string s = "abc" + kEmoji;  // 7 bytes
  EXPECT_EQ(fit_bytes(s, 7), s);   // exactly the limit
  // 6 bytes: "…" takes 3, the emoji does not fit in the other 3.
  EXPECT_EQ(fit_bytes(s, 6), "abc" + std::string(kEllipsis));
  EXPECT_EQ(fit_bytes(s, 3), std::string(kEllipsis));
  EXPECT_EQ(fit_bytes("x" + kEmoji + "yz", 6), "x" + std::string(kEllipsis));
  EXPECT_LE(fit_bytes(std::string(50, 'a') + kEmoji, 20).size(), 20u);
}

TEST(Utf8Text, Trim) {
  EXPECT_EQ(trim(" \t a b \r\n", kSpaceTabNewline, IdeographicSpace::kept), "a b");
  EXPECT_EQ(trim(kIdeo + " 你好" + kIdeo, kSpaceTabNewline, IdeographicSpace::trimmed), "你好");
  EXPECT_EQ(trim(kIdeo + "x", kSpaceTabNewline, IdeographicSpace::kept), kIdeo + "x");
  EXPECT_EQ(trim("\v\fx\f", kSpaceTabNewline, IdeographicSpace::trimmed), "\v\fx\f");
  EXPECT_EQ(trim("\v\fx\f", kAsciiWhitespace, IdeographicSpace::trimmed), "x");
  EXPECT_EQ(trim(" " + kIdeo + " ", kSpaceTabNewline, IdeographicSpace::trimmed), "");
  EXPECT_EQ(trim("", kAsciiWhitespace, IdeographicSpace::trimmed), "");
  // Half an ideographic space is no space.
  EXPECT_EQ(trim("\xE3\x80", kSpaceTabNewline, IdeographicSpace::trimmed), "\xE3\x80");
}

TEST(Utf8Text, PercentEncode) {
  EXPECT_EQ(percent_encode("aZ09-_.~"), "aZ09-_.~");
  EXPECT_EQ(percent_encode("a b/+&="), "a%20b%2F%2B%26%3D");
  EXPECT_EQ(percent_encode(kHan), "%E4%BD%A0");
  EXPECT_EQ(percent_encode(std::string(1, '\0')), "%00");
}

}  // namespace
}  // namespace linli
