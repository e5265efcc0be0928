#pragma once
// What one of our messages or buttons carries, so that a reply to the message or a press of the
// button is routed back to it: a kind, the id of what it is about, and for buttons the answer.
// Written "<kind letter>:<id>[:<value>]" on the wire and in the outbox, short enough for every
// platform's button data (Telegram: 64 bytes); parsed back into the same typed value.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace linli {

enum class RouteKind : char {
  dialog = 'd',  // a dialog's question; id: the person whose dialog it is
  ticket = 't',  // a help request's task card; id: the ticket
  rating = 'r',  // the rating question of a finished request; id: the ticket
  review = 'v',  // a sign-up waiting for review; id: the person
  call = 'c',    // a recruitment call's card; id: the call
  shift = 's',   // a shift reminder; id: the post
  offer = 'o',   // a private offer; id: the offer
  notice = 'n',  // a notice to coordinators (a dead letter); carries no answer
};

struct Route {
  Route() = default;
  Route(RouteKind k, std::int64_t i, std::string v = {}) : kind(k), id(i), value(std::move(v)) {}

  RouteKind kind = RouteKind::notice;
  std::int64_t id = 0;
  std::string value;  // a button's answer ("yes", "take", "3", ...); "" for a message's route

  std::string str() const {
    std::string s(1, static_cast<char>(kind));
    s += ':' + std::to_string(id);
    if (!value.empty()) s += ':' + value;
    return s;
  }
  // nullopt for anything that is not a route of ours (an old or forged button).
  static std::optional<Route> parse(std::string_view s);
};

// The route of dead-letter notices: never itself the subject of another notice.
inline const std::string kDeadLetterRoute = Route{RouteKind::notice, 1, "dead"}.str();

}  // namespace linli
