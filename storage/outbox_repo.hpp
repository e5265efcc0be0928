#pragma once
// The outbox: every message a decision wants sent, committed with the decision and delivered
// by the outbox sender. Sent rows keep the platform's message id, so that a reply to one of our
// messages finds the route it carried. With a FieldCipher what a message shows (text, buttons,
// mentions: a task's address, a sign-up's phone) is encrypted until it is sent and dropped;
// where it goes and what it carries (adapter, chat, route, ids) stay readable.

#include <optional>
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

  static std::string encode(const OutboundMessage& m);
  static OutboundMessage decode(const std::string& adapter, const std::string& chat, int kind,
                                const std::string& route, const std::string& payload);
  // With a cipher, what an encoded payload of row `id` shows goes into its "sealed" member, and
  // back (the PostgreSQL engine stores the same form).
  static std::string seal(const FieldCipher* cipher, std::string payload, std::int64_t id);
  static std::string unseal(const FieldCipher* cipher, std::string payload, std::int64_t id);

 private:
  OutboxRow read(SQLite::Statement& q) const;

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
};

}  // namespace linli::storage
