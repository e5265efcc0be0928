// What people type: the command parser, the vocabulary's parsers and the time-window parser,
// all on the same text, as any message may reach any of them depending on the dialog's state.

#include <exception>
#include <string>

#include "dialogs/command_parser.hpp"
#include "dialogs/time_text.hpp"
#include "dialogs/vocabulary.hpp"
#include "tests/fuzz/checks.hpp"
#include "tests/fuzz/harnesses.hpp"

namespace linli::fuzz {
namespace {

constexpr std::string_view kBot = "linli_bot";
// 2025-12-31 23:30 in +08:00: "明天" is next year, and "1-05" must be read as January 2026.
constexpr std::int64_t kNow = 1'767'195'000'000;
constexpr std::int64_t kDayMs = 24 * 3600 * 1000;

bool is_trim_space_at_end(std::string_view s) {
  constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";
  if (s.empty()) return false;
  auto ascii = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  return ascii(s.front()) || ascii(s.back()) || s.substr(0, 3) == kIdeographicSpace ||
         (s.size() >= 3 && s.substr(s.size() - 3) == kIdeographicSpace);
}

void check_trim(std::string_view text) {
  std::string t = trim(text);
  LINLI_FUZZ_CHECK(!is_trim_space_at_end(t));
  LINLI_FUZZ_CHECK(text.find(t) != std::string_view::npos);
  LINLI_FUZZ_CHECK(trim(t) == t);
}

void check_parsed(const ParsedCommand& p) {
  switch (p.kind) {
    case ParseKind::none:
      LINLI_FUZZ_CHECK(p.typed.empty() && p.args.empty());
      break;
    case ParseKind::ours:
    case ParseKind::unknown:
      LINLI_FUZZ_CHECK(!p.typed.empty());
      LINLI_FUZZ_CHECK(trim(p.args) == p.args);
      LINLI_FUZZ_CHECK(!p.slash || p.typed.front() == '/');
      break;
    case ParseKind::other_bot:
      LINLI_FUZZ_CHECK(p.typed.size() > 1 && p.typed.front() == '/' && p.args.empty());
      break;
  }
  LINLI_FUZZ_CHECK(p.kind != ParseKind::unknown || p.slash);
}

void check_commands(std::string_view text) {
  ParsedCommand p = parse_command(text, kBot);
  check_parsed(p);
  // What was read reads back the same once written out plainly: the command, a space, its
  // arguments.
  if (p.kind == ParseKind::ours || p.kind == ParseKind::unknown) {
    ParsedCommand again = parse_command(p.typed + " " + p.args, kBot);
    LINLI_FUZZ_CHECK(again.kind == p.kind);
    LINLI_FUZZ_CHECK(again.command == p.command);
    LINLI_FUZZ_CHECK(again.args == p.args);
  }
  check_parsed(parse_command(text, ""));

  ParsedCommand n = command_from_name(text, text);
  LINLI_FUZZ_CHECK(n.kind == ParseKind::ours || n.kind == ParseKind::unknown);
  LINLI_FUZZ_CHECK(n.slash && n.typed == "/" + std::string(text));
  LINLI_FUZZ_CHECK(n.args == trim(text));

  if (auto number = parse_ticket_number(text)) {
    LINLI_FUZZ_CHECK(*number >= 1 && *number < 1'000'000'000'000'000);
  }
}

void check_vocabulary(std::string_view text) {
  check_trim(text);
  std::uint32_t skills = parse_skill_list(text);
  LINLI_FUZZ_CHECK(skills < (1u << linli::skills().size()));
  for (Lang l : {Lang::zh, Lang::en}) {
    LINLI_FUZZ_CHECK(skill_list_names(skills, l).empty() == (skills == 0));
  }
  if (auto s = parse_skill(text)) LINLI_FUZZ_CHECK(static_cast<std::size_t>(*s) < 8);
  if (const TeamInfo* team = parse_team(text)) LINLI_FUZZ_CHECK(!team->code.empty());

  std::string building = normalize_building(text);
  if (!building.empty()) {
    LINLI_FUZZ_CHECK(utf8_length(building) <= 12);
    LINLI_FUZZ_CHECK(building.find_first_of(" \n/") == std::string::npos);
  }
  std::string leading = leading_building(text);
  LINLI_FUZZ_CHECK(leading.find_first_not_of("0123456789") == std::string::npos);

  // No phone number survives: at most six digits in a row, whether only phone numbers or
  // addresses too are masked. Promised for UTF-8, which is what texts are (they come out of
  // JSON strings); other bytes must only not crash it.
  for (const std::string& masked : {mask_phone_numbers(text), mask_for_group(text)}) {
    if (!is_valid_utf8(text)) continue;
    std::size_t run = 0;
    for (char c : masked) {
      run = c >= '0' && c <= '9' ? run + 1 : 0;
      LINLI_FUZZ_CHECK(run < 7);
    }
  }

  YesNo yn = parse_yes_no(text);
  LINLI_FUZZ_CHECK(yn == YesNo::yes || yn == YesNo::no || yn == YesNo::neither);
  ReplyWord w = parse_reply_word(text);
  LINLI_FUZZ_CHECK(w == ReplyWord::none || w == ReplyWord::take || w == ReplyWord::join ||
                   w == ReplyWord::decline || w == ReplyWord::withdraw);
  lang_from_code(text, Lang::zh);
}

void check_time(std::string_view text) {
  for (int offset : {480, 0, -300}) {
    auto w = parse_time_window(text, kNow, offset);
    if (!w) continue;
    LINLI_FUZZ_CHECK(w->starts_at < w->ends_at);
    LINLI_FUZZ_CHECK(w->ends_at - w->starts_at <= kDayMs);
    LINLI_FUZZ_CHECK(w->ends_at > kNow);
    for (Lang l : {Lang::zh, Lang::en})
      LINLI_FUZZ_CHECK(!format_time_window(*w, offset, l).empty());
  }
}

}  // namespace

int fuzz_command_parser(const std::uint8_t* data, std::size_t size) {
  try {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    check_commands(text);
    check_vocabulary(text);
    check_time(text);
  } catch (const std::exception& e) {
    violated("exception escaped:", e.what(), __FILE__, __LINE__);
  }
  return 0;
}

}  // namespace linli::fuzz
