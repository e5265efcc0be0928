#include "dialogs/vocabulary.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
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

namespace {

// One character of UTF-8 text; a stray byte that is not UTF-8 is a character of its own.
struct Utf8Char {
  std::size_t at, len;
  bool digit;  // ASCII 0–9, or the full-width ０–９ of Chinese keyboards
};

std::vector<Utf8Char> utf8_chars(std::string_view s) {
  std::vector<Utf8Char> chars;
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    len = std::min(len, s.size() - i);
    for (std::size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) len = k;  // cut short: stop there
    }
    bool full_digit = len == 3 && s[i] == '\xEF' && s[i + 1] == '\xBC' &&
                      static_cast<unsigned char>(s[i + 2]) >= 0x90 &&
                      static_cast<unsigned char>(s[i + 2]) <= 0x99;
    chars.push_back({i, len, (len == 1 && std::isdigit(c)) || full_digit});
    i += len;
  }
  return chars;
}

}  // namespace

std::string mask_phone_numbers(std::string_view s) {
  // Reads the text as characters: digits, and the separators people put inside phone numbers
  // (space, -, －, ., brackets, +) that may stand between them.
  std::vector<Utf8Char> chars = utf8_chars(s);
  auto sep = [&](std::size_t k) {
    std::string_view ch = s.substr(chars[k].at, chars[k].len);
    return ch == " " || ch == "-" || ch == "." || ch == "(" || ch == ")" || ch == "+" ||
           ch == "\xEF\xBC\x8D" /* － */ || ch == "\xEF\xBC\x88" /* （ */ ||
           ch == "\xEF\xBC\x89" /* ） */;
  };
  std::string out;
  std::size_t i = 0;
  while (i < chars.size()) {
    if (!chars[i].digit &&
        !(sep(i) && i + 1 < chars.size() && chars[i + 1].digit &&
          (s[chars[i].at] == '+' || s[chars[i].at] == '(' || chars[i].len == 3))) {
      out.append(s.substr(chars[i].at, chars[i].len));
      ++i;
      continue;
    }
    // A run of digits with single separators between them (and an opening + or bracket).
    std::size_t j = i, digits = 0;
    while (j < chars.size() && (chars[j].digit || (sep(j) && j + 1 < chars.size() &&
                                                   (chars[j + 1].digit || sep(j + 1))))) {
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

std::string last_digits(std::string_view s, std::size_t n) {
  std::string out;
  auto chars = utf8_chars(s);
  for (auto it = chars.rbegin(); it != chars.rend() && out.size() < n; ++it) {
    if (!it->digit) continue;
    // A full-width digit's last byte is 0x90–0x99: the ASCII digit is 0x30 lower.
    auto last = static_cast<unsigned char>(s[it->at + it->len - 1]);
    out.insert(out.begin(), static_cast<char>(it->len == 1 ? last : last - 0x60));
  }
  return out.size() == n ? out : std::string();
}

bool all_digit_chars(std::string_view s) {
  auto chars = utf8_chars(s);
  return !chars.empty() &&
         std::all_of(chars.begin(), chars.end(), [](const Utf8Char& c) { return c.digit; });
}

namespace {

// What a word after a number says about it in a Chinese address.
enum class Mark { none, building, part, number };

struct Marker {
  std::string_view word;
  Mark mark;
};
// Longest first: 号楼 is a building, 号 alone a house number (or a day of the month).
constexpr std::array<Marker, 10> kMarkers = {{
    {"号楼", Mark::building},
    {"单元", Mark::part},
    {"栋", Mark::building},
    {"幢", Mark::building},
    {"座", Mark::building},
    {"层", Mark::part},
    {"楼", Mark::part},
    {"室", Mark::part},
    {"户", Mark::part},
    {"号", Mark::number},
}};

// The words before a house number: 解放碑路88号.
constexpr std::array<std::string_view, 5> kRoads = {"路", "街", "巷", "道", "弄"};

// English words before a flat's number ("Room 501"); "no." needs its dot ("No. 88").
constexpr std::array<std::string_view, 9> kUnitWords = {
    "room", "rm", "flat", "apt", "apartment", "unit", "suite", "floor", "no."};
// English words after a street's name: the number before the name is a house ("12 Baker St.").
constexpr std::array<std::string_view, 10> kStreetWords = {
    "road", "rd", "street", "st", "lane", "ln", "avenue", "ave", "alley", "drive"};

bool ascii_alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

// Reads addresses in a text as characters. Only the building may stay: it is what the card
// already shows, and it tells volunteers where to go without telling the group whose door.
class AddressMasker {
 public:
  explicit AddressMasker(std::string_view s) : s_(s), chars_(utf8_chars(s)) {}

  std::string run() {
    std::size_t i = 0;
    while (i < chars_.size()) {
      if (std::size_t end = unit_word_at(i)) {
        out_ += "***";
        i = end;
      } else if (chars_[i].digit) {
        i = number_at(i);
      } else {
        copy(i, i + 1);
        ++i;
      }
    }
    return std::move(out_);
  }

 private:
  // Digit groups joined by dashes ("2-501"), and the marker after them ("室", " 室") if any.
  struct Segment {
    std::size_t begin = 0, end = 0;  // characters
    int groups = 0;
    std::size_t first_group_digits = 0;
    long value = 0;  // of the first group, up to 6 digits
    Mark mark = Mark::none;
  };

  std::string_view ch(std::size_t k) const {
    return k < chars_.size() ? s_.substr(chars_[k].at, chars_[k].len) : std::string_view();
  }
  bool digit(std::size_t k) const { return k < chars_.size() && chars_[k].digit; }
  bool dash(std::size_t k) const { return ch(k) == "-" || ch(k) == "\xEF\xBC\x8D"; }
  void copy(std::size_t from, std::size_t to) {
    if (from >= to) return;
    std::size_t end = to < chars_.size() ? chars_[to].at : s_.size();
    out_.append(s_.substr(chars_[from].at, end - chars_[from].at));
  }
  // The marker that starts at character k: its mark and its length in characters.
  std::pair<Mark, std::size_t> marker_at(std::size_t k) const {
    if (k >= chars_.size()) return {Mark::none, 0};
    std::string_view rest = s_.substr(chars_[k].at);
    for (const Marker& m : kMarkers) {
      if (rest.starts_with(m.word)) return {m.mark, utf8_length(m.word)};
    }
    return {Mark::none, 0};
  }

  std::optional<Segment> segment_at(std::size_t k) const {
    Segment seg;
    seg.begin = k;
    std::size_t j = k;
    while (digit(j)) {
      std::size_t start = j;
      while (digit(j)) {
        if (seg.groups == 0 && j - start < 6) {
          std::string_view d = ch(j);
          seg.value = seg.value * 10 + (d.size() == 1 ? d[0] - '0' : d[2] - '\x90');
        }
        ++j;
      }
      if (seg.groups++ == 0) seg.first_group_digits = j - start;
      if (dash(j) && digit(j + 1)) ++j;
    }
    if (seg.groups == 0) return std::nullopt;
    std::size_t m = ch(j) == " " && marker_at(j + 1).first != Mark::none ? j + 1 : j;
    auto [mark, len] = marker_at(m);
    seg.mark = mark;
    seg.end = mark == Mark::none ? j : m + len;
    return seg;
  }

  // After a road's name, with a space at most between: 解放碑路88号, 解放碑路 88号.
  bool after_road(std::size_t k) const {
    if (k > 0 && ch(k - 1) == " ") --k;
    if (k == 0) return false;
    return std::find(kRoads.begin(), kRoads.end(), ch(k - 1)) != kRoads.end();
  }

  // The ASCII word at character k, lower-cased, with a '.' right after it included.
  std::string word_at(std::size_t k, std::size_t& end) const {
    std::string w;
    end = k;
    while (end < chars_.size() && std::isalpha(static_cast<unsigned char>(s_[chars_[end].at])) &&
           chars_[end].len == 1) {
      w += static_cast<char>(std::tolower(static_cast<unsigned char>(s_[chars_[end].at])));
      ++end;
    }
    if (!w.empty() && ch(end) == ".") {
      w += '.';
      ++end;
    }
    return w;
  }

  // "Room 501", "Flat 5", "Unit 2", "No. 88": the end of the whole, or 0 when none starts here.
  std::size_t unit_word_at(std::size_t k) const {
    if (chars_[k].len != 1 || !std::isalpha(static_cast<unsigned char>(s_[chars_[k].at]))) return 0;
    if (k > 0 && ascii_alnum(s_[chars_[k - 1].at])) return 0;
    std::size_t end = k;
    std::string w = word_at(k, end);
    if (w.size() > 1 && w.back() == '.' && w != "no.") w.pop_back();  // "Rm. 5", "Apt. 3"
    if (std::find(kUnitWords.begin(), kUnitWords.end(), w) == kUnitWords.end()) return 0;
    while (ch(end) == " " || ch(end) == "#") ++end;
    if (!digit(end)) return 0;
    while (digit(end) || dash(end) || (end < chars_.size() && ascii_alnum(s_[chars_[end].at])))
      ++end;
    return end;
  }

  // "12 Baker St.", "88 Jiefangbei Road": a number, one or two words, a street word.
  bool before_street(const Segment& seg) const {
    if (seg.groups != 1 || ch(seg.end) != " ") return false;
    std::size_t k = seg.end;
    for (int words = 0; words <= 2 && ch(k) == " "; ++words) {
      std::size_t end = k + 1;
      std::string w = word_at(k + 1, end);
      if (w.empty()) return false;
      if (w.back() == '.') w.pop_back();
      if (words > 0 && std::find(kStreetWords.begin(), kStreetWords.end(), w) != kStreetWords.end())
        return true;
      k = end;
    }
    return false;
  }

  // A number and what follows it; returns where to go on.
  std::size_t number_at(std::size_t i) {
    std::optional<Segment> first = segment_at(i);  // digit(i): there is one
    std::vector<Segment> chain = {*first};
    // Building, unit, floor and room in a row: 31栋2单元501, 31栋 2单元 501室, 5号附2号.
    // A bare number ends the chain only right after the one before ("2单元501"): after a space
    // it is something else ("3号 5个人"). A building starts an address of its own.
    while (chain.back().mark != Mark::none) {
      std::size_t k = chain.back().end;
      bool apart = (ch(k) == " " || dash(k) || ch(k) == "附") && digit(k + 1);
      if (apart) ++k;
      std::optional<Segment> next = digit(k) ? segment_at(k) : std::nullopt;
      if (!next || next->mark == Mark::building || (apart && next->mark == Mark::none)) break;
      next->begin = chain.back().end;
      chain.push_back(*next);
    }
    const Segment& head = chain.front();
    std::size_t end = chain.back().end;
    bool road = after_road(i);
    if (head.mark == Mark::building && !road) {
      copy(head.begin, head.end);  // "31栋" alone says which building, not whose door
      if (chain.size() > 1) out_ += "***";
      return end;
    }
    bool address =
        road || head.mark == Mark::part || chain.size() > 1 ||
        (head.mark == Mark::number && (head.groups > 1 || head.value > 31)) ||  // "3号" is a day
        (head.mark == Mark::none && head.groups >= 3 &&
         head.first_group_digits <= 3) ||  // 31-2-501
        (head.mark == Mark::none && before_street(head));
    if (address) {
      out_ += "***";
    } else {
      copy(head.begin, head.end);
    }
    return address ? end : head.end;
  }

  std::string_view s_;
  std::vector<Utf8Char> chars_;
  std::string out_;
};

}  // namespace

std::string mask_addresses(std::string_view s) {
  return AddressMasker(s).run();
}

std::string mask_for_group(std::string_view s) {
  return mask_addresses(mask_phone_numbers(s));
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

std::optional<int> building_number(std::string_view building) {
  if (building.size() > 6) return std::nullopt;
  return parse_number(building, 0, 999'999);
}

}  // namespace linli
