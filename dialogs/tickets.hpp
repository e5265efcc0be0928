#pragma once
// The life of a help request once its dialog is confirmed: a card in the volunteers' group,
// claimed by exactly one volunteer, done, rated by the resident.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dialogs/turn.hpp"

namespace linli::tickets {

struct Candidate {
  std::int64_t person_id = 0;
  std::string name;
  std::string building;
  bool skilled = false;
  int distance = 0;  // 0: same building; buildings far apart or unknown rank last
};

// Volunteers to name on a card: those with the needed skill first, then by distance from the
// resident's building, at most `n` (of Volunteers::nearest with `n` of each kind).
std::vector<Candidate> rank(const std::vector<PoolMember>& pool, Skill need,
                            std::string_view building, std::size_t n);
// The address as a volunteer needs it: what the resident typed ("2单元501"), after the building
// of the group they asked in when the address does not name one itself ("31栋2单元501").
std::string full_address(Lang l, const std::string& building, const std::string& address);
int building_distance(std::string_view a, std::string_view b);

// Stores the request and posts its card; returns the ticket number.
std::int64_t open(Turn& turn, HelpRequest request);
// A volunteer takes ticket `id` (reply 接单 to its card, or its button). Refused while a trip
// of the fleet serves it (fleet::trip_from_request): the trip's driver takes it then.
void take(Turn& turn, std::int64_t id);
// The driver who accepted the trip serving ticket `id` takes it as a task (the address and the
// resident's details privately, the resident told who comes, the card edited), private or not:
// the trip's accept decided who. False when it was not open any more.
bool take_with_trip(Turn& turn, std::int64_t id);
// Trip `trip_id` now serves ticket `id`: its card says the fleet arranges it, without 接单.
void handed_to_fleet(Turn& turn, std::int64_t id, std::int64_t trip_id);
// A volunteer marks a task done; without a number, their only task.
void finish(Turn& turn, std::optional<std::int64_t> id);
// The resident answers the rating question of ticket `id`.
void rate(Turn& turn, std::int64_t id, std::string_view text);
// A resident's most recent finished request that still waits for a rating, if any.
std::optional<std::int64_t> awaiting_rating(Turn& turn);
// "5 很好" → {5, "很好"}; nullopt when it does not start with 1–5.
std::optional<std::pair<int, std::string>> parse_rating(std::string_view text);

void mine(Turn& turn);
// The resident cancels their own request `id` while nobody has taken it (/cancel #N, 撤销 #N).
void cancel(Turn& turn, std::int64_t id);
// Request `id` is open again (the trip that served it was cancelled): its card takes 接单 again
// and, nobody taking it, the private offers start as for a new request, from the first round
// and with nobody counted as asked (a private request's at once, as when it was opened).
void reopen(Turn& turn, std::int64_t id);

}  // namespace linli::tickets
