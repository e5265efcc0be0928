// The Dispatcher's decisions on PostgreSQL's pool (issue 13): a conflict between concurrent
// transactions (SQLSTATE 40001, 40P01) is run again by the pool and is never counted as a failed
// try of the event, nor parks it; a real failure is counted, in the same transaction. Real
// PostgreSQL, a real pool; the conflict comes from the inbox port as a concurrent transaction
// would raise it, the first times the event is recorded.

#include <gtest/gtest.h>

#include <future>
#include <memory>

#include <boost/asio/io_context.hpp>

#include "bot/dispatcher.hpp"
#include "bot/outbox_sender.hpp"
#include "dialogs/directory.hpp"
#include "dialogs/engine.hpp"
#include "storage/pg/directory_rows.hpp"
#include "storage/pg/pool.hpp"
#include "storage/pg/store.hpp"
#include "tests/support/postgres.hpp"
#include "tests/support/telegram_fixture.hpp"

namespace linli::test {
namespace {

namespace pg = storage::pg;

// The inbox of a PgStore, which meets `conflicts` serialization failures (or, with `real_error`,
// plain errors) before it records anything.
class TroubledInbox final : public Inbox {
 public:
  TroubledInbox(int conflicts, bool real_error) : left_(conflicts), real_error_(real_error) {}
  void use(Inbox& real) { real_ = &real; }
  bool record(const std::string& adapter, const std::string& id, std::int64_t now) override {
    if (left_ > 0) {
      --left_;
      if (real_error_) throw std::runtime_error("a bug in the decision");
      throw pg::PgError("40001", "could not serialize access due to read/write dependencies");
    }
    return real_->record(adapter, id, now);
  }
  int purge(std::int64_t before) override { return real_->purge(before); }
  int failed(const std::string& adapter, const std::string& id, const std::string& error,
             std::int64_t now) override {
    return real_->failed(adapter, id, error, now);
  }
  void park(const std::string& adapter, const std::string& id, std::int64_t now) override {
    real_->park(adapter, id, now);
  }

 private:
  Inbox* real_ = nullptr;
  int left_;
  bool real_error_;
};

Store with_inbox(pg::PgStore& s, Inbox& inbox) {
  return Store{s.transactions, s.people,    s.volunteers, s.requests,      s.dialogs,
               inbox,          s.outbox,    s.timers,     s.posts,         s.roster,
               s.offers,       s.shifts,    s.evaluation, s.commendations, s.records,
               s.certificates, s.training,  s.equipment,  s.risks,         s.vehicles,
               s.trips,        s.rate_slots};
}

class DispatcherOnPostgres : public ::testing::Test {
 protected:
  void SetUp() override {
    LINLI_REQUIRE_POSTGRES();
    conninfo_ = PostgresServer::shared().migrated_database();
    pool_ = std::make_unique<pg::Pool>(conninfo_, 1);
    run([&](pg::PgStore& s) {
      dir_.emplace(config_, s.people, clock_.now_ms());
      pg::save_directory(s.connection, *dir_);
    });
    // The Dispatcher as the App builds it on PostgreSQL: its own store and engine (unused by
    // the `*_in` calls, which get the worker's) and the conflict test the App sets.
    own_ = std::make_unique<pg::Connection>(conninfo_);
    store_ = std::make_unique<pg::PgStore>(*own_);
    sender_ = std::make_unique<OutboxSender>(io_, store_->ports, clock_, config_.sender, log_);
    engine_ = std::make_unique<Engine>(config_, store_->ports, *dir_);
    dispatcher_ = std::make_unique<Dispatcher>(store_->ports, *engine_, clock_, *sender_,
                                               config_.flood, config_.dispatcher, log_);
    dispatcher_->conflict = [](const std::exception& e) {
      auto* p = dynamic_cast<const pg::PgError*>(&e);
      return p != nullptr && p->retryable();
    };
  }

  void run(const std::function<void(pg::PgStore&)>& f) {
    std::promise<void> done;
    auto result = done.get_future();
    pool_->submit(
        [&f](pg::Connection& c) {
          pg::PgStore s(c);
          f(s);
        },
        [&done](std::exception_ptr e) { e ? done.set_exception(e) : done.set_value(); });
    result.get();
  }

  // Decides `ev` on the pool, its inbox troubled as `inbox` says, and counts the outcome.
  Dispatcher::Decided decide(Dispatcher& dispatcher, TroubledInbox& inbox, const InboundEvent& ev) {
    Dispatcher::Decided d;
    std::optional<FloodGuard::Verdict> verdict;
    run([&](pg::PgStore& s) {
      inbox.use(s.events);
      Store ports = with_inbox(s, inbox);
      Engine engine(config_, ports, *dir_);
      d = dispatcher.dispatch_in(ports, engine, ev, clock_.now_ms(), verdict);
    });
    dispatcher.committed(d);
    return d;
  }

  std::int64_t failures_recorded() {
    std::int64_t n = -1;
    run([&](pg::PgStore& s) {
      n = s.connection.exec("SELECT count(*) FROM event_failures").integer(0, 0);
    });
    return n;
  }

  InboundEvent menu(const std::string& id) {
    InboundEvent ev;
    ev.adapter = "tg";
    ev.event_id = id;
    ev.chat = std::to_string(kLi.id);
    ev.chat_kind = ChatKind::private_chat;
    ev.user = std::to_string(kLi.id);
    ev.user_name = "李秀英";
    ev.text = "/menu";
    return ev;
  }

  Config config_ = telegram_config("unused.db", "http://127.0.0.1:9");
  ManualClock clock_{1'800'000'000'000};
  Logger log_{LogLevel::error};
  std::string conninfo_;
  std::unique_ptr<pg::Pool> pool_;
  std::optional<Directory> dir_;
  boost::asio::io_context io_;
  std::unique_ptr<pg::Connection> own_;
  std::unique_ptr<pg::PgStore> store_;
  std::unique_ptr<OutboxSender> sender_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<Dispatcher> dispatcher_;
};

TEST_F(DispatcherOnPostgres, AConflictIsRunAgainNeverCountedAsAFailedTry) {
  Dispatcher& dispatcher = *dispatcher_;
  // More conflicts than the event may fail (dispatcher.max_event_attempts): had any been
  // counted, the event would be parked.
  const int conflicts = config_.dispatcher.max_event_attempts + 1;
  ASSERT_LT(conflicts, pg::Pool::kAttempts);
  TroubledInbox inbox(conflicts, false);
  Dispatcher::Decided d = decide(dispatcher, inbox, menu("1"));
  EXPECT_EQ(d.kind, Dispatcher::Decided::Kind::handled);
  EXPECT_EQ(pool_->retries(), static_cast<std::uint64_t>(conflicts));
  EXPECT_EQ(failures_recorded(), 0);
  DispatchStats stats = dispatcher.stats();
  EXPECT_EQ(stats.handled, 1u);
  EXPECT_EQ(stats.failed, 0u);
  EXPECT_EQ(stats.parked, 0u);
  // Committed once: the platform's retry is a duplicate.
  TroubledInbox calm(0, false);
  EXPECT_EQ(decide(dispatcher, calm, menu("1")).kind, Dispatcher::Decided::Kind::duplicate);
}

TEST_F(DispatcherOnPostgres, ARealFailureIsCountedInTheSameTransactionAndParkedAtTheLastTry) {
  Dispatcher& dispatcher = *dispatcher_;
  const int tries = config_.dispatcher.max_event_attempts;
  for (int i = 1; i <= tries; ++i) {
    TroubledInbox inbox(1, true);
    Dispatcher::Decided d = decide(dispatcher, inbox, menu("2"));
    EXPECT_EQ(d.kind,
              i < tries ? Dispatcher::Decided::Kind::failed : Dispatcher::Decided::Kind::parked)
        << "try " << i;
    EXPECT_EQ(failures_recorded(), 1) << "one row per event, counting its tries";
  }
  EXPECT_EQ(pool_->retries(), 0u);
  DispatchStats stats = dispatcher.stats();
  EXPECT_EQ(stats.failed, static_cast<std::uint64_t>(tries));
  EXPECT_EQ(stats.parked, 1u);
}

}  // namespace
}  // namespace linli::test
