#include "dialogs/vocabulary.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace linli {
namespace {

constexpr std::array<SkillInfo, 8> kSkills = {{
    {Skill::repair, "repair", "维修", "repair"},
    {Skill::medical, "medical", "医护", "medical"},
    {Skill::driving, "driving", "驾驶", "driving"},
    {Skill::counselling, "counselling", "心理", "counselling"},
    {Skill::shopping, "shopping", "代购配送", "shopping and delivery"},
    {Skill::tutoring, "tutoring", "辅导", "tutoring"},
    {Skill::disinfection, "disinfection", "消杀", "disinfection"},
    {Skill::other, "other", "其他", "other"},
}};

// Other words people use for the same skill.
struct Alias {
  std::string_view word;
  Skill skill;
};
constexpr std::array<Alias, 22> kAliases = {{
    {"修理", Skill::repair},
    {"水电", Skill::repair},
    {"fix", Skill::repair},
    {"医疗", Skill::medical},
    {"看病", Skill::medical},
    {"medicine", Skill::medical},
    {"开车", Skill::driving},
    {"司机", Skill::driving},
    {"drive", Skill::driving},
    {"心理咨询", Skill::counselling},
    {"counseling", Skill::counselling},
    {"代购", Skill::shopping},
    {"配送", Skill::shopping},
    {"买菜", Skill::shopping},
    {"delivery", Skill::shopping},
    {"shopping", Skill::shopping},
    {"辅导功课", Skill::tutoring},
    {"tutor", Skill::tutoring},
    {"消毒", Skill::disinfection},
    {"disinfect", Skill::disinfection},
    {"其它", Skill::other},
    {"others", Skill::other},
}};

constexpr std::array<TeamInfo, 8> kTeams = {{
    {"publicity", "政策宣传", "policy publicity"},
    {"testing", "核酸检测协助", "testing assistance"},
    {"disinfection", "消杀", "disinfection"},
    {"delivery", "物资配送", "supply delivery"},
    {"civility", "文明劝导", "civility persuasion"},
    {"care", "关爱特殊群体", "care for vulnerable residents"},
    {"counselling", "心理疏导", "psychological counselling"},
    {"environment", "环境整治", "environment upkeep"},
}};

bool is_space_byte(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Separators people type between list items, including the full-width ones of Chinese IMEs.
constexpr std::array<std::string_view, 8> kSeparators = {" ", ",",  "，", "、",
                                                         ";", "；", "\n", "/"};

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  std::size_t i = 0;
  while (i < text.size()) {
    bool sep = false;
    for (auto s : kSeparators) {
      if (text.substr(i, s.size()) == s) {
        if (!cur.empty()) out.push_back(std::move(cur));
        cur.clear();
        i += s.size();
        sep = true;
        break;
      }
    }
    if (!sep) cur += text[i++];
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

}  // namespace

Lang lang_from_code(std::string_view code, Lang fallback) {
  std::string c = lower_ascii(code);
  if (c.rfind("zh", 0) == 0) return Lang::zh;
  if (c.empty()) return fallback;
  return Lang::en;  // only zh and en exist; other speakers read English more often
}

std::string_view lang_code(Lang l) {
  return l == Lang::zh ? "zh" : "en";
}

std::span<const SkillInfo> skills() {
  return kSkills;
}
const SkillInfo& info(Skill s) {
  return kSkills[static_cast<std::size_t>(s)];
}
std::string_view skill_name(Skill s, Lang l) {
  return l == Lang::zh ? info(s).zh : info(s).en;
}

std::optional<Skill> skill_from_code(std::string_view code) {
  for (const auto& s : kSkills) {
    if (s.code == code) return s.skill;
  }
  return std::nullopt;
}

std::optional<Skill> parse_skill(std::string_view word) {
  std::string w = lower_ascii(trim(word));
  if (w.empty()) return std::nullopt;
  if (w.size() <= 2 &&
      std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    auto n = parse_number<std::size_t>(w, 1, kSkills.size());
    if (n) return kSkills[*n - 1].skill;
    return std::nullopt;
  }
  for (const auto& s : kSkills) {
    if (w == s.code || w == s.zh || w == s.en) return s.skill;
  }
  for (const auto& a : kAliases) {
    if (w == a.word) return a.skill;
  }
  return std::nullopt;
}

std::uint32_t parse_skill_list(std::string_view text) {
  std::string t = lower_ascii(trim(text));
  // "shopping and delivery" is one skill with spaces in its name.
  for (const auto& s : kSkills) {
    if (t == s.en) return bit(s.skill);
  }
  std::uint32_t mask = 0;
  auto words = split_words(t);
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (words[i] == "and" || words[i] == "和") continue;
    auto skill = parse_skill(words[i]);
    if (!skill) return 0;
    mask |= bit(*skill);
  }
  return mask;
}

std::string skill_list_names(std::uint32_t mask, Lang l) {
  std::string out;
  for (const auto& s : kSkills) {
    if (!(mask & bit(s.skill))) continue;
    if (!out.empty()) out += l == Lang::zh ? "、" : ", ";
    out += l == Lang::zh ? s.zh : s.en;
  }
  return out;
}

std::span<const TeamInfo> teams() {
  return kTeams;
}

const TeamInfo* parse_team(std::string_view text) {
  std::string t = lower_ascii(trim(text));
  if (t.size() == 1 && t[0] >= '1' && t[0] <= '8') return &kTeams[t[0] - '1'];
  for (const auto& team : kTeams) {
    if (t == team.code || t == team.zh || t == team.en) return &team;
  }
  return nullptr;
}

std::string team_name(std::string_view stored, Lang l) {
  for (const auto& team : kTeams) {
    if (stored == team.code) return std::string(l == Lang::zh ? team.zh : team.en);
  }
  return std::string(stored);
}

std::optional<std::string> team_to_store(std::string_view text) {
  if (const TeamInfo* t = parse_team(text)) return std::string(t->code);
  std::string name = trim(text);
  auto n = utf8_length(name);
  if (n < 2 || n > 20 || name[0] == '/' || std::isdigit(static_cast<unsigned char>(name[0])))
    return std::nullopt;
  return name;
}

std::string numbered_team_menu(Lang l) {
  std::string out;
  for (std::size_t i = 0; i < kTeams.size(); ++i) {
    if (i) out += '\n';
    out += std::to_string(i + 1) + " " + std::string(l == Lang::zh ? kTeams[i].zh : kTeams[i].en);
  }
  return out;
}

std::string numbered_skill_menu(Lang l) {
  std::string out;
  for (std::size_t i = 0; i < kSkills.size(); ++i) {
    if (i) out += '\n';
    out += std::to_string(i + 1) + " " + std::string(skill_name(kSkills[i].skill, l));
  }
  return out;
}

namespace {
// A reply word, possibly followed by punctuation or an emoji: "好的！", "ok 👍".
bool starts_with_word(const std::string& t, std::string_view w) {
  if (t.rfind(w, 0) != 0) return false;
  if (t.size() == w.size()) return true;
  unsigned char next = static_cast<unsigned char>(t[w.size()]);
  // ASCII words must end at a non-letter; CJK words may be followed by anything short.
  bool ascii_word = static_cast<unsigned char>(w[0]) < 0x80;
  if (ascii_word) return !std::isalnum(next);
  return utf8_length(t) <= utf8_length(w) + 4;
}
}  // namespace

YesNo parse_yes_no(std::string_view text) {
  std::string t = lower_ascii(trim(text));
  for (std::string_view w :
       {"是", "对", "好", "好的", "确认", "提交", "yes", "y", "ok", "confirm", "1"}) {
    if (t == w || (w.size() > 1 && starts_with_word(t, w) && w != "1")) return YesNo::yes;
  }
  for (std::string_view w : {"否", "不", "不是", "不对", "no", "n", "2"}) {
    if (t == w || (w.size() > 1 && starts_with_word(t, w) && w != "2")) return YesNo::no;
  }
  return YesNo::neither;
}

ReplyWord parse_reply_word(std::string_view text) {
  std::string t = lower_ascii(trim(text));
  for (std::string_view w : {"接单", "收到", "确认", "ok", "okay", "好", "好的", "take", "yes"}) {
    if (starts_with_word(t, w)) return ReplyWord::take;
  }
  for (std::string_view w : {"+1", "报名", "join"}) {
    if (starts_with_word(t, w)) return ReplyWord::join;
  }
  if (t == "1") return ReplyWord::join;
  for (std::string_view w : {"不行", "拒绝", "no", "decline", "没空"}) {
    if (starts_with_word(t, w)) return ReplyWord::decline;
  }
  for (std::string_view w : {"退出", "quit", "withdraw"}) {
    if (starts_with_word(t, w)) return ReplyWord::withdraw;
  }
  return ReplyWord::none;
}

std::string trim(std::string_view s) {
  // ASCII whitespace and the ideographic space U+3000 (E3 80 80).
  auto is_ws_at = [&](std::size_t i) -> std::size_t {
    if (is_space_byte(static_cast<unsigned char>(s[i]))) return 1;
    if (s.substr(i, 3) == "\xE3\x80\x80") return 3;
    return 0;
  };
  std::size_t b = 0;
  while (b < s.size()) {
    std::size_t n = is_ws_at(b);
    if (!n) break;
    b += n;
  }
  std::size_t e = s.size();
  while (e > b) {
    if (is_space_byte(static_cast<unsigned char>(s[e - 1]))) {
      --e;
    } else if (e - b >= 3 && s.substr(e - 3, 3) == "\xE3\x80\x80") {
      e -= 3;
    } else {
      break;
    }
  }
  return std::string(s.substr(b, e - b));
}

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string mask_phone_numbers(std::string_view s) {
  // Reads the text as characters: ASCII digits and the full-width ones of Chinese keyboards
  // (０–９) count as digits; the separators people put inside phone numbers (space, -, －, .,
  // brackets, +) may stand between them.
  struct Char {
    std::size_t at, len;
    bool digit, sep;
  };
  std::vector<Char> chars;
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;  // a stray byte is one
    len = std::min(len, s.size() - i);
    for (std::size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) len = k;  // cut short: stop there
    }
    std::string_view ch = s.substr(i, len);
    bool full_digit = len == 3 && ch[0] == '\xEF' && ch[1] == '\xBC' &&
                      static_cast<unsigned char>(ch[2]) >= 0x90 &&
                      static_cast<unsigned char>(ch[2]) <= 0x99;
    bool digit = (len == 1 && std::isdigit(c)) || full_digit;
    bool sep =
        (len == 1 && (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '+')) ||
        ch == "\xEF\xBC\x8D" /* － */ || ch == "\xEF\xBC\x88" /* （ */ ||
        ch == "\xEF\xBC\x89" /* ） */;
    chars.push_back({i, len, digit, sep});
    i += len;
  }
  std::string out;
  std::size_t i = 0;
  while (i < chars.size()) {
    if (!chars[i].digit &&
        !(chars[i].sep && i + 1 < chars.size() && chars[i + 1].digit &&
          (s[chars[i].at] == '+' || s[chars[i].at] == '(' || chars[i].len == 3))) {
      out.append(s.substr(chars[i].at, chars[i].len));
      ++i;
      continue;
    }
    // A run of digits with single separators between them (and an opening + or bracket).
    std::size_t j = i, digits = 0;
    while (j < chars.size() && (chars[j].digit || (chars[j].sep && j + 1 < chars.size() &&
                                                   (chars[j + 1].digit || chars[j + 1].sep)))) {
      digits += chars[j].digit;
      ++j;
    }
    while (j > i && !chars[j - 1].digit) --j;  // trailing separators are not part of it
    if (digits >= 7) {
      out += "***";
    } else {
      for (std::size_t k = i; k < j; ++k) out.append(s.substr(chars[k].at, chars[k].len));
    }
    if (j == i) {  // a lone separator
      out.append(s.substr(chars[i].at, chars[i].len));
      j = i + 1;
    }
    i = j;
  }
  return out;
}

}  // namespace linli

namespace linli {

std::string normalize_building(std::string_view text) {
  std::string t = trim(text);
  std::string lower = lower_ascii(t);
  for (std::string_view p : {"building", "bldg.", "bldg", "#", "＃", "第"}) {
    if (lower.rfind(p, 0) == 0) {
      t = trim(std::string_view(t).substr(p.size()));
      lower = lower_ascii(t);
      break;
    }
  }
  for (std::string_view s : {"号楼", "栋", "幢", "楼", "号"}) {
    if (t.size() > s.size() && t.compare(t.size() - s.size(), s.size(), s) == 0) {
      t = trim(std::string_view(t).substr(0, t.size() - s.size()));
      break;
    }
  }
  if (t.empty() || utf8_length(t) > 12) return {};
  for (char c : t) {
    if (c == ' ' || c == '\n' || c == '/') return {};
  }
  return t;
}

std::string leading_building(std::string_view address) {
  std::string t = trim(address);
  std::size_t i = 0;
  std::string lower = lower_ascii(t);
  for (std::string_view p : {"building", "bldg.", "bldg", "#", "第"}) {
    if (lower.rfind(p, 0) == 0) {
      i = p.size();
      while (i < t.size() && t[i] == ' ') ++i;
      break;
    }
  }
  std::size_t start = i;
  while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i;
  if (i == start) return {};
  std::string_view rest = std::string_view(t).substr(i);
  // The number must be marked as a building, or followed by a separator ("31-2-501").
  for (std::string_view s : {"号楼", "栋", "幢", "-", " ", ",", "，", "#"}) {
    if (rest.rfind(s, 0) == 0) return t.substr(start, i - start);
  }
  return {};
}

}  // namespace linli
