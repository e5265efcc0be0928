#include "dialogs/timer.hpp"

#include <array>
#include <limits>

#include "dialogs/records.hpp"
#include "dialogs/vocabulary.hpp"

namespace linli {
namespace {

struct KindName {
  TimerKind kind;
  std::string_view name;    // the kind column
  std::string_view prefix;  // the key before ":<subject>"
};

// A call's deadline was named after the call, and a dialog's timeout after its route.
constexpr std::array<KindName, 10> kKinds = {{
    {TimerKind::remind, "remind", "remind"},
    {TimerKind::replace, "replace", "replace"},
    {TimerKind::cards, "cards", "cards"},
    {TimerKind::deadline, "deadline", "call"},
    {TimerKind::offer, "offer", "offer"},
    {TimerKind::unclaimed, "unclaimed", "unclaimed"},
    {TimerKind::shift, "shift", "shift"},
    {TimerKind::dialog, "dialog", "d"},
    {TimerKind::purge, "purge", "purge"},
    {TimerKind::typo_hint, "typo_hint", "typo"},
}};

const KindName& entry(TimerKind k) {
  for (const auto& e : kKinds) {
    if (e.kind == k) return e;
  }
  return kKinds.back();
}

}  // namespace

std::string_view to_string(TimerKind k) {
  return entry(k).name;
}

std::optional<TimerKind> timer_kind(std::string_view name) {
  for (const auto& e : kKinds) {
    if (e.name == name) return e.kind;
  }
  return std::nullopt;
}

std::string Timer::key() const {
  const KindName& e = entry(kind);
  if (kind == TimerKind::purge) return std::string(e.prefix);
  return std::string(e.prefix) + ":" + std::to_string(subject);
}

std::optional<Timer> Timer::of(const TimerRecord& r) {
  auto kind = timer_kind(r.kind);
  if (!kind) return std::nullopt;
  Timer t{*kind, 0};
  if (*kind == TimerKind::purge) return t;
  // The subject is the key's: the payload of older dialog timers held something else.
  std::string_view prefix = entry(*kind).prefix;
  std::string_view key = r.key;
  if (key.size() <= prefix.size() + 1 || key.substr(0, prefix.size()) != prefix ||
      key[prefix.size()] != ':') {
    return std::nullopt;
  }
  auto subject = parse_number<std::int64_t>(key.substr(prefix.size() + 1), 1,
                                            std::numeric_limits<std::int64_t>::max());
  if (!subject) return std::nullopt;
  t.subject = *subject;
  return t;
}

}  // namespace linli
