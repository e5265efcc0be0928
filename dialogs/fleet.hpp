#pragma once
// The community car fleet (issue 11): vehicles with their drivers, and trips that go privately
// to the nearest free driver, one at a time, each accepted by reply or passed on to the next
// (the private offers of dialogs/assignments.*, kind "trip"); nobody left, the coordinators
// are told. Every trip keeps its times: requested, offered, accepted, started, finished,
// cancelled.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "dialogs/turn.hpp"

namespace linli::fleet {

// /vehicle, /vehicle add <driver> <seats> <plate>, /vehicle retire <plate> (车辆): coordinators.
void vehicle(Turn& turn, std::string_view args);
// /trip <kind> <from> <to> <time> [seats], /trip #N [kind] [time] (派车): coordinators;
// /trip start N, /trip done N: the trip's driver.
void trip(Turn& turn, std::string_view args);
// A coordinator makes resident's request `request_id` (in the driving category) a trip, e.g. by
// replying 派车 to its card; `args`: [kind] [time].
void trip_from_request(Turn& turn, std::int64_t request_id, std::string_view args);
// /trip cancel N (派车 取消 N): a coordinator ends trip N. Its open offer and its timer end and
// the driver asked is told; a driver who had accepted it is told; the time is logged. A trip
// for a resident's request leaves the request open again for volunteers, and the resident, if
// a driver had taken it, is told. A trip on the road (started) is not cancelled: the driver
// finishes it.
void cancel(Turn& turn, std::int64_t id);
// Resident's request `r` was cancelled: the trip that served it ends as cancel() ends it, and
// the coordinator who made it a trip is told.
void request_cancelled(Turn& turn, const HelpRequest& r);
// /fleet (车队): vehicles, today's trips and the total so far.
void report(Turn& turn);
// The driver finishes trip `id` ("完成 T3").
void finish(Turn& turn, std::int64_t id);
// "T3", "t3": a trip number; nullopt otherwise.
std::optional<std::int64_t> parse_trip_number(std::string_view text);

// A driver's answer to a trip's offer, which is still open and now theirs to settle.
void answer(Turn& turn, const Offer& offer, bool accept);
// The offer was declined or expired: the next nearest free driver, or the coordinators.
void next_driver(Turn& turn, std::int64_t trip_id);

// "就医", "hospital", ... → the stored kind ("hospital"); nullopt for any other word.
std::optional<std::string> parse_kind(std::string_view word);
std::string kind_name(Lang l, const std::string& kind);

}  // namespace linli::fleet
