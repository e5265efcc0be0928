#include "dialogs/command_parser.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <vector>

#include "dialogs/vocabulary.hpp"

namespace linli {
namespace {

struct Name {
  std::string_view word;
  Command command;
};

constexpr std::array<Name, 43> kSlashNames = {{
    {"start", Command::start},      {"menu", Command::menu},         {"join", Command::join},
    {"help", Command::help},        {"mine", Command::mine},         {"cancel", Command::cancel},
    {"back", Command::back},        {"lang", Command::lang},         {"language", Command::lang},
    {"done", Command::done},        {"approve", Command::approve},   {"reject", Command::reject},
    {"signup", Command::join},      {"my", Command::mine},           {"post", Command::post},
    {"recruit", Command::recruit},  {"quit", Command::quit},         {"assign", Command::assign},
    {"checkin", Command::checkin},  {"checkout", Command::checkout}, {"hours", Command::hours},
    {"stats", Command::stats},      {"withdraw", Command::quit},     {"team", Command::team},
    {"teams", Command::team},       {"take", Command::take},         {"enlist", Command::enlist},
    {"roster", Command::roster},    {"report", Command::report},     {"commend", Command::commend},
    {"cert", Command::cert},        {"certificate", Command::cert},  {"verify", Command::verify},
    {"train", Command::train},      {"stock", Command::stock},       {"issue", Command::issue},
    {"risk", Command::risk},        {"supply", Command::supply},     {"vehicle", Command::vehicle},
    {"vehicles", Command::vehicle}, {"trip", Command::trip},         {"fleet", Command::fleet},
}};

struct Keyword {
  std::string_view word;
  Command command;
  bool takes_args;  // "求助 水管漏了" yes; "取消了吗" is not "取消"
  // Only followed by a number ("接单 #12", "take 12"): alone, or before other words, these are
  // reply words (dialogs/vocabulary.hpp) or neighbours talking, not commands.
  bool needs_number = false;
  // Alone, or followed by a space: "风险 31栋 高" is a command, "风险很大，大家小心" and
  // "验证码收不到" are neighbours talking, which a refusal or a usage text in the group would
  // interrupt. The words of step 3 and step 5 are ordinary words that start ordinary sentences.
  bool separate = false;
};

// Longer words first: "报名志愿者" before anything that is its prefix. "取消 #3" and "撤销 #3"
// cancel request 3; alone they leave the dialog.
constexpr std::array<Keyword, 42> kKeywords = {{
    {"报名志愿者", Command::join, false},
    {"菜单", Command::menu, false},
    {"帮助", Command::menu, false},
    {"求助", Command::help, true},
    {"我的", Command::mine, false},
    {"取消", Command::cancel, false},
    {"返回", Command::back, false},
    {"上一步", Command::back, false},
    {"完成", Command::done, true},
    {"通过", Command::approve, true},
    {"拒绝", Command::reject, true},
    {"语言", Command::lang, true},
    {"设岗", Command::post, true},
    {"招募", Command::recruit, true},
    {"退出", Command::quit, true},
    {"派单", Command::assign, true},
    {"签到", Command::checkin, false},
    {"签退", Command::checkout, false},
    {"时长", Command::hours, true, false, true},
    {"统计", Command::stats, false},
    {"队伍", Command::team, true},
    {"接单", Command::take, true, true},
    {"报名", Command::enlist, true, true},
    {"take", Command::take, true, true},
    {"join", Command::enlist, true, true},
    {"名单", Command::roster, true},
    {"取消", Command::cancel, true, true},
    {"撤销", Command::cancel, true, true},
    {"撤销", Command::cancel, false},
    {"报告", Command::report, true, false, true},
    {"表彰", Command::commend, true, false, true},
    {"更正", Command::hours_fix, true, false, true},
    {"证明", Command::cert, true, false, true},
    {"验证", Command::verify, true, false, true},
    {"培训", Command::train, true, false, true},
    {"库存", Command::stock, true, false, true},
    {"发放", Command::issue, true, false, true},
    {"风险", Command::risk, true, false, true},
    {"保障", Command::supply, true, false, true},
    {"车辆", Command::vehicle, true, false, true},
    {"派车", Command::trip, true, false, true},
    {"车队", Command::fleet, false},
}};

// A text without the punctuation people add at its end: "取消！" → "取消", "了?" → "了".
std::string without_end_punctuation(std::string_view s) {
  std::string t = trim(s);
  for (std::string_view p : {"!", "！", "?", "？", ".", "。", "~", "～"}) {
    while (t.size() >= p.size() && t.compare(t.size() - p.size(), p.size(), p) == 0) {
      t.resize(t.size() - p.size());
    }
  }
  return t;
}

// Trailing punctuation people add to a bare keyword: "取消！", "菜单?"
bool only_punctuation(std::string_view s) {
  return without_end_punctuation(s).empty();
}

// A space, a tab, a line break or the ideographic space U+3000 of Chinese keyboards.
bool starts_with_space(std::string_view s) {
  return (!s.empty() && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r')) ||
         s.rfind("\xE3\x80\x80", 0) == 0;
}

// The digits of "#12", "＃12" or "12" at the start of `v` (0: no number), and what follows them
// in `rest`.
std::size_t leading_number(std::string_view v, std::string_view& rest) {
  if (!v.empty() && v[0] == '#') {
    v.remove_prefix(1);
  } else if (v.rfind("\xEF\xBC\x83", 0) == 0) {  // ＃ FULLWIDTH NUMBER SIGN
    v.remove_prefix(3);
  }
  std::size_t digits = 0;
  while (digits < v.size() && std::isdigit(static_cast<unsigned char>(v[digits]))) ++digits;
  rest = v.substr(digits);
  return digits;
}

// Nothing but a number, as "#12", "＃12" or "12", and perhaps punctuation after it: "take 5
// minutes" is not a command about ticket 5.
bool only_number(std::string_view s) {
  std::string t = trim(s);
  std::string_view rest;
  std::size_t digits = leading_number(t, rest);
  return digits > 0 && digits <= 15 && only_punctuation(rest);
}

// Edits between two short ASCII words, a swap of neighbours counting as one (optimal string
// alignment distance).
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

std::optional<std::string> closest_command(std::string_view typed) {
  std::string name = lower_ascii(typed);
  if (!name.empty() && name[0] == '/') name.erase(0, 1);
  if (name.empty() || name.size() > 20) return std::nullopt;
  std::optional<std::string> best;
  std::size_t best_distance = name.size() <= 4 ? 1 : 2;
  for (const auto& n : kSlashNames) {
    std::size_t d = edit_distance(name, n.word);
    if (d != 0 && d <= best_distance && (!best || d < best_distance)) {
      best = "/" + std::string(n.word);
      best_distance = d;
    }
  }
  return best;
}

ParsedCommand command_from_name(std::string_view name, std::string_view args) {
  ParsedCommand p;
  p.slash = true;
  p.typed = "/" + std::string(name);
  p.args = trim(args);
  std::string lower = lower_ascii(name);
  for (const auto& n : kSlashNames) {
    if (n.word == lower) {
      p.kind = ParseKind::ours;
      p.command = n.command;
      return p;
    }
  }
  p.kind = ParseKind::unknown;
  return p;
}

ParsedCommand parse_command(std::string_view raw, std::string_view bot_username) {
  std::string text = trim(raw);
  std::string_view t = text;
  bool slash = false;
  if (!t.empty() && t[0] == '/') {
    t.remove_prefix(1);
    slash = true;
  } else if (t.rfind("\xEF\xBC\x8F", 0) == 0) {  // ／ FULLWIDTH SOLIDUS
    t.remove_prefix(3);
    slash = true;
  }
  if (slash) {
    std::size_t n = 0;
    while (n < t.size() && (std::isalnum(static_cast<unsigned char>(t[n])) || t[n] == '_')) ++n;
    if (n == 0) return {};
    std::string_view name = t.substr(0, n);
    std::string_view rest = t.substr(n);
    if (!rest.empty() && rest[0] == '@') {
      std::size_t m = 1;
      while (m < rest.size() &&
             (std::isalnum(static_cast<unsigned char>(rest[m])) || rest[m] == '_'))
        ++m;
      std::string_view target = rest.substr(1, m - 1);
      if (!bot_username.empty() && lower_ascii(target) != lower_ascii(bot_username)) {
        ParsedCommand p;
        p.kind = ParseKind::other_bot;
        p.typed = "/" + std::string(name);
        return p;
      }
      rest = rest.substr(m);
    }
    // "/help水管漏了" is not a command named "help水管漏了": the name ends at the first
    // non-word byte, and what follows is its argument.
    return command_from_name(name, rest);
  }
  const std::string lower = lower_ascii(t);
  for (const auto& k : kKeywords) {
    if (lower.rfind(k.word, 0) != 0) continue;
    std::string_view rest = t.substr(k.word.size());
    if (!k.takes_args && !only_punctuation(rest)) continue;
    if (k.needs_number && !only_number(rest)) continue;
    if (k.separate && !only_punctuation(rest) && !starts_with_space(rest)) continue;
    ParsedCommand p;
    p.kind = ParseKind::ours;
    p.command = k.command;
    p.typed = std::string(k.word);
    p.args = k.takes_args ? trim(rest) : std::string();
    return p;
  }
  return {};
}

std::vector<CommandNames> all_commands() {
  std::vector<CommandNames> out;
  auto add = [&](Command c, std::string name) {
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& n) { return n.command == c; });
    if (it == out.end()) it = out.insert(out.end(), CommandNames{c, {}});
    if (std::find(it->names.begin(), it->names.end(), name) == it->names.end()) {
      it->names.push_back(std::move(name));
    }
  };
  for (const auto& n : kSlashNames) add(n.command, "/" + std::string(n.word));
  for (const auto& k : kKeywords) add(k.command, std::string(k.word));
  return out;
}

std::optional<std::int64_t> parse_ticket_number(std::string_view args) {
  std::string t = trim(args);
  std::string_view v = t;
  if (!v.empty() && v[0] == '#') {
    v.remove_prefix(1);
  } else if (v.rfind("\xEF\xBC\x83", 0) == 0) {  // ＃ FULLWIDTH NUMBER SIGN
    v.remove_prefix(3);
  } else if (v.rfind("No.", 0) == 0 || v.rfind("no.", 0) == 0) {
    v.remove_prefix(3);
  }
  while (!v.empty() && v[0] == ' ') v.remove_prefix(1);
  std::int64_t n = 0;
  std::size_t digits = 0;
  while (digits < v.size() && std::isdigit(static_cast<unsigned char>(v[digits])) && digits < 15) {
    n = n * 10 + (v[digits] - '0');
    ++digits;
  }
  if (digits == 0 || n == 0) return std::nullopt;
  return n;
}

namespace {

// Only spaces, punctuation, symbols and emoji, as people add after a number ("#1 ✅", "3！👍"):
// no letter, digit or ideograph that would make it a sentence ("1个了", "3 times").
bool no_letters(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::uint32_t cp = 0;
    std::size_t n = b < 0x80           ? 1
                    : (b >> 5) == 0x6  ? 2
                    : (b >> 4) == 0xE  ? 3
                    : (b >> 3) == 0x1E ? 4
                                       : 0;
    if (n == 0 || i + n > s.size()) return false;
    cp = n == 1 ? b : b & (0x7F >> n);
    for (std::size_t k = 1; k < n; ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    i += n;
    if (cp < 0x80) {
      if (std::isalnum(static_cast<int>(cp))) return false;
      continue;
    }
    const bool symbol = (cp >= 0x2000 && cp <= 0x2BFF) ||  // punctuation, arrows, dingbats
                        (cp >= 0x3000 && cp <= 0x303F) ||  // CJK punctuation
                        (cp >= 0xFE00 && cp <= 0xFE0F) ||  // variation selectors
                        (cp >= 0xFF01 && cp <= 0xFF0F) ||  // full-width ！＂＃…／
                        (cp >= 0xFF1A && cp <= 0xFF20) ||  // full-width ：；＜＝＞？＠
                        (cp >= 0x1F000 && cp <= 0x1FAFF);  // emoji
    if (!symbol) return false;
  }
  return true;
}

}  // namespace

std::optional<std::int64_t> number_alone(std::string_view args) {
  std::string t = trim(args);
  std::string_view v = t;
  if (v.rfind("No.", 0) == 0 || v.rfind("no.", 0) == 0) v.remove_prefix(3);
  std::string_view rest;
  std::size_t digits = leading_number(v, rest);
  if (digits == 0 || digits > 15 || !no_letters(rest)) return std::nullopt;
  return parse_ticket_number(v);
}

bool no_words(std::string_view args) {
  return only_punctuation(args);
}

bool filler_only(std::string_view args) {
  const std::string t = trim(without_end_punctuation(args));
  for (std::string_view w : {"了", "啦", "咯", "喽", "啰"}) {
    if (t == w) return true;
  }
  return false;
}

}  // namespace linli
