// Routes: typed on our side, short text on the platform's, and nothing else parses as one.

#include "dialogs/route.hpp"

#include <gtest/gtest.h>

namespace linli {
namespace {

TEST(Route, ReadsBackWhatItWrote) {
  Route r{RouteKind::call, 42, "join"};
  EXPECT_EQ(r.str(), "c:42:join");
  auto back = Route::parse(r.str());
  ASSERT_TRUE(back);
  EXPECT_EQ(back->kind, RouteKind::call);
  EXPECT_EQ(back->id, 42);
  EXPECT_EQ(back->value, "join");
  EXPECT_EQ(Route::parse(Route{RouteKind::ticket, 7}.str())->value, "");
}

TEST(Route, RefusesWhatIsNotOneOfOurs) {
  for (const char* s : {"", "c", "c:", "x:1", "c:0", "c:-3", "c:12a", "c:99999999999999999999",
                        "cc:1", ":1"}) {
    EXPECT_FALSE(Route::parse(s)) << s;
  }
}

TEST(Route, FitsTelegramsSixtyFourBytesWithTheLongestIdsAndValues) {
  Route r{RouteKind::dialog, INT64_MAX, "confirm.99"};
  EXPECT_LE(r.str().size(), 64u);
}

}  // namespace
}  // namespace linli
