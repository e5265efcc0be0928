#pragma once
#include "dialogs/dialog.hpp"

namespace linli {
// /help, 求助 [text]: category → details (skipped when given inline) → address (private) →
// urgency → confirm → ticket #N.
const DialogSpec& help_dialog();
}  // namespace linli
