#pragma once
// Numbered schema migrations. Migration N brings PRAGMA user_version from N-1 to N; they are
// applied in order at start-up, each in its own transaction. Never edit a released migration:
// add the next one.

#include <span>
#include <string_view>

namespace linli::storage {

std::span<const std::string_view> migrations();

}  // namespace linli::storage
