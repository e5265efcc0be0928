#include "storage/pg/certificates_repo.hpp"

#include <stdexcept>

#include "storage/certificate_signature.hpp"

namespace linli::storage::pg {

void PgCertificatesRepo::use_secret(std::string secret) {
  operator_secret_ = std::move(secret);
  this->secret();
}

std::string PgCertificatesRepo::secret() {
  if (!operator_secret_.empty()) return operator_secret_;
  // Read each time, never kept: a secret this connection made belongs to a transaction that
  // may still roll back (a serialization failure at COMMIT, and the pool runs it again), and a
  // copy kept from it would sign certificates with a secret no other instance ever sees.
  // Certificates are rare; one more SELECT for each is nothing.
  const auto stored = [this]() -> std::optional<std::string> {
    Result r = c_.exec("SELECT encode(value, 'hex') FROM service_secrets WHERE name = $1",
                       {certificate::kSecretName});
    if (r.rows() == 0) return std::nullopt;
    auto bytes = certificate::from_hex(r.text(0, 0));
    if (!bytes || bytes->empty())
      throw std::runtime_error("service_secrets: a bad certificates secret");
    return bytes;
  };
  if (auto s = stored()) return *s;
  // bytea travels as hex text: a parameter is a C string here, and random bytes hold NULs. Of
  // two instances making it at once, the second waits and keeps the first's.
  c_.exec(
      "INSERT INTO service_secrets (name, value) VALUES ($1, decode($2, 'hex')) "
      "ON CONFLICT DO NOTHING",
      {certificate::kSecretName, certificate::to_hex(certificate::new_secret())});
  if (auto s = stored()) return *s;
  throw std::runtime_error("service_secrets: no certificates secret");
}

Certificate PgCertificatesRepo::issue(const Certificate& c) {
  // The id first, from the identity's sequence, so that the row is written once and whole, its
  // signature with it (SQLite's inserts, then signs the id it got).
  Certificate out = c;
  out.id = c_.exec("SELECT nextval(pg_get_serial_sequence('certificates', 'id'))").integer(0, 0);
  const std::string sig = certificate::signature(secret(), out);
  c_.exec(
      "INSERT INTO certificates (id, person_id, community_id, name, organisation, lang, "
      "from_date, to_date, hours_ms, teams, posts, tasks, issued_at, issued_by, signature) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
      {out.id, c.person_id, c.community_id, c.name, c.organisation, c.lang, c.from_date, c.to_date,
       c.hours_ms, certificate::teams_column(c), certificate::posts_column(c),
       certificate::tasks_column(c), c.issued_at, c.issued_by, sig});
  out.code = std::to_string(out.id) + "-" + sig;
  return out;
}

std::optional<Certificate> PgCertificatesRepo::get(std::int64_t id) {
  Result r = c_.exec(
      "SELECT id, person_id, community_id, name, organisation, lang, from_date, to_date, "
      "hours_ms, teams, posts, tasks, issued_at, issued_by, COALESCE(revoked_at, 0), "
      "COALESCE(revoked_by, 0) FROM certificates WHERE id = $1",
      {id});
  if (r.rows() == 0) return std::nullopt;
  Certificate c;
  c.id = r.integer(0, 0);
  c.person_id = r.integer(0, 1);
  c.community_id = std::string(r.text(0, 2));
  c.name = std::string(r.text(0, 3));
  c.organisation = std::string(r.text(0, 4));
  c.lang = std::string(r.text(0, 5));
  c.from_date = std::string(r.text(0, 6));
  c.to_date = std::string(r.text(0, 7));
  c.hours_ms = r.integer(0, 8);
  if (!certificate::read_lists(std::string(r.text(0, 9)), std::string(r.text(0, 10)),
                               std::string(r.text(0, 11)), c)) {
    return std::nullopt;
  }
  c.issued_at = r.integer(0, 12);
  c.issued_by = r.integer(0, 13);
  c.revoked_at = r.integer(0, 14);
  c.revoked_by = r.integer(0, 15);
  return c;
}

CertificateCheck PgCertificatesRepo::check(const std::string& typed) {
  auto code = certificate::parse_code(typed);
  if (!code) return {};
  return certificate::check(*code, get(code->id), secret());
}

bool PgCertificatesRepo::revoke(std::int64_t id, std::int64_t by, std::int64_t now) {
  return c_.exec(
               "UPDATE certificates SET revoked_at = $1, revoked_by = $2 WHERE id = $3 AND "
               "revoked_at IS NULL",
               {now, by, id})
             .affected() > 0;
}

}  // namespace linli::storage::pg
