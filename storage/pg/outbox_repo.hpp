#pragma once
// The outbox on PostgreSQL: the port Outbox, as storage/outbox_repo.* keeps it on SQLite, with
// the same payloads (OutboxRepo::encode, sealed by OutboxRepo::seal). The payload column is text
// holding JSON, as on SQLite; SQLite's json_remove and json_type are jsonb's `-` and `?|` here.
//
// Not yet here (issue 13): the shared sender's row leases (FOR UPDATE SKIP LOCKED, taken over
// when an instance dies). The port has no lease yet; pending() reads as SQLite's does.

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

 private:
  std::vector<OutboxRow> read(const Result& r) const;

  Connection& c_;
  const FieldCipher* cipher_;
};

}  // namespace linli::storage::pg
