#pragma once
#include <cstddef>

#include "dialogs/dialog.hpp"

namespace linli {
// /help, 求助 [text]: category → details (skipped when given inline) → address (private) →
// urgency → confirm → ticket #N.
const DialogSpec& help_dialog();
// The most characters a request's description may have.
inline constexpr std::size_t kMaxHelpDetails = 500;
}  // namespace linli
