#include "storage/certificates_repo.hpp"

#include <stdexcept>

#include "storage/certificate_signature.hpp"

namespace linli::storage {

CertificatesRepo::CertificatesRepo(Database& db)
    : db_(db),
      insert_(db.sql(),
              "INSERT INTO certificates (person_id, community_id, name, organisation, lang, "
              "from_date, to_date, hours_ms, teams, posts, tasks, issued_at, issued_by, signature) "
              "VALUES (:person, :community, :name, :organisation, :lang, :from, :to, :hours, "
              ":teams, :posts, :tasks, :issued_at, :issued_by, '')"),
      sign_(db.sql(), "UPDATE certificates SET signature = ? WHERE id = ?"),
      get_(db.sql(),
           "SELECT id, person_id, community_id, name, organisation, lang, from_date, to_date, "
           "hours_ms, teams, posts, tasks, issued_at, issued_by, IFNULL(revoked_at, 0), "
           "IFNULL(revoked_by, 0) FROM certificates WHERE id = ?"),
      revoke_(db.sql(),
              "UPDATE certificates SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at "
              "IS NULL"),
      make_secret_(
          db.sql(),
          "INSERT INTO service_secrets (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING"),
      read_secret_(db.sql(), "SELECT value FROM service_secrets WHERE name = ?") {}

void CertificatesRepo::use_secret(std::string secret) {
  secret_ = std::move(secret);
  this->secret();
}

const std::string& CertificatesRepo::secret() {
  if (!secret_.empty()) return secret_;
  {
    Use q(make_secret_);
    const std::string bytes = certificate::new_secret();
    q->bind(1, certificate::kSecretName);
    q->bind(2, bytes.data(), static_cast<int>(bytes.size()));
    q->exec();  // does nothing when there is one: two instances agree on the first
  }
  Use q(read_secret_);
  q->bind(1, certificate::kSecretName);
  if (!q->executeStep()) throw std::runtime_error("service_secrets: no certificates secret");
  const auto col = q->getColumn(0);
  secret_.assign(static_cast<const char*>(col.getBlob()), static_cast<std::size_t>(col.getBytes()));
  return secret_;
}

std::string CertificatesRepo::signature(const Certificate& c) {
  return certificate::signature(secret(), c);
}

Certificate CertificatesRepo::issue(const Certificate& c) {
  Certificate out = c;
  {
    Use q(insert_);
    q->bind(":person", c.person_id);
    q->bind(":community", c.community_id);
    q->bind(":name", c.name);
    q->bind(":organisation", c.organisation);
    q->bind(":lang", c.lang);
    q->bind(":from", c.from_date);
    q->bind(":to", c.to_date);
    q->bind(":hours", c.hours_ms);
    q->bind(":teams", certificate::teams_column(c));
    q->bind(":posts", certificate::posts_column(c));
    q->bind(":tasks", certificate::tasks_column(c));
    q->bind(":issued_at", c.issued_at);
    q->bind(":issued_by", c.issued_by);
    q->exec();
  }
  out.id = db_.sql().getLastInsertRowid();
  const std::string sig = signature(out);
  Use q(sign_);
  q->bind(1, sig);
  q->bind(2, out.id);
  q->exec();
  out.code = std::to_string(out.id) + "-" + sig;
  return out;
}

std::optional<Certificate> CertificatesRepo::get(std::int64_t id) {
  Use q(get_);
  q->bind(1, id);
  if (!q->executeStep()) return std::nullopt;
  Certificate c;
  c.id = q->getColumn(0).getInt64();
  c.person_id = q->getColumn(1).getInt64();
  c.community_id = q->getColumn(2).getString();
  c.name = q->getColumn(3).getString();
  c.organisation = q->getColumn(4).getString();
  c.lang = q->getColumn(5).getString();
  c.from_date = q->getColumn(6).getString();
  c.to_date = q->getColumn(7).getString();
  c.hours_ms = q->getColumn(8).getInt64();
  if (!certificate::read_lists(q->getColumn(9).getString(), q->getColumn(10).getString(),
                               q->getColumn(11).getString(), c)) {
    return std::nullopt;
  }
  c.issued_at = q->getColumn(12).getInt64();
  c.issued_by = q->getColumn(13).getInt64();
  c.revoked_at = q->getColumn(14).getInt64();
  c.revoked_by = q->getColumn(15).getInt64();
  return c;
}

CertificateCheck CertificatesRepo::check(const std::string& typed) {
  auto code = certificate::parse_code(typed);
  if (!code) return {};
  return certificate::check(*code, get(code->id), secret());
}

bool CertificatesRepo::revoke(std::int64_t id, std::int64_t by, std::int64_t now) {
  Use q(revoke_);
  q->bind(1, now);
  q->bind(2, by);
  q->bind(3, id);
  return q->exec() > 0;
}

}  // namespace linli::storage
