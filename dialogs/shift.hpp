#pragma once
// A person's shifts, from /checkin to /checkout: the hours they served, held to a daily cap.
//
// ShiftRules are the pure rules, computed from a person's shifts and nothing else: when an open
// shift ends by itself, how many hours count, whether a check-in is refused at the cap. Duty is
// the aggregate over the Shifts port that opens and closes shifts. Its invariants, one open shift
// per person and a shift closed once (by hand or by itself, never both), are kept by the port's
// conditional statements (Shifts::check_in and check_out), never by reading first and writing
// second: the same code stays exact when two instances (or two chats of one person) decide at
// once. A Duty lives for one decision; it holds no state of its own.

#include <cstdint>
#include <optional>
#include <vector>

#include "dialogs/ports.hpp"

namespace linli {

// When an open shift ends by itself.
struct ShiftEnd {
  std::int64_t at = 0;
  bool post_ended = false;  // the post's window, not the cap
};

// The rules of one community's shifts: the daily cap, and the zone whose midnight starts a day.
class ShiftRules {
 public:
  ShiftRules(double daily_hours_cap, int utc_offset_min);

  std::int64_t cap_ms() const { return cap_ms_; }
  int utc_offset_min() const { return utc_offset_min_; }
  // The instant the local day of `at` began.
  std::int64_t day_start(std::int64_t at) const;

  // Milliseconds of `shifts` within [from, to); a shift still open counts until `to`.
  static std::int64_t served(const std::vector<Shift>& shifts, std::int64_t from, std::int64_t to);
  // The same, counting at most the cap in each local day: the hours people are shown never
  // exceed the cap, even for a shift recorded before the cap closed shifts, or one still open
  // past it until its timer fires.
  std::int64_t served_capped(const std::vector<Shift>& shifts, std::int64_t from,
                             std::int64_t to) const;
  // When the open shift `s` ends by itself. At the latest when the person reaches the daily
  // cap, counting what they served earlier that day (`earlier`: their shifts before it); for a
  // shift that runs past midnight, the cap of the day it runs into. A shift on a post ends when
  // the post's time window ends (`post_ends_at`), if that is earlier: a coordinator reads hours
  // as time on the post, and a volunteer who forgets to check out after the post must not go on
  // collecting hours until the cap. (Who stays on can check in again; that shift is held to the
  // cap alone.)
  ShiftEnd end_of(const Shift& s, const std::vector<Shift>& earlier,
                  std::optional<std::int64_t> post_ends_at) const;
  // A check-in is refused once the person served the cap today.
  bool refuses_check_in(std::int64_t served_today) const { return served_today >= cap_ms_; }

 private:
  std::int64_t cap_ms_;
  int utc_offset_min_;
};

// What a check-in did.
struct CheckIn {
  enum class Outcome {
    opened,   // `shift` is the new open shift, ending by itself at `end`
    on_duty,  // the person already had (or, at the same moment, got) the open `shift`
    at_cap,   // refused: `served_today` reached the cap
  };
  Outcome outcome = Outcome::opened;
  Shift shift;
  ShiftEnd end;
  std::int64_t served_today = 0;
};

// What the timer of a shift that ends by itself found.
struct Closing {
  enum class Outcome {
    not_open,  // checked out meanwhile, by hand or by another instance
    later,     // it ends at `end` now (its post was moved later since the timer was armed)
    closed,    // closed by this call at `end`
  };
  Outcome outcome = Outcome::not_open;
  ShiftEnd end;
};

class Duty {
 public:
  Duty(Shifts& port, ShiftRules rules) : port_(port), rules_(rules) {}

  // Opens the shift `s` (person, community, post, checkin_at) unless the person is on duty or at
  // the cap. Whatever another instance did in between, the answer is the port's.
  CheckIn check_in(const Shift& s, std::optional<std::int64_t> post_ends_at);
  // Closes the open shift `open` at `now`, or when it ended by itself if that was earlier
  // (after downtime its timer may not have fired). The time it was closed at; nullopt when it
  // was closed meanwhile, by its timer on another instance.
  std::optional<std::int64_t> check_out(const Shift& open, std::optional<std::int64_t> post_ends_at,
                                        std::int64_t now);
  // The timer of `s`: closes it if it has ended by `now`. Closed once, whoever else closes it.
  Closing close(const Shift& s, std::optional<std::int64_t> post_ends_at, std::int64_t now);
  // What the person served in [from, to), capped per day (ShiftRules::served_capped).
  std::int64_t served_capped(std::int64_t person_id, std::int64_t from, std::int64_t to);

 private:
  ShiftEnd end_of(const Shift& s, std::optional<std::int64_t> post_ends_at);

  Shifts& port_;
  ShiftRules rules_;
};

}  // namespace linli
