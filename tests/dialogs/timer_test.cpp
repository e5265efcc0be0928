// Timers are typed values (dialogs/timer.hpp); the store keeps them as text, written as earlier
// versions wrote them, so that a timer armed before an upgrade is still recognised and moved.

#include "dialogs/timer.hpp"

#include <gtest/gtest.h>

#include "dialogs/records.hpp"

namespace linli {
namespace {

TimerRecord stored(std::string key, std::string kind, std::string payload = "") {
  TimerRecord r;
  r.key = std::move(key);
  r.kind = std::move(kind);
  r.payload = std::move(payload);
  return r;
}

TEST(Timer, KeysAreTheOnesEarlierVersionsStored) {
  EXPECT_EQ((Timer{TimerKind::remind, 7}.key()), "remind:7");
  EXPECT_EQ((Timer{TimerKind::replace, 7}.key()), "replace:7");
  EXPECT_EQ((Timer{TimerKind::cards, 3}.key()), "cards:3");
  EXPECT_EQ((Timer{TimerKind::deadline, 3}.key()), "call:3");
  EXPECT_EQ((Timer{TimerKind::offer, 9}.key()), "offer:9");
  EXPECT_EQ((Timer{TimerKind::unclaimed, 12}.key()), "unclaimed:12");
  EXPECT_EQ((Timer{TimerKind::shift, 5}.key()), "shift:5");
  EXPECT_EQ((Timer{TimerKind::dialog, 42}.key()), "d:42");
  EXPECT_EQ((Timer{TimerKind::purge}.key()), "purge");
}

TEST(Timer, EveryKindReadsBackAsItself) {
  for (TimerKind k : {TimerKind::remind, TimerKind::replace, TimerKind::cards, TimerKind::deadline,
                      TimerKind::offer, TimerKind::unclaimed, TimerKind::shift, TimerKind::dialog,
                      TimerKind::purge, TimerKind::typo_hint}) {
    Timer t{k, k == TimerKind::purge ? 0 : 1234567890123};
    auto back = Timer::of(stored(t.key(), std::string(to_string(k))));
    ASSERT_TRUE(back) << to_string(k);
    EXPECT_EQ(back->kind, k);
    EXPECT_EQ(back->subject, t.subject);
  }
}

TEST(Timer, AnOldDialogTimerIsReadFromItsKeyNotItsPayload) {
  // Earlier versions put the time the dialog was saved in the payload.
  auto t = Timer::of(stored("d:42", "dialog", "1700000000000"));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->kind, TimerKind::dialog);
  EXPECT_EQ(t->subject, 42);
}

TEST(Timer, UnknownKindsAndDamagedKeysAreNotTimersOfOurs) {
  EXPECT_FALSE(Timer::of(stored("remind:7", "remindx")));
  EXPECT_FALSE(Timer::of(stored("remind:7", "")));
  EXPECT_FALSE(Timer::of(stored("remind:", "remind")));
  EXPECT_FALSE(Timer::of(stored("remind:0", "remind")));
  EXPECT_FALSE(Timer::of(stored("remind:-3", "remind")));
  EXPECT_FALSE(Timer::of(stored("remind:7x", "remind")));
  EXPECT_FALSE(Timer::of(stored("replace:7", "remind")));  // the key of another kind
  EXPECT_FALSE(Timer::of(stored("remind7", "remind")));
  EXPECT_FALSE(Timer::of(stored("remind:99999999999999999999", "remind")));
}

}  // namespace
}  // namespace linli
