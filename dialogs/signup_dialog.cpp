#include "dialogs/signup_dialog.hpp"

#include <array>
#include <limits>

#include "dialogs/recruitment.hpp"
#include "dialogs/review.hpp"

namespace linli {
namespace {

bool valid_name_text(std::string_view text) {
  auto n = utf8_length(text);
  return n >= 1 && n <= 30 && text[0] != '/';
}

// The skills answered, as stored in the dialog's row; nullopt when the row holds something else
// (written by an older version, or damaged): then the question is asked again.
std::optional<std::uint32_t> answered_skills(const DialogCtx& c) {
  return parse_number<std::uint32_t>(c.get("skills"), 1, std::numeric_limits<std::uint32_t>::max());
}

// ---- questions
void ask_name(DialogCtx& c) {
  std::vector<std::vector<Button>> buttons;
  // Offer the platform's name as a one-tap answer, when it would be taken as one.
  if (valid_name_text(c.turn.person.name)) {
    buttons.push_back({c.button(c.turn.person.name, c.turn.person.name)});
  }
  c.say(c.turn.say(Msg::signup_ask_name), std::move(buttons));
}
void ask_phone(DialogCtx& c) {
  c.say(Msg::signup_ask_phone);
}
void ask_building(DialogCtx& c) {
  c.say(Msg::signup_ask_building);
}
void ask_skills(DialogCtx& c) {
  c.say(Msg::signup_ask_skills, {{"list", numbered_skill_menu(c.lang())}});
}
void ask_availability(DialogCtx& c) {
  c.say(Msg::signup_ask_availability);
}
void ask_confirm(DialogCtx& c) {
  Lang l = c.lang();
  c.say(c.turn.say(Msg::signup_summary,
                   {{"name", c.get("name")},
                    {"phone", c.get("phone")},
                    {"building", c.get("building")},
                    {"skills", skill_list_names(answered_skills(c).value_or(0), l)},
                    {"availability", c.get("availability")}}),
        c.yes_no_buttons(Msg::restart_button));
}

// ---- guards
bool valid_name(const DialogCtx& c) {
  return valid_name_text(c.text);
}

// Mainland mobile numbers (1[3-9] and 9 more digits, "+86" allowed) or an international
// number written with '+'.
std::string normalize_phone(std::string_view text) {
  std::string digits;
  bool plus = false;
  for (char ch : trim(text)) {
    if (ch == '+' && digits.empty() && !plus) {
      plus = true;
    } else if (std::isdigit(static_cast<unsigned char>(ch))) {
      digits += ch;
    } else if (ch != ' ' && ch != '-' && ch != '(' && ch != ')') {
      return {};
    }
  }
  if (plus && digits.rfind("86", 0) == 0 && digits.size() == 13) {
    digits.erase(0, 2);
    plus = false;
  }
  if (!plus) {
    if (digits.size() == 11 && digits[0] == '1' && digits[1] >= '3' && digits[1] <= '9')
      return digits;
    return {};
  }
  if (digits.size() >= 8 && digits.size() <= 15) return "+" + digits;
  return {};
}
bool valid_phone(const DialogCtx& c) {
  return !normalize_phone(c.text).empty();
}
bool valid_building(const DialogCtx& c) {
  return !normalize_building(c.text).empty();
}
bool valid_skills(const DialogCtx& c) {
  return parse_skill_list(c.text) != 0;
}
bool valid_availability(const DialogCtx& c) {
  auto n = utf8_length(c.text);
  return n >= 1 && n <= 100;
}
bool skills_lost(const DialogCtx& c) {
  return !answered_skills(c);
}

// ---- actions
void save_name(DialogCtx& c) {
  c.answers["name"] = c.text;
}
void save_phone(DialogCtx& c) {
  c.answers["phone"] = normalize_phone(c.text);
}
void save_building(DialogCtx& c) {
  c.answers["building"] = normalize_building(c.text);
}
void save_skills(DialogCtx& c) {
  c.answers["skills"] = std::to_string(parse_skill_list(c.text));
}
void save_availability(DialogCtx& c) {
  c.answers["availability"] = c.text;
}
void hint_name(DialogCtx& c) {
  c.say(Msg::signup_hint_name);
}
void hint_phone(DialogCtx& c) {
  c.say(Msg::signup_hint_phone);
}
void hint_building(DialogCtx& c) {
  c.say(Msg::signup_hint_building);
}
void hint_skills(DialogCtx& c) {
  c.say(Msg::signup_hint_skills, {{"list", numbered_skill_menu(c.lang())}});
}
void hint_availability(DialogCtx& c) {
  c.say(Msg::signup_hint_availability);
}
void hint_yes_no(DialogCtx& c) {
  c.say(Msg::yes_no_hint);
}

void restart(DialogCtx& c) {
  std::string token = c.get(kDialogToken);  // the same dialog, asked from the start again
  c.answers.clear();
  if (!token.empty()) c.answers[kDialogToken] = token;
  c.say(Msg::signup_restart);
}

void submit(DialogCtx& c) {
  Volunteer v;
  v.person_id = c.turn.person.id;
  v.community_id = c.record.community_id;
  v.name = c.get("name");
  v.phone = c.get("phone");
  v.building = c.get("building");
  v.skills = answered_skills(c).value_or(0);  // the table asks again when there is none
  v.availability = c.get("availability");
  v.status = VolunteerStatus::pending;
  v.created_at = c.turn.now;
  c.turn.store.volunteers.upsert(v);
  c.say(Msg::signup_submitted);
  review::notify_coordinators(c.turn, v);
}

constexpr std::array<StateSpec, 6> kStates = {{
    // name           question          private  yes/no
    {"name", ask_name, false, false},
    {"phone", ask_phone, true, false},
    {"building", ask_building, false, false},
    {"skills", ask_skills, false, false},
    {"availability", ask_availability, false, false},
    {"confirm", ask_confirm, false, true},
}};

constexpr std::array<Transition, 15> kTable = {{
    // state          input           guard               action             next
    {kStart, Input::begin, nullptr, nullptr, "name"},
    {"name", Input::answer, valid_name, save_name, "phone"},
    {"name", Input::answer, nullptr, hint_name, kSame},
    {"phone", Input::answer, valid_phone, save_phone, "building"},
    {"phone", Input::answer, nullptr, hint_phone, kSame},
    {"building", Input::answer, valid_building, save_building, "skills"},
    {"building", Input::answer, nullptr, hint_building, kSame},
    {"skills", Input::answer, valid_skills, save_skills, "availability"},
    {"skills", Input::answer, nullptr, hint_skills, kSame},
    {"availability", Input::answer, valid_availability, save_availability, "confirm"},
    {"availability", Input::answer, nullptr, hint_availability, kSame},
    {"confirm", Input::yes, skills_lost, nullptr, "skills"},
    {"confirm", Input::yes, nullptr, submit, kEnd},
    {"confirm", Input::no, nullptr, restart, "name"},
    {"confirm", Input::answer, nullptr, hint_yes_no, kSame},
}};

// A sign-up that does not finish gives back the places held for it on posts.
void abandoned(Turn& turn, std::int64_t person_id) {
  recruitment::release_held(turn, person_id);
}

constexpr DialogSpec kSpec{"signup", Msg::dialog_signup, "/join", kStates, kTable, abandoned};

}  // namespace

const DialogSpec& signup_dialog() {
  return kSpec;
}

}  // namespace linli
