// Repositories on a fresh database per test (STYLE 8, 15).

#include <gtest/gtest.h>

#include <filesystem>

#include "storage/migrations.hpp"
#include "storage/store.hpp"
#include "tests/support/temp_dir.hpp"

namespace linli::storage {
namespace {

class Storage : public ::testing::Test {
 protected:
  Database db_{":memory:", "normal"};
  Store store_{db_};
};

TEST_F(Storage, MigrationsBringAFreshDatabaseToTheLatestVersion) {
  EXPECT_EQ(db_.schema_version(), Database::latest_schema_version());
  EXPECT_EQ(Database::latest_schema_version(), static_cast<int>(migrations().size()));
}

TEST(StorageFile, ReopeningKeepsDataAndDoesNotMigrateTwice) {
  test::TempDir dir;
  std::string path = dir.path() + "/linli.db";
  {
    Database db(path, "normal");
    Store store(db);
    store.people.resolve("pg", "li", "李阿姨", 1);
  }
  Database db(path, "full");
  Store store(db);
  EXPECT_EQ(db.schema_version(), Database::latest_schema_version());
  EXPECT_TRUE(store.people.find("pg", "li"));
  SQLite::Statement mode(db.sql(), "PRAGMA journal_mode");
  mode.executeStep();
  EXPECT_EQ(mode.getColumn(0).getString(), "wal");
}

TEST_F(Storage, PeopleAreCreatedOnFirstSightOnly) {
  Person a = store_.people.resolve("pg", "li", "李阿姨", 1);
  Person b = store_.people.resolve("pg", "li", "另一个名字", 2);
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(b.name, "李阿姨");
  Person other = store_.people.resolve("tg", "li", "Li", 3);  // same id on another platform
  EXPECT_NE(other.id, a.id);
  store_.people.set_lang(a.id, "en", true);
  EXPECT_EQ(store_.people.get(a.id)->lang, "en");
  EXPECT_TRUE(store_.people.get(a.id)->lang_chosen);
  auto who = store_.people.identity(a.id, "tg");
  ASSERT_TRUE(who);
  EXPECT_EQ(who->adapter, "pg");
  EXPECT_EQ(who->user, "li");
}

TEST_F(Storage, AnEventIdIsRecordedOnce) {
  EXPECT_TRUE(store_.events.record("tg", "100", 1));
  EXPECT_FALSE(store_.events.record("tg", "100", 2));
  EXPECT_TRUE(store_.events.record("pg", "100", 2));  // ids are per adapter
  EXPECT_EQ(store_.events.purge(2), 1);
  EXPECT_TRUE(store_.events.record("tg", "100", 3));
}

TEST_F(Storage, ATransactionThatIsNotCommittedLeavesNothing) {
  {
    Database::Transaction txn(db_);
    store_.events.record("tg", "1", 1);
    store_.people.resolve("tg", "7", "x", 1);
  }
  EXPECT_TRUE(store_.events.record("tg", "1", 2));
  EXPECT_FALSE(store_.people.find("tg", "7"));
}

TEST_F(Storage, OnlyOneClaimOfATicketSucceeds) {
  Person r = store_.people.resolve("pg", "li", "李阿姨", 1);
  Person a = store_.people.resolve("pg", "a", "a", 1);
  Person b = store_.people.resolve("pg", "b", "b", 1);
  db_.sql().exec("INSERT INTO communities VALUES ('sc', 'x', 'zh')");
  HelpRequest req;
  req.community_id = "sc";
  req.resident_id = r.id;
  req.category = "repair";
  req.details = "漏水";
  req.created_at = 1;
  std::int64_t id = store_.requests.create(req);
  EXPECT_TRUE(store_.requests.claim(id, a.id, 2));
  EXPECT_FALSE(store_.requests.claim(id, b.id, 3));
  EXPECT_EQ(store_.requests.get(id)->volunteer_id, a.id);
  EXPECT_FALSE(store_.requests.finish(id, b.id, 4));
  EXPECT_TRUE(store_.requests.finish(id, a.id, 4));
  EXPECT_FALSE(store_.requests.rate(id, a.id, 5, ""));  // only the resident rates
  EXPECT_TRUE(store_.requests.rate(id, r.id, 5, "好"));
  EXPECT_FALSE(store_.requests.rate(id, r.id, 1, ""));  // once
  EXPECT_EQ(store_.requests.get(id)->rating, 5);
}

TEST_F(Storage, OutboxRowsRoundTripAndRouteRepliesByPlatformId) {
  OutboundMessage m;
  m.adapter = "tg";
  m.chat = "-100";
  m.thread = "7";
  m.text = "#1 维修";
  m.route = "t:1";
  m.reply_to = "55";
  m.mentions = {"42"};
  m.buttons = {{{"接单", "t:1:take"}}};
  std::int64_t id = store_.outbox.enqueue(m, 1);
  auto pending = store_.outbox.pending(0, 10);
  ASSERT_EQ(pending.size(), 1u);
  const OutboundMessage& back = pending[0].msg;
  EXPECT_EQ(back.text, m.text);
  EXPECT_EQ(back.thread, "7");
  EXPECT_EQ(back.reply_to, "55");
  EXPECT_EQ(back.mentions, m.mentions);
  EXPECT_EQ(back.buttons[0][0].data, "t:1:take");
  EXPECT_EQ(store_.outbox.depth(), 1);
  store_.outbox.mark_sent(id, "9001", 2);
  EXPECT_EQ(store_.outbox.depth(), 0);
  EXPECT_TRUE(store_.outbox.pending(0, 10).empty());
  auto routed = store_.outbox.by_platform_id("tg", "-100", "9001");
  ASSERT_TRUE(routed);
  EXPECT_EQ(routed->route, "t:1");
  EXPECT_FALSE(store_.outbox.by_platform_id("tg", "-200", "9001"));  // ids are per chat
  EXPECT_EQ(store_.outbox.platform_id(id), "9001");
}

TEST_F(Storage, TimersReArmByKeyAndAreTakenOnce) {
  store_.timers.arm("d:1", 100, "dialog", "a");
  store_.timers.arm("d:1", 200, "dialog", "b");  // re-armed: one timer, the later time
  store_.timers.arm("d:2", 150, "dialog", "");
  EXPECT_EQ(store_.timers.next_due(), 150);
  auto due = store_.timers.due(199, 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].key, "d:2");
  due = store_.timers.due(200, 10);
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[1].payload, "b");
  EXPECT_TRUE(store_.timers.take(due[0].id));
  EXPECT_FALSE(store_.timers.take(due[0].id));
  store_.timers.disarm("d:1");
  EXPECT_FALSE(store_.timers.next_due());
}

TEST_F(Storage, ReArmedTimerIsNotTakenByItsOldId) {
  store_.timers.arm("d:1", 100, "dialog", "");
  auto old = store_.timers.due(100, 10).at(0);
  store_.timers.arm("d:1", 500, "dialog", "");
  EXPECT_FALSE(store_.timers.take(old.id));
  EXPECT_EQ(store_.timers.next_due(), 500);
}

TEST_F(Storage, DialogsArePutAndErased) {
  Person p = store_.people.resolve("pg", "li", "李阿姨", 1);
  DialogRecord d{p.id, "help", "details", "pg", "g31", "", false, "sc", R"({"answers":{}})", 5};
  store_.dialogs.put(d);
  d.state = "address";
  store_.dialogs.put(d);
  EXPECT_EQ(store_.dialogs.get(p.id)->state, "address");
  EXPECT_EQ(store_.dialogs.count(), 1);
  store_.dialogs.erase(p.id);
  EXPECT_FALSE(store_.dialogs.get(p.id));
}

TEST_F(Storage, PlaygroundLogKeepsMessagesAndEditsInOrder) {
  auto a = store_.playground.append_message("pg", "g31", R"({"kind":"message","text":"a"})");
  store_.playground.append_edit("pg", "g31", std::to_string(a), R"({"kind":"edit","text":"b"})");
  auto entries = store_.playground.since("pg", 0, 10);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].message_id, std::to_string(a));
  EXPECT_EQ(entries[1].message_id, std::to_string(a));
  EXPECT_TRUE(store_.playground.has_message("pg", "g31", std::to_string(a)));
  EXPECT_FALSE(store_.playground.has_message("pg", "gv", std::to_string(a)));
  EXPECT_EQ(store_.playground.last_seq("pg"), entries[1].seq);
}

}  // namespace
}  // namespace linli::storage
