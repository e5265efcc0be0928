#pragma once
// Linli's own clocks (DESIGN.md §4): what falls due, and what it is about. A timer is named by
// its kind and subject, so arming the same timer again moves it instead of adding another; the
// store keeps the name, the kind and the subject as text and gives them back as a TimerRecord.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace linli {

struct TimerRecord;

enum class TimerKind {
  remind,     // ask a post's volunteers to confirm; subject: the post
  replace,    // replace who did not confirm; subject: the post
  cards,      // refresh a recruitment call's cards (debounced); subject: the call
  deadline,   // a recruitment call's deadline; subject: the call
  offer,      // a private offer that was not answered in time; subject: the offer
  unclaimed,  // a help request nobody took; subject: the request
  shift,      // an open shift ends by itself (the daily cap, the post's end); subject: the shift
  dialog,     // an unfinished dialog times out; subject: the person
  purge,      // the daily purge of what privacy says not to keep; no subject
  // While armed, a person who mistypes a command in a group is not told again; subject: the
  // person. Falling due does nothing.
  typo_hint,
};

struct Timer {
  TimerKind kind = TimerKind::purge;
  std::int64_t subject = 0;

  // The timer's unique name in the store: "<kind>:<subject>" (kept as earlier versions wrote
  // it, so that timers armed before an upgrade are still recognised and moved).
  std::string key() const;
  // The timer a stored record is; nullopt for a kind or subject this version does not know.
  static std::optional<Timer> of(const TimerRecord& r);
};

std::string_view to_string(TimerKind k);
std::optional<TimerKind> timer_kind(std::string_view name);

}  // namespace linli
