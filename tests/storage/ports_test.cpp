// The domain's ports (dialogs/ports.hpp) on both storage engines: every case here runs once on
// SQLite (a SqliteStore on a temporary file) and once on PostgreSQL (a PgStore on a fresh
// database of the test server with the schema of storage/pg/migrations), and expects the same. The
// races run several connections at once, each in its own unit of work (on PostgreSQL re-run
// after a serialization failure, as the Pool does), and count who won.
//
// Adding a port's cases (issue 13, the second half of the ports):
//   1. Add a reference to the port to `Ports` below, and fill it in SqliteSession and PgSession
//      from their store's member (`store_.<member>`).
//   2. Write cases as TEST_P(Ports, <Port>_<WhatItKeeps>): `db()` is one session (the ports
//      over one connection), `connect()` opens another on the same database, `unit(session, f)`
//      runs f(ports) in one committed unit of work, re-run on 40001/40P01 like the Pool does;
//      `race(n, f)` runs f(ports, i) on n sessions at once and returns how many returned true.
//   3. `stored(sql)` reads one value straight from the tables (to see what is stored, e.g.
//      that a column is sealed); `seed(sql)` writes rows the ports do not (a community). Write
//      SQL both engines accept.
// Every session has the same FieldCipher, so sealed columns are exercised on both engines.

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <latch>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "storage/field_cipher.hpp"
#include "storage/pg/connection.hpp"
#include "storage/pg/pool.hpp"
#include "storage/pg/store.hpp"
#include "storage/store.hpp"
#include "tests/support/postgres.hpp"
#include "tests/support/store_sessions.hpp"
#include "tests/support/temp_dir.hpp"

namespace linli {
namespace {

// The ports of one connection.
using PortSet = Store;

using Session = test::StoreSession;
using test::PgSession;
using test::SqliteSession;

// Runs f(ports) in one unit of work and commits it; on PostgreSQL runs it again after a
// serialization failure or a deadlock, as Pool::run does.
template <typename F>
auto unit(Session& s, F f) {
  for (int attempt = 1;; ++attempt) {
    try {
      UnitOfWork u(s.ports().transactions);
      auto out = f(s.ports());
      u.commit();
      return out;
    } catch (const storage::pg::PgError& e) {
      if (!e.retryable() || attempt >= 50) throw;
    }
  }
}

class Ports : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres") {
      LINLI_REQUIRE_POSTGRES();
      conninfo_ = test::PostgresServer::shared().migrated_database();
    } else {
      path_ = dir_.path() + "/linli.db";
    }
    db_ = connect();
    db_->seed("INSERT INTO communities (id, name, lang) VALUES ('c1', 'One', 'zh')");
    db_->seed("INSERT INTO communities (id, name, lang) VALUES ('c2', 'Two', 'en')");
  }

  std::unique_ptr<Session> connect() {
    if (GetParam() == "postgres") return std::make_unique<PgSession>(conninfo_, &cipher_);
    return std::make_unique<SqliteSession>(path_, &cipher_);
  }
  Session& db() { return *db_; }
  PortSet& p() { return db_->ports(); }
  std::string stored(const std::string& sql) { return db_->stored(sql); }

  // f(ports, i) on n sessions at once, each in its own unit of work; how many returned true.
  int race(int n, const std::function<bool(PortSet&, int)>& f) {
    std::vector<std::unique_ptr<Session>> sessions;
    for (int i = 0; i < n; ++i) sessions.push_back(connect());
    std::latch start(n);
    std::atomic<int> won{0};
    std::vector<std::string> errors(n);
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i) {
      threads.emplace_back([&, i] {
        start.arrive_and_wait();
        try {
          if (unit(*sessions[i], [&](PortSet& ports) { return f(ports, i); })) ++won;
        } catch (const std::exception& e) {
          errors[i] = e.what();
        }
      });
    }
    for (auto& t : threads) t.join();
    for (int i = 0; i < n; ++i) EXPECT_EQ(errors[i], "") << "session " << i;
    return won;
  }

  std::int64_t person(const std::string& user) {
    return p().people.resolve("telegram", user, "name " + user, 1000).id;
  }
  std::int64_t post(int headcount) {
    Post post;
    post.community_id = "c1";
    post.team = "gate";
    post.title = "Gate 3";
    post.headcount = headcount;
    post.starts_at = 10'000;
    post.ends_at = 20'000;
    post.created_by = person("coordinator");
    return p().posts.create(post);
  }

  storage::FieldCipher cipher_{std::string(32, 'k')};
  test::TempDir dir_;
  std::string path_;
  std::string conninfo_;
  std::unique_ptr<Session> db_;
};

INSTANTIATE_TEST_SUITE_P(Engines, Ports, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

// --- Transactions -------------------------------------------------------------------------

TEST_P(Ports, Transactions_RollbackKeepsNothingAndANestedUnitRollsBackAlone) {
  {
    UnitOfWork u(p().transactions);
    person("gone");
  }  // not committed
  EXPECT_FALSE(p().people.find("telegram", "gone"));
  {
    UnitOfWork outer(p().transactions);
    person("kept");
    {
      UnitOfWork inner(p().transactions);
      person("inner");
    }  // rolled back alone
    outer.commit();
  }
  EXPECT_TRUE(p().people.find("telegram", "kept"));
  EXPECT_FALSE(p().people.find("telegram", "inner"));
}

// --- People -------------------------------------------------------------------------------

TEST_P(Ports, People_AnIdentityIsOnePersonAndKeepsWhatIsSet) {
  Person a = p().people.resolve("telegram", "u1", "Wang", 1000);
  EXPECT_GT(a.id, 0);
  EXPECT_EQ(a.name, "Wang");
  EXPECT_EQ(p().people.resolve("telegram", "u1", "Other", 2000).id, a.id);
  EXPECT_NE(p().people.resolve("slack", "u1", "Wang", 1000).id, a.id);
  p().people.set_lang(a.id, "en", true);
  p().people.set_name(a.id, "Wang Li");
  p().people.set_community(a.id, "c1");
  p().people.set_last_group(a.id, "telegram", "-100");
  auto got = p().people.get(a.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->lang, "en");
  EXPECT_TRUE(got->lang_chosen);
  EXPECT_EQ(got->name, "Wang Li");
  EXPECT_EQ(got->community_id, "c1");
  EXPECT_EQ(got->last_group_chat, "-100");
  p().people.set_community(a.id, "");
  EXPECT_EQ(p().people.get(a.id)->community_id, "");
  EXPECT_FALSE(p().people.get(a.id + 100));
  EXPECT_FALSE(p().people.find("telegram", "nobody"));
}

TEST_P(Ports, People_APrivateChatIsTheUsersOwnUntilThePlatformNamesIt) {
  Person a = p().people.resolve("wecom", "u1", "A", 1000);
  EXPECT_EQ(p().people.find_by_private_chat("wecom", "u1")->id, a.id);
  p().people.set_private_chat("wecom", "u1", "dm-9");
  EXPECT_EQ(p().people.find_by_private_chat("wecom", "dm-9")->id, a.id);
  EXPECT_FALSE(p().people.find_by_private_chat("wecom", "u1"));
  EXPECT_FALSE(p().people.find_by_private_chat("slack", "dm-9"));
  EXPECT_EQ(p().people.identity(a.id, "slack")->private_chat, "dm-9");
}

TEST_P(Ports, People_TheIdentityOnThePreferredPlatformComesFirst) {
  Person a = p().people.resolve("telegram", "t1", "A", 1000);
  // A second identity of the same person, as a merge would make it.
  db().seed("INSERT INTO identities (adapter, user_id, person_id) VALUES ('slack', 's1', " +
            std::to_string(a.id) + ")");
  EXPECT_EQ(p().people.identity(a.id, "slack")->user, "s1");
  EXPECT_EQ(p().people.identity(a.id, "telegram")->user, "t1");
  EXPECT_FALSE(p().people.identity(a.id + 100, "slack"));
}

TEST_P(Ports, People_ANewIdentitySeenByManyAtOnceIsOnePerson) {
  std::vector<std::int64_t> ids(6);
  race(6, [&](PortSet& ports, int i) {
    ids[i] = ports.people.resolve("telegram", "new", "N", 1000).id;
    return true;
  });
  for (auto id : ids) EXPECT_EQ(id, ids[0]);
  EXPECT_EQ(stored("SELECT COUNT(*) FROM identities WHERE user_id = 'new'"), "1");
}

// --- Volunteers ---------------------------------------------------------------------------

Volunteer volunteer(std::int64_t id, const std::string& building, std::uint32_t skills,
                    VolunteerStatus status = VolunteerStatus::approved) {
  Volunteer v;
  v.person_id = id;
  v.community_id = "c1";
  v.name = "v" + std::to_string(id);
  v.phone = "1380000" + std::to_string(id);
  v.building = building;
  v.skills = skills;
  v.availability = "evenings";
  v.status = status;
  v.created_at = 100 + id;
  return v;
}

TEST_P(Ports, Volunteers_ThePhoneIsSealedAndAStatusChangesOnce) {
  auto id = person("v");
  p().volunteers.upsert(volunteer(id, "3", 1, VolunteerStatus::pending));
  EXPECT_TRUE(storage::FieldCipher::is_sealed(
      stored("SELECT phone FROM volunteers WHERE person_id = " + std::to_string(id))));
  auto v = p().volunteers.get(id);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->phone, "1380000" + std::to_string(id));
  EXPECT_EQ(v->status, VolunteerStatus::pending);
  EXPECT_EQ(p().volunteers.pending("c1").size(), 1u);
  EXPECT_FALSE(p().volunteers.set_status(id, "c2", VolunteerStatus::approved, id, 5));
  EXPECT_TRUE(p().volunteers.set_status(id, "c1", VolunteerStatus::approved, id, 5));
  EXPECT_FALSE(p().volunteers.set_status(id, "c1", VolunteerStatus::approved, id, 6));
  EXPECT_EQ(p().volunteers.count("c1", VolunteerStatus::approved), 1);
  EXPECT_EQ(p().volunteers.approved("c1").size(), 1u);
  // A new attempt keeps the first created_at.
  auto again = volunteer(id, "4", 2, VolunteerStatus::pending);
  again.created_at = 999;
  p().volunteers.upsert(again);
  EXPECT_EQ(p().volunteers.get(id)->created_at, 100 + id);
  EXPECT_EQ(p().volunteers.get(id)->building, "4");
}

TEST_P(Ports, Volunteers_NearestRanksSkillsThenBuildingDistance) {
  // Skill 1 needed in building 5.
  std::vector<std::pair<std::string, std::uint32_t>> pool = {
      {"5", 0}, {"5", 1}, {"7", 1}, {"4", 1}, {"12", 1}, {"East", 1}, {"6", 0}, {"", 1}};
  std::vector<std::int64_t> ids;
  for (std::size_t i = 0; i < pool.size(); ++i) {
    ids.push_back(person("n" + std::to_string(i)));
    p().volunteers.upsert(volunteer(ids.back(), pool[i].first, pool[i].second));
  }
  std::vector<std::int64_t> order;
  for (const auto& m : p().volunteers.nearest("c1", 1, "5", 10)) order.push_back(m.person_id);
  // Same building with, same building without; others with: 4 (1 away), 7 (2), 12 (7), then
  // the unnumbered ("", "East"); others without: 6.
  std::vector<std::int64_t> expected = {ids[1], ids[0], ids[3], ids[2],
                                        ids[4], ids[7], ids[5], ids[6]};
  EXPECT_EQ(order, expected);
  // At most one of each kind: of building 5 with and without, of others with and without.
  EXPECT_EQ(p().volunteers.nearest("c1", 1, "5", 1).size(), 4u);
  EXPECT_TRUE(p().volunteers.nearest("c2", 1, "5", 10).empty());
}

// --- HelpRequests -------------------------------------------------------------------------

HelpRequest request(std::int64_t resident, const std::string& category = "shopping") {
  HelpRequest r;
  r.community_id = "c1";
  r.resident_id = resident;
  r.category = category;
  r.details = "rice";
  r.building = "3";
  r.address = "3-2-201";
  r.created_at = 1000;
  return r;
}

TEST_P(Ports, HelpRequests_TheAddressIsSealedAndEachStepHappensOnce) {
  auto resident = person("r");
  auto vol = person("v");
  auto id = p().requests.create(request(resident));
  EXPECT_TRUE(storage::FieldCipher::is_sealed(
      stored("SELECT address FROM help_requests WHERE id = " + std::to_string(id))));
  EXPECT_EQ(p().requests.get(id)->address, "3-2-201");
  EXPECT_FALSE(p().requests.finish(id, vol, 2000));  // not claimed yet
  EXPECT_TRUE(p().requests.claim(id, vol, 1500));
  EXPECT_FALSE(p().requests.claim(id, vol, 1600));
  EXPECT_FALSE(p().requests.cancel(id, resident));  // claimed: no longer the resident's to cancel
  EXPECT_EQ(p().requests.of_volunteer(vol).size(), 1u);
  EXPECT_EQ(p().requests.busy_volunteers("c1"), std::set<std::int64_t>{vol});
  EXPECT_FALSE(p().requests.finish(id, resident, 2000));  // not theirs
  EXPECT_TRUE(p().requests.finish(id, vol, 2000));
  EXPECT_EQ(p().requests.of_resident(resident).size(), 1u);  // done, not rated yet
  EXPECT_FALSE(p().requests.rate(id, vol, 5, "thanks"));     // only the resident rates
  EXPECT_TRUE(p().requests.rate(id, resident, 5, "thanks"));
  EXPECT_FALSE(p().requests.rate(id, resident, 1, ""));
  auto done = p().requests.get(id);
  EXPECT_EQ(done->status, RequestStatus::done);
  EXPECT_EQ(done->rating, 5);
  EXPECT_EQ(done->comment, "thanks");
  EXPECT_EQ(done->claimed_at, 1500);
  EXPECT_EQ(done->done_at, 2000);
  EXPECT_TRUE(p().requests.of_resident(resident).empty());
  EXPECT_EQ(p().requests.purge_addresses(2001), 1);
  EXPECT_EQ(p().requests.get(id)->address, "");
  EXPECT_EQ(p().requests.purge_addresses(2001), 0);
}

TEST_P(Ports, HelpRequests_ReleasedCancelledAndUnmetAreCounted) {
  auto resident = person("r");
  auto vol = person("v");
  auto a = p().requests.create(request(resident, "shopping"));
  auto b = p().requests.create(request(resident, "shopping"));
  auto c = p().requests.create(request(resident, "medicine"));
  p().requests.set_card(a, 77);
  EXPECT_EQ(p().requests.get(a)->card_outbox_id, 77);
  EXPECT_TRUE(p().requests.claim(a, vol, 1100));
  EXPECT_FALSE(p().requests.release(a, resident));
  EXPECT_TRUE(p().requests.release(a, vol));
  EXPECT_EQ(p().requests.get(a)->status, RequestStatus::open);
  EXPECT_EQ(p().requests.get(a)->volunteer_id, 0);
  p().requests.mark_unmet(c);
  EXPECT_TRUE(p().requests.cancel(c, resident));
  EXPECT_FALSE(p().requests.cancel(c, resident));
  EXPECT_EQ(p().requests.count_by_category("c1", false),
            (std::map<std::string, int>{{"shopping", 2}}));
  EXPECT_EQ(p().requests.count_by_category("c1", true),
            (std::map<std::string, int>{{"medicine", 1}}));
  auto mine = p().requests.of_resident(resident);
  ASSERT_EQ(mine.size(), 2u);
  EXPECT_EQ(mine[0].id, b);  // newest first
  EXPECT_EQ(mine[1].id, a);
}

TEST_P(Ports, HelpRequests_OfManyClaimingOneTicketAtOnceExactlyOneGetsIt) {
  auto id = p().requests.create(request(person("r")));
  std::vector<std::int64_t> vols;
  for (int i = 0; i < 8; ++i) vols.push_back(person("v" + std::to_string(i)));
  std::vector<int> got(8);  // not vector<bool>: its elements share bytes across threads
  EXPECT_EQ(race(8,
                 [&](PortSet& ports, int i) {
                   got[i] = ports.requests.claim(id, vols[i], 1500 + i);
                   return got[i];
                 }),
            1);
  auto r = p().requests.get(id);
  for (int i = 0; i < 8; ++i) {
    if (got[i]) {
      EXPECT_EQ(r->volunteer_id, vols[i]);
    }
  }
}

// --- DialogStates -------------------------------------------------------------------------

TEST_P(Ports, DialogStates_OneDialogPerPersonItsAnswersSealed) {
  auto id = person("d");
  DialogRecord d{
      id, "signup", "phone", "telegram", "42", "", true, "c1", R"({"phone":"13800000000"})", 1000};
  p().dialogs.put(d);
  EXPECT_TRUE(storage::FieldCipher::is_sealed(
      stored("SELECT data FROM dialogs WHERE person_id = " + std::to_string(id))));
  d.state = "building";
  d.updated_at = 2000;
  p().dialogs.put(d);
  EXPECT_EQ(p().dialogs.count(), 1);
  auto got = p().dialogs.get(id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->state, "building");
  EXPECT_EQ(got->data, R"({"phone":"13800000000"})");
  EXPECT_TRUE(got->private_chat);
  EXPECT_EQ(got->updated_at, 2000);
  // Another connection (another instance) continues it.
  auto other = connect();
  EXPECT_EQ(other->ports().dialogs.get(id)->state, "building");
  p().dialogs.erase(id);
  EXPECT_FALSE(p().dialogs.get(id));
  EXPECT_EQ(p().dialogs.count(), 0);
}

// --- Inbox --------------------------------------------------------------------------------

TEST_P(Ports, Inbox_AnEventIsRecordedOnceAndFailuresAreCounted) {
  EXPECT_TRUE(p().events.record("telegram", "e1", 1000));
  EXPECT_FALSE(p().events.record("telegram", "e1", 1001));
  EXPECT_TRUE(p().events.record("slack", "e1", 1000));
  EXPECT_EQ(p().events.failed("telegram", "e2", "boom", 1000), 1);
  EXPECT_EQ(p().events.failed("telegram", "e2", "boom again", 1100), 2);
  EXPECT_EQ(p().events.failed("telegram", "e3", "x", 1000), 1);
  p().events.park("telegram", "e2", 1200);
  EXPECT_FALSE(p().events.record("telegram", "e2", 1300));  // parked: answered as a duplicate
  EXPECT_EQ(p().events.purge(5000), 3);                     // telegram's e1 and e2, slack's e1
  EXPECT_EQ(stored("SELECT COUNT(*) FROM event_failures"), "1");  // the parked one stays
  EXPECT_TRUE(p().events.record("telegram", "e1", 6000));
}

TEST_P(Ports, Inbox_TheSameWebhookOnManyInstancesAtOnceIsHandledOnce) {
  EXPECT_EQ(race(6, [](PortSet& ports, int) { return ports.events.record("telegram", "u7", 1); }),
            1);
}

// --- Outbox -------------------------------------------------------------------------------

OutboundMessage message(const std::string& chat, const std::string& text) {
  OutboundMessage m;
  m.adapter = "telegram";
  m.chat = chat;
  m.text = text;
  m.route = "t:1";
  m.reply_to = "55";
  m.buttons = {{{"Claim", "t:1:claim"}}};
  return m;
}

TEST_P(Ports, Outbox_WhatAMessageShowsIsSealedUntilSentThenDropped) {
  auto id = p().outbox.enqueue(message("-100", "Room 3-2-201"), 1000);
  auto raw = stored("SELECT payload FROM outbox WHERE id = " + std::to_string(id));
  EXPECT_EQ(raw.find("3-2-201"), std::string::npos) << raw;
  EXPECT_EQ(p().outbox.depth(), 1);
  auto pending = p().outbox.pending(0, 10);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].msg.text, "Room 3-2-201");
  EXPECT_EQ(pending[0].msg.buttons[0][0].data, "t:1:claim");
  EXPECT_EQ(pending[0].msg.reply_to, "55");
  EXPECT_TRUE(p().outbox.pending(id, 10).empty());
  EXPECT_EQ(p().outbox.platform_id(id), "");
  p().outbox.mark_sent(id, "m-9", 1100);
  EXPECT_EQ(p().outbox.status(id), OutboxStatus::sent);
  EXPECT_EQ(p().outbox.platform_id(id), "m-9");
  EXPECT_EQ(p().outbox.get(id)->msg.text, "");
  EXPECT_EQ(p().outbox.get(id)->attempts, 1);
  auto routed = p().outbox.by_platform_id("telegram", "-100", "m-9");
  ASSERT_TRUE(routed);
  EXPECT_EQ(routed->outbox_id, id);
  EXPECT_EQ(routed->route, "t:1");
  EXPECT_FALSE(p().outbox.by_platform_id("telegram", "-101", "m-9"));
  EXPECT_EQ(p().outbox.depth(), 0);
  EXPECT_FALSE(p().outbox.status(id + 100));
}

TEST_P(Ports, Outbox_ANewerEditSupersedesThePendingOnes) {
  auto card = p().outbox.enqueue(message("-100", "3/10"), 1000);
  p().outbox.mark_sent(card, "m-1", 1000);
  OutboundMessage edit = message("-100", "4/10");
  edit.kind = OutKind::edit;
  edit.edit_of = card;
  auto first = p().outbox.enqueue(edit, 1100);
  edit.text = "5/10";
  auto second = p().outbox.enqueue(edit, 1200);
  EXPECT_EQ(p().outbox.status(first), OutboxStatus::sent);  // superseded, never sent
  EXPECT_EQ(p().outbox.get(first)->msg.text, "");
  auto pending = p().outbox.pending(0, 10);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].id, second);
  EXPECT_EQ(pending[0].msg.edit_of, card);
  EXPECT_EQ(pending[0].msg.text, "5/10");
}

TEST_P(Ports, Outbox_HeldReleasedReaddressedRetriedAndPurged) {
  auto a = p().outbox.enqueue(message("dm-1", "first"), 1000);
  auto b = p().outbox.enqueue(message("dm-1", "second"), 1001);
  p().outbox.hold(a);
  p().outbox.hold(b);
  EXPECT_EQ(p().outbox.held_count("telegram", "dm-1"), 2);
  EXPECT_EQ(p().outbox.status(a), OutboxStatus::held);
  p().outbox.mark_retry(a, 3, "blocked");
  auto released = p().outbox.release_held("telegram", "dm-1");
  ASSERT_EQ(released.size(), 2u);
  EXPECT_EQ(released[0].id, a);  // oldest first
  EXPECT_EQ(released[0].msg.text, "first");
  EXPECT_EQ(released[0].attempts, 0);
  EXPECT_EQ(p().outbox.get(a)->attempts, 0);
  EXPECT_EQ(p().outbox.held_count("telegram", "dm-1"), 0);
  // A group upgraded: its pending sends move, without quoting a message of the old chat.
  auto g = p().outbox.enqueue(message("-100", "hello"), 1002);
  p().outbox.readdress("telegram", "-100", "-200");
  auto moved = p().outbox.get(g);
  EXPECT_EQ(moved->msg.chat, "-200");
  EXPECT_EQ(moved->msg.reply_to, "");
  EXPECT_EQ(moved->msg.text, "hello");
  // A dead letter keeps its text until purged.
  p().outbox.mark_dead(a, 5, "gone");
  EXPECT_EQ(p().outbox.status(a), OutboxStatus::dead);
  EXPECT_EQ(p().outbox.get(a)->msg.text, "first");
  EXPECT_EQ(p().outbox.purge_texts(1001), 1);
  EXPECT_EQ(p().outbox.get(a)->msg.text, "");
  EXPECT_EQ(p().outbox.purge_texts(1001), 0);
  // Held too long: given up, without its text.
  p().outbox.hold(b);
  EXPECT_EQ(p().outbox.purge_held(1000), 0);
  EXPECT_EQ(p().outbox.purge_held(2000), 1);
  EXPECT_EQ(p().outbox.status(b), OutboxStatus::dead);
  EXPECT_EQ(p().outbox.get(b)->msg.text, "");
}

// --- Timers -------------------------------------------------------------------------------

TEST_P(Ports, Timers_ReArmedATimerIsANewOneAndFiresOnce) {
  Timer t{TimerKind::remind, 7};
  EXPECT_FALSE(p().timers.next_due());
  p().timers.arm(t, 5000);
  auto due = p().timers.due(5000, 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].key, t.key());
  EXPECT_EQ(due[0].kind, "remind");
  EXPECT_EQ(due[0].payload, "7");
  p().timers.arm(t, 6000);  // re-armed meanwhile
  EXPECT_FALSE(p().timers.take(due[0].id));
  EXPECT_TRUE(p().timers.due(5999, 10).empty());
  auto again = p().timers.due(6000, 10);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_TRUE(p().timers.take(again[0].id));
  EXPECT_FALSE(p().timers.take(again[0].id));
  EXPECT_FALSE(p().timers.next_due());
}

TEST_P(Ports, Timers_ArmOnceArmByRetryAndPark) {
  Timer cards{TimerKind::cards, 1};
  EXPECT_TRUE(p().timers.arm_once(cards, 3000));
  EXPECT_FALSE(p().timers.arm_once(cards, 1000));
  EXPECT_EQ(p().timers.next_due(), 3000);
  Timer dialog{TimerKind::dialog, 2};
  EXPECT_TRUE(p().timers.arm_by(dialog, 9000));
  EXPECT_FALSE(p().timers.arm_by(dialog, 9500));  // falls due earlier already
  EXPECT_TRUE(p().timers.arm_by(dialog, 8000));
  auto due = p().timers.due(10'000, 10);
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0].key, cards.key());
  EXPECT_EQ(due[1].due_at, 8000);
  EXPECT_TRUE(p().timers.retry(due[0].id, 1, 4000));
  EXPECT_EQ(p().timers.due(10'000, 1)[0].attempts, 1);
  p().timers.arm(cards, 3500);  // re-armed: starts without failures
  auto rearmed = p().timers.due(10'000, 1)[0];
  EXPECT_EQ(rearmed.attempts, 0);
  EXPECT_FALSE(p().timers.retry(due[0].id, 2, 5000));
  EXPECT_FALSE(p().timers.park(due[0].id, 2, "x", 5000));
  EXPECT_TRUE(p().timers.park(rearmed.id, 3, "broken", 5000));
  EXPECT_EQ(stored("SELECT error FROM parked_timers"), "broken");
  EXPECT_EQ(p().timers.due(10'000, 10).size(), 1u);
  p().timers.disarm(dialog);
  EXPECT_FALSE(p().timers.next_due());
  Timer purge{TimerKind::purge, 0};
  p().timers.arm(purge, 1);
  EXPECT_EQ(p().timers.due(1, 1)[0].payload, "");
}

TEST_P(Ports, Timers_FiredOnManyInstancesAtOnceTheTimerIsTakenOnce) {
  p().timers.arm(Timer{TimerKind::deadline, 3}, 100);
  auto id = p().timers.due(100, 1).at(0).id;
  EXPECT_EQ(race(5, [&](PortSet& ports, int) { return ports.timers.take(id); }), 1);
}

// --- Posts --------------------------------------------------------------------------------

TEST_P(Ports, Posts_PostsTeamsCallsAndOneCardPerGroup) {
  auto id = post(10);
  auto got = p().posts.get(id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->title, "Gate 3");
  EXPECT_EQ(got->headcount, 10);
  got->high_risk = true;
  got->headcount = 12;
  p().posts.update(*got);
  EXPECT_TRUE(p().posts.get(id)->high_risk);
  EXPECT_EQ(p().posts.get(id)->headcount, 12);
  EXPECT_EQ(p().posts.current("c1", 19'999).size(), 1u);
  EXPECT_TRUE(p().posts.current("c1", 20'000).empty());
  EXPECT_EQ(p().posts.teams("c1"), (std::vector<std::pair<std::string, int>>{{"gate", 1}}));
  EXPECT_EQ(p().posts.rename_team("c1", "gate", "Gate team"), 1);
  EXPECT_EQ(p().posts.get(id)->team, "Gate team");

  Call c;
  c.post_id = id;
  c.community_id = "c1";
  c.deadline_at = 15'000;
  c.created_by = got->created_by;
  c.created_at = 1000;
  auto call = p().posts.create_call(c);
  EXPECT_EQ(p().posts.open_call(id)->id, call);
  p().posts.add_card(call, {"telegram", "-100", 5});
  p().posts.add_card(call, {"slack", "C1", 6});
  p().posts.add_card(call, {"telegram", "-100", 7});  // the group's card replaced
  auto cards = p().posts.cards(call);
  ASSERT_EQ(cards.size(), 2u);
  EXPECT_EQ(cards[0].outbox_id, 6);
  EXPECT_EQ(cards[1].outbox_id, 7);
  EXPECT_TRUE(p().posts.close_call(call));
  EXPECT_FALSE(p().posts.close_call(call));
  EXPECT_FALSE(p().posts.open_call(id));
  EXPECT_FALSE(p().posts.call(call)->open);
}

// --- Rosters ------------------------------------------------------------------------------

TEST_P(Ports, Rosters_PlacesUpToTheHeadcountThenTheWaitList) {
  auto id = post(2);
  auto a = person("a"), b = person("b"), c = person("c"), d = person("d");
  EXPECT_TRUE(p().roster.take(id, a, RosterStatus::taken, 2, 100));
  EXPECT_TRUE(p().roster.take(id, b, RosterStatus::held, 2, 101));
  EXPECT_FALSE(p().roster.take(id, c, RosterStatus::taken, 2, 102));
  EXPECT_TRUE(p().roster.take(id, a, RosterStatus::taken, 2, 103));  // their own place again
  EXPECT_EQ(p().roster.wait(id, c, 104), 1);
  EXPECT_EQ(p().roster.wait(id, d, 105), 2);
  EXPECT_EQ(p().roster.first_waiting(id)->person_id, c);
  auto counts = p().roster.counts(id);
  EXPECT_EQ(counts.taken, 1);
  EXPECT_EQ(counts.held, 1);
  EXPECT_EQ(counts.waiting, 2);
  EXPECT_FALSE(p().roster.move_up(id, c, RosterStatus::taken, 2));  // full
  EXPECT_TRUE(p().roster.move(id, b, RosterStatus::held, RosterStatus::gone));
  EXPECT_FALSE(p().roster.move(id, b, RosterStatus::held, RosterStatus::gone));
  EXPECT_TRUE(p().roster.move_up(id, c, RosterStatus::taken, 2));
  EXPECT_FALSE(p().roster.move_up(id, c, RosterStatus::taken, 3));  // not waiting any more
  p().roster.confirm(id, a);
  p().roster.reminded(id, a, 500);
  auto entry = p().roster.get(id, a);
  EXPECT_TRUE(entry->confirmed);
  EXPECT_EQ(entry->reminded_at, 500);
  EXPECT_EQ(p().roster.of_post(id, RosterStatus::taken).size(), 2u);
  EXPECT_EQ(p().roster.of_person(b).size(), 0u);  // gone
  EXPECT_EQ(p().roster.of_person(d).size(), 1u);
}

TEST_P(Ports, Rosters_ALoweredHeadcountSendsTheLatestBackToTheHeadOfTheLine) {
  auto id = post(4);
  std::vector<std::int64_t> people;
  for (int i = 0; i < 4; ++i) {
    people.push_back(person("s" + std::to_string(i)));
    ASSERT_TRUE(p().roster.take(id, people[i], RosterStatus::taken, 4, 100 + i));
  }
  auto w = person("w");
  p().roster.wait(id, w, 200);
  auto moved = p().roster.shrink(id, 2);
  ASSERT_EQ(moved.size(), 2u);
  EXPECT_EQ(moved[0].person_id, people[2]);
  EXPECT_EQ(moved[1].person_id, people[3]);
  EXPECT_EQ(moved[0].status, RosterStatus::waiting);
  std::vector<std::int64_t> line;
  for (const auto& e : p().roster.of_post(id, RosterStatus::waiting)) line.push_back(e.person_id);
  EXPECT_EQ(line, (std::vector<std::int64_t>{people[2], people[3], w}));
  EXPECT_TRUE(p().roster.shrink(id, 2).empty());
  EXPECT_EQ(p().roster.counts(id).taken, 2);
}

// The grandma story's race (DESIGN.md §6): 15 replies to a call for 10 places, all at once.
TEST_P(Ports, Rosters_FifteenTakingTenPlacesAtOnceLeaveExactlyTen) {
  auto id = post(10);
  std::vector<std::int64_t> people;
  for (int i = 0; i < 15; ++i) people.push_back(person("r" + std::to_string(i)));
  EXPECT_EQ(race(15,
                 [&](PortSet& ports, int i) {
                   if (ports.roster.take(id, people[i], RosterStatus::taken, 10, 100 + i)) {
                     return true;
                   }
                   ports.roster.wait(id, people[i], 100 + i);
                   return false;
                 }),
            10);
  auto counts = p().roster.counts(id);
  EXPECT_EQ(counts.taken, 10);
  EXPECT_EQ(counts.waiting, 5);
}

// --- Offers -------------------------------------------------------------------------------

// Issue 11's look-ups without reading the pool, and the sender's reads of one chat.
TEST_P(Ports, Volunteers_ANameTheActiveAndWhoHoldsAPlaceAreAnsweredInTheStatement) {
  auto a = person("a"), b = person("b"), c = person("c");
  for (auto id : {a, b, c}) {
    auto v = volunteer(id, "3", 0);
    v.name = id == c ? "Li" : "Wang";
    p().volunteers.upsert(v);
  }
  auto named = p().volunteers.named("c1", "Wang", 21);
  ASSERT_EQ(named.size(), 2u);
  EXPECT_EQ(named[0].person_id, std::min(a, b));
  EXPECT_EQ(named[0].phone, "1380000" + std::to_string(std::min(a, b)));
  EXPECT_EQ(p().volunteers.named("c1", "Wang", 1).size(), 1u);
  EXPECT_TRUE(p().volunteers.named("c2", "Wang", 21).empty());
  auto id = post(5);  // ends at 20,000
  ASSERT_TRUE(p().roster.take(id, a, RosterStatus::taken, 5, 100));
  ASSERT_TRUE(p().roster.take(id, b, RosterStatus::held, 5, 101));
  ASSERT_EQ(p().roster.wait(id, c, 102), 1);
  EXPECT_EQ(p().volunteers.active("c1", 19'999), 2);
  EXPECT_EQ(p().volunteers.active("c1", 20'000), 0);  // the post has ended
  EXPECT_TRUE(p().volunteers.has_place(b, "c1", 19'999));
  EXPECT_FALSE(p().volunteers.has_place(c, "c1", 19'999));  // waiting is no place
  EXPECT_FALSE(p().volunteers.has_place(a, "c2", 19'999));
}

TEST_P(Ports, Outbox_AChatsPendingRowsAreReadInOrderWithinTheirBounds) {
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 6; ++i) {
    ids.push_back(p().outbox.enqueue(message(i % 2 ? "-100" : "-200", std::to_string(i)), 1));
  }
  p().outbox.mark_sent(ids[2], "m", 2);
  std::vector<std::string> texts;
  for (const auto& r : p().outbox.pending_in_chat("telegram", "-200", 0, ids[5], 10))
    texts.push_back(r.msg.text);
  EXPECT_EQ(texts, (std::vector<std::string>{"0", "4"}));  // 2 was sent
  auto after = p().outbox.pending_in_chat("telegram", "-100", ids[1], ids[3], 10);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].id, ids[3]);
  EXPECT_EQ(p().outbox.pending_in_chat("telegram", "-100", 0, ids[5], 1).size(), 1u);
  EXPECT_TRUE(p().outbox.pending_in_chat("slack", "-100", 0, ids[5], 10).empty());
}

TEST_P(Ports, Offers_StartingOverKeepsTheOffersButAsksAfresh) {
  auto a = person("a"), b = person("b");
  Offer o;
  o.kind = "request";
  o.target_id = 10;
  o.person_id = a;
  o.round = 2;
  o.offered_at = 1000;
  p().offers.create(o);
  p().offers.start_over("request", 10);
  EXPECT_EQ(p().offers.rounds("request", 10), 0);
  EXPECT_TRUE(p().offers.asked("request", 10).empty());
  o.person_id = b;
  o.round = 1;
  p().offers.create(o);
  EXPECT_EQ(p().offers.rounds("request", 10), 1);
  EXPECT_EQ(p().offers.asked("request", 10), (std::vector<std::int64_t>{b}));
  EXPECT_EQ(stored("SELECT COUNT(*) FROM offers WHERE target_id = 10"), "2");
}

TEST_P(Ports, Offers_AnOfferIsAnsweredOnce) {
  auto a = person("a"), b = person("b");
  Offer o;
  o.kind = "request";
  o.target_id = 9;
  o.person_id = a;
  o.round = 1;
  o.offered_at = 1000;
  auto first = p().offers.create(o);
  o.person_id = b;
  o.round = 2;
  o.offered_by = a;
  auto second = p().offers.create(o);
  EXPECT_EQ(p().offers.get(first)->offered_by, 0);
  EXPECT_EQ(p().offers.get(second)->offered_by, a);
  EXPECT_EQ(p().offers.open_for("request", 9).size(), 2u);
  EXPECT_EQ(p().offers.open_to(b).size(), 1u);
  EXPECT_EQ(p().offers.rounds("request", 9), 2);
  EXPECT_EQ(p().offers.rounds("post", 9), 0);
  EXPECT_TRUE(p().offers.settle(first, OfferStatus::declined, 1100));
  EXPECT_FALSE(p().offers.settle(first, OfferStatus::accepted, 1200));
  EXPECT_EQ(p().offers.get(first)->status, OfferStatus::declined);
  EXPECT_EQ(p().offers.open_for("request", 9).size(), 1u);
  EXPECT_EQ(p().offers.asked("request", 9), (std::vector<std::int64_t>{a, b}));
  // Accepted and timed out at once, on two instances: one answer stands.
  EXPECT_EQ(race(2,
                 [&](PortSet& ports, int i) {
                   return ports.offers.settle(
                       second, i == 0 ? OfferStatus::accepted : OfferStatus::expired, 1300);
                 }),
            1);
}

// --- PgStore on the Pool --------------------------------------------------------------------

// How the runtime will use it: each unit of work builds a PgStore on its worker's connection,
// inside the Pool's own (serializable) transaction, so the decision's UnitOfWork is a savepoint
// and a serialization failure is answered by the Pool running the whole unit again.
TEST(PgStoreOnThePool, FifteenRepliesForTenPlacesOnFourWorkersLeaveExactlyTen) {
  LINLI_REQUIRE_POSTGRES();
  const std::string conninfo = test::PostgresServer::shared().migrated_database();
  std::int64_t post_id = 0;
  std::vector<std::int64_t> people;
  {
    storage::pg::Connection c(conninfo);
    storage::pg::PgStore s(c);
    c.run_script("INSERT INTO communities (id, name, lang) VALUES ('c1', 'One', 'zh')");
    for (int i = 0; i < 15; ++i) {
      people.push_back(s.people.resolve("telegram", "p" + std::to_string(i), "P", 1).id);
    }
    Post post;
    post.community_id = "c1";
    post.team = "gate";
    post.title = "Gate";
    post.headcount = 10;
    post.created_by = people[0];
    post_id = s.posts.create(post);
  }
  std::atomic<int> took{0};
  std::vector<std::string> errors(15);
  std::latch done(15);
  {
    storage::pg::Pool pool(conninfo, 4);
    for (int i = 0; i < 15; ++i) {
      pool.submit(
          [&, i](storage::pg::Connection& c) {
            storage::pg::PgStore s(c);
            UnitOfWork u(s.transactions);
            bool placed = s.roster.take(post_id, people[i], RosterStatus::taken, 10, 100 + i);
            if (!placed) s.roster.wait(post_id, people[i], 100 + i);
            u.commit();
            // What the work hands back is counted once it has committed, in `done` below; a
            // run that failed and ran again must not count. So it is kept per person.
            errors[i] = placed ? "placed" : "waiting";
          },
          [&, i](std::exception_ptr e) {
            if (e) {
              try {
                std::rethrow_exception(e);
              } catch (const std::exception& ex) {
                errors[i] = ex.what();
              }
            } else if (errors[i] == "placed") {
              ++took;
            }
            done.count_down();
          });
    }
    done.wait();
    // How many runs the serializable transactions cost (in the XML report): a figure, not a
    // verdict, as it depends on how the units met.
    ::testing::Test::RecordProperty("retries", static_cast<int>(pool.retries()));
  }
  EXPECT_EQ(took, 10);
  for (const auto& e : errors) EXPECT_TRUE(e == "placed" || e == "waiting") << e;
  storage::pg::Connection c(conninfo);
  storage::pg::PgStore s(c);
  EXPECT_EQ(s.roster.counts(post_id).taken, 10);
  EXPECT_EQ(s.roster.counts(post_id).waiting, 5);
}

}  // namespace
}  // namespace linli
