// Group commit (bot/group_commit.hpp) through the running service, over HTTP on 127.0.0.1 with
// a real SQLite file: webhooks decided while a commit is held share one commit, each decision
// still all-or-nothing inside it, and no webhook is answered, no reply sent, before the commit
// that holds its decision. The commit is held with the GroupCommit's test hook: nothing here
// depends on timing, every wait is for an event, with a bound.

#include <filesystem>
#include <future>

#include "bot/dispatcher.hpp"
#include "bot/group_commit.hpp"
#include "tests/support/telegram_fixture.hpp"

namespace linli::test {
namespace {

using namespace std::chrono_literals;

// Private chats of new people: each /join is a decision of its own, in a chat of its own.
TelegramUser batch_neighbour(int i) {
  return TelegramUser{5000 + i, "Neighbour" + std::to_string(i), "", "", "en"};
}

class GroupCommitTest : public Telegram {
 protected:
  void hold() {
    on_io([&] { app_->app().group_commit().hold(); });
  }
  // Lets the held batch commit now; returns the database's commits after it.
  std::uint64_t release() {
    return on_io([&] {
      GroupCommit& g = app_->app().group_commit();
      g.release();
      g.flush();
      return app_->app().commits();
    });
  }
  std::uint64_t commits() {
    return on_io([&] { return app_->app().commits(); });
  }
  std::uint64_t decided() {
    return on_io([&] {
      const DispatchStats& s = app_->app().dispatcher().stats();
      return s.handled + s.duplicates + s.failed;
    });
  }
  // Waits (at most 10 s) until the service has decided `n` events in all (a decision that failed
  // counts).
  bool wait_decided(std::uint64_t n) {
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (decided() < n) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(2ms);
    }
    return true;
  }
  // POSTs an update on a connection of its own, as a platform delivers concurrently.
  std::future<int> deliver(const nlohmann::json& update) {
    std::uint16_t port = app_->port();
    return std::async(std::launch::async, [port, body = update.dump()] {
      HttpClient c(port, 20s);
      return c.post("/telegram/tg", body, {{"X-Telegram-Bot-Api-Secret-Token", kSecret}}).status;
    });
  }
  static bool answered(std::future<int>& f) { return f.wait_for(0s) == std::future_status::ready; }
  int count_rows(const std::string& table) {
    SQLite::Statement q(sql(), "SELECT count(*) FROM " + table);
    q.executeStep();
    return q.getColumn(0).getInt();
  }
  // The people the service knows, as another connection to the file sees them: only what is
  // committed.
  int committed_people_named(const std::string& prefix) {
    SQLite::Statement q(sql(), "SELECT count(*) FROM people WHERE name LIKE ? || '%'");
    q.bind(1, prefix);
    q.executeStep();
    return q.getColumn(0).getInt();
  }
};

TEST_F(GroupCommitTest, WebhooksDecidedWhileTheCommitIsHeldShareOneCommitAndAreAnsweredAfterIt) {
  wait_recorded();
  std::uint64_t before_decided = decided();
  hold();
  std::uint64_t before = commits();
  std::vector<std::future<int>> answers;
  for (int i = 0; i < 5; ++i) {
    TelegramUser u = batch_neighbour(i);
    answers.push_back(deliver(ups_.message(u.id, "private", u, "/join")));
  }
  ASSERT_TRUE(wait_decided(before_decided + 5));
  // All five are decided, in the open batch; the service answered a request after them (the
  // stats above), and still none of the five is answered, none is on disk, nothing was sent.
  for (auto& a : answers) EXPECT_FALSE(answered(a));
  EXPECT_EQ(committed_people_named("Neighbour"), 0);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(fake_.messages(batch_neighbour(i).id).empty());
  EXPECT_EQ(commits(), before);

  EXPECT_EQ(release(), before + 1);  // one commit for the five decisions
  for (auto& a : answers) {
    ASSERT_EQ(a.wait_for(10s), std::future_status::ready);
    EXPECT_EQ(a.get(), 200);
  }
  EXPECT_EQ(committed_people_named("Neighbour"), 5);
  for (int i = 0; i < 5; ++i) expect(batch_neighbour(i).id, "what is your name");
}

TEST_F(GroupCommitTest, AFailingDecisionInABatchRollsBackAloneAndTheOthersCommit) {
  // The database refuses one person (as damaged data or a bug would make one decision throw).
  sql().exec(
      "CREATE TRIGGER refuse_boom BEFORE INSERT ON people WHEN NEW.name = 'Boom' "
      "BEGIN SELECT RAISE(ABORT, 'refused for the test'); END");
  wait_recorded();
  std::uint64_t before_decided = decided();
  hold();
  std::uint64_t before = commits();
  const TelegramUser boom{5099, "Boom", "", "", "en"};
  auto first = deliver(ups_.message(batch_neighbour(1).id, "private", batch_neighbour(1), "/join"));
  auto failing = deliver(ups_.message(boom.id, "private", boom, "/join"));
  auto last = deliver(ups_.message(batch_neighbour(2).id, "private", batch_neighbour(2), "/join"));
  ASSERT_TRUE(wait_decided(before_decided + 3));
  EXPECT_FALSE(answered(first));
  EXPECT_FALSE(answered(last));

  EXPECT_EQ(release(), before + 1);
  ASSERT_EQ(first.wait_for(10s), std::future_status::ready);
  ASSERT_EQ(last.wait_for(10s), std::future_status::ready);
  ASSERT_EQ(failing.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(first.get(), 200);
  EXPECT_EQ(last.get(), 200);
  EXPECT_EQ(failing.get(), 500);  // not acknowledged: Telegram delivers it again
  expect(batch_neighbour(1).id, "what is your name");
  expect(batch_neighbour(2).id, "what is your name");
  // Nothing of the failed decision was kept; its failed try was, for the parking count.
  EXPECT_EQ(committed_people_named("Neighbour"), 2);
  EXPECT_EQ(committed_people_named("Boom"), 0);
  EXPECT_EQ(count_rows("dialogs"), 2);
  EXPECT_EQ(count_rows("event_failures"), 1);
  EXPECT_TRUE(fake_.messages(boom.id).empty());
}

TEST_F(GroupCommitTest, ARetryOfAnEventWhoseFirstDeliveryIsNotCommittedWaitsForThatCommit) {
  wait_recorded();
  std::uint64_t before_decided = decided();
  hold();
  nlohmann::json update =
      ups_.message(batch_neighbour(3).id, "private", batch_neighbour(3), "/join");
  auto original = deliver(update);
  ASSERT_TRUE(wait_decided(before_decided + 1));
  // The platform gave up waiting and delivers it again: the retry is a duplicate of a decision
  // that is not on disk yet, so "already done" must wait for that disk too.
  auto retry = deliver(update);
  ASSERT_TRUE(wait_decided(before_decided + 2));
  EXPECT_FALSE(answered(original));
  EXPECT_FALSE(answered(retry));
  EXPECT_EQ(on_io([&] { return app_->app().dispatcher().stats().duplicates; }), 1u);

  release();
  ASSERT_EQ(retry.wait_for(10s), std::future_status::ready);
  ASSERT_EQ(original.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(retry.get(), 200);
  EXPECT_EQ(original.get(), 200);
  expect(batch_neighbour(3).id, "what is your name");
  EXPECT_EQ(count(batch_neighbour(3).id, "what is your name"), 1);
}

TEST_F(GroupCommitTest, ACrashBetweenDecisionAndCommitAcknowledgesNothingAndLosesNothing) {
  wait_recorded();
  std::uint64_t before_decided = decided();
  hold();
  std::vector<nlohmann::json> updates;
  std::vector<std::future<int>> answers;
  for (int i = 0; i < 3; ++i) {
    TelegramUser u = batch_neighbour(10 + i);
    updates.push_back(ups_.message(u.id, "private", u, "/join"));
    answers.push_back(deliver(updates.back()));
  }
  ASSERT_TRUE(wait_decided(before_decided + 3));
  // The crash: the files as a killed process leaves them (what it wrote, nothing more), taken
  // while the three decisions wait for their commit. None was acknowledged.
  std::string crashed = dir_.path() + "/crashed";
  std::filesystem::create_directory(crashed);
  for (const char* suffix : {"", "-wal"}) {
    std::filesystem::path from = dir_.path() + "/linli.db" + suffix;
    if (std::filesystem::exists(from)) {
      std::filesystem::copy_file(from, crashed + "/linli.db" + suffix);
    }
  }
  for (auto& a : answers) EXPECT_FALSE(answered(a));
  release();
  for (auto& a : answers) a.wait();

  // After the restart on the crashed files the three are unknown, so Telegram's redelivery
  // (it got no answer) is decided as new, and each person gets the answer once.
  FakeTelegram fake(kToken);
  TestApp restarted(telegram_config(crashed + "/linli.db", fake.base_url()), clock_);
  {
    SQLite::Database db(crashed + "/linli.db", SQLite::OPEN_READONLY);
    SQLite::Statement q(db, "SELECT count(*) FROM people WHERE name LIKE 'Neighbour%'");
    q.executeStep();
    EXPECT_EQ(q.getColumn(0).getInt(), 0);
  }
  HttpClient c(restarted.port());
  for (const auto& u : updates) {
    EXPECT_EQ(
        c.post("/telegram/tg", u.dump(), {{"X-Telegram-Bot-Api-Secret-Token", kSecret}}).status,
        200);
  }
  EXPECT_EQ(restarted.on_io([&] { return restarted.app().dispatcher().stats().handled; }), 3u);
  for (int i = 0; i < 3; ++i) {
    std::int64_t chat = batch_neighbour(10 + i).id;
    EXPECT_TRUE(fake.wait_until(
        [&](const FakeTelegram& f) {
          for (const auto& m : f.messages(chat)) {
            if (m.text.find("what is your name") != std::string::npos) return true;
          }
          return false;
        },
        10s));
  }
}

}  // namespace
}  // namespace linli::test
