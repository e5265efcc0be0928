#include "dialogs/post_dialog.hpp"

#include <algorithm>
#include <array>
#include <limits>

#include "dialogs/recruitment.hpp"
#include "dialogs/roster.hpp"
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

std::optional<bool> high_risk(std::string_view text) {
  std::string t = lower_ascii(trim(text));
  if (t == "1" || t == "低" || t == "低风险" || t == "low") return false;
  if (t == "2" || t == "高" || t == "高风险" || t == "high") return true;
  return std::nullopt;
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
  p.created_by = c.turn.person.id;
  p.created_at = c.turn.now;
  return p;
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
  if (key == "risk") return c.turn.say(v == "high" ? Msg::risk_high : Msg::risk_low);
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
  ask(c, c.turn.say(Msg::post_ask_risk), "risk");
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
void ask_confirm(DialogCtx& c) {
  c.say(c.turn.say(Msg::post_summary, {{"team", shown(c, "team")},
                                       {"title", c.get("title")},
                                       {"headcount", c.get("headcount")},
                                       {"skills", shown(c, "skills")},
                                       {"place", c.get("place")},
                                       {"time", shown(c, "time")},
                                       {"risk", shown(c, "risk")}}),
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
  return high_risk(c.text).has_value();
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
  c.answers["risk"] = *high_risk(c.text) ? "high" : "low";
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
  std::int64_t id = recruitment::save_post(c.turn, p, &moved);
  c.say(fresh ? Msg::post_created : Msg::post_updated,
        {{"id", std::to_string(id)}, {"title", p.title}});
  if (!moved.empty()) {
    std::string names;
    for (std::int64_t person : moved) {
      names += (names.empty() ? "" : c.turn.say(Msg::list_separator)) + c.turn.name_of(person);
    }
    c.say(Msg::post_shrunk, {{"moved", std::to_string(moved.size())}, {"names", names}});
  }
}

constexpr std::array<StateSpec, 9> kStates = {{
    // name          question        private  yes/no
    {"team", ask_team, false, false},
    {"title", ask_title, false, false},
    {"headcount", ask_headcount, false, false},
    {"shrink", ask_shrink, false, true},
    {"skills", ask_skills, false, false},
    {"place", ask_place, false, false},
    {"time", ask_time, false, false},
    {"risk", ask_risk, false, false},
    {"confirm", ask_confirm, false, true},
}};

constexpr std::array<Transition, 31> kTable = {{
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
    {"risk", Input::answer, keeps, nullptr, "confirm"},
    {"risk", Input::answer, valid_risk, save_risk, "confirm"},
    {"risk", Input::answer, nullptr, hint_risk, kSame},
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
