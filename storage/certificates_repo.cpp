#include "storage/certificates_repo.hpp"

#include <cctype>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <nlohmann/json.hpp>

#include "dialogs/vocabulary.hpp"

namespace linli::storage {
namespace {

using nlohmann::json;

constexpr std::size_t kSignatureBytes = 10;  // 80 bits: a guess per request has no chance
constexpr const char* kSecretName = "certificates";

std::string hex(const unsigned char* data, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 15];
  }
  return out;
}

json teams_json(const Certificate& c) {
  json a = json::array();
  for (const auto& [team, ms] : c.teams) a.push_back({team, ms});
  return a;
}

json tasks_json(const Certificate& c) {
  json a = json::array();
  for (const auto& [category, n] : c.tasks) a.push_back({category, n});
  return a;
}

// Everything a certificate says, in one fixed order: what the signature covers. Revocation is
// not in it: it is a later fact about the certificate, not something the certificate says.
std::string signed_text(const Certificate& c) {
  return json::array({"linli-certificate-1", c.id, c.person_id, c.community_id, c.name,
                      c.organisation, c.lang, c.from_date, c.to_date, c.hours_ms, teams_json(c),
                      json(c.posts), tasks_json(c), c.issued_at, c.issued_by})
      .dump();
}

}  // namespace

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
    unsigned char bytes[32];
    if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("RAND_bytes failed");
    q->bind(1, kSecretName);
    q->bind(2, bytes, static_cast<int>(sizeof bytes));
    q->exec();  // does nothing when there is one: two instances agree on the first
  }
  Use q(read_secret_);
  q->bind(1, kSecretName);
  if (!q->executeStep()) throw std::runtime_error("service_secrets: no certificates secret");
  const auto col = q->getColumn(0);
  secret_.assign(static_cast<const char*>(col.getBlob()), static_cast<std::size_t>(col.getBytes()));
  return secret_;
}

std::string CertificatesRepo::signature(const Certificate& c) {
  const std::string& key = secret();
  const std::string text = signed_text(c);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(text.data()), text.size(), mac,
           &len) == nullptr) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  return hex(mac, kSignatureBytes);
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
    q->bind(":teams", teams_json(c).dump());
    q->bind(":posts", json(c.posts).dump());
    q->bind(":tasks", tasks_json(c).dump());
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
  // A row whose lists were edited into something else is simply not what was signed.
  json teams = json::parse(q->getColumn(9).getString(), nullptr, false);
  json posts = json::parse(q->getColumn(10).getString(), nullptr, false);
  json tasks = json::parse(q->getColumn(11).getString(), nullptr, false);
  if (!teams.is_array() || !posts.is_array() || !tasks.is_array()) return std::nullopt;
  for (const auto& t : teams) {
    if (!t.is_array() || t.size() != 2 || !t[0].is_string() || !t[1].is_number_integer()) {
      return std::nullopt;
    }
    c.teams.emplace_back(t[0].get<std::string>(), t[1].get<std::int64_t>());
  }
  for (const auto& p : posts) {
    if (!p.is_string()) return std::nullopt;
    c.posts.push_back(p.get<std::string>());
  }
  for (const auto& t : tasks) {
    if (!t.is_array() || t.size() != 2 || !t[0].is_string() || !t[1].is_number_integer()) {
      return std::nullopt;
    }
    c.tasks.emplace_back(t[0].get<std::string>(), t[1].get<int>());
  }
  c.issued_at = q->getColumn(12).getInt64();
  c.issued_by = q->getColumn(13).getInt64();
  c.revoked_at = q->getColumn(14).getInt64();
  c.revoked_by = q->getColumn(15).getInt64();
  return c;
}

CertificateCheck CertificatesRepo::check(const std::string& typed) {
  // "12-3f9a…", as typed: spaces around it and upper-case hex are forgiven, nothing else.
  const std::string code = lower_ascii(trim(typed));
  const auto dash = code.find('-');
  if (dash == std::string::npos || dash == 0 || dash > 15) return {};
  auto id = parse_number<std::int64_t>(std::string_view(code).substr(0, dash), 1, INT64_MAX);
  const std::string given = code.substr(dash + 1);
  if (!id || given.size() != 2 * kSignatureBytes) return {};
  auto c = get(*id);
  if (!c) return {};
  const std::string expected = signature(*c);
  if (CRYPTO_memcmp(expected.data(), given.data(), expected.size()) != 0) return {};
  c->code = std::to_string(c->id) + "-" + expected;
  CertificateCheck out;
  out.status = c->revoked_at != 0 ? CertificateStatus::revoked : CertificateStatus::valid;
  out.certificate = std::move(c);
  return out;
}

bool CertificatesRepo::revoke(std::int64_t id, std::int64_t by, std::int64_t now) {
  Use q(revoke_);
  q->bind(1, now);
  q->bind(2, by);
  q->bind(3, id);
  return q->exec() > 0;
}

}  // namespace linli::storage
