// The pure parts of the sender: token buckets and backoff. Delivery itself is tested against
// the fake platforms in tests/integration.

#include <gtest/gtest.h>

#include "bot/outbox_sender.hpp"

namespace linli {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

TEST(TokenBucket, AllowsABurstThenPacesAtItsRate) {
  TokenBucket b;
  Steady::time_point t0{};
  b.init(1.0, 3, t0);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(b.wait(t0), Steady::duration::zero());
    b.take(t0);
  }
  EXPECT_NEAR(std::chrono::duration<double>(b.wait(t0)).count(), 1.0, 1e-6);
  EXPECT_NEAR(std::chrono::duration<double>(b.wait(t0 + 400ms)).count(), 0.6, 1e-6);
  EXPECT_EQ(b.wait(t0 + 1s), Steady::duration::zero());
}

TEST(TokenBucket, NeverHoldsMoreThanItsCapacity) {
  TokenBucket b;
  Steady::time_point t0{};
  b.init(20.0 / 60, 3, t0);  // Telegram: 20 messages a minute in a group
  b.wait(t0 + 1h);
  EXPECT_DOUBLE_EQ(b.tokens, 3);
}

TEST(Backoff, DoublesWithJitterAndIsCapped) {
  EXPECT_EQ(backoff_ms(1, 500, 300'000, 0.0), 250);
  EXPECT_EQ(backoff_ms(1, 500, 300'000, 0.999999), 499);
  EXPECT_EQ(backoff_ms(3, 500, 300'000, 0.0), 1000);
  EXPECT_EQ(backoff_ms(30, 500, 300'000, 0.0), 150'000);
  EXPECT_LE(backoff_ms(30, 500, 300'000, 0.999999), 300'000);
}

}  // namespace
}  // namespace linli
