#pragma once
#include "dialogs/dialog.hpp"

namespace linli {
// /join, 报名志愿者: name → phone (private) → building → skills → availability → confirm.
const DialogSpec& signup_dialog();
}  // namespace linli
