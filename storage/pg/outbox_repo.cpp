#include "storage/pg/outbox_repo.hpp"

#include <algorithm>

#include "storage/outbox_repo.hpp"
#include "storage/pg/rows.hpp"

namespace linli::storage::pg {
namespace {

constexpr const char* kRow = "id, adapter, chat, kind, route, payload, attempts";
// What a message shows, dropped once it is delivered or given up (SQLite's json_remove).
constexpr const char* kDropShown =
    "(payload::jsonb - ARRAY['text', 'buttons', 'mentions', 'sealed'])::text";

// Leasing in one statement, as storage/outbox_repo.cpp does it on SQLite, with the candidates
// locked (FOR UPDATE OF r SKIP LOCKED) and the locked ones taken in their chats' order: no
// row is taken while an earlier pending row of its chat is free and not among the candidates
// (another instance is taking it right now, or it was left out). $1 the owner, $2 now, $3 the
// lease's end.
constexpr const char* kNoOtherHolder =
    " AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.status = 0 AND e.adapter = r.adapter AND "
    "e.chat = r.chat AND e.lease_until > $2 AND e.lease_owner <> $1)";
constexpr const char* kTakeInOrder =
    " FOR UPDATE OF r SKIP LOCKED) UPDATE outbox o SET lease_owner = $1, lease_until = $3 "
    "FROM cand c WHERE o.id = c.id AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.status = 0 "
    "AND e.adapter = c.adapter AND e.chat = c.chat AND e.id < c.id AND e.lease_until <= $2 AND "
    "e.id NOT IN (SELECT id FROM cand)) "
    "RETURNING o.id, o.adapter, o.chat, o.kind, o.route, o.payload, o.attempts";
// lease(): the chats first, by their first free row (`heads`, locked, at most $4 of them), then
// their free rows from there in id order (the candidates, up to $4). A chat whose first free
// row another instance is leasing at this moment is skipped as a whole, rather than its later
// rows filling the candidates only to be left out by the rule above: instances leasing at once
// share out the chats. ($4: the limit.)
constexpr const char* kHeads =
    "WITH heads AS MATERIALIZED (SELECT r.id, r.adapter, r.chat FROM outbox r WHERE r.status = 0 "
    "AND r.lease_until <= $2 AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.status = 0 AND "
    "e.adapter = r.adapter AND e.chat = r.chat AND e.id < r.id AND e.lease_until <= $2)";
constexpr const char* kCandidatesOfHeads =
    " ORDER BY r.id LIMIT $4 FOR UPDATE OF r SKIP LOCKED), cand AS MATERIALIZED (SELECT r.id, "
    "r.adapter, r.chat FROM outbox r JOIN heads h ON r.adapter = h.adapter AND r.chat = h.chat "
    "WHERE r.status = 0 AND r.lease_until <= $2 AND r.id >= h.id ORDER BY r.id LIMIT $4";

std::vector<OutboxRow> by_id(std::vector<OutboxRow> rows) {
  std::sort(rows.begin(), rows.end(), [](const OutboxRow& a, const OutboxRow& b) {
    return a.id < b.id;  // RETURNING promises no order
  });
  return rows;
}

}  // namespace

std::vector<OutboxRow> PgOutboxRepo::read(const Result& r) const {
  std::vector<OutboxRow> out;
  for (int i = 0; i < r.rows(); ++i) {
    OutboxRow row;
    row.id = r.integer(i, 0);
    row.msg = OutboxRepo::decode(str(r, i, 1), str(r, i, 2), int32(r, i, 3), str(r, i, 4),
                                 OutboxRepo::unseal(cipher_, str(r, i, 5), row.id));
    row.attempts = int32(r, i, 6);
    out.push_back(std::move(row));
  }
  return out;
}

std::int64_t PgOutboxRepo::enqueue(const OutboundMessage& m, std::int64_t now) {
  if (m.kind == OutKind::edit) {
    // A newer edit supersedes the older ones still waiting, in the decision's transaction.
    c_.exec(std::string("UPDATE outbox SET status = 1, last_error = 'superseded', payload = ") +
                kDropShown + " WHERE edit_of = $1 AND status = 0",
            {m.edit_of});
  }
  // A sealed payload is bound to its row's id: taken from the sequence first, so that the one
  // INSERT writes it sealed.
  const std::int64_t id = cipher_ ? next_id(c_, "outbox") : 0;
  return c_
      .exec(
          "INSERT INTO outbox (id, adapter, chat, kind, payload, route, created_at, edit_of) "
          "VALUES (coalesce($1, nextval(pg_get_serial_sequence('outbox', 'id'))), $2, $3, $4, "
          "$5, $6, $7, NULLIF($8::bigint, 0)) RETURNING id",
          {cipher_ ? Param(id) : Param(std::nullopt), m.adapter, m.chat, static_cast<int>(m.kind),
           cipher_ ? OutboxRepo::seal(cipher_, OutboxRepo::encode(m), id) : OutboxRepo::encode(m),
           m.route, now, m.edit_of})
      .integer(0, 0);
}

std::vector<OutboxRow> PgOutboxRepo::pending(std::int64_t after_id, int limit) {
  return read(c_.exec(std::string("SELECT ") + kRow +
                          " FROM outbox WHERE status = 0 AND id > $1 ORDER BY id LIMIT $2",
                      {after_id, limit}));
}

std::vector<OutboxRow> PgOutboxRepo::pending_in_chat(const std::string& adapter,
                                                     const std::string& chat, std::int64_t after_id,
                                                     std::int64_t up_to_id, int limit) {
  return read(c_.exec(std::string("SELECT ") + kRow +
                          " FROM outbox WHERE status = 0 AND adapter = $1 AND chat = $2 "
                          "AND id > $3 AND id <= $4 ORDER BY id LIMIT $5",
                      {adapter, chat, after_id, up_to_id, limit}));
}

std::optional<OutboxRow> PgOutboxRepo::get(std::int64_t id) {
  auto rows = read(c_.exec(std::string("SELECT ") + kRow + " FROM outbox WHERE id = $1", {id}));
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

// Once delivered, only what routes replies is kept: what the message showed goes.
void PgOutboxRepo::mark_sent(std::int64_t id, const std::string& platform_id, std::int64_t now) {
  c_.exec(std::string("UPDATE outbox SET status = 1, platform_id = NULLIF($1, ''), sent_at = $2, "
                      "attempts = attempts + 1, payload = ") +
              kDropShown + " WHERE id = $3",
          {platform_id, now, id});
}

void PgOutboxRepo::mark_retry(std::int64_t id, int attempts, const std::string& error) {
  c_.exec("UPDATE outbox SET attempts = $1, last_error = $2 WHERE id = $3", {attempts, error, id});
}

void PgOutboxRepo::mark_dead(std::int64_t id, int attempts, const std::string& error) {
  c_.exec("UPDATE outbox SET status = 2, attempts = $1, last_error = $2 WHERE id = $3",
          {attempts, error, id});
}

int PgOutboxRepo::purge_texts(std::int64_t before) {
  no_statement_timeout(c_);
  return static_cast<int>(c_.exec(std::string("UPDATE outbox SET payload = ") + kDropShown +
                                      " WHERE status = 2 AND created_at < $1 AND "
                                      "payload::jsonb ?| ARRAY['text', 'sealed']",
                                  {before})
                              .affected());
}

// Given up rather than deleted, as on SQLite.
int PgOutboxRepo::purge_held(std::int64_t before) {
  no_statement_timeout(c_);
  return static_cast<int>(
      c_.exec(std::string("UPDATE outbox SET status = 2, last_error = 'held too long', "
                          "payload = ") +
                  kDropShown + " WHERE status = 3 AND created_at < $1",
              {before})
          .affected());
}

void PgOutboxRepo::hold(std::int64_t id) {
  c_.exec("UPDATE outbox SET status = 3 WHERE id = $1", {id});
}

std::int64_t PgOutboxRepo::held_count(const std::string& adapter, const std::string& chat) {
  return c_
      .exec("SELECT count(*) FROM outbox WHERE status = 3 AND adapter = $1 AND chat = $2",
            {adapter, chat})
      .integer(0, 0);
}

// One statement: what it makes pending is what it returns, whatever another instance does.
std::vector<OutboxRow> PgOutboxRepo::release_held(const std::string& adapter,
                                                  const std::string& chat) {
  // Pending again, and free: whoever leased it before it was held may be long gone.
  auto out = read(c_.exec(std::string("UPDATE outbox SET status = 0, attempts = 0, "
                                      "lease_until = 0 WHERE status = 3 AND adapter = $1 AND "
                                      "chat = $2 RETURNING ") +
                              kRow,
                          {adapter, chat}));
  return by_id(std::move(out));
}

void PgOutboxRepo::readdress(const std::string& adapter, const std::string& from,
                             const std::string& to) {
  c_.exec(
      "UPDATE outbox SET chat = $1, payload = (payload::jsonb - 'reply_to')::text "
      "WHERE status = 0 AND kind = $2 AND adapter = $3 AND chat = $4",
      {to, static_cast<int>(OutKind::send), adapter, from});
}

std::optional<RoutedMessage> PgOutboxRepo::by_platform_id(const std::string& adapter,
                                                          const std::string& chat,
                                                          const std::string& platform_id) {
  Result r = c_.exec(
      "SELECT id, route FROM outbox WHERE adapter = $1 AND chat = $2 AND platform_id = $3 "
      "ORDER BY id DESC LIMIT 1",
      {adapter, chat, platform_id});
  if (r.rows() == 0) return std::nullopt;
  return RoutedMessage{r.integer(0, 0), str(r, 0, 1)};
}

std::string PgOutboxRepo::platform_id(std::int64_t id) {
  Result r = c_.exec("SELECT coalesce(platform_id, '') FROM outbox WHERE id = $1", {id});
  return r.rows() == 0 ? std::string() : str(r, 0, 0);
}

std::optional<OutboxStatus> PgOutboxRepo::status(std::int64_t id) {
  Result r = c_.exec("SELECT status FROM outbox WHERE id = $1", {id});
  if (r.rows() == 0) return std::nullopt;
  return static_cast<OutboxStatus>(r.integer(0, 0));
}

std::int64_t PgOutboxRepo::depth() {
  return c_.exec("SELECT count(*) FROM outbox WHERE status = 0").integer(0, 0);
}

std::vector<OutboxRow> PgOutboxRepo::lease(const std::string& owner, std::int64_t now,
                                           std::int64_t lease_ms, int limit) {
  if (limit <= 0) return {};
  return by_id(
      read(c_.exec(std::string(kHeads) + kNoOtherHolder + kCandidatesOfHeads + kTakeInOrder,
                   {owner, now, now + lease_ms, limit})));
}

std::vector<OutboxRow> PgOutboxRepo::lease_ids(const std::string& owner,
                                               const std::vector<std::int64_t>& ids,
                                               std::int64_t now, std::int64_t lease_ms) {
  if (ids.empty()) return {};
  std::string array = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) array += ',';
    array += std::to_string(ids[i]);
  }
  array += '}';
  return by_id(read(c_.exec(std::string("WITH cand AS MATERIALIZED (SELECT r.id, r.adapter, "
                                        "r.chat FROM outbox r WHERE r.id = ANY($4::bigint[]) "
                                        "AND r.status = 0 AND (r.lease_until <= $2 OR "
                                        "r.lease_owner = $1)") +
                                kNoOtherHolder + kTakeInOrder,
                            {owner, now, now + lease_ms, array})));
}

int PgOutboxRepo::renew(const std::string& owner, std::int64_t now, std::int64_t lease_ms) {
  return static_cast<int>(c_.exec("UPDATE outbox SET lease_until = $3 WHERE status = 0 AND "
                                  "lease_owner = $1 AND lease_until > $2",
                                  {owner, now, now + lease_ms})
                              .affected());
}

int PgOutboxRepo::release(const std::string& owner) {
  return static_cast<int>(c_.exec("UPDATE outbox SET lease_until = 0 WHERE status = 0 AND "
                                  "lease_owner = $1 AND lease_until > 0",
                                  {owner})
                              .affected());
}

}  // namespace linli::storage::pg
