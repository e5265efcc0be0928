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

#include <sqlite3.h>

#include "bot/dispatcher.hpp"
#include "bot/outbox_sender.hpp"
#include "bot/scheduler.hpp"
#include "dialogs/time_text.hpp"
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
  explicit ScriptedAdapter(std::string name = "sc") {
    config_.type = "scripted";
    config_.name = std::move(name);
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
    } else if (m.text == "move" && m.chat == "g") {  // a group upgraded to a new chat id
      r.status = SendStatus::rejected;
      r.error = "400: migrated";
      r.migrated_chat = "g2";
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

// A platform whose API wants an access token (as WeCom's, Feishu's and DingTalk's do): the
// token is the body of the answer to "token?", and a message "expired" is refused once for
// its token, as a platform does when a token is revoked before its time.
class TokenAdapter : public ScriptedAdapter {
 public:
  std::optional<ApiCall> token_call(std::int64_t) const override {
    if (!token_.empty()) return std::nullopt;
    ApiCall c;
    c.url = "scripted:";
    c.body = "token?";
    return c;
  }
  bool on_token(const ApiResponse& r, std::int64_t, std::string& error) override {
    if (r.body.empty()) error = "no token in the answer";
    token_ = r.body;
    return !token_.empty();
  }
  void forget_token() override { token_.clear(); }
  ApiCall render(const OutboundMessage& m, const std::string&) const override {
    ApiCall c;
    c.url = "scripted:";
    c.body = token_ + "|" + m.text;
    return c;
  }
  SendResult interpret(const OutboundMessage& m, const ApiResponse&) const override {
    SendResult r;
    r.platform_id = "p";
    if (m.text == "expired" && !refused_once_) {
      refused_once_ = true;
      r.status = SendStatus::transient;
      r.token_rejected = true;
    }
    return r;
  }
  std::string token_;
  mutable bool refused_once_ = false;
};

class TokenTransport : public Transport {
 public:
  explicit TokenTransport(net::io_context& io) : io_(io) {}
  net::awaitable<ApiResponse> perform(ApiCall call) override {
    bodies.push_back(call.body);
    if (call.body != "token?") co_return ApiResponse{200, "{}", "", ""};
    // The token's answer takes a while: other sends must wait for it, not fetch their own.
    net::steady_timer t(io_, std::chrono::milliseconds(20));
    co_await t.async_wait(net::use_awaitable);
    co_return ApiResponse{200, "T" + std::to_string(++tokens), "", ""};
  }
  net::io_context& io_;
  std::vector<std::string> bodies;
  int tokens = 0;
};

TEST_F(SenderUnderStress, OneAccessTokenIsFetchedForManySendsAndARejectedOneIsReplaced) {
  TokenAdapter adapter;
  TokenTransport transport(io_);
  OutboxSender sender(io_, store_, clock_, config_, log_);
  sender.add_adapter(adapter, transport);
  std::vector<std::int64_t> ids;
  for (const char* chat : {"u1", "u2", "u3"})
    ids.push_back(store_.outbox.enqueue(message(chat, "hi"), 1));
  sender.start();
  run(sender, std::chrono::seconds(5));
  EXPECT_EQ(transport.tokens, 1) << "sends that start together share one fetch";
  EXPECT_EQ(std::count(transport.bodies.begin(), transport.bodies.end(), "T1|hi"), 3);
  for (auto id : ids) EXPECT_EQ(store_.outbox.status(id), OutboxStatus::sent);

  // The platform refuses the token: a new one is fetched and the message sent with it.
  OutboxSender again(io_, store_, clock_, config_, log_);
  again.add_adapter(adapter, transport);
  std::int64_t expired = store_.outbox.enqueue(message("u1", "expired"), 2);
  io_.restart();
  again.start();
  run(again, std::chrono::seconds(10));
  EXPECT_EQ(transport.tokens, 2);
  EXPECT_EQ(transport.bodies.back(), "T2|expired");
  EXPECT_EQ(store_.outbox.status(expired), OutboxStatus::sent);
}

TEST_F(SenderUnderStress, AMessageTheAdapterRefusesIsDeadLetteredWithoutACall) {
  OutboxSender sender(io_, store_, clock_, config_, log_);
  sender.add_adapter(adapter_, transport_);
  std::string why;
  auto record = sender.on_undeliverable;  // marks the row dead, as App's does with its notice
  sender.on_undeliverable = [&, record](const OutboxRow& row, const SendResult& r) {
    why = r.error;
    record(row, r);
  };
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

// One chat the platform lets through slowly (a coordinator told of every sign-up) holds at most
// `chat_batch` of its messages in memory; the rest wait in the database, in the order they were
// decided, while other chats go on.
TEST_F(SenderUnderStress, AChatsMessagesBeyondItsBatchWaitInTheDatabaseAndGoOnceInOrder) {
  config_.chat_batch = 10;
  config_.resume_batch = 100;
  constexpr int kRows = 200;
  {
    storage::Database::Transaction txn(db_);
    for (int i = 0; i < kRows; ++i) store_.outbox.enqueue(message("coord", std::to_string(i)), 1);
    for (int i = 0; i < 5; ++i) store_.outbox.enqueue(message("u1", "u1-" + std::to_string(i)), 1);
    txn.commit();
  }
  OutboxSender sender(io_, store_, clock_, config_, log_);
  sender.add_adapter(adapter_, transport_);
  std::size_t most_queued = 0;
  sender.on_sent = [&](const OutboxRow& row, const SendResult&) {
    most_queued = std::max(most_queued, sender.queued());
    // Decisions go on committing messages to the full chat, and to another one.
    if (row.msg.text == "50" || row.msg.text == "150") {
      for (int i = 0; i < 10; ++i) {
        OutboundMessage late = message("coord", row.msg.text + "+" + std::to_string(i));
        std::int64_t id = store_.outbox.enqueue(late, 2);
        sender.push({OutboxRow{id, late, 0}});
      }
      OutboundMessage other = message("u1", "u1-" + row.msg.text);
      std::int64_t id = store_.outbox.enqueue(other, 2);
      sender.push({OutboxRow{id, other, 0}});
    }
  };
  sender.start();
  most_queued = std::max(most_queued, sender.queued());
  run(sender, std::chrono::seconds(30));

  // The full chat's ten and u1's few: not the 100 a restart's batch would allow.
  EXPECT_LE(most_queued, 10u + 6u);
  std::vector<std::string> coord, u1;
  for (const auto& body : transport_.bodies)
    (body.rfind("u1-", 0) == 0 ? u1 : coord).push_back(body);
  // The late ones were committed after the rows still in the database, so they go after them.
  std::vector<std::string> in_order;
  for (int i = 0; i < kRows; ++i) in_order.push_back(std::to_string(i));
  for (int i : {50, 150}) {
    for (int k = 0; k < 10; ++k) in_order.push_back(std::to_string(i) + "+" + std::to_string(k));
  }
  EXPECT_EQ(coord, in_order);
  EXPECT_EQ(u1,
            (std::vector<std::string>{"u1-0", "u1-1", "u1-2", "u1-3", "u1-4", "u1-50", "u1-150"}));
  EXPECT_EQ(store_.outbox.depth(), 0);
}

// A full chat moves to a new id: its messages still in the database go there too, and are read
// there in their turn, although fewer than a batch moved in memory (edits stay behind).
TEST_F(SenderUnderStress, AFullChatThatMovesTakesItsMessagesInTheDatabaseAlong) {
  config_.chat_batch = 10;
  std::vector<std::string> expected{"move", "move"};
  {
    storage::Database::Transaction txn(db_);
    store_.outbox.enqueue(message("g", "move"), 1);
    for (int i = 0; i < 4; ++i) {
      OutboundMessage edit = message("g", "edit");
      edit.kind = OutKind::edit;
      edit.edit_of = 1000 + i;  // never delivered: these stay behind and fail
      store_.outbox.enqueue(edit, 1);
    }
    for (const char* batch : {"a", "b"}) {
      for (int i = 1; i <= (batch[0] == 'a' ? 5 : 20); ++i) {
        std::string text = batch + std::to_string(i);
        store_.outbox.enqueue(message("g", text), 1);
        expected.push_back(text);
      }
    }
    txn.commit();
  }
  OutboxSender sender(io_, store_, clock_, config_, log_);
  sender.add_adapter(adapter_, transport_);
  sender.start();
  run(sender, std::chrono::seconds(10));
  EXPECT_EQ(transport_.bodies, expected);
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
  Dispatcher dispatcher{store, engine, clock, sender, config.flood, config.dispatcher, log};
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
      p.store.timers.arm(Timer{TimerKind::remind, static_cast<std::int64_t>(i) + 1}, now - 60'000);
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

// The runtime as App builds it, on one thread and without a network: the example community
// (tests/support/engine_fixture.hpp) with its fields encrypted, the engine, the dispatcher, the
// sender (to a scripted platform named "pg", not started: what it is handed stays queued) and
// the scheduler.
class Runtime : public ::testing::Test {
 protected:
  Runtime() {
    storage::save_directory(db_, dir_);
    sender_.add_adapter(adapter_, transport_);
  }

  InboundEvent event(const std::string& user, const std::string& chat) {
    InboundEvent ev;
    ev.adapter = "pg";
    ev.event_id = "e" + std::to_string(++events_);
    ev.message_id = "m" + std::to_string(events_);
    ev.chat = chat;
    ev.chat_kind = chat == user ? ChatKind::private_chat : ChatKind::group;
    ev.user = user;
    ev.user_name = user;
    return ev;
  }
  InboundEvent press(const std::string& user, const std::string& chat, const std::string& data) {
    InboundEvent ev = event(user, chat);
    ev.button = data;
    ev.callback_id = "cb" + ev.event_id;
    return ev;
  }
  Person volunteer(const std::string& user) {
    Person p = store_.people.resolve("pg", user, user, clock_.now_ms());
    Volunteer v;
    v.person_id = p.id;
    v.community_id = "sc";
    v.name = user;
    v.building = "31";
    v.status = VolunteerStatus::approved;
    store_.volunteers.upsert(v);
    return p;
  }
  // A help request with its card in the volunteers' group, delivered; returns the ticket.
  HelpRequest ticket_with_card() {
    HelpRequest r;
    r.community_id = "sc";
    r.resident_id = store_.people.resolve("pg", "li", "李阿姨", clock_.now_ms()).id;
    r.category = "repair";
    r.details = "水管漏了";
    r.building = "31";
    r.created_at = clock_.now_ms();
    r.id = store_.requests.create(r);
    OutboundMessage card;
    card.adapter = "pg";
    card.chat = "gv";
    card.text = "#1 维修";
    r.card_outbox_id = store_.outbox.enqueue(card, clock_.now_ms());
    store_.outbox.mark_sent(r.card_outbox_id, "p1", clock_.now_ms());
    store_.requests.set_card(r.id, r.card_outbox_id);
    return r;
  }
  // A help request whose stored address cannot be decrypted (damaged, or copied from another
  // row): every decision that reads it throws, every time.
  std::int64_t request_with_damaged_address() {
    auto li = store_.people.resolve("pg", "li", "李阿姨", clock_.now_ms());
    db_.sql().exec(
        "INSERT INTO help_requests (id, community_id, resident_id, category, details, building, "
        "address, status, created_at) VALUES (7, 'sc', " +
        std::to_string(li.id) + ", 'repair', 'x', '31', 'enc1:not-base64!', 'open', 0)");
    return 7;
  }
  // From now on the database refuses every write to `table` that is not part of a unit of
  // work, as a full disk would refuse it: what is written after a commit fails.
  void refuse_writes_after_commits(const std::string& table) {
    db_.sql().createFunction("in_unit_of_work", 0, false, nullptr,
                             [](sqlite3_context* ctx, int, sqlite3_value**) {
                               sqlite3* db = sqlite3_context_db_handle(ctx);
                               sqlite3_result_int(ctx, sqlite3_get_autocommit(db) == 0);
                             });
    for (const char* op : {"INSERT", "UPDATE", "DELETE"}) {
      db_.sql().exec("CREATE TEMP TRIGGER refuse_" + std::string(op) + "_" + table + " BEFORE " +
                     op + " ON " + table +
                     " WHEN NOT in_unit_of_work() BEGIN "
                     "SELECT RAISE(ABORT, 'database or disk is full'); END");
    }
  }

  Config config_ = community_config();
  storage::Database db_{":memory:", "normal"};
  storage::FieldCipher cipher_{std::string(32, 'k')};
  storage::SqliteStore sqlite_{db_, &cipher_};
  Store& store_ = sqlite_.ports;
  ManualClock clock_{1'800'000'000'000};
  Directory dir_{config_, store_.people, clock_.now_ms()};
  Engine engine_{config_, store_, dir_};
  Logger log_{LogLevel::error};
  net::io_context io_;
  ScriptedAdapter adapter_{"pg"};
  ScriptedTransport transport_;
  OutboxSender sender_{io_, store_, clock_, config_.sender, log_};
  Dispatcher dispatcher_{store_, engine_, clock_, sender_, config_.flood, config_.dispatcher, log_};
  Scheduler scheduler_{io_, store_, clock_, dispatcher_, log_};
  int events_ = 0;
};

TEST_F(Runtime, ACommittedEventIsDoneEvenIfTheDatabaseRefusesWritesAfterTheCommit) {
  volunteer("chen");
  HelpRequest r = ticket_with_card();
  // An edit of the card that a decision before committed is still waiting in the sender.
  OutboundMessage older;
  older.kind = OutKind::edit;
  older.adapter = "pg";
  older.chat = "gv";
  older.edit_of = r.card_outbox_id;
  older.text = "#1 维修 (edited)";
  std::int64_t older_id = store_.outbox.enqueue(older, clock_.now_ms());
  sender_.push({OutboxRow{older_id, older, 0}});
  refuse_writes_after_commits("outbox");
  refuse_writes_after_commits("timers");

  // Chen takes the ticket: the card is edited again, which makes the waiting edit pointless.
  InboundEvent take = press("chen", "gv", "t:" + std::to_string(r.id));
  EXPECT_EQ(dispatcher_.dispatch(take), Dispatcher::Result::handled);
  EXPECT_EQ(store_.requests.get(r.id)->status, RequestStatus::claimed);
  // The older edit was superseded by the decision itself, inside its transaction.
  EXPECT_EQ(store_.outbox.status(older_id), OutboxStatus::sent);
  // The platform retries the event: it is done, and not decided again.
  EXPECT_EQ(dispatcher_.dispatch(take), Dispatcher::Result::duplicate);
  EXPECT_EQ(dispatcher_.stats().handled, 1u);
}

TEST_F(Runtime, ATimerThatFiredIsNotFiredAgainWhenHandingOnFails) {
  std::int64_t start = clock_.now_ms();
  store_.timers.arm(Timer{TimerKind::purge}, start - 5);
  // Waking the scheduler for the next day's purge fails, after the commit.
  dispatcher_.on_timer_armed = [](std::int64_t) { throw std::runtime_error("wake failed"); };
  EXPECT_EQ(scheduler_.run_due(), 1);
  clock_.advance_ms(10 * 60'000);
  EXPECT_EQ(scheduler_.run_due(), 0);
  EXPECT_EQ(dispatcher_.stats().timers, 1u);
  EXPECT_EQ(store_.timers.next_due(), start + kDay);
}

TEST_F(Runtime, ATimerThatAlwaysFailsIsParkedAfterItsLastTryAndTheOthersStillFire) {
  std::int64_t request = request_with_damaged_address();
  std::int64_t start = clock_.now_ms();
  store_.timers.arm(Timer{TimerKind::unclaimed, request}, start - 10);
  store_.timers.arm(Timer{TimerKind::purge}, start - 5);
  EXPECT_EQ(scheduler_.run_due(), 1);  // the purge; the broken one is put back for later
  EXPECT_EQ(store_.timers.due(start, 10).size(), 0u);
  // Tried again with a growing delay (2, 4, 8, 16 s) until its last try parks it.
  for (int i = 1; i < config_.dispatcher.max_event_attempts; ++i) {
    clock_.advance_ms(60'000);
    EXPECT_EQ(scheduler_.run_due(), 0);
  }
  EXPECT_EQ(dispatcher_.stats().timers_parked, 1u);
  EXPECT_EQ(store_.timers.next_due(), start + kDay);  // only the next purge is armed
  SQLite::Statement q(db_.sql(), "SELECT key, attempts, error FROM parked_timers");
  ASSERT_TRUE(q.executeStep());
  EXPECT_EQ(q.getColumn(0).getString(), "unclaimed:7");
  EXPECT_EQ(q.getColumn(1).getInt(), config_.dispatcher.max_event_attempts);
  EXPECT_NE(q.getColumn(2).getString().find("cannot decrypt"), std::string::npos);
  // A timer armed after it fires as any other.
  store_.timers.arm(Timer{TimerKind::purge}, clock_.now_ms());
  EXPECT_EQ(scheduler_.run_due(), 1);
}

TEST_F(Runtime, ATimerOfAKindThisVersionDoesNotKnowIsParkedWithWhy) {
  // Written by a newer version (a rollback), or damaged by hand.
  db_.sql().exec(
      "INSERT INTO timers (key, due_at, kind, payload) VALUES ('survey:3', 0, 'survey', '3')");
  for (int i = 0; i < config_.dispatcher.max_event_attempts; ++i) {
    EXPECT_EQ(scheduler_.run_due(), 0);
    clock_.advance_ms(60'000);
  }
  EXPECT_EQ(dispatcher_.stats().timers_parked, 1u);
  EXPECT_FALSE(store_.timers.next_due());
  SQLite::Statement q(db_.sql(), "SELECT key, error FROM parked_timers");
  ASSERT_TRUE(q.executeStep());
  EXPECT_EQ(q.getColumn(0).getString(), "survey:3");
  EXPECT_NE(q.getColumn(1).getString().find("does not know"), std::string::npos);
}

// The timers port as the scheduler sees it, failing the next `failures` reads of due timers.
class FlakyTimers final : public Timers {
 public:
  FlakyTimers(Timers& real, int failures) : real_(real), failures_(failures) {}
  void arm(const Timer& timer, std::int64_t due_at) override { real_.arm(timer, due_at); }
  bool arm_once(const Timer& timer, std::int64_t due_at) override {
    return real_.arm_once(timer, due_at);
  }
  bool arm_by(const Timer& timer, std::int64_t due_at) override {
    return real_.arm_by(timer, due_at);
  }
  void disarm(const Timer& timer) override { real_.disarm(timer); }
  bool take(std::int64_t id) override { return real_.take(id); }
  std::optional<std::int64_t> next_due() override { return real_.next_due(); }
  std::vector<TimerRecord> due(std::int64_t now, int limit) override {
    if (failures_ > 0) {
      --failures_;
      throw std::runtime_error("database is locked");
    }
    return real_.due(now, limit);
  }
  bool retry(std::int64_t id, int attempts, std::int64_t retry_at) override {
    return real_.retry(id, attempts, retry_at);
  }
  bool park(std::int64_t id, int attempts, const std::string& error, std::int64_t now) override {
    return real_.park(id, attempts, error, now);
  }
  int failures_left() const { return failures_; }

 private:
  Timers& real_;
  int failures_;
};

TEST_F(Runtime, ATimersTableThatCannotBeReadIsReadAgainLaterAndTheProcessGoesOn) {
  FlakyTimers flaky(store_.timers, 2);
  Store seen{store_.transactions, store_.people,        store_.volunteers, store_.requests,
             store_.dialogs,      store_.events,        store_.outbox,     flaky,
             store_.posts,        store_.roster,        store_.offers,     store_.shifts,
             store_.evaluation,   store_.commendations, store_.service,    store_.certificates,
             store_.training,     store_.equipment,     store_.risks,      store_.vehicles,
             store_.trips,        store_.rate_slots};
  Scheduler scheduler(io_, seen, clock_, dispatcher_, log_);
  store_.timers.arm(Timer{TimerKind::purge}, clock_.now_ms() - 5);
  scheduler.start();
  net::co_spawn(
      io_,
      [&]() -> net::awaitable<void> {
        net::steady_timer t(io_);
        for (int i = 0; i < 500 && dispatcher_.stats().timers == 0; ++i) {  // at most 10 s
          t.expires_after(std::chrono::milliseconds(20));
          co_await t.async_wait(net::use_awaitable);
        }
        scheduler.stop();
      },
      net::detached);
  io_.run_for(std::chrono::seconds(15));
  EXPECT_EQ(flaky.failures_left(), 0);
  EXPECT_EQ(dispatcher_.stats().timers, 1u);
}

}  // namespace
}  // namespace linli::test
