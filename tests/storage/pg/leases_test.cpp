// The storage side of several instances (issue 13): the outbox's row leases and the rate limits
// all instances share (dialogs/ports.hpp, Outbox::lease and RateSlots). Each case runs on both
// engines, SQLite on a temporary file and PostgreSQL on a fresh migrated database of the test
// server, and expects the same; "owners" are instances' lease owners, "sessions" connections
// to the one database, as several Linli processes would hold. The cases marked PostgreSQL run
// instances at once on real connections and check what they got, never how long it took.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <latch>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "storage/field_cipher.hpp"
#include "tests/support/postgres.hpp"
#include "tests/support/store_sessions.hpp"
#include "tests/support/temp_dir.hpp"

namespace linli {
namespace {

constexpr std::int64_t kLease = 30'000;

using Session = test::StoreSession;
using test::PgSession;
using test::SqliteSession;

OutboundMessage message(const std::string& chat, const std::string& text) {
  OutboundMessage m;
  m.adapter = "telegram";
  m.chat = chat;
  m.text = text;
  return m;
}

std::vector<std::int64_t> ids_of(const std::vector<OutboxRow>& rows) {
  std::vector<std::int64_t> out;
  for (const auto& r : rows) out.push_back(r.id);
  return out;
}

class Leases : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (postgres()) {
      LINLI_REQUIRE_POSTGRES();
      conninfo_ = test::PostgresServer::shared().migrated_database();
    } else {
      path_ = dir_.path() + "/linli.db";
    }
    db_ = connect();
  }
  bool postgres() const { return GetParam() == "postgres"; }
  std::unique_ptr<Session> connect() {
    if (postgres()) return std::make_unique<PgSession>(conninfo_, &cipher_);
    return std::make_unique<SqliteSession>(path_, &cipher_);
  }
  Outbox& outbox() { return db_->ports().outbox; }
  RateSlots& slots() { return db_->ports().rate_slots; }
  std::int64_t send(const std::string& chat, const std::string& text) {
    return outbox().enqueue(message(chat, text), 1000);
  }

  storage::FieldCipher cipher_{std::string(32, 'k')};
  test::TempDir dir_;
  std::string path_;
  std::string conninfo_;
  std::unique_ptr<Session> db_;
};

INSTANTIATE_TEST_SUITE_P(Engines, Leases, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

// What only PostgreSQL has: row locks, instances at once, ids committed out of order, plans.
class PgLeases : public Leases {};
INSTANTIATE_TEST_SUITE_P(Engine, PgLeases, ::testing::Values("postgres"),
                         [](const auto& info) { return info.param; });

using Ids = std::vector<std::int64_t>;

TEST_P(Leases, TwoOwnersGetDisjointRowsAndEachChatStaysWithOne) {
  Ids a, b, c, d;
  for (int round = 0; round < 2; ++round) {
    a.push_back(send("a", "a" + std::to_string(round)));
    b.push_back(send("b", "b" + std::to_string(round)));
    c.push_back(send("c", "c" + std::to_string(round)));
    d.push_back(send("d", "d" + std::to_string(round)));
  }
  auto other = connect();
  auto first = outbox().lease("one", 10'000, kLease, 2);
  EXPECT_EQ(ids_of(first), (Ids{a[0], b[0]}));
  EXPECT_EQ(first[0].msg.text, "a0");  // read as pending() reads them: unsealed
  EXPECT_EQ(first[1].msg.chat, "b");
  // Chats a and b are held by "one": their later rows wait for it.
  EXPECT_EQ(ids_of(other->ports().outbox.lease("two", 10'000, kLease, 10)),
            (Ids{c[0], d[0], c[1], d[1]}));
  EXPECT_TRUE(other->ports().outbox.lease("two", 10'001, kLease, 10).empty());
  // Its own chats' later rows, not again what it holds, nothing of "two"'s chats.
  EXPECT_EQ(ids_of(outbox().lease("one", 10'002, kLease, 10)), (Ids{a[1], b[1]}));
  EXPECT_TRUE(outbox().lease("one", 10'003, kLease, 10).empty());
  EXPECT_EQ(outbox().depth(), 8);
}

TEST_P(Leases, AChatsLaterRowsWaitUntilItsEarlierRowIsSent) {
  auto x1 = send("x", "1"), x2 = send("x", "2"), x3 = send("x", "3");
  EXPECT_EQ(ids_of(outbox().lease("one", 10'000, kLease, 1)), (Ids{x1}));
  EXPECT_TRUE(outbox().lease("two", 10'000, kLease, 10).empty());
  outbox().mark_sent(x1, "m-1", 10'100);
  // Sent, it leaves the lease set: the chat is nobody's, its next rows go to whoever leases.
  EXPECT_EQ(ids_of(outbox().lease("two", 10'200, kLease, 10)), (Ids{x2, x3}));
  EXPECT_TRUE(outbox().lease("one", 10'200, kLease, 10).empty());
  outbox().mark_retry(x2, 1, "timeout");  // a retry keeps the lease with its holder
  EXPECT_TRUE(outbox().lease("one", 10'300, kLease, 10).empty());
  outbox().mark_dead(x2, 5, "gone");
  outbox().mark_sent(x3, "m-3", 10'400);
  auto x4 = send("x", "4");
  EXPECT_EQ(ids_of(outbox().lease("one", 10'500, kLease, 10)), (Ids{x4}));
}

TEST_P(Leases, AnEndedLeaseIsTakenOverRenewKeepsItAndReleaseGivesItBack) {
  auto x1 = send("x", "1"), y1 = send("y", "1");
  EXPECT_EQ(ids_of(outbox().lease("one", 1'000, kLease, 10)), (Ids{x1, y1}));
  EXPECT_TRUE(outbox().lease("two", 30'999, kLease, 10).empty());  // live until 31'000
  EXPECT_EQ(outbox().renew("one", 20'000, kLease), 2);             // now until 50'000
  EXPECT_TRUE(outbox().lease("two", 49'999, kLease, 10).empty());
  // "one" died: its leases end, and another instance takes its rows over.
  EXPECT_EQ(ids_of(outbox().lease("two", 50'000, kLease, 10)), (Ids{x1, y1}));
  // Late, its renewal finds nothing of its own: what it held is lost, and not sent by it.
  EXPECT_EQ(outbox().renew("one", 50'001, kLease), 0);
  EXPECT_EQ(outbox().renew("two", 50'001, kLease), 2);
  // A graceful stop gives its rows back at once.
  EXPECT_EQ(outbox().release("two"), 2);
  EXPECT_EQ(outbox().release("two"), 0);
  EXPECT_EQ(outbox().renew("two", 50'002, kLease), 0);
  EXPECT_EQ(ids_of(outbox().lease("three", 50'002, kLease, 10)), (Ids{x1, y1}));
}

TEST_P(Leases, LeaseIdsTakesAnInstancesOwnRowsUnderTheSameRules) {
  auto x1 = send("x", "1"), x2 = send("x", "2"), y1 = send("y", "1");
  auto z1 = send("z", "1"), z2 = send("z", "2");
  EXPECT_EQ(ids_of(outbox().lease("one", 10'000, kLease, 1)), (Ids{x1}));
  // Pushed by "two": x2 is behind "one"'s x1; z2 would overtake z1, which is free.
  EXPECT_EQ(ids_of(outbox().lease_ids("two", {x2, y1, z2}, 10'000, kLease)), (Ids{y1}));
  EXPECT_EQ(ids_of(outbox().lease_ids("two", {z2, z1}, 10'000, kLease)), (Ids{z1, z2}));
  // What it holds already it gets again (the lease renewed); what "one" holds it does not.
  auto again = outbox().lease_ids("two", {y1, x1}, 11'000, kLease);
  EXPECT_EQ(ids_of(again), (Ids{y1}));
  EXPECT_EQ(again[0].msg.text, "1");
  EXPECT_TRUE(outbox().lease_ids("two", {}, 11'000, kLease).empty());
  EXPECT_EQ(outbox().renew("two", 11'000, kLease), 3);
}

TEST_P(Leases, SentDeadHeldAndSupersededRowsAreNeverLeased) {
  auto sent = send("x", "sent"), dead = send("y", "dead"), held = send("dm", "held");
  auto card = send("z", "3/10");
  outbox().mark_sent(sent, "m-1", 2000);
  outbox().mark_dead(dead, 5, "gone");
  outbox().hold(held);
  outbox().mark_sent(card, "m-2", 2000);
  OutboundMessage edit = message("z", "4/10");
  edit.kind = OutKind::edit;
  edit.edit_of = card;
  auto superseded = outbox().enqueue(edit, 2100);
  edit.text = "5/10";
  auto latest = outbox().enqueue(edit, 2200);
  EXPECT_EQ(ids_of(outbox().lease("one", 3000, kLease, 10)), (Ids{latest}));
  EXPECT_TRUE(outbox().lease_ids("two", {sent, dead, held, superseded}, 3000, kLease).empty());
  // A held message released is pending again, and free, even if it was leased before.
  EXPECT_EQ(outbox().release_held("telegram", "dm").size(), 1u);
  EXPECT_EQ(ids_of(outbox().lease("two", 3001, kLease, 10)), (Ids{held}));
}

// --- Rate slots ----------------------------------------------------------------------------

TEST_P(Leases, RateSlotsGrantUpToTheLimitPerWindowThenAgainInTheNext) {
  EXPECT_EQ(slots().take("bot|telegram", 10'000, 1000, 5, 3), 3);
  EXPECT_EQ(slots().take("bot|telegram", 10'400, 1000, 5, 3), 2);  // only 2 were left
  EXPECT_EQ(slots().take("bot|telegram", 10'999, 1000, 5, 1), 0);
  EXPECT_EQ(slots().take("chat|telegram|-100", 10'999, 1000, 1, 1), 1);  // another key
  EXPECT_EQ(slots().take("bot|telegram", 11'000, 1000, 5, 9), 5);        // a new window
  EXPECT_EQ(slots().take("bot|telegram", 11'500, 1000, 5, 1), 0);
  // An instance whose clock is behind counts in the window the others are in: no window again.
  EXPECT_EQ(slots().take("bot|telegram", 10'900, 1000, 5, 1), 0);
  EXPECT_EQ(slots().take("bot|telegram", 11'500, 1000, 5, 0), 0);
  EXPECT_EQ(slots().take("bot|telegram", 11'500, 1000, 0, 1), 0);
  EXPECT_EQ(slots().take("group|telegram|-100", 11'500, 3000, 1, 1), 1);  // 9'000..11'999
  EXPECT_EQ(slots().take("group|telegram|-100", 11'999, 3000, 1, 1), 0);
  EXPECT_EQ(slots().take("group|telegram|-100", 12'000, 3000, 1, 1), 1);
  // The daily purge forgets keys not used since; the others stay.
  EXPECT_EQ(slots().purge(11'000), 1);  // the chat's, last in the window of 10'000
  EXPECT_EQ(db_->stored("SELECT COUNT(*) FROM rate_slots"), "2");
  EXPECT_EQ(slots().take("chat|telegram|-100", 11'999, 1000, 1, 1), 1);
}

TEST_P(Leases, RateSlotsTakenOnSixConnectionsAtOnceNeverGrantMoreThanTheLimit) {
  constexpr int kSessions = 6;
  constexpr int kLimit = 100;
  std::vector<std::unique_ptr<Session>> sessions;
  for (int i = 0; i < kSessions; ++i) sessions.push_back(connect());
  for (std::int64_t window : {0, 1}) {
    const std::int64_t now = 50'000 + window * 1000;
    std::latch start(kSessions);
    std::vector<int> granted(kSessions, 0);
    std::vector<std::string> errors(kSessions);
    std::vector<std::thread> threads;
    for (int i = 0; i < kSessions; ++i) {
      threads.emplace_back([&, i] {
        start.arrive_and_wait();
        try {
          // Small blocks, as the sender takes them, until the window has none left.
          while (int n = sessions[i]->ports().rate_slots.take("bot|telegram", now, 1000, kLimit,
                                                              3 + i % 2)) {
            granted[i] += n;
          }
        } catch (const std::exception& e) {
          errors[i] = e.what();
        }
      });
    }
    for (auto& t : threads) t.join();
    for (const auto& e : errors) EXPECT_EQ(e, "");
    int total = 0;
    for (int g : granted) total += g;
    EXPECT_EQ(total, kLimit) << "window " << window;
  }
}

// --- PostgreSQL: instances at once -----------------------------------------------------------

// 8 instances lease 1,000 rows of 50 chats at once, each sending what it got in order (marking
// it sent). Every row is leased exactly once; no chat is ever held by two owners at once (each
// owner says which chats it holds, in memory, before it sends and until it has sent them); each
// chat's rows are sent in id order. Meanwhile a ninth connection holds a row lock on the first
// row of two chats: no lease waits for it (each session has a lock_timeout, so waiting would
// fail the lease, by its error, not by a clock), those chats wait behind their locked row and go
// on once it is let go.
TEST_P(PgLeases, EightOwnersLeaseAThousandRowsOfFiftyChatsAtOnceEachOnce) {
  constexpr int kOwners = 8, kRows = 1000, kChats = 50;
  db_->seed(
      "INSERT INTO outbox (adapter, chat, kind, payload, created_at) SELECT 'telegram', "
      "'chat' || (g % 50), 0, '{\"text\": \"' || g || '\"}', 1 FROM generate_series(0, 999) g");
  EXPECT_EQ(outbox().depth(), kRows);
  PgSession blocker(conninfo_, &cipher_);
  blocker.connection().exec("BEGIN");
  auto locked = blocker.connection().exec(
      "SELECT id FROM outbox WHERE chat IN ('chat7', 'chat8') AND id IN (SELECT min(id) FROM "
      "outbox GROUP BY chat) FOR UPDATE");
  ASSERT_EQ(locked.rows(), 2);
  const std::set<std::int64_t> locked_ids = {locked.integer(0, 0), locked.integer(1, 0)};
  const int blocked_rows = 2 * kRows / kChats;

  std::mutex mutex;
  std::map<std::string, int> holder;      // chat -> owner holding it now
  std::map<std::int64_t, int> leased;     // id -> times leased
  std::map<std::string, Ids> sent_order;  // chat -> ids in the order they were sent
  std::vector<std::string> violations;
  std::atomic<int> sent{0};
  std::atomic<bool> unlocked{false};
  std::atomic<int> calls{0}, empty{0};
  std::vector<std::unique_ptr<PgSession>> sessions;
  for (int i = 0; i < kOwners; ++i) {
    sessions.push_back(std::make_unique<PgSession>(conninfo_, &cipher_));
    sessions.back()->connection().exec("SET lock_timeout = '20s'");
  }
  std::latch start(kOwners);
  std::vector<std::string> errors(kOwners);
  std::vector<std::thread> threads;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  for (int i = 0; i < kOwners; ++i) {
    threads.emplace_back([&, i] {
      Outbox& out = sessions[i]->ports().outbox;
      const std::string owner = "owner-" + std::to_string(i);
      start.arrive_and_wait();
      try {
        while (sent < kRows && std::chrono::steady_clock::now() < give_up) {
          auto rows = out.lease(owner, 100'000, kLease, 7);
          ++calls;
          if (rows.empty()) {
            ++empty;
            std::this_thread::yield();
            continue;
          }
          std::map<std::string, int> mine;  // chat -> rows of it in this batch
          {
            std::lock_guard lock(mutex);
            for (const auto& r : rows) {
              ++leased[r.id];
              if (locked_ids.count(r.id) && !unlocked) violations.push_back("took a locked row");
              if (mine[r.msg.chat]++ > 0) continue;
              auto [it, fresh] = holder.try_emplace(r.msg.chat, i);
              if (!fresh && it->second != i) {
                violations.push_back(r.msg.chat + " held by " + std::to_string(it->second) +
                                     " and " + std::to_string(i));
              }
            }
          }
          for (const auto& r : rows) {
            {
              std::lock_guard lock(mutex);
              sent_order[r.msg.chat].push_back(r.id);
              // Its last row of the chat: the chat is let go before the row is marked sent,
              // since the next owner can lease the chat only once that is committed.
              if (--mine[r.msg.chat] == 0) holder.erase(r.msg.chat);
            }
            out.mark_sent(r.id, "m", 100'001);
            ++sent;
          }
        }
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    });
  }
  start.wait();
  const auto began = std::chrono::steady_clock::now();
  // Every row but those behind the locked ones gets sent; then the lock goes.
  while (sent < kRows - blocked_rows && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(sent.load(), kRows - blocked_rows);
  unlocked = true;
  blocker.connection().exec("ROLLBACK");
  for (auto& t : threads) t.join();
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - began);
  for (const auto& e : errors) EXPECT_EQ(e, "");
  EXPECT_EQ(violations, std::vector<std::string>{});
  EXPECT_EQ(sent.load(), kRows);
  EXPECT_EQ(static_cast<int>(leased.size()), kRows);
  for (const auto& [id, times] : leased) EXPECT_EQ(times, 1) << "row " << id;
  for (const auto& [chat, ids] : sent_order) {
    EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end())) << chat;
    EXPECT_EQ(static_cast<int>(ids.size()), kRows / kChats) << chat;
  }
  EXPECT_EQ(outbox().depth(), 0);
  ::testing::Test::RecordProperty("leases", calls.load());
  ::testing::Test::RecordProperty("empty_leases", empty.load());
  ::testing::Test::RecordProperty("ms", static_cast<int>(took.count()));
}

// An identity id is handed out at INSERT: a row with a lower id can commit after a higher one.
// Leasing by "pending and free", not by an id cursor, still finds it; and it waits behind the
// later row of its chat that another owner holds.
TEST_P(PgLeases, ARowWithALowerIdCommittedLaterIsStillLeased) {
  PgSession slow(conninfo_, &cipher_);
  slow.connection().exec("BEGIN");
  auto lower = slow.ports().outbox.enqueue(message("x", "lower"), 1000);
  auto lower_y = slow.ports().outbox.enqueue(message("y", "lower"), 1000);
  auto higher = send("x", "higher");
  ASSERT_LT(lower, higher);
  EXPECT_EQ(ids_of(outbox().lease("one", 10'000, kLease, 10)), (Ids{higher}));
  slow.connection().exec("COMMIT");
  auto other = connect();
  EXPECT_EQ(ids_of(other->ports().outbox.lease("two", 10'001, kLease, 10)), (Ids{lower_y}));
  EXPECT_EQ(ids_of(outbox().lease("one", 10'002, kLease, 10)), (Ids{lower}));
  EXPECT_EQ(outbox().get(lower)->msg.text, "lower");
}

// The lease reads pending rows through its indexes, not the whole outbox: on a table of
// mostly sent rows (as it is after a while) no lease, renewal or release scans the table.
TEST_P(PgLeases, LeasesReadThePendingRowsThroughIndexes) {
  db_->seed(
      "INSERT INTO outbox (adapter, chat, kind, payload, created_at, status) SELECT 'telegram', "
      "'chat' || (g % 500), 0, '{}', 1, CASE WHEN g % 400 = 0 THEN 0 ELSE 1 END "
      "FROM generate_series(1, 40000) g;"
      "ANALYZE outbox;");
  auto& c = static_cast<PgSession&>(*db_).connection();
  c.exec("BEGIN");
  EXPECT_EQ(outbox().lease("one", 10'000, kLease, 20).size(), 20u);
  EXPECT_EQ(outbox().lease_ids("two", {400, 800}, 10'000, kLease).size(), 0u);
  EXPECT_EQ(outbox().renew("one", 10'001, kLease), 20);
  EXPECT_EQ(outbox().release("one"), 20);
  auto scans =
      c.exec("SELECT seq_scan, idx_scan FROM pg_stat_xact_user_tables WHERE relname = 'outbox'");
  EXPECT_EQ(scans.integer(0, 0), 0);
  EXPECT_GT(scans.integer(0, 1), 0);
  c.exec("COMMIT");
}

}  // namespace
}  // namespace linli
