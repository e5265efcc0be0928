#include "storage/certificate_signature.hpp"

#include <climits>
#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <nlohmann/json.hpp>

#include "dialogs/vocabulary.hpp"

namespace linli::storage::certificate {
namespace {

using nlohmann::json;

constexpr std::size_t kSignatureBytes = 10;  // 80 bits: a guess per request has no chance

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

bool is_pair_of(const json& t) {
  return t.is_array() && t.size() == 2 && t[0].is_string() && t[1].is_number_integer();
}

}  // namespace

std::string new_secret() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("RAND_bytes failed");
  return std::string(reinterpret_cast<const char*>(bytes), sizeof bytes);
}

std::string to_hex(std::string_view bytes) {
  return hex(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

std::optional<std::string> from_hex(std::string_view digits) {
  auto value = [](char ch) -> int {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
  };
  if (digits.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(digits.size() / 2);
  for (std::size_t i = 0; i < digits.size(); i += 2) {
    int hi = value(digits[i]), lo = value(digits[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

std::string signature(const std::string& key, const Certificate& c) {
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

std::string teams_column(const Certificate& c) {
  return teams_json(c).dump();
}

std::string posts_column(const Certificate& c) {
  return json(c.posts).dump();
}

std::string tasks_column(const Certificate& c) {
  return tasks_json(c).dump();
}

bool read_lists(const std::string& teams_text, const std::string& posts_text,
                const std::string& tasks_text, Certificate& c) {
  json teams = json::parse(teams_text, nullptr, false);
  json posts = json::parse(posts_text, nullptr, false);
  json tasks = json::parse(tasks_text, nullptr, false);
  if (!teams.is_array() || !posts.is_array() || !tasks.is_array()) return false;
  for (const auto& t : teams) {
    if (!is_pair_of(t)) return false;
    c.teams.emplace_back(t[0].get<std::string>(), t[1].get<std::int64_t>());
  }
  for (const auto& p : posts) {
    if (!p.is_string()) return false;
    c.posts.push_back(p.get<std::string>());
  }
  for (const auto& t : tasks) {
    if (!is_pair_of(t)) return false;
    c.tasks.emplace_back(t[0].get<std::string>(), t[1].get<int>());
  }
  return true;
}

std::optional<TypedCode> parse_code(const std::string& typed) {
  // Spaces around it and upper-case hex are forgiven, nothing else.
  const std::string code = lower_ascii(trim(typed));
  const auto dash = code.find('-');
  if (dash == std::string::npos || dash == 0 || dash > 15) return std::nullopt;
  auto id = parse_number<std::int64_t>(std::string_view(code).substr(0, dash), 1, INT64_MAX);
  std::string given = code.substr(dash + 1);
  if (!id || given.size() != 2 * kSignatureBytes) return std::nullopt;
  return TypedCode{*id, std::move(given)};
}

CertificateCheck check(const TypedCode& code, std::optional<Certificate> c,
                       const std::string& key) {
  if (!c) return {};
  const std::string expected = signature(key, *c);
  if (CRYPTO_memcmp(expected.data(), code.signature.data(), expected.size()) != 0) return {};
  c->code = std::to_string(c->id) + "-" + expected;
  CertificateCheck out;
  out.status = c->revoked_at != 0 ? CertificateStatus::revoked : CertificateStatus::valid;
  out.certificate = std::move(c);
  return out;
}

}  // namespace linli::storage::certificate
