#pragma once
// The outbox: every message a decision wants sent, committed with the decision and delivered
// by the outbox sender. Sent rows keep the platform's message id, so that a reply to one of our
// messages finds the route it carried.

#include <optional>
#include <vector>

#include "bot/message.hpp"
#include "storage/database.hpp"

namespace linli::storage {

struct OutboxRow {
  std::int64_t id = 0;
  OutboundMessage msg;
  int attempts = 0;
};

struct RoutedMessage {
  std::int64_t outbox_id = 0;
  std::string route;
};

// held: a private message the platform refused because the person has not opened a private
// chat with the bot yet; released (pending again) when they do.
enum class OutboxStatus { pending = 0, sent = 1, dead = 2, held = 3 };

class OutboxRepo {
 public:
  explicit OutboxRepo(Database& db);

  std::int64_t enqueue(const OutboundMessage& m, std::int64_t now);
  std::vector<OutboxRow> pending(std::int64_t after_id, int limit);
  std::optional<OutboxRow> get(std::int64_t id);
  void mark_sent(std::int64_t id, const std::string& platform_id, std::int64_t now);
  void mark_retry(std::int64_t id, int attempts, const std::string& error);
  void mark_dead(std::int64_t id, int attempts, const std::string& error);
  // A pending edit made pointless by a newer edit of the same message (never sent).
  void mark_superseded(std::int64_t id);
  // Drops the texts of dead letters older than `before` (they may quote private details).
  int purge_texts(std::int64_t before);
  void hold(std::int64_t id);
  std::int64_t held_count(const std::string& adapter, const std::string& chat);
  // Makes the held messages of a chat pending again and returns them, oldest first.
  std::vector<OutboxRow> release_held(const std::string& adapter, const std::string& chat);
  // The chat moved to a new id (a group upgraded to a supergroup): its pending messages go
  // there, without quoting a message of the old chat (ids do not carry over). Edits stay: the
  // messages they edit are in the old chat.
  void readdress(const std::string& adapter, const std::string& from, const std::string& to);
  // Our message with this platform id in this chat, and what it carried.
  std::optional<RoutedMessage> by_platform_id(const std::string& adapter, const std::string& chat,
                                              const std::string& platform_id);
  std::string platform_id(std::int64_t id);  // "" while not sent
  std::optional<OutboxStatus> status(std::int64_t id);
  std::int64_t depth();  // pending rows

  static std::string encode(const OutboundMessage& m);
  static OutboundMessage decode(const std::string& adapter, const std::string& chat, int kind,
                                const std::string& route, const std::string& payload);

 private:
  Database& db_;
  SQLite::Statement insert_;
  SQLite::Statement pending_;
  SQLite::Statement get_;
  SQLite::Statement sent_;
  SQLite::Statement superseded_;
  SQLite::Statement purge_texts_;
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
