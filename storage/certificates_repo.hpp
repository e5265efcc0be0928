#pragma once
// Certificates of service, signed. A code is "<id>-<signature>": the signature is the first 80
// bits of HMAC-SHA256, keyed by the service's secret, over the certificate's id and everything it
// says. Checking a code recomputes it from the stored row, so a code made up or altered fails, and
// so does a certificate whose row was changed after it was issued (its hours raised, say).
//
// The secret is the config's `certificates.secret` when the operator gives one; otherwise one is
// made at the first certificate and kept in the database (service_secrets). See the README
// ("Configuration") for why both.

#include <optional>
#include <string>

#include "dialogs/ports.hpp"
#include "storage/database.hpp"

namespace linli::storage {

class CertificatesRepo final : public Certificates {
 public:
  explicit CertificatesRepo(Database& db);

  // The operator's secret; "" reads the one in the database, made now if there is none yet.
  // Called at start-up, in a unit of work.
  void use_secret(std::string secret);

  Certificate issue(const Certificate& c) override;
  CertificateCheck check(const std::string& code) override;
  bool revoke(std::int64_t id, std::int64_t by, std::int64_t now) override;

  // The signature of a certificate as stored: what its code carries after the '-'.
  std::string signature(const Certificate& c);

 private:
  const std::string& secret();
  std::optional<Certificate> get(std::int64_t id);

  Database& db_;
  std::string secret_;
  SQLite::Statement insert_;
  SQLite::Statement sign_;
  SQLite::Statement get_;
  SQLite::Statement revoke_;
  SQLite::Statement make_secret_;
  SQLite::Statement read_secret_;
};

}  // namespace linli::storage
