#include "dialogs/commend.hpp"

#include <limits>
#include <optional>
#include <vector>

#include "dialogs/assignments.hpp"

namespace linli::commend {
namespace {

struct Target {
  std::int64_t person_id = 0;  // a volunteer
  std::string team;            // or a team, as posts store it
  std::size_t length = 0;      // bytes of `args` that named it
  // Approved volunteers who all bear the name that matched: when two or more do, the name
  // says none of them.
  std::vector<Volunteer> same_name;
};

// Longer than any name a volunteer can give (the sign-up takes 30 characters).
constexpr std::size_t kMaxName = 64;

bool is_space_at(std::string_view s, std::size_t i) {
  if (i >= s.size()) return true;
  if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n') return true;
  return s.compare(i, 3, "\xE3\x80\x80") == 0 || s.compare(i, 3, "\xEF\xBC\x9A") == 0 ||
         s[i] == ':';  // a full-width space, "：" or ":" after the name
}

// Whether `args` starts with `name` as a whole word.
bool names(std::string_view args, std::string_view name) {
  return !name.empty() && args.rfind(name, 0) == 0 && is_space_at(args, name.size());
}

// The volunteer or team `args` starts with; the longest name wins, so that "陈师傅" is not
// taken for a volunteer named "陈". A volunteer may also be named by their number.
std::optional<Target> find_target(Turn& turn, const Community& c, std::string_view args) {
  std::optional<Target> best;
  auto consider = [&](std::string_view name, std::int64_t person, const std::string& team,
                      const Volunteer* by_name = nullptr) {
    if (!names(args, name)) return;
    if (best && best->length == name.size() && by_name != nullptr && !best->same_name.empty()) {
      best->same_name.push_back(*by_name);  // another volunteer of the same name
      return;
    }
    if (best && best->length >= name.size()) return;
    best = Target{person, team, name.size(), {}};
    if (by_name != nullptr) best->same_name.push_back(*by_name);
  };
  // A volunteer's name or number ends where a word does: each such start of `args`, up to the
  // longest name, is looked up by itself (Volunteers::named), never the whole pool (a city has
  // 549,000).
  for (std::size_t end = 1; end <= args.size(); ++end) {
    if (!is_space_at(args, end)) continue;
    std::string_view start = args.substr(0, end);
    if (utf8_length(start) > kMaxName) break;
    for (const auto& v :
         turn.store.volunteers.named(c.id, std::string(start), assignments::kSameNameListed + 1)) {
      consider(v.name, v.person_id, "", &v);
    }
    auto id = parse_number<std::int64_t>(start, 1, std::numeric_limits<std::int64_t>::max());
    if (auto v = id ? turn.store.volunteers.get(*id) : std::nullopt;
        v && std::to_string(v->person_id) == start && v->community_id == c.id &&
        v->status == VolunteerStatus::approved) {
      consider(start, v->person_id, "");
    }
  }
  for (const auto& t : teams()) {
    for (std::string_view name : {t.code, t.zh, t.en}) consider(name, 0, std::string(t.code));
  }
  for (const auto& [team, posts] : turn.store.posts.teams(c.id)) consider(team, 0, team);
  return best;
}

}  // namespace

void run(Turn& turn, std::string_view raw) {
  const Community* c = turn.coordinated();
  if (c == nullptr) return turn.refuse(turn.say(Msg::not_coordinator)), void();
  turn.community = c;
  std::string args = trim(raw);
  if (args.empty()) return turn.refuse(turn.say(Msg::commend_usage)), void();
  auto target = find_target(turn, *c, args);
  if (!target) {
    std::string who = args.substr(0, args.find(' '));
    return turn.refuse(turn.say(Msg::commend_unknown, {{"who", who}})), void();
  }
  if (target->same_name.size() > 1) {
    assignments::Named shared{std::nullopt, target->same_name};
    return turn.reply(assignments::not_named(turn, shared, args.substr(0, target->length))), void();
  }
  std::string text = trim(std::string_view(args).substr(target->length));
  for (std::string_view colon : {"：", ":"}) {
    if (text.rfind(colon, 0) == 0) text = trim(std::string_view(text).substr(colon.size()));
  }
  if (text.empty()) return turn.refuse(turn.say(Msg::commend_usage)), void();
  if (auto n = utf8_length(text); n > kMaxText) {
    return turn.reply(turn.say(Msg::commend_too_long, {{"limit", std::to_string(kMaxText)},
                                                       {"count", std::to_string(n)}})),
           void();
  }
  if (c->groups.empty()) return turn.reply(turn.say(Msg::commend_no_groups)), void();
  Commendation k;
  k.community_id = c->id;
  k.person_id = target->person_id;
  k.team = target->team;
  k.text = text;
  k.by = turn.person.id;
  k.at = turn.now;
  k.id = turn.store.commendations.record(k);
  auto who = [&](Lang l) {
    return k.person_id ? say(l, Msg::commend_who_volunteer, {{"name", turn.name_of(k.person_id)}})
                       : say(l, Msg::commend_who_team, {{"team", team_name(k.team, l)}});
  };
  std::string coordinator = turn.name_of(turn.person.id);
  Lang gl = turn.group_lang();
  // Every group of the community hears it; nothing personal goes into a group (DESIGN.md §6).
  std::string announcement =
      say(gl, Msg::commend_announce,
          {{"who", who(gl)}, {"text", mask_for_group(text)}, {"coordinator", coordinator}});
  for (const Group* g : c->groups) turn.post(*g, announcement);
  if (k.person_id) {
    turn.tell(k.person_id, say(turn.lang_of(k.person_id), Msg::commend_you,
                               {{"text", text}, {"coordinator", coordinator}}));
  }
  turn.reply(turn.say(Msg::commend_sent,
                      {{"who", who(turn.lang)}, {"groups", std::to_string(c->groups.size())}}));
}

}  // namespace linli::commend
