// Repositories on a fresh database per test (STYLE 8, 15).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "bot/app.hpp"
#include "dialogs/directory.hpp"
#include "dialogs/vocabulary.hpp"
#include "storage/directory_rows.hpp"
#include "storage/field_cipher.hpp"
#include "storage/migrations.hpp"
#include "storage/store.hpp"
#include "tests/support/engine_fixture.hpp"
#include "tests/support/old_database.hpp"
#include "tests/support/temp_dir.hpp"

namespace linli::storage {
namespace {

class Storage : public ::testing::Test {
 protected:
  Database db_{":memory:", "normal"};
  SqliteStore store_{db_};
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
    SqliteStore store(db);
    store.people.resolve("pg", "li", "李阿姨", 1);
  }
  Database db(path, "full");
  SqliteStore store(db);
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

TEST_F(Storage, FailuresOfAnEventAreCountedAndAParkedEventIsAFollowingDuplicate) {
  EXPECT_EQ(store_.events.failed("tg", "100", "stoul", 1), 1);
  EXPECT_EQ(store_.events.failed("tg", "100", "stoul", 2), 2);
  EXPECT_EQ(store_.events.failed("pg", "100", "other", 2), 1);  // per adapter
  store_.events.park("tg", "100", 3);
  EXPECT_FALSE(store_.events.record("tg", "100", 4));  // the platform's retry: a duplicate
  SQLite::Statement q(db_.sql(),
                      "SELECT attempts, error, parked_at FROM event_failures WHERE adapter = 'tg'");
  ASSERT_TRUE(q.executeStep());
  EXPECT_EQ(q.getColumn(0).getInt(), 2);
  EXPECT_EQ(q.getColumn(1).getString(), "stoul");
  EXPECT_EQ(q.getColumn(2).getInt64(), 3);
  // The purge forgets the counts of events that were not parked, and keeps the parked.
  store_.events.purge(10);
  EXPECT_EQ(store_.events.failed("pg", "100", "other", 11), 1);
  EXPECT_EQ(
      db_.sql().execAndGet("SELECT COUNT(*) FROM event_failures WHERE adapter = 'tg'").getInt(), 1);
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
  store_.timers.arm(Timer{TimerKind::dialog, 1}, 100);
  store_.timers.arm(Timer{TimerKind::dialog, 1}, 200);  // re-armed: one timer, the later time
  store_.timers.arm(Timer{TimerKind::dialog, 2}, 150);
  EXPECT_EQ(store_.timers.next_due(), 150);
  auto due = store_.timers.due(199, 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].key, "d:2");
  due = store_.timers.due(200, 10);
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[1].key, "d:1");
  EXPECT_EQ(due[1].due_at, 200);
  EXPECT_TRUE(store_.timers.take(due[0].id));
  EXPECT_FALSE(store_.timers.take(due[0].id));
  store_.timers.disarm(Timer{TimerKind::dialog, 1});
  EXPECT_FALSE(store_.timers.next_due());
}

TEST_F(Storage, ATimerArmedByADeadlineIsOnlyEverMovedEarlierAndOtherwiseNotWritten) {
  const Timer t{TimerKind::dialog, 1};
  EXPECT_TRUE(store_.timers.arm_by(t, 300));  // not armed: armed
  const auto first = store_.timers.due(300, 10).at(0);
  EXPECT_FALSE(store_.timers.arm_by(t, 400));  // falls due earlier already: left alone
  EXPECT_FALSE(store_.timers.arm_by(t, 300));
  EXPECT_EQ(db_.sql().getChanges(), 0);  // the upsert changed no row
  EXPECT_EQ(store_.timers.due(300, 10).at(0).id, first.id);
  EXPECT_EQ(store_.timers.next_due(), 300);
  EXPECT_TRUE(store_.timers.arm_by(t, 200));  // would be late: moved
  EXPECT_EQ(store_.timers.next_due(), 200);
  EXPECT_FALSE(store_.timers.take(first.id));  // moved like a re-armed one
  ASSERT_EQ(store_.timers.due(200, 10).size(), 1u);
}

TEST_F(Storage, ReArmedTimerIsNotTakenByItsOldId) {
  store_.timers.arm(Timer{TimerKind::dialog, 1}, 100);
  auto old = store_.timers.due(100, 10).at(0);
  store_.timers.arm(Timer{TimerKind::dialog, 1}, 500);
  EXPECT_FALSE(store_.timers.take(old.id));
  EXPECT_EQ(store_.timers.next_due(), 500);
}

TEST_F(Storage, AFailingTimerIsPutBackOrParkedAndStartsOverWhenReArmed) {
  store_.timers.arm(Timer{TimerKind::unclaimed, 7}, 100);
  auto t = store_.timers.due(100, 10).at(0);
  EXPECT_EQ(t.attempts, 0);
  EXPECT_TRUE(store_.timers.retry(t.id, 1, 2100));
  EXPECT_TRUE(store_.timers.due(2000, 10).empty());
  t = store_.timers.due(2100, 10).at(0);
  EXPECT_EQ(t.attempts, 1);
  store_.timers.arm(Timer{TimerKind::unclaimed, 7}, 3000);  // armed anew by a decision
  EXPECT_FALSE(store_.timers.retry(t.id, 2, 5000));         // not the same timer any more
  t = store_.timers.due(3000, 10).at(0);
  EXPECT_EQ(t.attempts, 0);
  EXPECT_TRUE(store_.timers.park(t.id, 5, "cannot decrypt", 4000));
  EXPECT_FALSE(store_.timers.next_due());
  EXPECT_FALSE(store_.timers.park(t.id, 5, "cannot decrypt", 4000));
  SQLite::Statement q(db_.sql(), "SELECT key, kind, payload, attempts, error FROM parked_timers");
  ASSERT_TRUE(q.executeStep());
  EXPECT_EQ(q.getColumn(0).getString(), "unclaimed:7");
  EXPECT_EQ(q.getColumn(2).getString(), "7");
  EXPECT_EQ(q.getColumn(3).getInt(), 5);
  EXPECT_EQ(q.getColumn(4).getString(), "cannot decrypt");
  EXPECT_FALSE(q.executeStep());
}

TEST_F(Storage, ANewerEditSupersedesTheOlderEditsOfTheSameMessageStillPending) {
  OutboundMessage card;
  card.adapter = "tg";
  card.chat = "-100";
  card.text = "card";
  std::int64_t card_id = store_.outbox.enqueue(card, 1);
  OutboundMessage edit = card;
  edit.kind = OutKind::edit;
  edit.edit_of = card_id;
  std::int64_t first = store_.outbox.enqueue(edit, 2);
  OutboundMessage other = edit;
  other.edit_of = card_id + 100;  // another message's edit stays
  std::int64_t unrelated = store_.outbox.enqueue(other, 2);
  std::int64_t second = store_.outbox.enqueue(edit, 3);
  EXPECT_EQ(store_.outbox.status(first), OutboxStatus::sent);
  EXPECT_EQ(store_.outbox.status(second), OutboxStatus::pending);
  EXPECT_EQ(store_.outbox.status(unrelated), OutboxStatus::pending);
  EXPECT_EQ(store_.outbox.status(card_id), OutboxStatus::pending);
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

// ---- Candidates for a need, by indexed queries (DESIGN.md §7)

class Candidates : public Storage {
 protected:
  Candidates() {
    db_.sql().exec("INSERT INTO communities VALUES ('sc', 'x', 'zh'), ('na', 'y', 'zh')");
  }
  void add(const std::string& name, const std::string& building, std::uint32_t skills,
           VolunteerStatus status = VolunteerStatus::approved,
           const std::string& community = "sc") {
    Volunteer v;
    v.person_id = store_.people.resolve("pg", name, name, 1).id;
    v.community_id = community;
    v.name = name;
    v.phone = "13900000000";
    v.building = building;
    v.skills = skills;
    v.status = status;
    store_.volunteers.upsert(v);
  }
  std::vector<std::string> nearest(std::uint32_t skills, const std::string& building, int limit) {
    std::vector<std::string> names;
    for (const auto& m : store_.volunteers.nearest("sc", skills, building, limit)) {
      names.push_back(m.name);
    }
    return names;
  }
  // A community's pool in the order people signed up, so that ids do not follow the ranking.
  void add_pool() {
    constexpr std::uint32_t kMedical = bit(Skill::medical), kRepair = bit(Skill::repair);
    add("m100", "100", kMedical);
    add("u31a", "31", kRepair);
    add("s31b", "31", kMedical | kRepair);
    add("mA", "A座", kMedical);
    add("u40", "40", 0);
    add("s31a", "31", kMedical);
    add("m29", "29", kMedical);
    add("uNone", "", 0);
    add("m35", "35", kMedical);
    add("u31b", "31", 0);
    add("m32", "32", kMedical);
    add("u30", "30", 0);
    add("s31c", "31", kMedical);
    add("pending31", "31", kMedical, VolunteerStatus::pending);
    add("rejected31", "31", kMedical, VolunteerStatus::rejected);
    add("elsewhere31", "31", kMedical, VolunteerStatus::approved, "na");
  }
};

TEST_F(Candidates, AtMostTheLimitOfEachKindNearestFirst) {
  add_pool();
  // Of building 31 with the skill, without; of other buildings with, without; `limit` of each,
  // in the order people signed up within a building, nearest building first elsewhere.
  EXPECT_EQ(nearest(bit(Skill::medical), "31", 2),
            (std::vector<std::string>{"s31b", "s31a", "u31a", "u31b", "m32", "m29", "u30", "u40"}));
  // All of them: buildings without a number after the numbered ones of their kind.
  EXPECT_EQ(nearest(bit(Skill::medical), "31", 10),
            (std::vector<std::string>{"s31b", "s31a", "s31c", "u31a", "u31b", "m32", "m29", "m35",
                                      "m100", "mA", "u30", "u40", "uNone"}));
  EXPECT_EQ(nearest(bit(Skill::medical), "31", 1),
            (std::vector<std::string>{"s31b", "u31a", "m32", "u30"}));
}

TEST_F(Candidates, NoSkillNeededMakesEveryoneSkilled) {
  add_pool();
  // Building 32 and 30 are as near as each other: the earlier sign-up first.
  EXPECT_EQ(nearest(0, "31", 3),
            (std::vector<std::string>{"u31a", "s31b", "s31a", "m32", "u30", "m29"}));
}

TEST_F(Candidates, ANamedBuildingOrNoneHasNoNearerBuildings) {
  add_pool();
  EXPECT_EQ(nearest(bit(Skill::medical), "A座", 2),
            (std::vector<std::string>{"mA", "m29", "s31b", "u30", "u31a"}));
  EXPECT_EQ(nearest(bit(Skill::medical), "", 2),
            (std::vector<std::string>{"m29", "s31b", "u30", "u31a"}));
  EXPECT_TRUE(store_.volunteers.nearest("nobody", 0, "31", 5).empty());
}

TEST_F(Candidates, RankingReadsNoPhone) {
  add_pool();
  // A phone that does not decrypt: the whole pool cannot be read, the candidates can.
  db_.sql().exec("UPDATE volunteers SET phone = 'enc1:AAAA'");
  FieldCipher cipher(std::string(32, 'k'));
  SqliteStore keyed(db_, &cipher);
  EXPECT_THROW(keyed.volunteers.approved("sc"), FieldCipherError);
  EXPECT_EQ(keyed.volunteers.nearest("sc", bit(Skill::medical), "31", 1).size(), 4u);
}

// A coordinator's name for a volunteer (/assign, /issue, /train …) is looked up by the name in
// the statement, through its index: never the community's whole pool, whose phones would all
// be decrypted for it (a city has 549,000).
TEST_F(Candidates, ANameIsFoundAmongTheApprovedOfItsCommunityByItsIndexBounded) {
  add_pool();
  // Several people of one name: each their own person.
  auto add_as = [&](const std::string& user, const std::string& name, const std::string& building,
                    VolunteerStatus status = VolunteerStatus::approved,
                    const std::string& community = "sc") {
    add(user, building, 0, status, community);
    auto v = *store_.volunteers.get(store_.people.find("pg", user)->id);
    v.name = name;
    store_.volunteers.upsert(v);
  };
  add_as("wf1", "王芳", "31");
  add_as("wf2", "王芳", "A座");
  add_as("wf3", "王芳", "7", VolunteerStatus::pending);
  add_as("wf4", "王芳", "31", VolunteerStatus::approved, "na");
  add_as("wf5", "王芳芳", "31");
  add_as("wf6", "王芳", "", VolunteerStatus::rejected);
  add_as("wf7", "王芳", "");  // an approved 王芳 of sc again: a later number
  auto names = [&](const std::string& name, int limit) {
    std::vector<std::string> out;
    for (const auto& v : store_.volunteers.named("sc", name, limit)) {
      EXPECT_EQ(v.name, name);
      EXPECT_EQ(v.community_id, "sc");
      EXPECT_EQ(v.status, VolunteerStatus::approved);
      EXPECT_EQ(v.phone, "13900000000");  // what tells neighbours apart in a private chat
      out.push_back(v.building);
    }
    return out;
  };
  EXPECT_EQ(names("王芳", 20), (std::vector<std::string>{"31", "A座", ""}));  // by number
  EXPECT_EQ(names("王芳", 2), (std::vector<std::string>{"31", "A座"}));
  EXPECT_EQ(names("u30", 20), (std::vector<std::string>{"30"}));
  EXPECT_TRUE(names("王", 20).empty());  // exact names only
  EXPECT_TRUE(names("pending31", 20).empty());
  EXPECT_TRUE(store_.volunteers.named("nobody", "王芳", 20).empty());
  // The rest of the pool is not read: phones that do not decrypt there change nothing.
  db_.sql().exec("UPDATE volunteers SET phone = 'enc1:AAAA' WHERE name <> 'u30'");
  FieldCipher cipher(std::string(32, 'k'));
  SqliteStore keyed(db_, &cipher);
  EXPECT_THROW(keyed.volunteers.approved("sc"), FieldCipherError);
  EXPECT_EQ(keyed.volunteers.named("sc", "u30", 20).size(), 1u);
  // And the statement is one range of the name's index.
  SQLite::Statement plan(db_.sql(),
                         "EXPLAIN QUERY PLAN SELECT person_id FROM volunteers WHERE "
                         "community_id = 'sc' AND status = 'approved' AND name = '王芳' "
                         "ORDER BY person_id LIMIT 21");
  std::string steps;
  while (plan.executeStep()) steps += plan.getColumn(3).getString() + "\n";
  EXPECT_THAT(steps, ::testing::HasSubstr("USING COVERING INDEX volunteers_by_name"));
  EXPECT_THAT(steps, ::testing::Not(::testing::HasSubstr("TEMP B-TREE")));
}

// The active part of the pool (support::pool_split) is counted by the statement over every post
// of the community that has not ended, more than any list of current posts shows (50).
TEST_F(Candidates, TheActivePartOfThePoolCountsThePlacesOnEveryCurrentPost) {
  constexpr std::int64_t kNow = 1'800'000'000'000;
  std::int64_t coordinator = store_.people.resolve("pg", "zhou", "zhou", 1).id;
  auto post = [&](std::int64_t ends_at, const std::string& community = "sc") {
    Post p;
    p.community_id = community;
    p.team = "care";
    p.title = "岗位";
    p.headcount = 5;
    p.starts_at = ends_at - 3'600'000;
    p.ends_at = ends_at;
    p.created_by = coordinator;
    return store_.posts.create(p);
  };
  auto id = [&](const std::string& name) { return store_.people.find("pg", name)->id; };
  // 60 current posts, one approved volunteer on each; the 60th's post ends last.
  for (int i = 0; i < 60; ++i) {
    std::string name = "v" + std::to_string(i);
    add(name, std::to_string(i), 0);
    std::int64_t p = post(kNow + (i + 1) * 3'600'000);
    ASSERT_TRUE(store_.roster.take(p, id(name), RosterStatus::taken, 5, kNow));
  }
  ASSERT_EQ(store_.posts.current("sc", kNow).size(), 50u);  // what a list shows: not all
  EXPECT_EQ(store_.volunteers.active("sc", kNow), 60);
  std::int64_t last = post(kNow + 100 * 3'600'000);
  // Counted once however many places they hold; a held place is a place.
  ASSERT_TRUE(store_.roster.take(last, id("v0"), RosterStatus::taken, 5, kNow));
  add("held", "1", 0);
  ASSERT_TRUE(store_.roster.take(last, id("held"), RosterStatus::held, 5, kNow));
  // Not active: waiting, gone, on a post that has ended, not approved, of another community,
  // or on another community's post.
  add("waiting", "1", 0);
  EXPECT_EQ(store_.roster.wait(last, id("waiting"), kNow), 1);
  add("gone", "1", 0);
  ASSERT_TRUE(store_.roster.take(last, id("gone"), RosterStatus::taken, 5, kNow));
  ASSERT_TRUE(store_.roster.move(last, id("gone"), RosterStatus::taken, RosterStatus::gone));
  add("ended", "1", 0);
  ASSERT_TRUE(store_.roster.take(post(kNow), id("ended"), RosterStatus::taken, 5, kNow));
  add("pending", "1", 0, VolunteerStatus::pending);
  ASSERT_TRUE(store_.roster.take(last, id("pending"), RosterStatus::held, 5, kNow));
  add("na1", "1", 0, VolunteerStatus::approved, "na");
  ASSERT_TRUE(store_.roster.take(last, id("na1"), RosterStatus::taken, 5, kNow));
  add("na2", "1", 0);
  ASSERT_TRUE(
      store_.roster.take(post(kNow + 3'600'000, "na"), id("na2"), RosterStatus::taken, 5, kNow));
  EXPECT_EQ(store_.volunteers.active("sc", kNow), 61);
  EXPECT_EQ(store_.volunteers.active("na", kNow), 0);  // na1 is on sc's post
  // One by one, the same rule.
  for (const char* name : {"v0", "v59", "held"}) {
    EXPECT_TRUE(store_.volunteers.has_place(id(name), "sc", kNow)) << name;
  }
  for (const char* name : {"waiting", "gone", "ended", "na2"}) {
    EXPECT_FALSE(store_.volunteers.has_place(id(name), "sc", kNow)) << name;
  }
  // Once the posts have ended, everyone is in reserve again but who is on the last one.
  EXPECT_FALSE(store_.volunteers.has_place(id("v59"), "sc", kNow + 60 * 3'600'000));
  EXPECT_EQ(store_.volunteers.active("sc", kNow + 60 * 3'600'000), 2);  // v0 and held
}

TEST(StorageFile, TheMigrationNumbersTheBuildingsOfExistingVolunteers) {
  test::OldDatabase old(
      4, 3,
      {"INSERT INTO volunteers (person_id, community_id, name, building, skills, status, "
       "created_at) VALUES (1, 'sc', 'far', '40', 2, 'approved', 1), "
       "(2, 'sc', 'near', '32', 2, 'approved', 1), (3, 'sc', 'named', 'A座', 2, 'approved', 1)"});
  Database db(old.path(), "normal");
  SqliteStore store(db);
  EXPECT_EQ(db.schema_version(), Database::latest_schema_version());
  std::vector<std::string> names;
  for (const auto& m : store.volunteers.nearest("sc", bit(Skill::medical), "31", 5))
    names.push_back(m.name);
  EXPECT_EQ(names, (std::vector<std::string>{"near", "far", "named"}));
}

// ---- Phone numbers and addresses encrypted at rest (storage/field_cipher.hpp)

const std::string kKey(32, '\x5a');
const std::string kPhone = "13912345678";
const std::string kAddress = "31栋2单元501";

Volunteer volunteer(std::int64_t person, const std::string& phone) {
  Volunteer v;
  v.person_id = person;
  v.community_id = "sc";
  v.name = "陈师傅";
  v.phone = phone;
  v.building = "31";
  v.status = VolunteerStatus::approved;
  v.created_at = 1;
  return v;
}

HelpRequest request(std::int64_t resident, const std::string& address) {
  HelpRequest r;
  r.community_id = "sc";
  r.resident_id = resident;
  r.category = "repair";
  r.details = "漏水";
  r.building = "31";
  r.address = address;
  r.created_at = 1;
  return r;
}

// Two Stores on one database: `store_` with a key, `plain_` without (as before encryption).
class EncryptedStorage : public ::testing::Test {
 protected:
  EncryptedStorage() {
    db_.sql().exec("INSERT INTO communities VALUES ('sc', 'x', 'zh')");
    li_ = store_.people.resolve("pg", "li", "李阿姨", 1).id;
    chen_ = store_.people.resolve("pg", "chen", "陈师傅", 1).id;
    zhao_ = store_.people.resolve("pg", "zhao", "赵姐", 1).id;
  }

  // One column of one row as SQLite holds it.
  std::string raw(const std::string& sql) {
    SQLite::Statement q(db_.sql(), sql);
    EXPECT_TRUE(q.executeStep()) << sql;
    return q.getColumn(0).getString();
  }

  std::string error_of(const std::function<void()>& f) {
    try {
      f();
      return "";
    } catch (const FieldCipherError& e) {
      return e.what();
    }
  }

  Database db_{":memory:", "normal"};
  FieldCipher cipher_{kKey};
  SqliteStore store_{db_, &cipher_};
  SqliteStore plain_{db_};
  std::int64_t li_ = 0, chen_ = 0, zhao_ = 0;
};

TEST_F(EncryptedStorage, PhonesAndAddressesAreStoredSealedAndReadBackPlain) {
  store_.volunteers.upsert(volunteer(chen_, kPhone));
  EXPECT_EQ(store_.volunteers.get(chen_)->phone, kPhone);
  EXPECT_EQ(store_.volunteers.approved("sc").at(0).phone, kPhone);
  std::string phone =
      raw("SELECT phone FROM volunteers WHERE person_id = " + std::to_string(chen_));
  EXPECT_TRUE(phone.starts_with("enc1:")) << phone;
  EXPECT_EQ(phone.find(kPhone), std::string::npos);

  std::int64_t id = store_.requests.create(request(li_, kAddress));
  ASSERT_TRUE(store_.requests.claim(id, chen_, 2));
  EXPECT_EQ(store_.requests.get(id)->address, kAddress);
  EXPECT_EQ(store_.requests.of_resident(li_).at(0).address, kAddress);
  EXPECT_EQ(store_.requests.of_volunteer(chen_).at(0).address, kAddress);
  std::string address = raw("SELECT address FROM help_requests WHERE id = " + std::to_string(id));
  EXPECT_TRUE(address.starts_with("enc1:")) << address;
  EXPECT_EQ(address.find("501"), std::string::npos);

  // Only those two columns: the rest stays searchable and readable by an operator.
  EXPECT_EQ(raw("SELECT name FROM volunteers"), "陈师傅");
  EXPECT_EQ(raw("SELECT details || building FROM help_requests"), "漏水31");
}

TEST_F(EncryptedStorage, RowsWrittenBeforeTheKeyStayReadableAndNewWritesAreSealed) {
  plain_.volunteers.upsert(volunteer(chen_, kPhone));
  std::int64_t old_ticket = plain_.requests.create(request(li_, kAddress));
  EXPECT_EQ(raw("SELECT phone FROM volunteers"), kPhone);
  EXPECT_EQ(store_.volunteers.get(chen_)->phone, kPhone);
  EXPECT_EQ(store_.requests.get(old_ticket)->address, kAddress);

  std::int64_t new_ticket = store_.requests.create(request(li_, "32栋1单元101"));
  EXPECT_EQ(store_.requests.of_resident(li_).size(), 2u);  // old and new rows side by side
  EXPECT_EQ(store_.requests.get(new_ticket)->address, "32栋1单元101");
  EXPECT_TRUE(raw("SELECT address FROM help_requests WHERE id = " + std::to_string(new_ticket))
                  .starts_with("enc1:"));
  store_.volunteers.upsert(volunteer(chen_, "13700000000"));  // a re-sign-up rewrites the row
  EXPECT_TRUE(raw("SELECT phone FROM volunteers").starts_with("enc1:"));
  EXPECT_EQ(store_.volunteers.get(chen_)->phone, "13700000000");
}

TEST_F(EncryptedStorage, AValueCopiedToAnotherRowIsAnErrorNamingTheColumn) {
  store_.volunteers.upsert(volunteer(chen_, kPhone));
  store_.volunteers.upsert(volunteer(zhao_, "13700000000"));
  db_.sql().exec("UPDATE volunteers SET phone = (SELECT phone FROM volunteers WHERE person_id = " +
                 std::to_string(chen_) + ") WHERE person_id = " + std::to_string(zhao_));
  std::string error = error_of([&] { store_.volunteers.get(zhao_); });
  EXPECT_NE(error.find("volunteers.phone"), std::string::npos) << error;
  EXPECT_EQ(error.find(kPhone), std::string::npos) << error;
  EXPECT_NE(error_of([&] { store_.volunteers.approved("sc"); }), "");
  EXPECT_EQ(store_.volunteers.get(chen_)->phone, kPhone);

  std::int64_t a = store_.requests.create(request(li_, kAddress));
  std::int64_t b = store_.requests.create(request(li_, "32栋1单元101"));
  db_.sql().exec(
      "UPDATE help_requests SET address = (SELECT address FROM help_requests WHERE id = " +
      std::to_string(a) + ") WHERE id = " + std::to_string(b));
  error = error_of([&] { store_.requests.get(b); });
  EXPECT_NE(error.find("help_requests.address"), std::string::npos) << error;
  EXPECT_EQ(error.find("501"), std::string::npos) << error;
  EXPECT_EQ(store_.requests.get(a)->address, kAddress);
}

TEST_F(EncryptedStorage, AnotherKeyCannotReadThem) {
  store_.volunteers.upsert(volunteer(chen_, kPhone));
  std::int64_t id = store_.requests.create(request(li_, kAddress));
  FieldCipher other_key(std::string(32, '\x01'));
  SqliteStore other(db_, &other_key);
  EXPECT_NE(error_of([&] { other.volunteers.get(chen_); }), "");
  EXPECT_NE(error_of([&] { other.requests.get(id); }), "");
}

TEST_F(EncryptedStorage, WithoutAKeySealedValuesAreReturnedAsStoredNotDecrypted) {
  // Losing the key loses these fields; reading them without one must not fail the service.
  store_.volunteers.upsert(volunteer(chen_, kPhone));
  EXPECT_TRUE(plain_.volunteers.get(chen_)->phone.starts_with("enc1:"));
}

TEST_F(EncryptedStorage, TheAddressPurgeWritesAnEmptyAddress) {
  std::int64_t id = store_.requests.create(request(li_, kAddress));
  ASSERT_TRUE(store_.requests.claim(id, chen_, 2));
  ASSERT_TRUE(store_.requests.finish(id, chen_, 3));
  EXPECT_EQ(store_.requests.purge_addresses(4), 1);
  EXPECT_EQ(raw("SELECT address FROM help_requests"), "");
  EXPECT_EQ(store_.requests.get(id)->address, "");
  EXPECT_EQ(store_.requests.purge_addresses(4), 0);
  std::int64_t none = store_.requests.create(request(li_, ""));  // "" is stored as ""
  EXPECT_EQ(raw("SELECT address FROM help_requests WHERE id = " + std::to_string(none)), "");
}

TEST_F(EncryptedStorage, DialogAnswersAreStoredSealedWholeAndOldRowsStayReadable) {
  std::string answers = R"({"answers":{"address":"31栋2单元501","phone":"13912345678"}})";
  plain_.dialogs.put({li_, "help", "urgency", "pg", "li", "", true, "sc", answers, 1});
  EXPECT_EQ(store_.dialogs.get(li_)->data, answers);  // written before the key
  store_.dialogs.put({li_, "help", "confirm", "pg", "li", "", true, "sc", answers, 2});
  std::string data = raw("SELECT data FROM dialogs");
  EXPECT_TRUE(data.starts_with("enc1:")) << data;
  EXPECT_EQ(data.find("501"), std::string::npos);
  EXPECT_EQ(store_.dialogs.get(li_)->data, answers);
  EXPECT_EQ(store_.dialogs.get(li_)->state, "confirm");  // the rest stays readable
  // Bound to its person: the answers of one are not the answers of another.
  store_.dialogs.put({chen_, "signup", "name", "pg", "chen", "", true, "sc", "{}", 3});
  db_.sql().exec("UPDATE dialogs SET data = '" + data +
                 "' WHERE person_id = " + std::to_string(chen_));
  EXPECT_NE(error_of([&] { store_.dialogs.get(chen_); }), "");
}

OutboundMessage task_message() {
  OutboundMessage m;
  m.adapter = "pg";
  m.chat = "chen";
  m.private_chat = true;
  m.text = "你接了 #1（维修）。\n地址：" + kAddress;
  m.route = "o:1";
  m.mentions = {"chen"};
  m.buttons = {{{"接受 " + kAddress, "o:1:yes"}}};
  return m;
}

TEST_F(EncryptedStorage, OutboxTextsAreSealedUntilSentAndReadBackForTheSender) {
  std::int64_t id = store_.outbox.enqueue(task_message(), 1);
  std::string payload = raw("SELECT payload FROM outbox");
  EXPECT_EQ(payload.find("501"), std::string::npos) << payload;
  EXPECT_EQ(payload.find("o:1:yes"), std::string::npos) << payload;
  EXPECT_NE(payload.find("\"sealed\":\"enc1:"), std::string::npos) << payload;
  EXPECT_NE(payload.find("\"private\":true"), std::string::npos) << payload;
  EXPECT_EQ(raw("SELECT route || ' ' || chat FROM outbox"), "o:1 chen");  // where it goes: clear
  auto pending = store_.outbox.pending(0, 10);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].msg.text, task_message().text);
  EXPECT_EQ(pending[0].msg.buttons.at(0).at(0).label, "接受 " + kAddress);
  EXPECT_EQ(pending[0].msg.buttons.at(0).at(0).data, "o:1:yes");
  EXPECT_EQ(pending[0].msg.mentions, task_message().mentions);
  EXPECT_TRUE(pending[0].msg.private_chat);
  EXPECT_EQ(store_.outbox.get(id)->msg.text, task_message().text);
  store_.outbox.mark_sent(id, "9", 2);  // delivered: nothing of what it showed is kept
  EXPECT_EQ(raw("SELECT payload FROM outbox"), R"({"private":true})");
  EXPECT_EQ(store_.outbox.by_platform_id("pg", "chen", "9")->route, "o:1");
}

TEST_F(EncryptedStorage, OutboxRowsWrittenBeforeTheKeyStayReadableAndSealsDoNotMove) {
  std::int64_t old = plain_.outbox.enqueue(task_message(), 1);
  EXPECT_NE(raw("SELECT payload FROM outbox").find(kAddress), std::string::npos);
  EXPECT_EQ(store_.outbox.get(old)->msg.text, task_message().text);
  std::int64_t sealed = store_.outbox.enqueue(task_message(), 2);
  db_.sql().exec("UPDATE outbox SET payload = (SELECT payload FROM outbox WHERE id = " +
                 std::to_string(sealed) + ") WHERE id = " + std::to_string(old));
  std::string error = error_of([&] { store_.outbox.get(old); });
  EXPECT_NE(error.find("outbox.payload"), std::string::npos) << error;
  EXPECT_EQ(error.find("501"), std::string::npos) << error;
  // Without the key a sealed text is not shown at all, rather than as a cipher in a chat.
  EXPECT_EQ(plain_.outbox.get(sealed)->msg.text, "");
  EXPECT_EQ(plain_.outbox.get(sealed)->msg.route, "o:1");
}

TEST_F(EncryptedStorage, DeadLettersLoseTheirSealedTextsAfterTheRetention) {
  std::int64_t id = store_.outbox.enqueue(task_message(), 1);
  store_.outbox.mark_dead(id, 5, "HTTP 500");
  EXPECT_EQ(store_.outbox.purge_texts(1), 0);  // not older than that yet
  EXPECT_EQ(store_.outbox.purge_texts(2), 1);
  EXPECT_EQ(raw("SELECT payload FROM outbox"), R"({"private":true})");
  EXPECT_EQ(store_.outbox.purge_texts(2), 0);
}

TEST_F(Storage, HeldMessagesArePurgedAfterTheRetention) {
  OutboundMessage m = task_message();
  std::int64_t held_old = store_.outbox.enqueue(m, 1);
  std::int64_t held_new = store_.outbox.enqueue(m, 5);
  std::int64_t pending_old = store_.outbox.enqueue(m, 1);
  std::int64_t sent_old = store_.outbox.enqueue(m, 1);
  store_.outbox.hold(held_old);
  store_.outbox.hold(held_new);
  store_.outbox.mark_sent(sent_old, "7", 2);
  EXPECT_EQ(store_.outbox.purge_held(3), 1);
  EXPECT_EQ(store_.outbox.status(held_old), OutboxStatus::dead);  // given up, and its text gone
  EXPECT_EQ(store_.outbox.get(held_old)->msg.text, "");
  EXPECT_EQ(store_.outbox.get(held_old)->msg.route, "o:1");
  EXPECT_EQ(store_.outbox.status(held_new), OutboxStatus::held);
  EXPECT_EQ(store_.outbox.status(pending_old), OutboxStatus::pending);
  EXPECT_EQ(store_.outbox.status(sent_old), OutboxStatus::sent);
  EXPECT_EQ(store_.outbox.held_count("pg", "chen"), 1);
  EXPECT_EQ(store_.outbox.purge_held(3), 0);
}

TEST_F(EncryptedStorage, ATicketIsCreatedWholeInsideTheCallersTransactionOrItsOwn) {
  {
    Database::Transaction txn(db_);
    std::int64_t id = store_.requests.create(request(li_, kAddress));
    EXPECT_EQ(store_.requests.get(id)->address, kAddress);
  }  // rolled back: neither the row nor its address remain
  EXPECT_EQ(raw("SELECT COUNT(*) FROM help_requests"), "0");
  std::int64_t id = store_.requests.create(request(li_, kAddress));  // no transaction open
  EXPECT_EQ(store_.requests.get(id)->address, kAddress);
  {
    Database::Transaction txn(db_);  // and nothing of ours is left open behind it
    txn.commit();
  }
}

// Every byte SQLite wrote for `path`: the database file and its write-ahead log.
std::string file_bytes(const std::string& path) {
  std::string out;
  for (const std::string& p : {path, path + "-wal"}) {
    std::ifstream in(p, std::ios::binary);
    out.append(std::istreambuf_iterator<char>(in), {});
  }
  return out;
}

// The database file's bytes after a phone and an address went through the repositories: while
// the connection is open (the WAL holds them) and after it closed (checkpointed into the file).
std::pair<std::string, std::string> bytes_after_writes(const FieldCipher* cipher) {
  test::TempDir dir;
  std::string path = dir.path() + "/linli.db";
  std::string open_bytes;
  {
    Database db(path, "normal");
    SqliteStore store(db, cipher);
    db.sql().exec("INSERT INTO communities VALUES ('sc', 'x', 'zh')");
    Person li = store.people.resolve("pg", "li", "李阿姨", 1);
    Person chen = store.people.resolve("pg", "chen", "陈师傅", 1);
    {
      Database::Transaction txn(db);
      store.volunteers.upsert(volunteer(chen.id, kPhone));
      store.requests.create(request(li.id, kAddress));
      txn.commit();
    }
    store.requests.create(request(li.id, kAddress));  // outside a transaction too
    store.volunteers.upsert(volunteer(chen.id, kPhone));
    EXPECT_EQ(store.volunteers.get(chen.id)->phone, kPhone);
    EXPECT_TRUE(std::filesystem::exists(path + "-wal"));
    open_bytes = file_bytes(path);
  }
  return {open_bytes, file_bytes(path)};
}

TEST(StorageFile, DeletedAnswersAndPurgedAddressesLeaveNoBytesBehindInTheFile) {
  // Without a key too: what is deleted must not stay in a page's free space (SQLite keeps it
  // there unless secure_delete is on, and whether it is on by default depends on the build).
  test::TempDir dir;
  std::string path = dir.path() + "/linli.db";
  {
    Database db(path, "normal");
    SqliteStore store(db);
    db.sql().exec("INSERT INTO communities VALUES ('sc', 'x', 'zh')");
    Person li = store.people.resolve("pg", "li", "李阿姨", 1);
    Person chen = store.people.resolve("pg", "chen", "陈师傅", 1);
    std::string answers = R"({"answers":{"address":"解放碑路88号7楼"}})";
    store.dialogs.put({li.id, "help", "urgency", "pg", "li", "", true, "sc", answers, 1});
    store.dialogs.erase(li.id);  // the dialog ended
    std::int64_t id = store.requests.create(request(li.id, kAddress));
    ASSERT_TRUE(store.requests.claim(id, chen.id, 2));
    ASSERT_TRUE(store.requests.finish(id, chen.id, 3));
    ASSERT_EQ(store.requests.purge_addresses(4), 1);
  }
  std::string bytes = file_bytes(path);
  EXPECT_NE(bytes.find("漏水"), std::string::npos);  // the request is there, its address is not
  for (const std::string& gone : {std::string("解放碑路88号7楼"), kAddress}) {
    EXPECT_EQ(bytes.find(gone), std::string::npos) << gone;
  }
}

TEST(StorageFile, WithoutAKeyThePhoneAndAddressAreInTheFileInPlaintext) {
  // The control for the test below: the search finds them when they are there.
  auto [open_bytes, closed_bytes] = bytes_after_writes(nullptr);
  EXPECT_NE(open_bytes.find(kPhone), std::string::npos);
  EXPECT_NE(open_bytes.find(kAddress), std::string::npos);
  EXPECT_NE(closed_bytes.find(kPhone), std::string::npos);
  EXPECT_NE(closed_bytes.find(kAddress), std::string::npos);
}

TEST(StorageFile, WithAKeyNeitherThePhoneNorTheAddressIsInTheFile) {
  FieldCipher cipher(kKey);
  auto [open_bytes, closed_bytes] = bytes_after_writes(&cipher);
  EXPECT_NE(open_bytes.find("enc1:"), std::string::npos);
  EXPECT_NE(open_bytes.find("陈师傅"), std::string::npos);  // other columns are not encrypted
  for (const std::string& bytes : {open_bytes, closed_bytes}) {
    EXPECT_EQ(bytes.find(kPhone), std::string::npos);
    EXPECT_EQ(bytes.find(kAddress), std::string::npos);
    EXPECT_EQ(bytes.find("2单元501"), std::string::npos);
  }
}

// ---- Through the real dialogs: what they write on the way (answers, messages) as well

// A folder for the database file, made before the fixture opens the file in it.
struct FileFolder {
  test::TempDir folder;
};

class DialogsOnFile : public FileFolder, public test::EngineFixture {
 protected:
  static constexpr std::string_view kSignUpPhone = "13912345678";
  static constexpr std::string_view kHalfwayPhone = "13611112222";
  static constexpr std::string_view kHelpAddress = "31栋2单元501";
  static constexpr std::string_view kHalfwayAddress = "解放碑路88号7楼";

  explicit DialogsOnFile(const std::string& key) : EngineFixture(on_file(folder.path(), key)) {}

  static Config on_file(const std::string& folder, const std::string& key) {
    Config c = test::community_config();
    c.database = folder + "/linli.db";
    c.encryption_key = key;
    return c;
  }

  // A sign-up with a phone, which the coordinator gets to review; a help request with an
  // address, which the volunteer who takes it gets; and, half way, a sign-up after its phone
  // and a help request after its address. Returns the bytes of the file and its log.
  std::string write_through_the_dialogs() {
    // In a group only a reply answers the bot's question.
    auto wang_asked = say("wang", "g31", "报名志愿者");
    say("wang", "g31", "王小明", find_to(wang_asked, "g31")->platform_id);
    say("wang", "wang", std::string(kSignUpPhone));
    say("wang", "wang", "31栋");
    say("wang", "wang", "1");
    say("wang", "wang", "周末");
    EXPECT_THAT(texts_to(say("wang", "wang", "是"), "zhou").at(0),
                ::testing::HasSubstr(std::string(kSignUpPhone)));
    auto li_asked = say("li", "g31", "求助 厨房漏水");
    say("li", "g31", "维修", find_to(li_asked, "g31")->platform_id);
    say("li", "li", std::string(kHelpAddress));
    say("li", "li", "急");
    auto card = say("li", "li", "是");
    auto taken = say("chen", "gv", "接单", find_to(card, "gv")->platform_id);
    EXPECT_THAT(texts_to(taken, "chen").at(0), ::testing::HasSubstr(std::string(kHelpAddress)));

    auto name_question = say("zhang", "g31", "报名志愿者");
    say("zhang", "g31", "张三", find_to(name_question, "g31")->platform_id);
    say("zhang", "zhang", std::string(kHalfwayPhone));
    auto category_question = say("wu", "g31", "求助 买菜");
    say("wu", "g31", "5", find_to(category_question, "g31")->platform_id);
    say("wu", "wu", std::string(kHalfwayAddress));
    EXPECT_EQ(dialog_of("zhang")->state, "building");
    EXPECT_EQ(dialog_of("wu")->state, "urgency");
    EXPECT_TRUE(std::filesystem::exists(config_.database + "-wal"));
    return file_bytes(config_.database);
  }

  // The phone numbers and addresses, and the telling part of each, as UTF-8 bytes.
  static std::vector<std::string> private_details() {
    return {std::string(kSignUpPhone),
            std::string(kHalfwayPhone),
            std::string(kHelpAddress),
            "2单元501",
            std::string(kHalfwayAddress),
            "88号7楼",
            "13800000001" /* chen's, from the config */};
  }
};

class DialogsOnFileWithoutAKey : public DialogsOnFile {
 protected:
  DialogsOnFileWithoutAKey() : DialogsOnFile("") {}
};

class DialogsOnFileWithAKey : public DialogsOnFile {
 protected:
  DialogsOnFileWithAKey() : DialogsOnFile(kKey) {}
};

TEST_F(DialogsOnFileWithoutAKey, ThePhonesAndAddressesAreInTheFileInPlaintext) {
  // The control for the test below: the search finds them when they are there.
  std::string bytes = write_through_the_dialogs();
  for (const std::string& detail : private_details()) {
    EXPECT_NE(bytes.find(detail), std::string::npos) << detail;
  }
}

TEST_F(DialogsOnFileWithAKey, NoPhoneOrAddressIsInTheFileOrItsLog) {
  std::string bytes = write_through_the_dialogs();
  EXPECT_NE(bytes.find("enc1:"), std::string::npos);
  EXPECT_NE(bytes.find("王小明"), std::string::npos);  // the search does read the file
  for (const std::string& detail : private_details()) {
    EXPECT_EQ(bytes.find(detail), std::string::npos) << detail;
  }
  // And all of it reads back: the answers so far, the pending messages, the records.
  EXPECT_EQ(store_.volunteers.get(person("wang"))->phone, kSignUpPhone);
  EXPECT_EQ(store_.requests.get(1)->address, kHelpAddress);
  EXPECT_THAT(dialog_of("zhang")->data, ::testing::HasSubstr(std::string(kHalfwayPhone)));
  EXPECT_THAT(dialog_of("wu")->data, ::testing::HasSubstr(std::string(kHalfwayAddress)));
}

TEST(StorageFile, TheAppEncryptsWhenTheConfigHasAKey) {
  // The composition root hands the key to the repositories: a roster phone from the config
  // is sealed on import, and read back in plain by the App's store.
  test::TempDir dir;
  Config config;
  config.database = dir.path() + "/linli.db";
  config.encryption_key = kKey;
  AdapterConfig pg;
  pg.type = "playground";
  pg.name = "pg";
  config.adapters.push_back(pg);
  CommunityConfig sc;
  sc.id = "sc";
  sc.name = "x";
  sc.coordinators = {"pg:zhou"};
  sc.groups.push_back({"pg", "gv", GroupKind::volunteers, "", "volunteers"});
  sc.volunteers.push_back({"pg", "chen", "陈师傅", kPhone, "31", {"repair"}, ""});
  config.communities.push_back(sc);
  ManualClock clock(1'000);
  Logger log(LogLevel::error);
  {
    App app(config, clock, log);
    std::vector<Volunteer> pool = app.store().volunteers.approved("sc");
    ASSERT_EQ(pool.size(), 1u);
    EXPECT_EQ(pool[0].phone, kPhone);
  }
  Database db(config.database, "normal");
  SQLite::Statement q(db.sql(), "SELECT phone FROM volunteers");
  ASSERT_TRUE(q.executeStep());
  EXPECT_TRUE(q.getColumn(0).getString().starts_with("enc1:"));
}

// A group the platform moved to a new chat id (a Telegram group upgraded to a supergroup) is
// found there from then on, and by every directory built later from the same config.
TEST_F(Storage, AGroupMovedToANewChatIsFoundThereAlsoByTheNextDirectory) {
  Config config;
  CommunityConfig sc;
  sc.id = "sc";
  sc.name = "山城花园社区";
  sc.coordinators = {"pg:zhou"};
  sc.groups.push_back({"pg", "old", GroupKind::residents, "31", "31栋"});
  sc.groups.push_back({"pg", "gv", GroupKind::volunteers, "", "volunteers"});
  config.communities.push_back(sc);
  {
    Directory dir(config, store_.people, 1, load_chat_moves(db_));
    save_directory(db_, dir);
    Database::Transaction txn(db_);
    record_chat_move(db_, "pg", "old", "new", 2);
    txn.commit();
    const Group* g = dir.move_chat("pg", "old", "new");
    ASSERT_NE(g, nullptr);
    EXPECT_EQ(g->chat, "new");
    EXPECT_EQ(g->building, "31");
    EXPECT_EQ(dir.group("pg", "old"), nullptr);
    EXPECT_EQ(dir.group("pg", "new"), g);
    EXPECT_EQ(dir.community("sc")->groups.at(0), g);
    EXPECT_EQ(dir.move_chat("pg", "not-ours", "elsewhere"), nullptr);
  }
  Directory next(config, store_.people, 4, load_chat_moves(db_));
  ASSERT_NE(next.group("pg", "new"), nullptr);
  EXPECT_EQ(next.group("pg", "old"), nullptr);
  ASSERT_EQ(next.moved().size(), 1u);
  EXPECT_EQ(next.moved()[0].configured_chat, "old");
  EXPECT_EQ(next.moved()[0].chat, "new");
  // Once the operator has put the new id into the config, there is nothing left to say.
  config.communities[0].groups[0].chat = "new";
  Directory updated(config, store_.people, 5, load_chat_moves(db_));
  EXPECT_TRUE(updated.moved().empty());
  EXPECT_NE(updated.group("pg", "new"), nullptr);
}

}  // namespace
}  // namespace linli::storage
