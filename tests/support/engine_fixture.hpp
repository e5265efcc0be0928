#pragma once
// Decisions without a network: a fresh database per test, on the engine LINLI_TEST_ENGINE names
// (tests/support/test_store.hpp): SQLite in memory (or the file and the encryption key a test's
// config names), or a fresh PostgreSQL database (with that key); the example community; and
// helpers that play a platform (each delivered message gets a platform id, so replies route).

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "dialogs/directory.hpp"
#include "dialogs/engine.hpp"
#include "tests/support/test_store.hpp"

namespace linli::test {

// The community of config/example.json, in miniature: group "g31" (residents of building 31),
// group "gv" (volunteers), coordinator "zhou", approved volunteers "chen" (repair, 31) and
// "zhao" (shopping, 31) and "liu" (medical, 32). Everyone else is a resident on first sight.
Config community_config();

class EngineFixture : public ::testing::Test {
 protected:
  explicit EngineFixture(Config config = community_config());

  struct Sent {
    std::int64_t id;
    OutboundMessage msg;
    std::string platform_id;  // "p<outbox id>", as the fake platform assigned it
  };

  // A message typed by `user` in `chat` ("g31", "gv", or the user's own id for the private chat).
  std::vector<Sent> say(const std::string& user, const std::string& chat, const std::string& text,
                        const std::string& reply_to = "");
  // An answer to the open question of `user`'s dialog: in a group, a reply to the question (only
  // a reply answers there); in the private chat, a message.
  std::vector<Sent> answer(const std::string& user, const std::string& chat,
                           const std::string& text);
  std::vector<Sent> press(const std::string& user, const std::string& chat,
                          const std::string& message_id, const std::string& data);
  std::vector<Sent> handle(const InboundEvent& ev);
  InboundEvent event(const std::string& user, const std::string& chat);
  // Fires every timer due at `now_` (after the test moved it).
  std::vector<Sent> fire_due();
  // The sender gave up on outbox row `id`.
  std::vector<Sent> undeliverable(std::int64_t id, bool forbidden);

  std::int64_t person(const std::string& user);  // the person id of a playground user
  std::optional<DialogRecord> dialog_of(const std::string& user);
  // The texts of the messages sent to one chat.
  static std::vector<std::string> texts_to(const std::vector<Sent>& sent, const std::string& chat);
  static const Sent* find_to(const std::vector<Sent>& sent, const std::string& chat);

  // Puts `user` into dialog `kind` at `state` with these answers, as if they had got there (in a
  // group, with the question asked there, for answer() to reply to).
  void put_dialog(const std::string& user, const std::string& kind, const std::string& state,
                  const std::string& chat, const std::map<std::string, std::string>& answers,
                  const std::vector<std::string>& path = {});

  // Nothing personal in a group, ever (DESIGN.md §6), checked in every test: the phone numbers
  // and addresses people gave (the volunteers' phones, what was typed or put as a dialog's
  // phone or address answer) must not appear in any message to a group.
  void keep_secret(const std::string& phone_or_address);
  // Fails the test (non-fatally) for each message of `sent` that shows a secret in a group.
  void check_nothing_private_in_groups(const std::vector<Sent>& sent);

  bool on_postgres() const { return db_->engine() == TestEngine::postgres; }
  // SQLite's database, for a test about SQLite itself (it must not run on PostgreSQL).
  storage::Database& sqlite_db();

  Config config_;
  std::optional<storage::FieldCipher> cipher_;  // with config_.encryption_key
  // On SQLite config_.database: ":memory:" unless a test wants a file. Rows straight from the
  // tables through db_->rows/value/exec, in SQL both engines accept.
  std::unique_ptr<TestStore> db_;
  Store& store_;  // the domain's ports over db_
  std::unique_ptr<Directory> dir_;
  std::unique_ptr<Engine> engine_;
  std::int64_t now_ = 1'800'000'000'000;  // 2027-01-15
  int next_event_ = 1;

 private:
  // What `ev` answers, when it answers a question for a phone number or an address.
  void note_private_answer(const InboundEvent& ev);

  std::set<std::string> secrets_;
  // "<chat>|<person id>" → the platform id of the latest dialog question asked there.
  std::map<std::string, std::string> questions_;
};

}  // namespace linli::test
