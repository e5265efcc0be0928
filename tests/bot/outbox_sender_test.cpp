// The pure parts of the sender: token buckets and backoff. Delivery itself is tested against
// the fake platforms in tests/integration.

#include <gtest/gtest.h>

#include <vector>

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

TEST(SlidingWindow, HoldsNoMoreThanItsLimitInAnyWindowCountedFromTheAnswers) {
  SlidingWindow w;
  Steady::time_point t0{};
  w.init(3, 1s);
  w.take();
  w.done(t0);
  w.take();
  w.done(t0 + 100ms);
  EXPECT_EQ(w.wait(t0 + 200ms), Steady::duration::zero());
  w.take();
  // Full, one on the wire: only its answer can make room until the oldest leaves the window.
  EXPECT_EQ(w.wait(t0 + 300ms), 700ms);
  w.done(t0 + 350ms);
  EXPECT_EQ(w.wait(t0 + 1s), Steady::duration::zero());
  w.take();
  EXPECT_EQ(w.wait(t0 + 1s), 100ms);
}

TEST(SlidingWindow, CallsOnTheWireWaitForTheirAnswers) {
  SlidingWindow w;
  w.init(2, 1s);
  w.take();
  w.take();
  EXPECT_EQ(w.wait(Steady::time_point{} + 1h), Steady::duration::max());
  // One answered: it counts for a window from its answer, the other is still on the wire.
  w.done(Steady::time_point{} + 1h);
  EXPECT_EQ(w.wait(Steady::time_point{} + 1h), 1s);
  EXPECT_EQ(w.wait(Steady::time_point{} + 1h + 1s), Steady::duration::zero());
}

TEST(SlidingWindow, PacedByABucketNoSecondHoldsMoreThanThePlatformsNumber) {
  // As the sender paces a lane of 30 a second: a bucket of a tenth of a second's worth, and the
  // window; each call answered 5 ms after it is sent. Sends as soon as both allow; then every
  // window of a second is checked at the platform, which sees a call 0 to 5 ms after it left.
  TokenBucket bucket;
  SlidingWindow window;
  Steady::time_point t{};
  bucket.init(30, 3, t);
  window.init(30, 1001ms);
  std::vector<Steady::time_point> sent;
  while (sent.size() < 300) {
    auto wait = std::max(bucket.wait(t), window.wait(t));
    if (wait > Steady::duration::zero()) {
      t += wait;
      continue;
    }
    bucket.take(t);
    window.take();
    window.done(t + 5ms);
    sent.push_back(t);
  }
  // The latest arrival of one against the earliest of the one 30 later.
  for (std::size_t i = 30; i < sent.size(); ++i) EXPECT_GT(sent[i] - (sent[i - 30] + 5ms), 1s) << i;
  // And it keeps up with the platform: 300 messages in at most 1% more than 10 seconds.
  EXPECT_LE(sent.back() - sent.front(), 10100ms);
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
