#pragma once
// Every sentence Linli says, in Chinese (the default) and English. Parameters are named in
// braces: say(Lang::en, Msg::claim_taken, {{"id", "12"}, {"volunteer", "Chen"}}).

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "dialogs/vocabulary.hpp"

namespace linli {

enum class Msg {
  // general
  menu_header,
  menu_resident,
  menu_volunteer,
  menu_coordinator,
  menu_join_hint,
  unknown_private,
  unknown_command,
  no_community,
  lang_set,
  lang_usage,
  not_coordinator,
  start_private_ok,
  open_private_chat,
  dead_letter,
  // dialog control
  dialog_signup,
  dialog_help,
  cancelled,
  nothing_to_cancel,
  first_step,
  timed_out,
  abandoned,
  continue_private,
  yes_no_hint,
  question_for_other,
  // sign-up
  signup_ask_name,
  signup_hint_name,
  signup_ask_phone,
  signup_hint_phone,
  signup_ask_building,
  signup_hint_building,
  signup_ask_skills,
  signup_hint_skills,
  signup_ask_availability,
  signup_hint_availability,
  signup_summary,
  signup_submitted,
  signup_restart,
  signup_already_volunteer,
  signup_already_pending,
  // review
  review_request,
  review_approve_button,
  review_reject_button,
  approved_you,
  rejected_you,
  approved_ok,
  rejected_ok,
  already_reviewed,
  pending_list,
  pending_none,
  volunteer_not_found,
  welcome_volunteer,
  // help requests
  help_ask_category,
  help_hint_category,
  help_ask_details,
  help_hint_details,
  help_ask_address,
  help_address_building,
  help_hint_address,
  help_ask_urgency,
  help_hint_urgency,
  urgent_button,
  not_urgent_button,
  urgent_word,
  not_urgent_word,
  help_summary,
  help_created,
  help_not_submitted,
  card,
  card_suggest,
  card_take_button,
  card_taken,
  card_done,
  claim_ok_group,
  claim_taken,
  claim_closed,
  claim_not_volunteer,
  claim_pending,
  claim_other_community,
  task_assigned,
  resident_volunteer_coming,
  done_ok,
  done_not_yours,
  done_which,
  done_none,
  ticket_not_found,
  rate_ask,
  rate_thanks,
  rate_hint,
  rate_already,
  rate_volunteer,
  // /mine
  mine_header,
  mine_requests,
  mine_tasks,
  mine_none,
  mine_pending_volunteer,
  status_open,
  status_claimed,
  status_done_unrated,
  // small pieces of other sentences
  addressed,
  submit_button,
  restart_button,
  drop_button,
  list_separator,
  building_label,
  suggestion,
  suggestion_plain,
  with_comment,
  kCount
};

struct Arg {
  std::string_view name;
  std::string value;
};

std::string say(Lang l, Msg m, std::initializer_list<Arg> args = {});
// The raw template, for the test that checks both languages use the same parameters.
std::string_view template_of(Lang l, Msg m);

}  // namespace linli
