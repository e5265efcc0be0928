#include "dialogs/support.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include "dialogs/assignments.hpp"
#include "dialogs/recruitment.hpp"
#include "dialogs/time_text.hpp"

namespace linli::support {
namespace {

struct Builtin {
  std::string_view code;
  std::string_view zh;
  std::string_view en;
  std::string_view alias;  // a shorter word people type
};

// The method's words (DESIGN.md §1, step 3).
constexpr std::array<Builtin, 3> kCourses = {{
    {"prevention", "防疫知识", "prevention", "防疫"},
    {"duties", "岗位职责", "post duties", "职责"},
    {"emergency", "应急处置", "emergency handling", "应急"},
}};
constexpr std::array<Builtin, 4> kItems = {{
    {"masks", "口罩", "masks", "mask"},
    {"gloves", "手套", "gloves", "glove"},
    {"suits", "防护服", "protective suits", "suit"},
    {"disinfectant", "消毒用品", "disinfectant", "消毒液"},
}};

template <std::size_t N>
const Builtin* builtin(const std::array<Builtin, N>& all, std::string_view typed) {
  std::string t = lower_ascii(trim(typed));
  for (const auto& b : all) {
    if (t == b.code || t == b.zh || t == lower_ascii(b.en) || t == b.alias) return &b;
  }
  return nullptr;
}

template <std::size_t N>
std::string builtin_name(const std::array<Builtin, N>& all, std::string_view code, Lang l) {
  for (const auto& b : all) {
    if (b.code == code) return std::string(l == Lang::zh ? b.zh : b.en);
  }
  return std::string(code);
}

// Names may be separated by spaces, commas or 、 ("陈师傅、赵姐").
std::vector<std::string> words(std::string_view text) {
  std::string s(text);
  for (std::string_view sep : {"、", "，", ","}) {
    for (std::size_t at; (at = s.find(sep)) != std::string::npos;) s.replace(at, sep.size(), " ");
  }
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::string joined(Turn& turn, const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : turn.say(Msg::list_separator)) + n;
  return out;
}

std::string names_of(const std::vector<std::string>& codes, Lang l, bool courses) {
  std::string out;
  for (const auto& c : codes) {
    out += (out.empty() ? "" : say(l, Msg::list_separator)) +
           (courses ? course_name(c, l) : item_name(c, l));
  }
  return out.empty() ? say(l, Msg::stats_none) : out;
}

// Crossing an item's threshold warns every coordinator once, until it is above it again: the
// statement that marks it says whether this is the crossing.
void warn_if_low(Turn& turn, const Community& c, const std::string& item) {
  if (!turn.store.equipment.mark_low(c.id, item)) return;
  auto now = turn.store.equipment.item(c.id, item);
  if (!now) return;
  for (std::int64_t coordinator : c.coordinators) {
    Lang l = turn.lang_of(coordinator);
    turn.tell(coordinator, say(l, Msg::stock_low_warning,
                               {{"item", item_name(item, l)},
                                {"qty", std::to_string(now->qty)},
                                {"min", std::to_string(now->min_qty)}}));
  }
}

// "08:00": the clock time of `at` in the zone.
std::string clock(std::int64_t at, int offset) {
  std::int64_t minutes = (at - local_day_start(at, offset)) / kMinute;
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(minutes / 60),
                static_cast<int>(minutes % 60));
  return buf;
}

// A count as typed: "+20", "20", "20个".
std::optional<int> count(std::string_view typed, bool plus) {
  std::string t = trim(typed);
  if (plus) {
    if (t.rfind('+', 0) != 0 && t.rfind("＋", 0) != 0) return std::nullopt;
    t = t.substr(t[0] == '+' ? 1 : 3);
  }
  for (std::string_view unit : {"个", "只", "件", "套", "副", "瓶", "份"}) {
    if (t.size() > unit.size() && t.compare(t.size() - unit.size(), unit.size(), unit) == 0) {
      t.resize(t.size() - unit.size());
    }
  }
  return parse_number(t, 0, 1'000'000);
}

std::string courses_list(Turn& turn, const std::string& community_id) {
  std::string list;
  int n = 0;
  for (const auto& c : all_courses(turn, community_id)) {
    list += (list.empty() ? "" : "\n") + std::to_string(++n) + ". " + course_name(c, turn.lang);
  }
  return list;
}

// Words the dialogs read as answers ("0", "无", "不需要", "none": a post needs no course) or
// as /train's own words ("添加", "add", "岗位", "post"), and numbers (a menu's choices): a
// course so named could never be chosen or named.
bool reserved_course_name(const std::string& name) {
  const std::string t = lower_ascii(name);
  for (std::string_view w : {"0", "无", "不需要", "none", "添加", "新增", "add", "岗位", "post"}) {
    if (t == w) return true;
  }
  return all_digit_chars(t);
}

void train_add(Turn& turn, const Community& c, const std::string& name) {
  if (reserved_course_name(name)) {
    return turn.refuse(turn.say(Msg::train_course_reserved, {{"course", name}}));
  }
  auto n = utf8_length(name);
  if (n < 2 || n > 20 || name[0] == '/') return turn.refuse(turn.say(Msg::train_usage)), void();
  // A course is named by one word: /train <course> <volunteer…> splits at spaces (and a post's
  // needs are stored one course a line), so "急救 培训" could never be named again.
  if (words(name).size() != 1 || name.find("\xE3\x80\x80") != std::string::npos) {
    return turn.refuse(turn.say(Msg::train_course_one_word, {{"course", name}})), void();
  }
  if (find_course(turn, c.id, name) || !turn.store.training.add_course(c.id, name, turn.now)) {
    return turn.reply(turn.say(Msg::train_course_exists, {{"course", name}})), void();
  }
  turn.reply(turn.say(Msg::train_course_added, {{"course", name}}));
}

// A volunteer's own records: courses completed, equipment handed out.
void train_mine(Turn& turn) {
  auto v = turn.store.volunteers.get(turn.person.id);
  if (!v || v->status != VolunteerStatus::approved) {
    return turn.refuse(turn.say(Msg::train_not_volunteer)), void();
  }
  std::string items;
  for (const auto& [item, n] : turn.store.equipment.held(v->community_id, turn.person.id)) {
    items += (items.empty() ? "" : turn.say(Msg::list_separator)) + item_name(item, turn.lang) +
             " × " + std::to_string(n);
  }
  // One's own training and equipment, as /hours and /cert: asked in a group, answered privately.
  turn.reply_privately(turn.say(
      Msg::train_mine,
      {{"name", v->name},
       {"courses",
        names_of(turn.store.training.of_person(v->community_id, turn.person.id), turn.lang, true)},
       {"items", items.empty() ? turn.say(Msg::stats_none) : items}}));
}

}  // namespace

// What post `p` asks now of those on it, as one line for the coordinators: nothing when it is
// low risk, its needs when none are set, else who on it (places, held, waiting) lacks what.
std::string recheck_line(Turn& turn, const Post& p, Lang l) {
  std::vector<Arg> about = {{"id", std::to_string(p.id)},
                            {"title", p.title},
                            {"time", recruitment::post_time(turn, p, l)}};
  if (!high_risk(turn.store, p)) return say(l, Msg::risk_post_low, about);
  auto needs = turn.store.risks.post(p.id);
  if (!needs || (needs->courses.empty() && needs->items.empty())) {
    return say(l, Msg::risk_post_no_needs, about);
  }
  std::string people;
  for (auto status : {RosterStatus::taken, RosterStatus::held, RosterStatus::waiting}) {
    for (const auto& e : turn.store.roster.of_post(p.id, status)) {
      std::string lacks = missing(turn, p, e.person_id, l);
      if (lacks.empty()) continue;
      people += "\n" + say(l, Msg::risk_person_line,
                           {{"name", turn.name_of(e.person_id)}, {"missing", lacks}});
    }
  }
  about.push_back({"people", people});
  return say(l, people.empty() ? Msg::risk_post_ok : Msg::risk_post_lacking, about);
}

std::string course_name(std::string_view code, Lang l) {
  return builtin_name(kCourses, code, l);
}

std::string item_name(std::string_view code, Lang l) {
  return builtin_name(kItems, code, l);
}

std::optional<std::string> find_course(Turn& turn, const std::string& community_id,
                                       std::string_view typed) {
  if (const Builtin* b = builtin(kCourses, typed)) return std::string(b->code);
  std::string t = lower_ascii(trim(typed));
  for (const auto& own : turn.store.training.courses(community_id)) {
    if (lower_ascii(own) == t) return own;
  }
  return std::nullopt;
}

std::optional<std::string> item_code(std::string_view typed) {
  if (const Builtin* b = builtin(kItems, typed)) return std::string(b->code);
  std::string t = trim(typed);
  auto n = utf8_length(t);
  if (n < 1 || n > 20 || t[0] == '/' || t[0] == '+' || parse_number(t, 0, 1'000'000)) {
    return std::nullopt;
  }
  return t;
}

std::vector<std::string> all_courses(Turn& turn, const std::string& community_id) {
  std::vector<std::string> out;
  for (const auto& b : kCourses) out.emplace_back(b.code);
  for (auto& own : turn.store.training.courses(community_id)) out.push_back(std::move(own));
  return out;
}

std::vector<std::string> all_items(Turn& turn, const std::string& community_id) {
  std::vector<std::string> out;
  for (const auto& b : kItems) out.emplace_back(b.code);
  for (auto& s : turn.store.equipment.stock(community_id)) {
    if (std::find(out.begin(), out.end(), s.item) == out.end()) out.push_back(std::move(s.item));
  }
  return out;
}

std::string area_key(std::string_view typed) {
  std::string t = trim(typed);
  std::string b = normalize_building(t);
  return b.empty() ? t : b;
}

std::optional<bool> area_high(Store& store, const Post& p) {
  for (const std::string& area : {p.building, area_key(p.place)}) {
    if (area.empty()) continue;
    if (auto high = store.risks.high(p.community_id, area)) return high;
  }
  return std::nullopt;
}

bool high_risk(Store& store, const Post& p) {
  auto s = store.risks.post(p.id);
  if (s && s->risk_as_place) return area_high(store, p).value_or(false);
  return p.high_risk;
}

std::string missing(Turn& turn, const Post& p, std::int64_t person, Lang l) {
  if (!high_risk(turn.store, p)) return "";
  auto needs = turn.store.risks.post(p.id);
  if (!needs) return "";
  auto done = turn.store.training.of_person(p.community_id, person);
  std::vector<std::string> courses;
  for (const auto& c : needs->courses) {
    if (std::find(done.begin(), done.end(), c) == done.end()) courses.push_back(c);
  }
  auto held = turn.store.equipment.held(p.community_id, person);
  std::vector<std::string> items;
  for (const auto& i : needs->items) {
    if (held[i] <= 0) items.push_back(i);
  }
  std::string out;
  if (!courses.empty()) out = say(l, Msg::missing_courses, {{"list", names_of(courses, l, true)}});
  if (!items.empty()) {
    out += (out.empty() ? "" : say(l, Msg::missing_separator)) +
           say(l, Msg::missing_items, {{"list", names_of(items, l, false)}});
  }
  return out;
}

void train(Turn& turn, std::string_view args) {
  auto parts = words(args);
  const Community* c = turn.coordinated();
  if (parts.empty()) {
    if (c == nullptr) return train_mine(turn);
    // A coordinator's bare 培训 asks for the courses: answered, in a group too.
    return turn.reply(turn.say(Msg::train_usage) + "\n" + courses_list(turn, c->id)), void();
  }
  if (c == nullptr) return turn.refuse(turn.say(Msg::not_coordinator)), void();
  turn.community = c;
  std::string first = lower_ascii(parts[0]);
  if (first == "add" || first == "添加" || first == "新增") {
    std::string rest = trim(args);
    rest = trim(std::string_view(rest).substr(parts[0].size()));
    return train_add(turn, *c, rest);
  }
  auto course = find_course(turn, c->id, parts[0]);
  if (!course) {
    return turn.refuse(turn.say(Msg::train_course_unknown,
                                {{"course", parts[0]}, {"list", courses_list(turn, c->id)}})),
           void();
  }
  if (parts.size() < 2) {
    return turn.refuse(turn.say(Msg::train_usage) + "\n" + courses_list(turn, c->id)), void();
  }
  // Who: named volunteers one by one, or everyone with a place on a post (and its wait-list,
  // who may step in).
  std::vector<Volunteer> who;
  std::vector<std::string> unknown;
  std::vector<std::string> shared;  // names two volunteers share: why neither was recorded
  std::string p1 = lower_ascii(parts[1]);
  if (parts.size() == 3 && (p1 == "post" || p1 == "岗位")) {
    auto post = recruitment::find_post(turn, parts[2]);
    if (!post) return turn.refuse(turn.say(Msg::post_not_found, {{"id", parts[2]}})), void();
    for (auto status : {RosterStatus::taken, RosterStatus::waiting}) {
      for (const auto& e : turn.store.roster.of_post(post->id, status)) {
        auto v = turn.store.volunteers.get(e.person_id);
        if (v && v->status == VolunteerStatus::approved && v->community_id == c->id) {
          who.push_back(*v);
        }
      }
    }
    if (who.empty()) {
      return turn.reply(turn.say(Msg::train_post_empty, {{"id", std::to_string(post->id)}})),
             void();
    }
  } else {
    for (std::size_t i = 1; i < parts.size(); ++i) {
      auto found = assignments::find_volunteer(turn, c->id, parts[i]);
      if (found.volunteer) {
        who.push_back(*found.volunteer);
      } else if (!found.same_name.empty()) {
        shared.push_back(assignments::not_named(turn, found, parts[i]));
      } else {
        unknown.push_back(parts[i]);
      }
    }
  }
  std::vector<std::string> recorded, before;
  for (const auto& v : who) {
    if (turn.store.training.record(c->id, v.person_id, *course, turn.person.id, turn.now)) {
      recorded.push_back(v.name);
      Lang l = turn.lang_of(v.person_id);
      turn.tell(v.person_id, say(l, Msg::train_told, {{"course", course_name(*course, l)}}));
    } else {
      before.push_back(v.name);
    }
  }
  std::string text;
  std::string name = course_name(*course, turn.lang);
  if (!recorded.empty()) {
    text = turn.say(Msg::train_recorded, {{"course", name}, {"names", joined(turn, recorded)}});
  }
  if (!before.empty()) {
    text += (text.empty() ? "" : "\n") +
            turn.say(Msg::train_before, {{"course", name}, {"names", joined(turn, before)}});
  }
  if (!unknown.empty()) {
    text += (text.empty() ? "" : "\n") +
            turn.say(Msg::volunteer_unknown, {{"who", joined(turn, unknown)}});
  }
  for (const auto& s : shared) text += (text.empty() ? "" : "\n") + s;
  turn.reply(std::move(text));
}

void stock(Turn& turn, std::string_view args) {
  const Community* c = turn.coordinated();
  if (c == nullptr) return turn.refuse(turn.say(Msg::not_coordinator)), void();
  auto parts = words(args);
  if (parts.empty()) {
    std::string list;
    for (const auto& s : turn.store.equipment.stock(c->id)) {
      std::string min =
          s.min_qty > 0 ? turn.say(Msg::stock_min, {{"min", std::to_string(s.min_qty)}}) : "";
      if (s.min_qty > 0 && s.qty <= s.min_qty) min += turn.say(Msg::stock_low_mark);
      list += (list.empty() ? "" : "\n") +
              turn.say(Msg::stock_line, {{"item", item_name(s.item, turn.lang)},
                                         {"qty", std::to_string(s.qty)},
                                         {"min", min}});
    }
    return turn.reply(turn.say(Msg::stock_report,
                               {{"community", c->name},
                                {"list", list.empty() ? turn.say(Msg::stats_none) : list}})),
           void();
  }
  auto item = item_code(parts[0]);
  std::optional<int> add, min;
  if (parts.size() == 2) add = count(parts[1], true);
  if (parts.size() == 3 &&
      (lower_ascii(parts[1]) == "min" || parts[1] == "警戒线" || parts[1] == "最低")) {
    min = count(parts[2], false);
  }
  if (!item || (!add && !min) || (add && *add == 0)) {
    return turn.refuse(turn.say(Msg::stock_usage)), void();
  }
  std::string name = item_name(*item, turn.lang);
  if (add) {
    int qty = turn.store.equipment.add(c->id, *item, *add);
    return turn.reply(turn.say(
               Msg::stock_added,
               {{"item", name}, {"n", std::to_string(*add)}, {"qty", std::to_string(qty)}})),
           void();
  }
  turn.store.equipment.set_min(c->id, *item, *min);
  auto now = turn.store.equipment.item(c->id, *item);
  int qty = now ? now->qty : 0;
  turn.reply(
      turn.say(Msg::stock_min_set,
               {{"item", name}, {"min", std::to_string(*min)}, {"qty", std::to_string(qty)}}));
  // A threshold set above what is left is a crossing too: the coordinators hear of it once.
  warn_if_low(turn, *c, *item);
}

void issue(Turn& turn, std::string_view args) {
  const Community* c = turn.coordinated();
  if (c == nullptr) return turn.refuse(turn.say(Msg::not_coordinator)), void();
  turn.community = c;
  auto parts = words(args);
  if (parts.size() < 3) return turn.refuse(turn.say(Msg::issue_usage)), void();
  auto qty = count(parts.back(), false);
  auto item = item_code(parts[parts.size() - 2]);
  std::string who;
  for (std::size_t i = 0; i + 2 < parts.size(); ++i) who += (who.empty() ? "" : " ") + parts[i];
  if (!qty || *qty <= 0 || !item) return turn.refuse(turn.say(Msg::issue_usage)), void();
  auto found = assignments::find_volunteer(turn, c->id, who);
  if (!found.volunteer) return turn.refuse(assignments::not_named(turn, found, who)), void();
  const auto& v = found.volunteer;
  std::string name = item_name(*item, turn.lang);
  auto left = turn.store.equipment.take(c->id, *item, *qty);
  if (!left) {
    auto now = turn.store.equipment.item(c->id, *item);
    return turn.reply(turn.say(Msg::issue_not_enough, {{"item", name},
                                                       {"qty", std::to_string(now ? now->qty : 0)},
                                                       {"n", std::to_string(*qty)}})),
           void();
  }
  turn.store.equipment.hand_out(c->id, v->person_id, *item, *qty, turn.person.id, turn.now);
  turn.reply(turn.say(Msg::issue_done, {{"volunteer", v->name},
                                        {"item", name},
                                        {"n", std::to_string(*qty)},
                                        {"qty", std::to_string(*left)}}));
  Lang vl = turn.lang_of(v->person_id);
  turn.tell(v->person_id, say(vl, Msg::issue_told,
                              {{"item", item_name(*item, vl)}, {"n", std::to_string(*qty)}}));
  warn_if_low(turn, *c, *item);
}

void risk(Turn& turn, std::string_view args) {
  const Community* c = turn.coordinated();
  if (c == nullptr) return turn.refuse(turn.say(Msg::not_coordinator)), void();
  turn.community = c;
  auto parts = words(args);
  std::optional<bool> high;
  if (parts.size() >= 2) {
    std::string level = lower_ascii(parts.back());
    if (level == "high" || level == "高" || level == "高风险") high = true;
    if (level == "low" || level == "低" || level == "低风险") high = false;
  }
  // The usage, with the areas that have a level now.
  auto usage = [&] {
    std::string list;
    for (const auto& [area, h] : turn.store.risks.areas(c->id)) {
      list += (list.empty() ? "" : "\n") +
              turn.say(Msg::risk_line,
                       {{"area", area}, {"level", turn.say(h ? Msg::risk_high : Msg::risk_low)}});
    }
    // A bare 风险 asks for the list of areas: answered. Words that are no level: quiet.
    std::string text =
        turn.say(Msg::risk_usage, {{"list", list.empty() ? turn.say(Msg::stats_none) : list}});
    if (parts.empty()) {
      turn.reply(std::move(text));
    } else {
      turn.refuse(std::move(text));
    }
  };
  if (!high) return usage();
  std::string typed;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) typed += (typed.empty() ? "" : " ") + parts[i];
  std::string area = area_key(typed);
  if (area.empty() || utf8_length(area) > 60) return usage();
  // The posts there whose risk follows their place, as they are before the change.
  std::vector<std::pair<Post, bool>> there;
  for (const auto& p : turn.store.posts.current(c->id, turn.now)) {
    auto s = turn.store.risks.post(p.id);
    if (!s || !s->risk_as_place) continue;
    if (p.building != area && area_key(p.place) != area) continue;
    there.emplace_back(p, high_risk(turn.store, p));
  }
  turn.store.risks.set_level(c->id, area, *high, turn.person.id, turn.now);
  turn.reply(
      turn.say(Msg::risk_set,
               {{"area", typed}, {"level", turn.say(*high ? Msg::risk_high : Msg::risk_low)}}));
  // Re-checked: who on those posts no longer qualifies, for every coordinator in their language.
  for (std::int64_t coordinator : c->coordinators) {
    Lang l = turn.lang_of(coordinator);
    std::string lines;
    for (const auto& [p, was_high] : there) {
      if (high_risk(turn.store, p) != was_high) lines += "\n" + recheck_line(turn, p, l);
    }
    if (lines.empty()) continue;
    turn.tell(coordinator,
              say(l, Msg::risk_recheck,
                  {{"area", typed}, {"level", say(l, *high ? Msg::risk_high : Msg::risk_low)}}) +
                  lines);
  }
}

void recheck_post(Turn& turn, std::int64_t post_id, bool was_high,
                  const std::optional<PostSupport>& was) {
  auto p = turn.store.posts.get(post_id);
  if (!p || p->ends_at <= turn.now) return;
  auto now = turn.store.risks.post(post_id);
  // What a post needs is a set: the same courses and items typed in another order are no change.
  auto needs = [](const std::optional<PostSupport>& s) {
    using Set = std::set<std::string>;
    return s ? std::make_pair(Set(s->courses.begin(), s->courses.end()),
                              Set(s->items.begin(), s->items.end()))
             : std::pair<Set, Set>{};
  };
  bool now_high = high_risk(turn.store, *p);
  if (now_high == was_high && (!now_high || needs(now) == needs(was))) return;
  const Community* c = turn.dir.community(p->community_id);
  if (c == nullptr) return;
  for (std::int64_t coordinator : c->coordinators) {
    Lang l = turn.lang_of(coordinator);
    turn.tell(coordinator, say(l, Msg::risk_recheck_post, {{"id", std::to_string(p->id)}}) + "\n" +
                               recheck_line(turn, *p, l));
  }
}

void supply(Turn& turn, std::string_view args) {
  const Community* c = turn.coordinated();
  if (c == nullptr) return turn.refuse(turn.say(Msg::not_coordinator)), void();
  turn.community = c;
  auto parts = words(args);
  if (parts.empty()) return turn.refuse(turn.say(Msg::supply_usage)), void();
  auto post = recruitment::find_post(turn, parts[0]);
  if (!post) return turn.refuse(turn.say(Msg::post_not_found, {{"id", parts[0]}})), void();
  if (parts.size() == 3) {
    std::string what = lower_ascii(parts[1]);
    std::string yn = lower_ascii(parts[2]);
    std::optional<ShiftSupport> flag;
    if (what == "meals" || what == "meal" || what == "餐" || what == "用餐" || what == "餐食") {
      flag = ShiftSupport::meals;
    } else if (what == "transport" || what == "交通" || what == "接送") {
      flag = ShiftSupport::transport;
    } else if (what == "insurance" || what == "保险") {
      flag = ShiftSupport::insurance;
    }
    std::optional<bool> value;
    if (yn == "yes" || yn == "是" || yn == "有" || yn == "已安排") value = true;
    if (yn == "no" || yn == "否" || yn == "无" || yn == "没有" || yn == "未安排") value = false;
    if (!flag || !value) return turn.refuse(turn.say(Msg::supply_usage)), void();
    turn.store.risks.set_supply(post->id, *flag, *value);
  } else if (parts.size() != 1) {
    return turn.refuse(turn.say(Msg::supply_usage)), void();
  }
  turn.reply(
      turn.say(Msg::supply_post, {{"id", std::to_string(post->id)}, {"title", post->title}}) +
      roster_lines(turn, *post));
}

void edit_answers(Store& store, std::int64_t post_id, Answers& answers) {
  auto s = store.risks.post(post_id);
  if (!s) return;
  if (s->risk_as_place) answers["risk"] = "place";
  auto list = [](const std::vector<std::string>& v) {
    std::string out;
    for (const auto& x : v) out += (out.empty() ? "" : "\n") + x;
    return out.empty() ? std::string("0") : out;
  };
  answers["courses"] = list(s->courses);
  answers["items"] = list(s->items);
}

void save_post_support(Turn& turn, std::int64_t post_id, const Answers& answers) {
  auto s = turn.store.risks.post(post_id).value_or(PostSupport{});
  s.post_id = post_id;
  auto get = [&](const char* key) {
    auto it = answers.find(key);
    return it == answers.end() ? std::string() : it->second;
  };
  s.risk_as_place = get("risk") == "place";
  auto list = [](const std::string& v) {
    std::vector<std::string> out;
    if (v.empty() || v == "0") return out;
    std::istringstream in(v);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) out.push_back(line);
    }
    return out;
  };
  if (answers.count("courses")) s.courses = list(get("courses"));
  if (answers.count("items")) s.items = list(get("items"));
  turn.store.risks.put_post(s);
}

std::string roster_lines(Turn& turn, const Post& p) {
  Lang l = turn.lang;
  auto s = turn.store.risks.post(p.id).value_or(PostSupport{});
  bool high = high_risk(turn.store, p);
  std::string risk = say(l, high ? Msg::risk_high : Msg::risk_low);
  if (s.risk_as_place) risk = say(l, Msg::risk_as_place, {{"level", risk}});
  std::string needs;
  if (high) {
    needs =
        say(l, Msg::roster_needs,
            {{"courses", names_of(s.courses, l, true)}, {"items", names_of(s.items, l, false)}});
  }
  RosterCounts n = turn.store.roster.counts(p.id);
  auto arranged = [&](bool yes) {
    return yes ? say(l, Msg::supply_yes, {{"n", std::to_string(n.taken + n.held)}})
               : say(l, Msg::supply_no);
  };
  return "\n" + say(l, Msg::roster_support,
                    {{"risk", risk},
                     {"needs", needs},
                     {"meals", arranged(s.meals)},
                     {"transport", arranged(s.transport)},
                     {"insurance", arranged(s.insurance)}});
}

PoolSplit pool_split(Turn& turn, const Community& c) {
  // Counted by the port over every post that has not ended: a list of current posts is bounded
  // for showing, and a community with more of them would be miscounted.
  PoolSplit out;
  out.active = turn.store.volunteers.active(c.id, turn.now);
  int approved = turn.store.volunteers.count(c.id, VolunteerStatus::approved);
  out.reserve = std::max(0, approved - out.active);
  return out;
}

std::string stats_lines(Turn& turn, const Community& c) {
  Lang l = turn.lang;
  const int offset = turn.utc_offset_min(c.id);
  const std::int64_t today = local_day_start(turn.now, offset);
  std::string shifts;
  for (const auto& p : turn.store.posts.current(c.id, turn.now)) {
    if (p.starts_at < today || p.starts_at >= today + kDay) continue;
    auto s = turn.store.risks.post(p.id).value_or(PostSupport{});
    RosterCounts n = turn.store.roster.counts(p.id);
    std::string people = std::to_string(n.taken + n.held);
    auto arranged = [&](bool yes, Msg unit) {
      return yes ? say(l, unit, {{"n", people}}) : say(l, Msg::supply_no);
    };
    shifts += "\n" + say(l, Msg::stats_shift_line,
                         {{"time", clock(p.starts_at, offset)},
                          {"id", std::to_string(p.id)},
                          {"title", p.title},
                          {"people", people},
                          {"meals", arranged(s.meals, Msg::stats_meals)},
                          {"transport", arranged(s.transport, Msg::stats_people)},
                          {"insurance", arranged(s.insurance, Msg::stats_people)}});
  }
  PoolSplit pool = pool_split(turn, c);
  return "\n" + say(l, Msg::stats_support,
                    {{"active", std::to_string(pool.active)},
                     {"reserve", std::to_string(pool.reserve)},
                     {"shifts", shifts.empty() ? "\n" + say(l, Msg::stats_none) : shifts}});
}

}  // namespace linli::support
