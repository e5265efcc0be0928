#include "storage/outbox_repo.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <random>

#include <nlohmann/json.hpp>

namespace linli::storage {
namespace {

// The associated data of a sealed payload: this column, and the outbox id as the row.
constexpr std::string_view kPayload = "outbox.payload";
// What a message shows, kept only until it is delivered (or given up): it may quote an address
// or a phone number, to the one who needs it.
constexpr std::array<const char*, 3> kShown = {"text", "buttons", "mentions"};
constexpr const char* kDropShown =
    "json_remove(payload, '$.text', '$.buttons', '$.mentions', '$.sealed')";

// Leasing (dialogs/ports.hpp, Outbox::lease) in one statement: `cand` are the rows that could
// be taken, those of chats no other owner holds a live lease in; of them, those are taken that
// no earlier pending row of their chat, free and not among the candidates, would be overtaken
// by. storage/pg/outbox_repo.cpp has the same rules with the row locks of PostgreSQL (and
// chooses the chats first, so that instances leasing at once share them out).
constexpr const char* kNoOtherHolder =
    " AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.status = 0 AND e.adapter = r.adapter AND "
    "e.chat = r.chat AND e.lease_until > :now AND e.lease_owner <> :owner)";
constexpr const char* kTakeInOrder =
    ") UPDATE outbox SET lease_owner = :owner, lease_until = :until WHERE id IN (SELECT c.id "
    "FROM cand c WHERE NOT EXISTS (SELECT 1 FROM outbox e WHERE e.status = 0 AND "
    "e.adapter = c.adapter AND e.chat = c.chat AND e.id < c.id AND e.lease_until <= :now AND "
    "e.id NOT IN (SELECT id FROM cand))) "
    "RETURNING id, adapter, chat, kind, route, payload, attempts";

}  // namespace

using nlohmann::json;

std::string OutboxRepo::encode(const OutboundMessage& m) {
  json j = json::object();
  if (!m.text.empty()) j["text"] = m.text;
  if (!m.thread.empty()) j["thread"] = m.thread;
  if (m.private_chat) j["private"] = true;
  if (!m.user.empty()) j["user"] = m.user;
  if (!m.reply_to.empty()) j["reply_to"] = m.reply_to;
  if (m.edit_of != 0) j["edit_of"] = m.edit_of;
  if (!m.callback_id.empty()) j["callback_id"] = m.callback_id;
  if (!m.mentions.empty()) j["mentions"] = m.mentions;
  if (m.force_reply) j["force_reply"] = true;
  if (!m.buttons.empty()) {
    json rows = json::array();
    for (const auto& row : m.buttons) {
      json r = json::array();
      for (const auto& b : row) r.push_back({{"label", b.label}, {"data", b.data}});
      rows.push_back(std::move(r));
    }
    j["buttons"] = std::move(rows);
  }
  return j.dump();
}

OutboundMessage OutboxRepo::decode(const std::string& adapter, const std::string& chat, int kind,
                                   const std::string& route, const std::string& payload) {
  OutboundMessage m;
  m.kind = static_cast<OutKind>(kind);
  m.adapter = adapter;
  m.chat = chat;
  m.route = route;
  json j = json::parse(payload);
  m.text = j.value("text", "");
  m.user = j.value("user", "");
  m.thread = j.value("thread", "");
  m.private_chat = j.value("private", false);
  m.reply_to = j.value("reply_to", "");
  m.edit_of = j.value("edit_of", std::int64_t{0});
  m.callback_id = j.value("callback_id", "");
  if (j.contains("mentions")) m.mentions = j["mentions"].get<std::vector<std::string>>();
  m.force_reply = j.value("force_reply", false);
  if (j.contains("buttons")) {
    for (const auto& r : j["buttons"]) {
      auto& row = m.buttons.emplace_back();
      for (const auto& b : r) row.push_back({b.value("label", ""), b.value("data", "")});
    }
  }
  return m;
}

std::string OutboxRepo::seal(const FieldCipher* cipher, std::string payload, std::int64_t id) {
  if (!cipher) return payload;
  json j = json::parse(payload);
  json shown = json::object();
  for (const char* key : kShown) {
    if (auto it = j.find(key); it != j.end()) {
      shown[key] = std::move(*it);
      j.erase(key);
    }
  }
  if (shown.empty()) return payload;
  j["sealed"] = cipher->seal(shown.dump(), kPayload, id);
  return j.dump();
}

std::string OutboxRepo::unseal(const FieldCipher* cipher, std::string payload, std::int64_t id) {
  if (payload.find("\"sealed\"") == std::string::npos) return payload;
  json j = json::parse(payload);
  auto sealed = j.find("sealed");
  if (sealed == j.end()) return payload;
  // Without the key a sealed text cannot be read: the message goes out empty, the platform
  // refuses it, and the coordinators hear of a dead letter instead of residents of a cipher.
  if (cipher) j.update(json::parse(cipher->open(sealed->get<std::string>(), kPayload, id)));
  j.erase("sealed");
  return j.dump();
}

OutboxRow OutboxRepo::read(SQLite::Statement& q) const {
  OutboxRow r;
  r.id = q.getColumn(0).getInt64();
  r.msg = decode(q.getColumn(1).getString(), q.getColumn(2).getString(), q.getColumn(3).getInt(),
                 q.getColumn(4).getString(), unseal(cipher_, q.getColumn(5).getString(), r.id));
  r.attempts = q.getColumn(6).getInt();
  return r;
}

OutboxRepo::OutboxRepo(Database& db, const FieldCipher* cipher)
    : db_(db),
      cipher_(cipher),
      insert_(db.sql(),
              "INSERT INTO outbox (adapter, chat, kind, payload, route, created_at, edit_of) "
              "VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, 0))"),
      seal_(db.sql(), "UPDATE outbox SET payload = ? WHERE id = ?"),
      pending_(db.sql(),
               "SELECT id, adapter, chat, kind, route, payload, attempts FROM outbox "
               "WHERE status = 0 AND id > ? ORDER BY id LIMIT ?"),
      pending_in_chat_(db.sql(),
                       "SELECT id, adapter, chat, kind, route, payload, attempts FROM outbox "
                       "WHERE status = 0 AND adapter = ? AND chat = ? AND id > ? AND id <= ? "
                       "ORDER BY id LIMIT ?"),
      get_(db.sql(),
           "SELECT id, adapter, chat, kind, route, payload, attempts FROM outbox WHERE id = ?"),
      // Once delivered, only what routes replies is kept: what the message showed goes.
      sent_(db.sql(), std::string("UPDATE outbox SET status = 1, platform_id = NULLIF(?, ''), "
                                  "sent_at = ?, attempts = attempts + 1, payload = ") +
                          kDropShown + " WHERE id = ?"),
      superseded_(
          db.sql(),
          std::string("UPDATE outbox SET status = 1, last_error = 'superseded', payload = ") +
              kDropShown + " WHERE edit_of = ? AND status = 0"),
      purge_texts_(db.sql(), std::string("UPDATE outbox SET payload = ") + kDropShown +
                                 " WHERE status = 2 AND created_at < ? AND "
                                 "(json_type(payload, '$.text') IS NOT NULL OR "
                                 "json_type(payload, '$.sealed') IS NOT NULL)"),
      // Given up rather than deleted: a deleted last row's id would be handed out again.
      purge_held_(db.sql(), std::string("UPDATE outbox SET status = 2, last_error = 'held too "
                                        "long', payload = ") +
                                kDropShown + " WHERE status = 3 AND created_at < ?"),
      retry_(db.sql(), "UPDATE outbox SET attempts = ?, last_error = ? WHERE id = ?"),
      dead_(db.sql(), "UPDATE outbox SET status = 2, attempts = ?, last_error = ? WHERE id = ?"),
      hold_(db.sql(), "UPDATE outbox SET status = 3 WHERE id = ?"),
      held_count_(db.sql(),
                  "SELECT COUNT(*) FROM outbox WHERE status = 3 AND adapter = ? AND chat = ?"),
      held_(db.sql(),
            "SELECT id, adapter, chat, kind, route, payload, attempts FROM outbox "
            "WHERE status = 3 AND adapter = ? AND chat = ? ORDER BY id"),
      // Pending again, and free: whoever leased it before it was held may be long gone.
      release_(db.sql(),
               "UPDATE outbox SET status = 0, attempts = 0, lease_until = 0 WHERE status = 3 AND "
               "adapter = ? AND chat = ?"),
      readdress_(db.sql(),
                 "UPDATE outbox SET chat = :to, payload = json_remove(payload, '$.reply_to') "
                 "WHERE status = 0 AND kind = :send AND adapter = :adapter AND chat = :from"),
      by_platform_id_(db.sql(),
                      "SELECT id, route FROM outbox WHERE adapter = ? AND chat = ? AND "
                      "platform_id = ? ORDER BY id DESC LIMIT 1"),
      platform_id_(db.sql(), "SELECT IFNULL(platform_id, '') FROM outbox WHERE id = ?"),
      status_(db.sql(), "SELECT status FROM outbox WHERE id = ?"),
      depth_(db.sql(), "SELECT COUNT(*) FROM outbox WHERE status = 0"),
      lease_(db.sql(), std::string("WITH cand AS MATERIALIZED (SELECT id, adapter, chat FROM "
                                   "outbox r WHERE status = 0 AND lease_until <= :now") +
                           kNoOtherHolder + " ORDER BY id LIMIT :limit" + kTakeInOrder),
      lease_ids_(db.sql(),
                 std::string("WITH cand AS MATERIALIZED (SELECT id, adapter, chat FROM outbox r "
                             "WHERE id IN (SELECT value FROM json_each(:ids)) AND status = 0 AND "
                             "(lease_until <= :now OR lease_owner = :owner)") +
                     kNoOtherHolder + kTakeInOrder),
      renew_(db.sql(),
             "UPDATE outbox SET lease_until = :until WHERE status = 0 AND lease_owner = :owner "
             "AND lease_until > :now"),
      release_leases_(db.sql(),
                      "UPDATE outbox SET lease_until = 0 WHERE status = 0 AND lease_owner = ? "
                      "AND lease_until > 0") {}

std::int64_t OutboxRepo::enqueue(const OutboundMessage& m, std::int64_t now) {
  if (m.kind == OutKind::edit) {
    // A newer edit of a message makes the older ones still waiting pointless (a roster card
    // edited a hundred times while the group is paced goes out once, with the latest count).
    // Superseding them here puts it into the decision's transaction; an older edit already on
    // the wire is then recorded as sent when its answer comes.
    Use s(superseded_);
    s->bind(1, m.edit_of);
    s->exec();
  }
  std::int64_t id = 0;
  {
    Use q(insert_);
    q->bind(1, m.adapter);
    q->bind(2, m.chat);
    q->bind(3, static_cast<int>(m.kind));
    // A sealed payload is bound to its row's id, which exists once the row does: the row is
    // inserted without what it shows and sealed right after, so no plaintext reaches a page.
    q->bind(4, cipher_ ? std::string("{}") : encode(m));
    q->bind(5, m.route);
    q->bind(6, now);
    q->bind(7, m.edit_of);
    q->exec();
    id = db_.sql().getLastInsertRowid();
  }
  if (cipher_) {
    Use q(seal_);
    q->bind(1, seal(cipher_, encode(m), id));
    q->bind(2, id);
    q->exec();
  }
  return id;
}

std::vector<OutboxRow> OutboxRepo::pending(std::int64_t after_id, int limit) {
  Use q(pending_);
  q->bind(1, after_id);
  q->bind(2, limit);
  std::vector<OutboxRow> out;
  while (q->executeStep()) out.push_back(read(*q));
  return out;
}

std::vector<OutboxRow> OutboxRepo::pending_in_chat(const std::string& adapter,
                                                   const std::string& chat, std::int64_t after_id,
                                                   std::int64_t up_to_id, int limit) {
  Use q(pending_in_chat_);
  q->bind(1, adapter);
  q->bind(2, chat);
  q->bind(3, after_id);
  q->bind(4, up_to_id);
  q->bind(5, limit);
  std::vector<OutboxRow> out;
  while (q->executeStep()) out.push_back(read(*q));
  return out;
}

std::optional<OutboxRow> OutboxRepo::get(std::int64_t id) {
  Use q(get_);
  q->bind(1, id);
  if (!q->executeStep()) return std::nullopt;
  return read(*q);
}

void OutboxRepo::mark_sent(std::int64_t id, const std::string& platform_id, std::int64_t now) {
  Use q(sent_);
  q->bind(1, platform_id);
  q->bind(2, now);
  q->bind(3, id);
  q->exec();
}

void OutboxRepo::mark_retry(std::int64_t id, int attempts, const std::string& error) {
  Use q(retry_);
  q->bind(1, attempts);
  q->bind(2, error);
  q->bind(3, id);
  q->exec();
}

void OutboxRepo::mark_dead(std::int64_t id, int attempts, const std::string& error) {
  Use q(dead_);
  q->bind(1, attempts);
  q->bind(2, error);
  q->bind(3, id);
  q->exec();
}

int OutboxRepo::purge_texts(std::int64_t before) {
  Use q(purge_texts_);
  q->bind(1, before);
  return q->exec();
}

int OutboxRepo::purge_held(std::int64_t before) {
  Use q(purge_held_);
  q->bind(1, before);
  return q->exec();
}

void OutboxRepo::hold(std::int64_t id) {
  Use q(hold_);
  q->bind(1, id);
  q->exec();
}

std::int64_t OutboxRepo::held_count(const std::string& adapter, const std::string& chat) {
  Use q(held_count_);
  q->bind(1, adapter);
  q->bind(2, chat);
  q->executeStep();
  return q->getColumn(0).getInt64();
}

std::vector<OutboxRow> OutboxRepo::release_held(const std::string& adapter,
                                                const std::string& chat) {
  std::vector<OutboxRow> out;
  {
    Use q(held_);
    q->bind(1, adapter);
    q->bind(2, chat);
    while (q->executeStep()) {
      out.push_back(read(*q));
      out.back().attempts = 0;
    }
  }
  Use q(release_);
  q->bind(1, adapter);
  q->bind(2, chat);
  q->exec();
  return out;
}

void OutboxRepo::readdress(const std::string& adapter, const std::string& from,
                           const std::string& to) {
  Use q(readdress_);
  q->bind(":to", to);
  q->bind(":send", static_cast<int>(OutKind::send));
  q->bind(":adapter", adapter);
  q->bind(":from", from);
  q->exec();
}

std::optional<RoutedMessage> OutboxRepo::by_platform_id(const std::string& adapter,
                                                        const std::string& chat,
                                                        const std::string& platform_id) {
  Use q(by_platform_id_);
  q->bind(1, adapter);
  q->bind(2, chat);
  q->bind(3, platform_id);
  if (!q->executeStep()) return std::nullopt;
  return RoutedMessage{q->getColumn(0).getInt64(), q->getColumn(1).getString()};
}

std::string OutboxRepo::platform_id(std::int64_t id) {
  Use q(platform_id_);
  q->bind(1, id);
  return q->executeStep() ? q->getColumn(0).getString() : std::string();
}

std::optional<OutboxStatus> OutboxRepo::status(std::int64_t id) {
  Use q(status_);
  q->bind(1, id);
  if (!q->executeStep()) return std::nullopt;
  return static_cast<OutboxStatus>(q->getColumn(0).getInt());
}

std::int64_t OutboxRepo::depth() {
  Use q(depth_);
  q->executeStep();
  return q->getColumn(0).getInt64();
}

std::vector<OutboxRow> OutboxRepo::leased(SQLite::Statement& q, const std::string& owner,
                                          std::int64_t now, std::int64_t lease_ms) {
  q.bind(":owner", owner);
  q.bind(":now", now);
  q.bind(":until", now + lease_ms);
  std::vector<OutboxRow> out;
  while (q.executeStep()) out.push_back(read(q));
  std::sort(out.begin(), out.end(), [](const OutboxRow& a, const OutboxRow& b) {
    return a.id < b.id;  // RETURNING promises no order
  });
  return out;
}

std::vector<OutboxRow> OutboxRepo::lease(const std::string& owner, std::int64_t now,
                                         std::int64_t lease_ms, int limit) {
  if (limit <= 0) return {};
  Use q(lease_);
  q->bind(":limit", limit);
  return leased(*q, owner, now, lease_ms);
}

std::vector<OutboxRow> OutboxRepo::lease_ids(const std::string& owner,
                                             const std::vector<std::int64_t>& ids, std::int64_t now,
                                             std::int64_t lease_ms) {
  if (ids.empty()) return {};
  Use q(lease_ids_);
  q->bind(":ids", json(ids).dump());
  return leased(*q, owner, now, lease_ms);
}

int OutboxRepo::renew(const std::string& owner, std::int64_t now, std::int64_t lease_ms) {
  Use q(renew_);
  q->bind(":owner", owner);
  q->bind(":now", now);
  q->bind(":until", now + lease_ms);
  return q->exec();
}

int OutboxRepo::release(const std::string& owner) {
  Use q(release_leases_);
  q->bind(1, owner);
  return q->exec();
}

std::string make_lease_owner() {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  std::random_device device;
  std::uniform_int_distribution<std::uint64_t> any;
  std::array<char, 17> random{};
  std::snprintf(random.data(), random.size(), "%016llx",
                static_cast<unsigned long long>(any(device)));
  return std::string(host.data()) + "/" + std::to_string(getpid()) + "/" + random.data();
}

}  // namespace linli::storage
