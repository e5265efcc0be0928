#pragma once
// Encryption at rest of single text columns (phone numbers, addresses) with AES-256-GCM.
// Built once by main from Config::encryption_key and passed to the repositories by pointer;
// immutable afterwards, so seal/open may be called from any thread (each call has its own
// OpenSSL context).
//
// Stored form: "enc1:" + base64(nonce[12] | ciphertext | tag[16]), a fresh random nonce per
// value. The associated data binds a value to its column and row ("volunteers.phone", person
// 7), so a value copied to another row or column does not decrypt. Values without the prefix
// are plaintext written before encryption was turned on, and are read as they are.

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

struct evp_cipher_st;  // OpenSSL's EVP_CIPHER, kept out of every includer

namespace linli::storage {

// A stored value that cannot be decrypted: the wrong key, or a value altered or moved. The
// message names the column and row, never the value.
class FieldCipherError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class FieldCipher {
 public:
  static constexpr std::size_t kKeyBytes = 32;
  static constexpr std::string_view kPrefix = "enc1:";

  // `key`: 32 raw bytes; anything else throws std::invalid_argument (without the key).
  explicit FieldCipher(std::string_view key);
  ~FieldCipher();
  FieldCipher(const FieldCipher&) = delete;
  FieldCipher& operator=(const FieldCipher&) = delete;

  // `column` is "table.column" and `row` the row's key. "" stays "": there is nothing to hide,
  // and the address purge writes '' directly.
  std::string seal(std::string_view plaintext, std::string_view column, std::int64_t row) const;
  // The plaintext of a sealed value, or `stored` itself when it is not sealed. Throws
  // FieldCipherError when a sealed value does not decrypt.
  std::string open(std::string_view stored, std::string_view column, std::int64_t row) const;

  static bool is_sealed(std::string_view stored) { return stored.starts_with(kPrefix); }

 private:
  std::array<unsigned char, kKeyBytes> key_;
  evp_cipher_st* aes_;  // fetched once: an implicit fetch on every call costs a provider lookup
};

}  // namespace linli::storage
