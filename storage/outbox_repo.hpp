#pragma once
// The outbox: every message a decision wants sent, committed with the decision and delivered
// by the outbox sender. Sent rows keep the platform's message id, so that a reply to one of our
// messages finds the route it carried. With a FieldCipher what a message shows (text, buttons,
// mentions: a task's address, a sign-up's phone) is encrypted until it is sent and dropped;
// where it goes and what it carries (adapter, chat, route, ids) stay readable.

#include <optional>
#include <string>
#include <vector>

#include "dialogs/ports.hpp"
#include "dialogs/records.hpp"
#include "storage/database.hpp"
#include "storage/field_cipher.hpp"

namespace linli::storage {

class OutboxRepo final : public Outbox {
 public:
  // `cipher` (may be null: texts stored as they are) must outlive the repository.
  explicit OutboxRepo(Database& db, const FieldCipher* cipher = nullptr);

  std::int64_t enqueue(const OutboundMessage& m, std::int64_t now) override;
  std::vector<OutboxRow> pending(std::int64_t after_id, int limit) override;
  std::vector<OutboxRow> pending_in_chat(const std::string& adapter, const std::string& chat,
                                         std::int64_t after_id, std::int64_t up_to_id,
                                         int limit) override;
  std::optional<OutboxRow> get(std::int64_t id) override;
  void mark_sent(std::int64_t id, const std::string& platform_id, std::int64_t now) override;
  void mark_retry(std::int64_t id, int attempts, const std::string& error) override;
  void mark_dead(std::int64_t id, int attempts, const std::string& error) override;
  // Drops the texts of dead letters older than `before` (they may quote private details).
  int purge_texts(std::int64_t before) override;
  // Gives up the messages held since before `before` for a private chat nobody opened: dead
  // letters now, without what they showed.
  int purge_held(std::int64_t before) override;
  void hold(std::int64_t id) override;
  std::int64_t held_count(const std::string& adapter, const std::string& chat) override;
  // Makes the held messages of a chat pending again and returns them, oldest first.
  std::vector<OutboxRow> release_held(const std::string& adapter, const std::string& chat) override;
  void readdress(const std::string& adapter, const std::string& from,
                 const std::string& to) override;
  // Our message with this platform id in this chat, and what it carried.
  std::optional<RoutedMessage> by_platform_id(const std::string& adapter, const std::string& chat,
                                              const std::string& platform_id) override;
  std::string platform_id(std::int64_t id) override;  // "" while not sent
  std::optional<OutboxStatus> status(std::int64_t id) override;
  std::int64_t depth() override;  // pending rows
  // Leases (dialogs/ports.hpp, Outbox::lease): one instance on SQLite, but the same rules, so
  // that the sender works alike on both engines.
  std::vector<OutboxRow> lease(const std::string& owner, std::int64_t now, std::int64_t lease_ms,
                               int limit) override;
  std::vector<OutboxRow> lease_ids(const std::string& owner, const std::vector<std::int64_t>& ids,
                                   std::int64_t now, std::int64_t lease_ms) override;
  int renew(const std::string& owner, std::int64_t now, std::int64_t lease_ms) override;
  int release(const std::string& owner) override;

  static std::string encode(const OutboundMessage& m);
  static OutboundMessage decode(const std::string& adapter, const std::string& chat, int kind,
                                const std::string& route, const std::string& payload);
  // With a cipher, what an encoded payload of row `id` shows goes into its "sealed" member, and
  // back (the PostgreSQL engine stores the same form).
  static std::string seal(const FieldCipher* cipher, std::string payload, std::int64_t id);
  static std::string unseal(const FieldCipher* cipher, std::string payload, std::int64_t id);

 private:
  OutboxRow read(SQLite::Statement& q) const;
  std::vector<OutboxRow> leased(SQLite::Statement& q, const std::string& owner, std::int64_t now,
                                std::int64_t lease_ms);

  Database& db_;
  const FieldCipher* cipher_;
  SQLite::Statement insert_;
  SQLite::Statement seal_;
  SQLite::Statement pending_;
  SQLite::Statement pending_in_chat_;
  SQLite::Statement get_;
  SQLite::Statement sent_;
  SQLite::Statement superseded_;
  SQLite::Statement purge_texts_;
  SQLite::Statement purge_held_;
  SQLite::Statement retry_;
  SQLite::Statement dead_;
  SQLite::Statement hold_;
  SQLite::Statement held_count_;
  SQLite::Statement held_;
  SQLite::Statement release_;
  SQLite::Statement readdress_;
  SQLite::Statement by_platform_id_;
  SQLite::Statement platform_id_;
  SQLite::Statement status_;
  SQLite::Statement depth_;
  SQLite::Statement lease_;
  SQLite::Statement lease_ids_;
  SQLite::Statement renew_;
  SQLite::Statement release_leases_;
};

// A lease owner for this process (Outbox::lease): "<hostname>/<pid>/<16 random hex digits>",
// made once at start. The host and pid tell an operator which instance holds a row; the random
// part keeps two runs apart that reuse a pid (a container restarted with the same hostname and
// pid 1), so that a restarted instance never mistakes its predecessor's leases for its own.
std::string make_lease_owner();

}  // namespace linli::storage
