#pragma once
#include "dialogs/dialog.hpp"

namespace linli {
// /post, 设岗 [n]: team → title → headcount → skills → place → time → risk → confirm. With a
// post number it edits that post: every question shows the current value, "-" keeps it.
const DialogSpec& post_dialog();
// The answers that start an edit of `p`.
Answers post_answers(const Post& p);
}  // namespace linli
