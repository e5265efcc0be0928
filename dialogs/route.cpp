#include "dialogs/route.hpp"

#include <charconv>

namespace linli {

std::optional<Route> Route::parse(std::string_view s) {
  if (s.size() < 3 || s[1] != ':') return std::nullopt;
  Route r;
  switch (s[0]) {
    case 'd':
    case 't':
    case 'r':
    case 'v':
    case 'c':
    case 's':
    case 'o':
    case 'n':
      r.kind = static_cast<RouteKind>(s[0]);
      break;
    default:
      return std::nullopt;
  }
  std::string_view rest = s.substr(2);
  auto colon = rest.find(':');
  std::string_view num = rest.substr(0, colon);
  auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), r.id);
  if (ec != std::errc() || p != num.data() + num.size() || r.id <= 0) return std::nullopt;
  if (colon != std::string_view::npos) r.value = std::string(rest.substr(colon + 1));
  return r;
}

}  // namespace linli
