#pragma once
// The outbox on PostgreSQL: the port Outbox, as storage/outbox_repo.* keeps it on SQLite, with
// the same payloads (OutboxRepo::encode, sealed by OutboxRepo::seal). The payload column is text
// holding JSON, as on SQLite; SQLite's json_remove and json_type are jsonb's `-` and `?|` here.
//
//
// Several instances share the outbox (issue 13) through row leases (dialogs/ports.hpp,
// Outbox::lease, says the rules and how the sender uses them). Each lease is one statement:
// the candidate rows are locked with FOR UPDATE SKIP LOCKED, so instances leasing at once
// never wait on each other and never take the same row (a row another instance is leasing
// right now is skipped; one it has just leased and committed is re-checked and is no longer
// free). A chat stays with one instance: its rows are taken only behind earlier rows of the
// chat that this owner holds or takes in the same statement, and only while no other owner
// holds a live lease in it. That check reads the statement's snapshot, which can only be older
// than the truth: a row it sees as pending and free but that another instance is taking at the
// same moment still holds back the later rows of its chat. Work is found as "pending and free",
// through the index outbox_leasable (kPg19), never by an id cursor: an identity id is handed
// out at INSERT, so a row with a lower id can commit after a higher one, and a cursor moved
// past the higher one would never see it. What that allows (a lower id committed after a
// later row of its chat was leased by another instance) waits until that instance's lease of
// the chat ends: one chat is never sent by two instances at once.
//
// Timing, for a 30 s lease: the sender leases at start and every second when idle, renews
// every ~10 s (two renewals may fail before a lease is lost), and sends a row only while its
// lease, by the sender's own clock, still runs longer than a send takes (the transport's
// time-out). An instance killed with SIGKILL holds its rows until their lease ends: taken over
// within 30 s. A graceful stop releases them at once (release()).
//
// The owner id: storage/outbox_repo.hpp's make_lease_owner(), hostname/pid/random, made once at
// start.

#include <optional>
#include <string>
#include <vector>

#include "dialogs/ports.hpp"
#include "storage/field_cipher.hpp"
#include "storage/pg/connection.hpp"

namespace linli::storage::pg {

class PgOutboxRepo final : public Outbox {
 public:
  // `cipher` (may be null: texts stored as they are) must outlive the repository.
  explicit PgOutboxRepo(Connection& c, const FieldCipher* cipher = nullptr)
      : c_(c), cipher_(cipher) {}

  std::int64_t enqueue(const OutboundMessage& m, std::int64_t now) override;
  std::vector<OutboxRow> pending(std::int64_t after_id, int limit) override;
  std::vector<OutboxRow> pending_in_chat(const std::string& adapter, const std::string& chat,
                                         std::int64_t after_id, std::int64_t up_to_id,
                                         int limit) override;
  std::optional<OutboxRow> get(std::int64_t id) override;
  void mark_sent(std::int64_t id, const std::string& platform_id, std::int64_t now) override;
  void mark_retry(std::int64_t id, int attempts, const std::string& error) override;
  void mark_dead(std::int64_t id, int attempts, const std::string& error) override;
  int purge_texts(std::int64_t before) override;
  int purge_held(std::int64_t before) override;
  void hold(std::int64_t id) override;
  std::int64_t held_count(const std::string& adapter, const std::string& chat) override;
  void readdress(const std::string& adapter, const std::string& from,
                 const std::string& to) override;
  std::vector<OutboxRow> release_held(const std::string& adapter, const std::string& chat) override;
  std::optional<RoutedMessage> by_platform_id(const std::string& adapter, const std::string& chat,
                                              const std::string& platform_id) override;
  std::string platform_id(std::int64_t id) override;
  std::optional<OutboxStatus> status(std::int64_t id) override;
  std::int64_t depth() override;
  std::vector<OutboxRow> lease(const std::string& owner, std::int64_t now, std::int64_t lease_ms,
                               int limit) override;
  std::vector<OutboxRow> lease_ids(const std::string& owner, const std::vector<std::int64_t>& ids,
                                   std::int64_t now, std::int64_t lease_ms) override;
  int renew(const std::string& owner, std::int64_t now, std::int64_t lease_ms) override;
  int release(const std::string& owner) override;

 private:
  std::vector<OutboxRow> read(const Result& r) const;

  Connection& c_;
  const FieldCipher* cipher_;
};

}  // namespace linli::storage::pg
