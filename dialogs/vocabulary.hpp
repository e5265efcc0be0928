#pragma once
// The words Linli understands in both languages: skills (which are also help categories, so a
// request is served by the volunteers with that skill), languages, yes/no and reply keywords.

#include <charconv>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace linli {

enum class Lang { zh, en };

Lang lang_from_code(std::string_view code, Lang fallback);  // "zh-hans" → zh, "en-GB" → en
std::string_view lang_code(Lang l);

enum class Skill : std::uint8_t {
  repair,        // 维修
  medical,       // 医护
  driving,       // 驾驶
  counselling,   // 心理
  shopping,      // 代购配送
  tutoring,      // 辅导
  disinfection,  // 消杀
  other,         // 其他
};

struct SkillInfo {
  Skill skill;
  std::string_view code;  // stored in the database and used in the config
  std::string_view zh;
  std::string_view en;
};

std::span<const SkillInfo> skills();
const SkillInfo& info(Skill s);
std::string_view skill_name(Skill s, Lang l);
std::optional<Skill> skill_from_code(std::string_view code);
constexpr std::uint32_t bit(Skill s) {
  return 1u << static_cast<unsigned>(s);
}

// One skill from a word: its number in the list ("1"), its code, or its name in either language.
std::optional<Skill> parse_skill(std::string_view word);
// Several skills separated by spaces, commas or 、: "1 5", "维修、代购配送", "repair, driving".
// Returns 0 when any word is not a skill.
std::uint32_t parse_skill_list(std::string_view text);
std::string skill_list_names(std::uint32_t mask, Lang l);  // "维修、驾驶" / "repair, driving"
std::string numbered_skill_menu(Lang l);                   // "1 维修\n2 医护\n…"

// The teams of the five-step method's first step. A coordinator may also name a team of their own.
struct TeamInfo {
  std::string_view code;
  std::string_view zh;
  std::string_view en;
};
std::span<const TeamInfo> teams();
// A team by its number in the list, code or name; nullptr when the words name none.
const TeamInfo* parse_team(std::string_view text);
// The name to show for a stored team: a known code in the language, or the team's own name.
std::string team_name(std::string_view stored, Lang l);
// What a post keeps for a team a coordinator typed: a known team's code, or a name of their own
// (2–20 characters, not a number or a command); nullopt when the words can be neither.
std::optional<std::string> team_to_store(std::string_view text);
std::string numbered_team_menu(Lang l);

enum class YesNo { yes, no, neither };
YesNo parse_yes_no(std::string_view text);

// What a reply to one of our messages says, whatever message it answers.
enum class ReplyWord { none, take, join, decline, withdraw };
ReplyWord parse_reply_word(std::string_view text);

// Text helpers that know UTF-8 and Chinese punctuation.
std::string trim(std::string_view s);
std::size_t utf8_length(std::string_view s);
std::string lower_ascii(std::string_view s);
// Replaces runs of 7 or more digits (phone numbers) with "***".
std::string mask_phone_numbers(std::string_view s);
// The last `n` digits of a text, read as characters (ASCII or full-width ０–９, as ASCII):
// "138 0013 ８０００" → "8000"; "" when it holds fewer.
std::string last_digits(std::string_view s, std::size_t n);
// Whether a text is nothing but digits (ASCII or full-width), and at least one.
bool all_digit_chars(std::string_view s);
// Replaces addresses with "***": unit, floor and room ("31栋2单元501" → "31栋***", "501室"),
// house numbers on a road ("解放碑路88号" → "解放碑路***"), "31-2-501", and in English "Room 501",
// "Unit 2", "No. 88", "12 Baker St.". A building alone stays ("31栋"): the card shows it anyway.
std::string mask_addresses(std::string_view s);
// What free text may show in a group (DESIGN.md §6): neither phone numbers nor addresses.
std::string mask_for_group(std::string_view s);

// The whole of `s` as a decimal number in [lo, hi]; nullopt for anything else (letters, spaces,
// a number too big for T). Never throws, unlike std::stoi: what people type and what the
// database holds is checked, not trusted, so a bad value cannot fail an event for ever.
template <typename T>
std::optional<T> parse_number(std::string_view s, T lo, T hi) {
  T v{};
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < lo || v > hi) return std::nullopt;
  return v;
}

}  // namespace linli

namespace linli {
// A building as people write it: "31", "31栋", "31号楼", "Building 31", "#31" → "31".
// Names that are not numbers ("A座") are kept as typed. Empty when it cannot be a building.
std::string normalize_building(std::string_view text);
// The building at the start of an address: "31栋2单元501" → "31", "31-2-501" → "31".
std::string leading_building(std::string_view address);
// The number of a building named by a number (up to 6 ASCII digits), which says how near two
// buildings are; nullopt for a name ("A座") or nothing.
std::optional<int> building_number(std::string_view building);
}  // namespace linli
