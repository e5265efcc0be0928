#include "dialogs/help_dialog.hpp"

#include <array>

#include "dialogs/tickets.hpp"

namespace linli {
namespace {

Skill category_of(const DialogCtx& c) {
  return skill_from_code(c.get("category")).value_or(Skill::other);
}
bool is_urgent(const DialogCtx& c) {
  return c.get("urgent") == "1";
}
// Counselling and medical escort are never talked about in a group (issue 11).
bool sensitive_skill(Skill s) {
  return s == Skill::counselling || s == Skill::medical;
}

// ---- questions
std::vector<std::vector<Button>> category_buttons(DialogCtx& c) {
  std::vector<std::vector<Button>> rows(2);
  for (const auto& s : skills()) {
    rows[rows[0].size() < 4 ? 0 : 1].push_back(
        c.button(std::string(skill_name(s.skill, c.lang())), s.code));
  }
  return rows;
}
void ask_category(DialogCtx& c) {
  c.say(c.turn.say(Msg::help_ask_category, {{"list", numbered_skill_menu(c.lang())}}),
        category_buttons(c));
}
void ask_details(DialogCtx& c) {
  c.say(Msg::help_ask_details);
}
void ask_address(DialogCtx& c) {
  std::string building = c.get("group_building");
  c.say(Msg::help_ask_address,
        {{"building", building.empty()
                          ? std::string()
                          : c.turn.say(Msg::help_address_building, {{"building", building}})}});
}
void ask_urgency(DialogCtx& c) {
  c.say(c.turn.say(Msg::help_ask_urgency), {{c.button(c.turn.say(Msg::urgent_button), "1"),
                                             c.button(c.turn.say(Msg::not_urgent_button), "2")}});
}
// One message, as every step: the summary to confirm, and for a request that would be posted in a
// group, how to keep it out of the groups instead.
void ask_confirm(DialogCtx& c) {
  Lang l = c.lang();
  std::string text =
      c.turn.say(Msg::help_summary,
                 {{"category", std::string(skill_name(category_of(c), l))},
                  {"details", c.get("details")},
                  {"address", tickets::full_address(l, c.get("building"), c.get("address"))},
                  {"urgency", c.turn.say(is_urgent(c) ? Msg::urgent_word : Msg::not_urgent_word)}});
  if (!sensitive_skill(category_of(c))) text += "\n" + c.turn.say(Msg::help_private_hint);
  c.say(std::move(text), c.yes_no_buttons(Msg::drop_button));
}

// ---- guards
bool valid_category(const DialogCtx& c) {
  return parse_skill(c.text).has_value();
}
bool valid_sensitive_category(const DialogCtx& c) {
  auto s = parse_skill(c.text);
  return s && sensitive_skill(*s);
}
bool valid_category_details_known(const DialogCtx& c) {
  return valid_category(c) && !c.get("details").empty();
}
bool valid_details(const DialogCtx& c) {
  auto n = utf8_length(c.text);
  return n >= 2 && n <= kMaxHelpDetails && c.text[0] != '/';
}
bool details_too_long(const DialogCtx& c) {
  return utf8_length(c.text) > kMaxHelpDetails;
}
bool valid_address(const DialogCtx& c) {
  auto n = utf8_length(c.text);
  if (n < 2 || n > 200) return false;
  // Without a building from the group, the address itself must name one.
  return !c.get("group_building").empty() || !leading_building(c.text).empty();
}
std::optional<bool> urgency(std::string_view text) {
  std::string t = lower_ascii(trim(text));
  if (t == "1" || t == "急" || t == "很急" || t == "urgent" || t == "yes") return true;
  if (t == "2" || t == "不急" || t == "not urgent" || t == "no") return false;
  return std::nullopt;
}
bool valid_urgency(const DialogCtx& c) {
  return urgency(c.text).has_value();
}
bool wants_private(const DialogCtx& c) {
  std::string t = lower_ascii(trim(c.text));
  return t == "私密" || t == "private" || t == "私下";
}

// ---- actions
void save_category(DialogCtx& c) {
  c.answers["category"] = std::string(info(*parse_skill(c.text)).code);
}
void save_details(DialogCtx& c) {
  c.answers["details"] = c.text;
}
void save_address(DialogCtx& c) {
  c.answers["address"] = c.text;
  std::string b = leading_building(c.text);
  c.answers["building"] = b.empty() ? c.get("group_building") : b;
}
void save_urgency(DialogCtx& c) {
  c.answers["urgent"] = *urgency(c.text) ? "1" : "0";
}
void hint_category(DialogCtx& c) {
  c.say(c.turn.say(Msg::help_hint_category, {{"list", numbered_skill_menu(c.lang())}}),
        category_buttons(c));
}
void hint_details(DialogCtx& c) {
  c.say(Msg::help_hint_details);
}
void say_too_long(DialogCtx& c) {
  c.say(Msg::help_too_long, {{"limit", std::to_string(kMaxHelpDetails)},
                             {"count", std::to_string(utf8_length(c.text))}});
}
void hint_address(DialogCtx& c) {
  c.say(Msg::help_hint_address);
}
void hint_urgency(DialogCtx& c) {
  c.say(Msg::help_hint_urgency);
}
void hint_yes_no(DialogCtx& c) {
  c.say(Msg::yes_no_hint);
}
void not_submitted(DialogCtx& c) {
  c.say(Msg::help_not_submitted);
}

void submit_request(DialogCtx& c, bool marked_private) {
  HelpRequest r;
  r.community_id = c.record.community_id;
  r.resident_id = c.turn.person.id;
  r.category = c.get("category");
  r.details = c.get("details");
  r.building = c.get("building");
  r.address = c.get("address");
  r.urgent = is_urgent(c);
  r.created_at = c.turn.now;
  r.sensitive = marked_private || sensitive_skill(category_of(c));
  bool sensitive = r.sensitive;
  std::int64_t id = tickets::open(c.turn, std::move(r));
  // A sensitive request's resident is told only that help is being arranged.
  c.say(sensitive ? Msg::help_created_private : Msg::help_created, {{"id", std::to_string(id)}});
}
void submit(DialogCtx& c) {
  submit_request(c, false);
}
void submit_private(DialogCtx& c) {
  submit_request(c, true);
}

constexpr std::array<StateSpec, 6> kStates = {{
    // name        question       private  yes/no
    {"category", ask_category, false, false},
    {"details", ask_details, false, false},
    // counselling, medical escort: what it is about is asked privately, never in the group
    {"details_private", ask_details, true, false},
    {"address", ask_address, true, false},
    {"urgency", ask_urgency, false, false},
    {"confirm", ask_confirm, false, true},
}};

constexpr std::array<Transition, 19> kTable = {{
    // state       input          guard                         action          next
    {kStart, Input::begin, nullptr, nullptr, "category"},
    {"category", Input::answer, valid_category_details_known, save_category, "address"},
    {"category", Input::answer, valid_sensitive_category, save_category, "details_private"},
    {"category", Input::answer, valid_category, save_category, "details"},
    {"category", Input::answer, nullptr, hint_category, kSame},
    {"details", Input::answer, valid_details, save_details, "address"},
    {"details", Input::answer, details_too_long, say_too_long, kSame},
    {"details", Input::answer, nullptr, hint_details, kSame},
    {"details_private", Input::answer, valid_details, save_details, "address"},
    {"details_private", Input::answer, details_too_long, say_too_long, kSame},
    {"details_private", Input::answer, nullptr, hint_details, kSame},
    {"address", Input::answer, valid_address, save_address, "urgency"},
    {"address", Input::answer, nullptr, hint_address, kSame},
    {"urgency", Input::answer, valid_urgency, save_urgency, "confirm"},
    {"urgency", Input::answer, nullptr, hint_urgency, kSame},
    {"confirm", Input::yes, nullptr, submit, kEnd},
    {"confirm", Input::no, nullptr, not_submitted, kEnd},
    {"confirm", Input::answer, wants_private, submit_private, kEnd},
    {"confirm", Input::answer, nullptr, hint_yes_no, kSame},
    // back, cancel and time-out: common_transitions()
}};

constexpr DialogSpec kSpec{"help", Msg::dialog_help, "/help", kStates, kTable};

}  // namespace

const DialogSpec& help_dialog() {
  return kSpec;
}

}  // namespace linli
