#pragma once
// What a certificate's code is made of, the same on every storage engine: the text its signature
// covers, the signature (the first 80 bits of HMAC-SHA256 keyed by the service's secret), the
// lists as a row stores them, and a typed code taken apart. No SQL here: each engine's
// certificates repository (storage/certificates_repo.*, storage/pg/certificates_repo.*) stores
// and reads the rows, so that a certificate issued on one engine verifies on the other.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "dialogs/records.hpp"

namespace linli::storage::certificate {

// The name of the secret in service_secrets when the operator gives none.
constexpr const char* kSecretName = "certificates";

// 32 random bytes: a new secret, made once per database.
std::string new_secret();

// Bytes as lowercase hex digits, and back (nullopt: not hex): how the PostgreSQL engine passes
// the secret as a text parameter.
std::string to_hex(std::string_view bytes);
std::optional<std::string> from_hex(std::string_view digits);

// The signature of `c` (its id set) under `key`: 20 lowercase hex digits.
std::string signature(const std::string& key, const Certificate& c);

// The columns teams, posts and tasks as stored: JSON arrays.
std::string teams_column(const Certificate& c);
std::string posts_column(const Certificate& c);
std::string tasks_column(const Certificate& c);
// Reads them back into `c`; false when a row's lists were edited into something else, which is
// then simply not what was signed.
bool read_lists(const std::string& teams, const std::string& posts, const std::string& tasks,
                Certificate& c);

// "12-3f9a…" as typed: the id and the signature it claims; nullopt when it cannot be a code.
struct TypedCode {
  std::int64_t id = 0;
  std::string signature;
};
std::optional<TypedCode> parse_code(const std::string& typed);

// The outcome of checking a typed code against the certificate stored under its id (nullopt:
// none), in constant time over the signature.
CertificateCheck check(const TypedCode& code, std::optional<Certificate> stored,
                       const std::string& key);

}  // namespace linli::storage::certificate
