#include "dialogs/post_dialog.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <sstream>
#include <vector>

#include "dialogs/recruitment.hpp"
#include "dialogs/roster.hpp"
#include "dialogs/support.hpp"
#include "dialogs/time_text.hpp"

namespace linli {
namespace {

// ---- reading answers
std::optional<int> headcount(std::string_view text) {
  std::string t = trim(text);
  for (std::string_view unit : {"人", "个", "名", " people", " persons"}) {
    if (t.size() > unit.size() && t.compare(t.size() - unit.size(), unit.size(), unit) == 0) {
      t = trim(std::string_view(t).substr(0, t.size() - unit.size()));
    }
  }
  return parse_number(t, 1, 1000);
}

std::optional<std::uint32_t> skills_needed(std::string_view text) {
  std::string t = lower_ascii(trim(text));
  if (t == "0" || t == "无" || t == "不限" || t == "none" || t == "any") return 0u;
  std::uint32_t mask = parse_skill_list(t);
  if (mask == 0) return std::nullopt;
  return mask;
}

// "low", "high", or "place": the post's risk follows its place's (a risk area's, /risk).
std::optional<std::string> risk_answer(std::string_view text) {
  std::string t = lower_ascii(trim(text));
  if (t == "1" || t == "低" || t == "低风险" || t == "low") return "low";
  if (t == "2" || t == "高" || t == "高风险" || t == "high") return "high";
  if (t == "0" || t == "按区域" || t == "按所在区域" || t == "区域" || t == "place" ||
      t == "area") {
    return "place";
  }
  return std::nullopt;
}

// Course or item numbers of a menu ("1 3"), or names; "0" for none. Stored one per line.
std::optional<std::string> picks(std::string_view text, const std::vector<std::string>& menu,
                                 Turn& turn, const std::string& community_id, bool courses) {
  std::string t = trim(text);
  if (t == "0" || t == "无" || t == "不需要" || lower_ascii(t) == "none") return "0";
  for (std::string_view sep : {"、", "，", ","}) {
    for (std::size_t at; (at = t.find(sep)) != std::string::npos;) t.replace(at, sep.size(), " ");
  }
  std::vector<std::string> chosen;
  std::size_t from = 0;
  while (from < t.size()) {
    std::size_t sp = t.find(' ', from);
    if (sp == std::string::npos) sp = t.size();
    std::string w = t.substr(from, sp - from);
    from = sp + 1;
    if (w.empty()) continue;
    std::optional<std::string> code;
    if (auto n = parse_number<std::size_t>(w, 1, menu.size())) {
      code = menu[*n - 1];
    } else if (courses) {
      code = support::find_course(turn, community_id, w);
    } else if (auto item = support::item_code(w);
               item && std::find(menu.begin(), menu.end(), *item) != menu.end()) {
      code = item;
    }
    if (!code) return std::nullopt;
    if (std::find(chosen.begin(), chosen.end(), *code) == chosen.end()) chosen.push_back(*code);
  }
  if (chosen.empty()) return std::nullopt;
  std::string out;
  for (const auto& c : chosen) out += (out.empty() ? "" : "\n") + c;
  return out;
}

// The numbers among the answers, as the dialog's row stores them: nullopt when the row holds
// something else (written by an older version, or damaged). Such an answer is not kept or shown,
// and its question is asked again.
std::optional<std::uint32_t> stored_skills(std::string_view v) {
  return parse_number<std::uint32_t>(v, 0, std::numeric_limits<std::uint32_t>::max());
}
std::optional<TimeWindow> stored_window(std::string_view v) {
  auto bar = v.find('|');
  if (bar == std::string_view::npos) return std::nullopt;
  constexpr auto lo = std::numeric_limits<std::int64_t>::min();
  constexpr auto hi = std::numeric_limits<std::int64_t>::max();
  auto starts = parse_number(v.substr(0, bar), lo, hi);
  auto ends = parse_number(v.substr(bar + 1), lo, hi);
  if (!starts || !ends) return std::nullopt;
  return TimeWindow{*starts, *ends};
}
std::optional<std::int64_t> stored_post_id(std::string_view v) {
  if (v.empty()) return 0;  // a new post
  return parse_number<std::int64_t>(v, 1, std::numeric_limits<std::int64_t>::max());
}
bool usable(const DialogCtx& c, const std::string& key) {
  std::string v = c.get(key);
  if (v.empty()) return false;
  if (key == "headcount") return headcount(v).has_value();
  if (key == "skills") return stored_skills(v).has_value();
  if (key == "time") return stored_window(v).has_value();
  return true;
}

std::optional<Post> post_of(const DialogCtx& c) {
  auto id = stored_post_id(c.get("post_id"));
  auto count = headcount(c.get("headcount"));
  auto skills = stored_skills(c.get("skills"));
  auto window = stored_window(c.get("time"));
  if (!id || !count || !skills || !window) return std::nullopt;
  Post p;
  p.id = *id;
  p.community_id = c.record.community_id;
  p.team = c.get("team");
  p.title = c.get("title");
  p.headcount = *count;
  p.skills = *skills;
  p.place = c.get("place");
  p.building = c.get("building");
  p.starts_at = window->starts_at;
  p.ends_at = window->ends_at;
  p.high_risk = c.get("risk") == "high";
  if (c.get("risk") == "place") {
    p.high_risk = support::area_high(c.turn.store, p).value_or(false);
  }
  p.created_by = c.turn.person.id;
  p.created_at = c.turn.now;
  return p;
}

// Whether the place the post is at is a high-risk area (/risk): not when no level is set.
bool place_high(const DialogCtx& c) {
  Post p;
  p.community_id = c.record.community_id;
  p.building = c.get("building");
  p.place = c.get("place");
  return support::area_high(c.turn.store, p).value_or(false);
}
std::string place_level(const DialogCtx& c) {
  return c.turn.say(place_high(c) ? Msg::risk_high : Msg::risk_low);
}
// Whether the post, as answered so far, is high risk: then it asks for courses and equipment.
bool is_high(const DialogCtx& c, const std::string& risk) {
  return risk == "place" ? place_high(c) : risk == "high";
}

// ---- questions. When editing, each one shows what the post says now.
std::string shown(const DialogCtx& c, const std::string& key) {
  Lang l = c.lang();
  std::string v = c.get(key);
  if (key == "team") return team_name(v, l);
  if (key == "skills") {
    auto skills = stored_skills(v);
    if (!skills) return "";
    return *skills == 0 ? c.turn.say(Msg::skills_any) : skill_list_names(*skills, l);
  }
  if (key == "risk") {
    if (v != "place") return c.turn.say(v == "high" ? Msg::risk_high : Msg::risk_low);
    return c.turn.say(Msg::risk_as_place, {{"level", place_level(c)}});
  }
  if (key == "courses" || key == "items") {
    std::vector<std::string> codes;
    std::string line;
    for (std::istringstream in(v); std::getline(in, line);) {
      if (!line.empty() && line != "0") codes.push_back(line);
    }
    std::string out;
    for (const auto& code : codes) {
      out += (out.empty() ? "" : c.turn.say(Msg::list_separator)) +
             (key == "courses" ? support::course_name(code, l) : support::item_name(code, l));
    }
    return out.empty() ? c.turn.say(Msg::stats_none) : out;
  }
  if (key == "time") {
    auto window = stored_window(v);
    return window ? format_time_window(*window, c.turn.utc_offset_min(c.record.community_id), l)
                  : "";
  }
  return v;
}

void ask(DialogCtx& c, std::string question, const std::string& key) {
  if (!c.get("post_id").empty() && usable(c, key)) {
    question += c.turn.say(Msg::keep_hint, {{"value", shown(c, key)}});
  }
  c.say(std::move(question));
}
void ask_team(DialogCtx& c) {
  ask(c, c.turn.say(Msg::post_ask_team, {{"list", numbered_team_menu(c.lang())}}), "team");
}
void ask_title(DialogCtx& c) {
  ask(c, c.turn.say(Msg::post_ask_title), "title");
}
void ask_headcount(DialogCtx& c) {
  ask(c, c.turn.say(Msg::post_ask_headcount), "headcount");
}
void ask_skills(DialogCtx& c) {
  ask(c, c.turn.say(Msg::post_ask_skills, {{"list", numbered_skill_menu(c.lang())}}), "skills");
}
void ask_place(DialogCtx& c) {
  ask(c, c.turn.say(Msg::post_ask_place), "place");
}
void ask_time(DialogCtx& c) {
  ask(c, c.turn.say(Msg::post_ask_time), "time");
}
void ask_risk(DialogCtx& c) {
  ask(c, c.turn.say(Msg::post_ask_risk, {{"area", place_level(c)}}), "risk");
}
std::string numbered(const DialogCtx& c, const std::vector<std::string>& menu, bool courses) {
  std::string list;
  int n = 0;
  for (const auto& code : menu) {
    list += (list.empty() ? "" : "\n") + std::to_string(++n) + ". " +
            (courses ? support::course_name(code, c.lang()) : support::item_name(code, c.lang()));
  }
  return list;
}
void ask_courses(DialogCtx& c) {
  auto menu = support::all_courses(c.turn, c.record.community_id);
  ask(c, c.turn.say(Msg::post_ask_courses, {{"list", numbered(c, menu, true)}}), "courses");
}
void ask_items(DialogCtx& c) {
  auto menu = support::all_items(c.turn, c.record.community_id);
  ask(c, c.turn.say(Msg::post_ask_items, {{"list", numbered(c, menu, false)}}), "items");
}
// The edited post as stored, for what its roster holds now; nullopt for a new post.
std::optional<Post> stored_post(const DialogCtx& c) {
  auto id = stored_post_id(c.get("post_id"));
  if (!id || *id == 0) return std::nullopt;
  return c.turn.store.posts.get(*id);
}
// How many sign-ups a headcount of `count` leaves without a place on the edited post.
int beyond(const DialogCtx& c, int count) {
  auto post = stored_post(c);
  return post ? Roster(c.turn.store.roster, *post).beyond(count) : 0;
}
void ask_shrink(DialogCtx& c) {
  auto post = stored_post(c);
  int count = headcount(c.get("headcount")).value_or(0);
  if (!post) return;
  RosterCounts n = c.turn.store.roster.counts(post->id);
  c.say(c.turn.say(Msg::post_ask_shrink, {{"id", std::to_string(post->id)},
                                          {"taken", std::to_string(n.taken + n.held)},
                                          {"headcount", std::to_string(count)},
                                          {"moved", std::to_string(beyond(c, count))}}),
        {{c.button(c.turn.say(Msg::shrink_button), "yes"),
          c.button(c.turn.say(Msg::reenter_headcount_button), "no")}});
}
std::string risk_summary(const DialogCtx& c) {
  if (!is_high(c, c.get("risk"))) return shown(c, "risk");
  return c.turn.say(
      Msg::risk_needs_summary,
      {{"risk", shown(c, "risk")}, {"courses", shown(c, "courses")}, {"items", shown(c, "items")}});
}
void ask_confirm(DialogCtx& c) {
  c.say(c.turn.say(Msg::post_summary, {{"team", shown(c, "team")},
                                       {"title", c.get("title")},
                                       {"headcount", c.get("headcount")},
                                       {"skills", shown(c, "skills")},
                                       {"place", c.get("place")},
                                       {"time", shown(c, "time")},
                                       {"risk", risk_summary(c)}}),
        {{c.button(c.turn.say(Msg::save_button), "yes"),
          c.button(c.turn.say(Msg::drop_button), "no")}});
}

// ---- guards
// "-" keeps what an edited post says.
bool keeps(const DialogCtx& c) {
  return c.text == "-" && usable(c, c.record.state);
}
// The post being edited is not known any more: its id in the row is damaged.
bool post_lost(const DialogCtx& c) {
  return !stored_post_id(c.get("post_id"));
}
bool incomplete(const DialogCtx& c) {
  return !post_of(c);
}
bool valid_team(const DialogCtx& c) {
  return team_to_store(c.text).has_value();
}
bool valid_title(const DialogCtx& c) {
  auto n = utf8_length(c.text);
  return n >= 2 && n <= 40 && c.text[0] != '/';
}
bool valid_headcount(const DialogCtx& c) {
  return headcount(c.text).has_value();
}
// A lower headcount than the places taken or held on the post being edited: asked first.
bool leaves_some_out(const DialogCtx& c) {
  auto count = headcount(c.text);
  return count && beyond(c, *count) > 0;
}
bool valid_skills(const DialogCtx& c) {
  return skills_needed(c.text).has_value();
}
bool valid_place(const DialogCtx& c) {
  auto n = utf8_length(c.text);
  return n >= 1 && n <= 60 && c.text[0] != '/';
}
bool valid_time(const DialogCtx& c) {
  return parse_time_window(c.text, c.turn.now, c.turn.utc_offset_min(c.record.community_id))
      .has_value();
}
bool valid_risk(const DialogCtx& c) {
  return risk_answer(c.text).has_value();
}
bool valid_risk_high(const DialogCtx& c) {
  auto r = risk_answer(c.text);
  return r && is_high(c, *r);
}
bool keeps_high(const DialogCtx& c) {
  return keeps(c) && is_high(c, c.get("risk"));
}
bool valid_courses(const DialogCtx& c) {
  return picks(c.text, support::all_courses(c.turn, c.record.community_id), c.turn,
               c.record.community_id, true)
      .has_value();
}
bool valid_items(const DialogCtx& c) {
  return picks(c.text, support::all_items(c.turn, c.record.community_id), c.turn,
               c.record.community_id, false)
      .has_value();
}

// ---- actions
void save_team(DialogCtx& c) {
  c.answers["team"] = *team_to_store(c.text);
}
void save_title(DialogCtx& c) {
  c.answers["title"] = c.text;
}
void save_headcount(DialogCtx& c) {
  c.answers["headcount"] = std::to_string(*headcount(c.text));
}
void save_skills(DialogCtx& c) {
  c.answers["skills"] = std::to_string(*skills_needed(c.text));
}
void save_place(DialogCtx& c) {
  c.answers["place"] = c.text;
  // A place that is (or starts with) a numbered building is near the residents of that building.
  std::string b = leading_building(c.text);
  if (b.empty()) {
    std::string n = normalize_building(c.text);
    if (!n.empty() &&
        std::all_of(n.begin(), n.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
      b = n;
  }
  c.answers["building"] = b;
}
void save_time(DialogCtx& c) {
  auto w = *parse_time_window(c.text, c.turn.now, c.turn.utc_offset_min(c.record.community_id));
  c.answers["time"] = std::to_string(w.starts_at) + "|" + std::to_string(w.ends_at);
}
void save_risk(DialogCtx& c) {
  c.answers["risk"] = *risk_answer(c.text);
}
void save_courses(DialogCtx& c) {
  c.answers["courses"] = *picks(c.text, support::all_courses(c.turn, c.record.community_id), c.turn,
                                c.record.community_id, true);
}
void save_items(DialogCtx& c) {
  c.answers["items"] = *picks(c.text, support::all_items(c.turn, c.record.community_id), c.turn,
                              c.record.community_id, false);
}
void hint_courses(DialogCtx& c) {
  c.say(Msg::post_hint_courses);
}
void hint_items(DialogCtx& c) {
  c.say(Msg::post_hint_items);
}
// "No" to lowering the headcount: the post's own number stands until another is given.
void restore_headcount(DialogCtx& c) {
  if (auto post = stored_post(c)) c.answers["headcount"] = std::to_string(post->headcount);
}
void hint_shrink(DialogCtx& c) {
  c.say(Msg::post_hint_shrink);
}
void hint_team(DialogCtx& c) {
  c.say(Msg::post_hint_team);
}
void hint_title(DialogCtx& c) {
  c.say(Msg::post_hint_title);
}
void hint_headcount(DialogCtx& c) {
  c.say(Msg::post_hint_headcount);
}
void hint_skills(DialogCtx& c) {
  c.say(Msg::post_hint_skills);
}
void hint_place(DialogCtx& c) {
  c.say(Msg::post_hint_place);
}
void hint_time(DialogCtx& c) {
  c.say(Msg::post_hint_time);
}
void hint_risk(DialogCtx& c) {
  c.say(Msg::post_hint_risk);
}
void drop(DialogCtx& c) {
  c.say(Msg::post_dropped);
}
void save(DialogCtx& c) {
  auto post = post_of(c);
  if (!post) return;  // the table asks again first
  Post& p = *post;
  bool fresh = p.id == 0;
  std::vector<std::int64_t> moved;
  // As it was, to re-check those on it when its risk or needs change (as /risk does).
  auto before = fresh ? std::nullopt : c.turn.store.posts.get(p.id);
  bool was_high = before && support::high_risk(c.turn.store, *before);
  auto was = fresh ? std::nullopt : c.turn.store.risks.post(p.id);
  std::int64_t id = recruitment::save_post(c.turn, p, &moved);
  support::save_post_support(c.turn, id, c.answers);
  c.say(fresh ? Msg::post_created : Msg::post_updated,
        {{"id", std::to_string(id)}, {"title", p.title}});
  if (!moved.empty()) {
    std::string names;
    for (std::int64_t person : moved) {
      names += (names.empty() ? "" : c.turn.say(Msg::list_separator)) + c.turn.name_of(person);
    }
    c.say(Msg::post_shrunk, {{"moved", std::to_string(moved.size())}, {"names", names}});
  }
  if (!fresh) support::recheck_post(c.turn, id, was_high, was);
}

constexpr std::array<StateSpec, 11> kStates = {{
    // name          question        private  yes/no
    {"team", ask_team, false, false},
    {"title", ask_title, false, false},
    {"headcount", ask_headcount, false, false},
    {"shrink", ask_shrink, false, true},
    {"skills", ask_skills, false, false},
    {"place", ask_place, false, false},
    {"time", ask_time, false, false},
    {"risk", ask_risk, false, false},
    {"courses", ask_courses, false, false},
    {"items", ask_items, false, false},
    {"confirm", ask_confirm, false, true},
}};

constexpr std::array<Transition, 39> kTable = {{
    // state        input          guard            action           next
    {kStart, Input::begin, nullptr, nullptr, "team"},
    {"team", Input::answer, keeps, nullptr, "title"},
    {"team", Input::answer, valid_team, save_team, "title"},
    {"team", Input::answer, nullptr, hint_team, kSame},
    {"title", Input::answer, keeps, nullptr, "headcount"},
    {"title", Input::answer, valid_title, save_title, "headcount"},
    {"title", Input::answer, nullptr, hint_title, kSame},
    {"headcount", Input::answer, keeps, nullptr, "skills"},
    {"headcount", Input::answer, leaves_some_out, save_headcount, "shrink"},
    {"headcount", Input::answer, valid_headcount, save_headcount, "skills"},
    {"headcount", Input::answer, nullptr, hint_headcount, kSame},
    {"shrink", Input::yes, nullptr, nullptr, "skills"},
    {"shrink", Input::no, nullptr, restore_headcount, "headcount"},
    {"shrink", Input::answer, nullptr, hint_shrink, kSame},
    {"skills", Input::answer, keeps, nullptr, "place"},
    {"skills", Input::answer, valid_skills, save_skills, "place"},
    {"skills", Input::answer, nullptr, hint_skills, kSame},
    {"place", Input::answer, keeps, nullptr, "time"},
    {"place", Input::answer, valid_place, save_place, "time"},
    {"place", Input::answer, nullptr, hint_place, kSame},
    {"time", Input::answer, keeps, nullptr, "risk"},
    {"time", Input::answer, valid_time, save_time, "risk"},
    {"time", Input::answer, nullptr, hint_time, kSame},
    // A high-risk post (as answered, or as its place is) asks what it needs to serve on it.
    {"risk", Input::answer, keeps_high, nullptr, "courses"},
    {"risk", Input::answer, keeps, nullptr, "confirm"},
    {"risk", Input::answer, valid_risk_high, save_risk, "courses"},
    {"risk", Input::answer, valid_risk, save_risk, "confirm"},
    {"risk", Input::answer, nullptr, hint_risk, kSame},
    {"courses", Input::answer, keeps, nullptr, "items"},
    {"courses", Input::answer, valid_courses, save_courses, "items"},
    {"courses", Input::answer, nullptr, hint_courses, kSame},
    {"items", Input::answer, keeps, nullptr, "confirm"},
    {"items", Input::answer, valid_items, save_items, "confirm"},
    {"items", Input::answer, nullptr, hint_items, kSame},
    {"confirm", Input::yes, post_lost, drop, kEnd},
    {"confirm", Input::yes, incomplete, nullptr, "team"},  // what cannot be read is asked again
    {"confirm", Input::yes, nullptr, save, kEnd},
    {"confirm", Input::no, nullptr, drop, kEnd},
    {"confirm", Input::answer, nullptr, hint_yes_no, kSame},
}};

constexpr DialogSpec kSpec{"post", Msg::dialog_post, "/post", kStates, kTable};

}  // namespace

const DialogSpec& post_dialog() {
  return kSpec;
}

Answers post_answers(const Post& p) {
  return Answers{{"post_id", std::to_string(p.id)},
                 {"team", p.team},
                 {"title", p.title},
                 {"headcount", std::to_string(p.headcount)},
                 {"skills", std::to_string(p.skills)},
                 {"place", p.place},
                 {"building", p.building},
                 {"time", std::to_string(p.starts_at) + "|" + std::to_string(p.ends_at)},
                 {"risk", p.high_risk ? "high" : "low"}};
}

}  // namespace linli
