// The outbox sender and the scheduler when things go wrong underneath them: a store that fails
// to record an outcome, a timer whose decision keeps failing, a city's worth of chats, and the
// backlogs a restart finds (messages to send, timers due).
// A scripted transport stands in for the platform here; delivery against a fake Telegram API
// is tested in tests/integration.

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "bot/dispatcher.hpp"
#include "bot/outbox_sender.hpp"
#include "bot/scheduler.hpp"
#include "storage/directory_rows.hpp"
#include "tests/support/engine_fixture.hpp"
#include "tests/support/temp_dir.hpp"

namespace linli::test {
namespace {

namespace net = boost::asio;

// A platform in process: the message text "reject" is refused for good, "unsendable" refused
// before any call (as a button too big for the platform is), anything else sent.
class ScriptedAdapter : public Adapter {
 public:
  ScriptedAdapter() {
    config_.type = "scripted";
    config_.name = "sc";
    config_.limits = RateLimits{1000, 60000, 1e9, 100};
  }
  const AdapterConfig& config() const override { return config_; }
  WebhookResult on_webhook(const HttpRequest&, std::int64_t) override { return {}; }
  ApiCall render(const OutboundMessage& m, const std::string&) const override {
    ApiCall c;
    c.url = "scripted:";
    c.body = m.text;
    if (m.text == "unsendable") c.refused = "too big";
    return c;
  }
  SendResult interpret(const OutboundMessage& m, const ApiResponse&) const override {
    SendResult r;
    if (m.text == "reject") {
      r.status = SendStatus::rejected;
      r.error = "400";
    } else {
      r.platform_id = "p";
    }
    return r;
  }
  AdapterConfig config_;
};

class ScriptedTransport : public Transport {
 public:
  net::awaitable<ApiResponse> perform(ApiCall call) override {
    bodies.push_back(call.body);
    co_return ApiResponse{200, "{}", "", ""};
  }
  std::vector<std::string> bodies;
};

class SenderUnderStress : public ::testing::Test {
 protected:
  OutboundMessage message(const std::string& chat, const std::string& text) {
    OutboundMessage m;
    m.adapter = "sc";
    m.chat = chat;
    m.private_chat = true;
    m.text = text;
    return m;
  }
  void run(OutboxSender& sender, std::chrono::milliseconds limit) {
    net::co_spawn(
        io_,
        [&]() -> net::awaitable<void> {
          co_await sender.drain(limit);
          sender.stop();
        },
        net::detached);
    io_.run_for(limit + std::chrono::seconds(2));
  }

  TempDir dir_;
  storage::Database db_{dir_.path() + "/linli.db", "normal"};
  storage::SqliteStore sqlite_{db_};
  Store& store_ = sqlite_.ports;
  ManualClock clock_{1'800'000'000'000};
  Logger log_{LogLevel::error};
  SenderConfig config_;
  net::io_context io_;
  ScriptedAdapter adapter_;
  ScriptedTransport transport_;
};

TEST_F(SenderUnderStress, AStoreThatFailsToRecordADeadLetterDoesNotCostTheNextMessage) {
  // The database refuses to record dead letters (as a full disk would).
  db_.sql().exec(
      "CREATE TRIGGER no_dead BEFORE UPDATE OF status ON outbox WHEN NEW.status = 2 "
      "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
  OutboxSender sender(io_, store_, clock_, config_, log_);
  sender.add_adapter(adapter_, transport_);
  std::int64_t refused = store_.outbox.enqueue(message("u1", "reject"), 1);
  std::int64_t next = store_.outbox.enqueue(message("u1", "hello"), 2);
  sender.start();
  run(sender, std::chrono::seconds(5));
  EXPECT_EQ(transport_.bodies, (std::vector<std::string>{"reject", "hello"}));
  EXPECT_EQ(store_.outbox.status(next), OutboxStatus::sent);
  // What could not be recorded stays pending: it is tried again after a restart.
  EXPECT_EQ(store_.outbox.status(refused), OutboxStatus::pending);
}

TEST_F(SenderUnderStress, AMessageTheAdapterRefusesIsDeadLetteredWithoutACall) {
  OutboxSender sender(io_, store_, clock_, config_, log_);
  sender.add_adapter(adapter_, transport_);
  std::string why;
  sender.on_undeliverable = [&](const OutboxRow&, const SendResult& r) { why = r.error; };
  std::int64_t refused = store_.outbox.enqueue(message("u1", "unsendable"), 1);
  std::int64_t next = store_.outbox.enqueue(message("u1", "hello"), 2);
  sender.start();
  run(sender, std::chrono::seconds(5));
  EXPECT_EQ(transport_.bodies, (std::vector<std::string>{"hello"}));
  EXPECT_EQ(store_.outbox.status(refused), OutboxStatus::dead);
  EXPECT_EQ(store_.outbox.status(next), OutboxStatus::sent);
  EXPECT_EQ(why, "refused: too big");
  EXPECT_EQ(sender.stats().dead, 1u);
}

TEST_F(SenderUnderStress, ChatsWithNothingToSendAreForgotten) {
  config_.idle_sweep_ms = 20;
  OutboxSender sender(io_, store_, clock_, config_, log_);
  sender.add_adapter(adapter_, transport_);
  for (int i = 0; i < 2000; ++i) store_.outbox.enqueue(message("u" + std::to_string(i), "hi"), 1);
  sender.start();  // takes up a first batch of what the outbox holds
  EXPECT_EQ(sender.chats_in_memory(), static_cast<std::size_t>(config_.resume_batch));
  // Deliver everything, then give the sweep a moment after the buckets have refilled.
  net::co_spawn(
      io_,
      [&]() -> net::awaitable<void> {
        co_await sender.drain(std::chrono::seconds(5));
        net::steady_timer t(io_, std::chrono::milliseconds(200));
        co_await t.async_wait(net::use_awaitable);
        sender.stop();
      },
      net::detached);
  io_.run_for(std::chrono::seconds(8));
  EXPECT_EQ(transport_.bodies.size(), 2000u);
  EXPECT_EQ(sender.chats_in_memory(), 0u);
}

TEST_F(SenderUnderStress, ANewerEditOfAMessageReplacesTheOneStillWaiting) {
  OutboxSender sender(io_, store_, clock_, config_, log_);
  sender.add_adapter(adapter_, transport_);
  std::int64_t card_id = store_.outbox.enqueue(message("g1", "card v1"), 1);
  for (int v = 2; v <= 5; ++v) {
    OutboundMessage edit = message("g1", "card v" + std::to_string(v));
    edit.kind = OutKind::edit;
    edit.edit_of = card_id;
    store_.outbox.enqueue(edit, v);
  }
  sender.start();  // the card and four edits of it, all waiting
  run(sender, std::chrono::seconds(5));
  // The card, and one edit with the latest text.
  EXPECT_EQ(transport_.bodies, (std::vector<std::string>{"card v1", "card v5"}));
  EXPECT_EQ(store_.outbox.depth(), 0);
}

TEST_F(SenderUnderStress, ABacklogIsReadInBatchesAndSentOnceInEachChatsOrder) {
  config_.resume_batch = 100;
  constexpr int kRows = 5000;
  constexpr int kChats = 50;
  auto chat_of = [](int i) { return "u" + std::to_string(i % kChats); };
  {
    storage::Database::Transaction txn(db_);
    for (int i = 0; i < kRows; ++i)
      store_.outbox.enqueue(message(chat_of(i), std::to_string(i)), 1);
    txn.commit();
  }
  OutboxSender sender(io_, store_, clock_, config_, log_);
  sender.add_adapter(adapter_, transport_);
  std::size_t most_queued = 0;
  sender.on_sent = [&](const OutboxRow& row, const SendResult&) {
    most_queued = std::max(most_queued, sender.queued());
    // Halfway, a decision commits a message to a chat whose older ones are still only in the
    // database: it must go after them.
    if (row.msg.text == "2500") {
      OutboundMessage late = message(chat_of(kRows - 1), "late");
      std::int64_t id = store_.outbox.enqueue(late, 2);
      sender.push({OutboxRow{id, late, 0}});
    }
  };
  sender.start();
  most_queued = std::max(most_queued, sender.queued());
  run(sender, std::chrono::seconds(30));

  EXPECT_LE(most_queued, 100u);
  ASSERT_EQ(transport_.bodies.size(), static_cast<std::size_t>(kRows + 1));
  EXPECT_EQ(std::set<std::string>(transport_.bodies.begin(), transport_.bodies.end()).size(),
            static_cast<std::size_t>(kRows + 1));
  std::map<std::string, std::vector<std::string>> per_chat;
  for (const auto& body : transport_.bodies) {
    per_chat[body == "late" ? chat_of(kRows - 1) : chat_of(std::stoi(body))].push_back(body);
  }
  for (int c = 0; c < kChats; ++c) {
    std::vector<std::string> expected;
    for (int i = c; i < kRows; i += kChats) expected.push_back(std::to_string(i));
    if (c == (kRows - 1) % kChats) expected.push_back("late");
    EXPECT_EQ(per_chat[chat_of(c)], expected) << chat_of(c);
  }
  EXPECT_EQ(store_.outbox.depth(), 0);
}

// The parts behind the scheduler, on one io_context, with a community to decide for.
struct SchedulerParts {
  Config config = community_config();
  storage::Database db{":memory:", "normal"};
  storage::FieldCipher cipher{std::string(32, 'k')};
  storage::SqliteStore sqlite{db, &cipher};
  Store& store = sqlite.ports;
  ManualClock clock{1'800'000'000'000};
  Directory dir{config, store.people, clock.now_ms()};
  bool dir_saved = (storage::save_directory(db, dir), true);  // the rows the engine joins with
  Engine engine{config, store, dir};
  Logger log{LogLevel::error};
  net::io_context io;
  OutboxSender sender{io, store, clock, config.sender, log};
  Dispatcher dispatcher{store, engine, clock, sender, config.flood, log};
  Scheduler scheduler{io, store, clock, dispatcher, log};
};

TEST(SchedulerUnderStress, TimersDueAfterDowntimeFireInBatchesWhileTheLoopServesOthers) {
  SchedulerParts p;
  constexpr std::uint64_t kTimers = 2000;
  std::int64_t now = p.clock.now_ms();
  {
    storage::Database::Transaction txn(p.db);
    // Reminders of a shift that is gone: each fires and decides nothing.
    for (std::uint64_t i = 0; i < kTimers; ++i) {
      p.store.timers.arm("remind:" + std::to_string(i), now - 60'000, "remind", "0");
    }
    txn.commit();
  }
  p.scheduler.start();
  // Other work, as a webhook would be: it counts the times it ran while some, but not all, of
  // the due timers had fired, and ends the test when all have.
  int ran_between = 0;
  std::function<void()> other = [&] {
    std::uint64_t fired = p.dispatcher.stats().timers;
    if (fired > 0 && fired < kTimers) ++ran_between;
    if (fired < kTimers) {
      net::post(p.io, other);
    } else {
      p.scheduler.stop();
      p.io.stop();
    }
  };
  net::post(p.io, other);
  p.io.run_for(std::chrono::seconds(30));

  EXPECT_GT(ran_between, 0) << "all due timers fired without a break";
  // Each fired once: taking a timer is one conditional delete, and none is left.
  EXPECT_EQ(p.dispatcher.stats().timers, kTimers);
  EXPECT_FALSE(p.store.timers.next_due().has_value());
}

TEST(SchedulerUnderStress, OneTimerThatKeepsFailingDoesNotHoldUpTheOthers) {
  SchedulerParts p;
  // A request whose stored address cannot be decrypted: every decision about it throws.
  auto li = p.store.people.resolve("pg", "li", "李阿姨", p.clock.now_ms());
  p.db.sql().exec(
      "INSERT INTO help_requests (id, community_id, resident_id, category, details, building, "
      "address, status, created_at) VALUES (7, 'sc', " +
      std::to_string(li.id) + ", 'repair', 'x', '31', 'enc1:not-base64!', 'open', 0)");
  std::int64_t now = p.clock.now_ms();
  p.store.timers.arm("unclaimed:7", now - 10, "unclaimed", "7");
  p.store.timers.arm("purge", now - 5, "purge", "");
  p.scheduler.run_due();
  bool purge_still_due = false;
  for (const auto& t : p.store.timers.due(now, 10)) purge_still_due |= t.key == "purge";
  EXPECT_FALSE(purge_still_due);
  // The failing one is tried again later, and dropped after a few failures.
  for (int i = 0; i < 10; ++i) {
    p.clock.advance_ms(120'000);
    p.scheduler.run_due();
  }
  for (const auto& t : p.store.timers.due(p.clock.now_ms() + 3'600'000, 10))
    EXPECT_NE(t.key, "unclaimed:7");
}

}  // namespace
}  // namespace linli::test
