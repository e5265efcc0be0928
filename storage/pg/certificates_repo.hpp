#pragma once
// Certificates of service on PostgreSQL (issue 13): the port as storage/certificates_repo.*
// serves it on SQLite, with the same signature (storage/certificate_signature.*), so a code
// issued on either engine verifies on the other once the rows and the secret are copied. The
// secret is the operator's, or the one kept in service_secrets, made by whichever instance
// needs it first (one INSERT ... ON CONFLICT DO NOTHING: every instance then reads the same),
// and read again at each use rather than kept (certificates_repo.cpp says why).
// Used by one thread at a time, with the connection it was built on.

#include <cstdint>
#include <optional>
#include <string>

#include "dialogs/ports.hpp"
#include "storage/pg/connection.hpp"

namespace linli::storage::pg {

class PgCertificatesRepo final : public Certificates {
 public:
  explicit PgCertificatesRepo(Connection& c) : c_(c) {}

  // The operator's secret; "" reads the one in the database, made now if there is none yet.
  // Called at start-up, in a unit of work.
  void use_secret(std::string secret);

  Certificate issue(const Certificate& c) override;
  CertificateCheck check(const std::string& code) override;
  bool revoke(std::int64_t id, std::int64_t by, std::int64_t now) override;

 private:
  std::string secret();
  std::optional<Certificate> get(std::int64_t id);

  Connection& c_;
  std::string operator_secret_;
};

}  // namespace linli::storage::pg
