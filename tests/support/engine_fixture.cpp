#include "tests/support/engine_fixture.hpp"

#include <stdexcept>

#include "adapters/registry.hpp"
#include "tests/support/postgres.hpp"

#include "dialogs/dialog.hpp"
#include "dialogs/vocabulary.hpp"

namespace linli::test {

namespace {
const char* no_env(const char*) {
  return nullptr;
}

// Once per run of a binary with engine fixtures: the engine LINLI_TEST_ENGINE names, and on
// PostgreSQL the test server, started before the first test, so that a missing postgresql fails
// the run once with what to install (or skips it all when LINLI_SKIP_PG=1), not each test.
class EngineEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    TestEngine engine = TestEngine::sqlite;
    try {
      engine = test_engine();
    } catch (const std::invalid_argument& e) {
      FAIL() << e.what();
    }
    if (engine != TestEngine::postgres) return;
    LINLI_REQUIRE_POSTGRES();
    try {
      PostgresServer::shared();
    } catch (const std::exception& e) {
      FAIL() << e.what();
    }
  }
};

// Registered while the binary starts (gtest_main has not run yet): environments can only be
// added before RUN_ALL_TESTS, and this file has no main of its own.
[[maybe_unused]] const auto* const kEngineEnvironment =
    ::testing::AddGlobalTestEnvironment(new EngineEnvironment);
}  // namespace

Config community_config() {
  return parse_config(R"({
    "database": ":memory:",
    "adapters": [{"type": "playground", "name": "pg", "people": [{"id": "li", "name": "李阿姨"}]}],
    "communities": [{
      "id": "sc", "name": "山城花园社区", "coordinators": ["pg:zhou"],
      "groups": [
        {"chat": "pg:g31", "kind": "residents", "building": "31", "title": "31栋居民群"},
        {"chat": "pg:gv", "kind": "volunteers", "title": "志愿者群"}
      ],
      "volunteers": [
        {"person": "pg:chen", "name": "陈师傅", "phone": "13800000001", "building": "31", "skills": ["repair"]},
        {"person": "pg:zhao", "name": "赵姐", "phone": "13800000003", "building": "31", "skills": ["shopping"]},
        {"person": "pg:liu", "name": "刘医生", "phone": "13800000002", "building": "32", "skills": ["medical"]}
      ]
    }]
  })",
                      no_env);
}

EngineFixture::EngineFixture(Config config)
    : config_(std::move(config)),
      cipher_(config_.encryption_key.empty()
                  ? std::nullopt
                  : std::make_optional<storage::FieldCipher>(config_.encryption_key)),
      db_(TestStore::open(test_engine(), config_.database, cipher_ ? &*cipher_ : nullptr)),
      store_(db_->ports()) {
  dir_ = std::make_unique<Directory>(config_, store_.people, now_);
  db_->save_directory(*dir_);
  for (const auto& seed : config_.communities[0].volunteers) {
    Person p = store_.people.resolve(seed.adapter, seed.user, seed.name, now_);
    store_.people.set_community(p.id, "sc");
    Volunteer v;
    v.person_id = p.id;
    v.community_id = "sc";
    v.name = seed.name;
    v.phone = seed.phone;
    v.building = seed.building;
    for (const auto& s : seed.skills) v.skills |= bit(*parse_skill(s));
    v.status = VolunteerStatus::approved;
    store_.volunteers.upsert(v);
    keep_secret(seed.phone);
  }
  engine_ = std::make_unique<Engine>(config_, store_, *dir_);
}

namespace {

// The digits of a text, the full-width ones of Chinese keyboards as ASCII.
std::string digits_of(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] >= '0' && s[i] <= '9') {
      out += s[i];
    } else if (s.substr(i, 2) == "\xEF\xBC" && i + 2 < s.size() &&
               static_cast<unsigned char>(s[i + 2]) >= 0x90 &&
               static_cast<unsigned char>(s[i + 2]) <= 0x99) {
      out += static_cast<char>('0' + (static_cast<unsigned char>(s[i + 2]) - 0x90));
      i += 2;
    }
  }
  return out;
}

}  // namespace

void EngineFixture::keep_secret(const std::string& phone_or_address) {
  std::string value = trim(phone_or_address);
  std::string digits = digits_of(value);
  if (digits.size() >= 7) {  // a phone number, as typed and as stored
    secrets_.insert(value);
    secrets_.insert(digits);
    return;
  }
  // An address says more than its building ("31栋" alone is on every card) when a number
  // follows the building: then neither the whole nor what follows the building may be shown.
  std::string building = leading_building(value);
  std::string_view rest = value;
  if (!building.empty()) {
    rest.remove_prefix(rest.find(building) + building.size());
    for (std::string_view marker : {"号楼", "栋", "幢", "-", " ", ",", "，", "#"}) {
      if (rest.starts_with(marker)) {
        rest.remove_prefix(marker.size());
        break;
      }
    }
  }
  if (digits_of(rest).empty()) return;
  secrets_.insert(value);
  if (utf8_length(rest) >= 3) secrets_.insert(std::string(rest));
}

void EngineFixture::note_private_answer(const InboundEvent& ev) {
  if (ev.text.empty()) return;
  auto who = store_.people.find(ev.adapter, ev.user);
  auto d = who ? store_.dialogs.get(who->id) : std::nullopt;
  if (d && ((d->kind == "signup" && d->state == "phone") ||
            (d->kind == "help" && d->state == "address"))) {
    keep_secret(ev.text);
  }
}

void EngineFixture::check_nothing_private_in_groups(const std::vector<Sent>& sent) {
  // Volunteers a test put in the store itself have phones too.
  for (const auto& c : config_.communities) {
    for (const auto& v : store_.volunteers.pending(c.id)) keep_secret(v.phone);
    for (const auto& v : store_.volunteers.approved(c.id)) keep_secret(v.phone);
  }
  for (const auto& s : sent) {
    if (s.msg.private_chat || s.msg.kind == OutKind::answer_callback) continue;
    std::string shown = s.msg.text;
    for (const auto& row : s.msg.buttons) {
      for (const auto& b : row) shown += "\n" + b.label;
    }
    for (const auto& secret : secrets_) {
      if (shown.find(secret) != std::string::npos) {
        ADD_FAILURE() << "\"" << secret << "\" is in a message to group " << s.msg.chat << ":\n"
                      << shown;
        break;  // one failure per message
      }
    }
  }
}

std::vector<EngineFixture::Sent> EngineFixture::handle(const InboundEvent& ev) {
  note_private_answer(ev);
  Outcome out;
  {
    UnitOfWork txn(store_);
    EXPECT_TRUE(store_.events.record(ev.adapter, ev.event_id, now_));
    engine_->handle(ev, now_, out);
    txn.commit();
  }
  std::vector<Sent> sent;
  for (auto& row : out.messages) {
    std::string pid = "p" + std::to_string(row.id);
    store_.outbox.mark_sent(row.id, row.msg.kind == OutKind::send ? pid : "", now_);
    if (row.msg.kind == OutKind::send && row.msg.route.rfind("d:", 0) == 0) {
      questions_[row.msg.chat + "|" + row.msg.route.substr(2)] = pid;
    }
    sent.push_back({row.id, std::move(row.msg), pid});
  }
  check_nothing_private_in_groups(sent);
  return sent;
}

InboundEvent EngineFixture::event(const std::string& user, const std::string& chat) {
  InboundEvent ev;
  ev.adapter = "pg";
  ev.event_id = "e" + std::to_string(next_event_++);
  ev.chat = chat;
  ev.chat_kind = chat == user ? ChatKind::private_chat : ChatKind::group;
  ev.user = user;
  ev.user_name = user == "li" ? "李阿姨" : user == "emma" ? "Emma" : user;
  ev.lang = user == "emma" ? "en" : "zh";
  return ev;
}

std::vector<EngineFixture::Sent> EngineFixture::say(const std::string& user,
                                                    const std::string& chat,
                                                    const std::string& text,
                                                    const std::string& reply_to) {
  InboundEvent ev = event(user, chat);
  ev.message_id = "u" + ev.event_id;
  ev.text = text;
  ev.reply_to = reply_to;
  return handle(ev);
}

std::vector<EngineFixture::Sent> EngineFixture::answer(const std::string& user,
                                                       const std::string& chat,
                                                       const std::string& text) {
  if (chat == user) return say(user, chat, text);
  auto q = questions_.find(chat + "|" + std::to_string(person(user)));
  EXPECT_NE(q, questions_.end()) << "no question to " << user << " in " << chat;
  return say(user, chat, text, q == questions_.end() ? "" : q->second);
}

std::vector<EngineFixture::Sent> EngineFixture::press(const std::string& user,
                                                      const std::string& chat,
                                                      const std::string& message_id,
                                                      const std::string& data) {
  InboundEvent ev = event(user, chat);
  ev.reply_to = message_id;
  ev.button = data;
  ev.callback_id = "cb" + ev.event_id;
  return handle(ev);
}

std::vector<EngineFixture::Sent> EngineFixture::fire_due() {
  std::vector<Sent> sent;
  for (const auto& t : store_.timers.due(now_, 1000)) {
    Outcome out;
    UnitOfWork txn(store_);
    if (!store_.timers.take(t.id)) continue;
    engine_->fire(t, now_, out);
    txn.commit();
    for (auto& row : out.messages) {
      store_.outbox.mark_sent(row.id, "p" + std::to_string(row.id), now_);
      sent.push_back({row.id, std::move(row.msg), "p" + std::to_string(row.id)});
    }
  }
  check_nothing_private_in_groups(sent);
  return sent;
}

std::vector<EngineFixture::Sent> EngineFixture::undeliverable(std::int64_t id, bool forbidden) {
  auto row = store_.outbox.get(id);
  EXPECT_TRUE(row);
  row->attempts = 1;
  Outcome out;
  {
    UnitOfWork txn(store_);
    engine_->undeliverable(*row, forbidden, forbidden ? "forbidden" : "HTTP 500", now_, out);
    txn.commit();
  }
  std::vector<Sent> sent;
  for (auto& r : out.messages) sent.push_back({r.id, std::move(r.msg), "p" + std::to_string(r.id)});
  check_nothing_private_in_groups(sent);
  return sent;
}

storage::Database& EngineFixture::sqlite_db() {
  if (storage::Database* db = db_->sqlite_database()) return *db;
  throw std::logic_error("a test about SQLite itself ran on " +
                         std::string(engine_name(db_->engine())));
}

std::int64_t EngineFixture::person(const std::string& user) {
  return store_.people.resolve("pg", user, user, now_).id;
}

std::optional<DialogRecord> EngineFixture::dialog_of(const std::string& user) {
  return store_.dialogs.get(person(user));
}

std::vector<std::string> EngineFixture::texts_to(const std::vector<Sent>& sent,
                                                 const std::string& chat) {
  std::vector<std::string> out;
  for (const auto& s : sent) {
    if (s.msg.chat == chat && s.msg.kind == OutKind::send) out.push_back(s.msg.text);
  }
  return out;
}

const EngineFixture::Sent* EngineFixture::find_to(const std::vector<Sent>& sent,
                                                  const std::string& chat) {
  for (const auto& s : sent) {
    if (s.msg.chat == chat && s.msg.kind == OutKind::send) return &s;
  }
  return nullptr;
}

void EngineFixture::put_dialog(const std::string& user, const std::string& kind,
                               const std::string& state, const std::string& chat,
                               const std::map<std::string, std::string>& answers,
                               const std::vector<std::string>& path) {
  DialogRecord d;
  d.person_id = person(user);
  d.kind = kind;
  d.state = state;
  d.adapter = "pg";
  d.chat = chat;
  d.private_chat = chat == user;
  d.community_id = "sc";
  d.data = encode_dialog_data(answers, path);
  d.updated_at = now_;
  store_.dialogs.put(d);
  if (!d.private_chat) {
    OutboundMessage question;
    question.adapter = "pg";
    question.chat = chat;
    question.text = user + "：" + state + "?";
    question.route = "d:" + std::to_string(d.person_id);
    std::int64_t id = store_.outbox.enqueue(question, now_);
    store_.outbox.mark_sent(id, "p" + std::to_string(id), now_);
    questions_[chat + "|" + std::to_string(d.person_id)] = "p" + std::to_string(id);
  }
  for (const char* key : {"phone", "address"}) {
    if (auto it = answers.find(key); it != answers.end()) keep_secret(it->second);
  }
}

}  // namespace linli::test
