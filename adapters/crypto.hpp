#pragma once
// The cryptography the platforms' webhooks use (../shared/PLATFORMS.md, copied facts in each
// adapter): digests, HMAC, AES-256-CBC without OpenSSL's padding (WeCom pads to 32 bytes, which
// OpenSSL's own unpadding refuses), PKCS#7 by hand, and a constant-time comparison. Byte
// strings in, byte strings out; hex and base64 only where a platform writes them.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "config/base64.hpp"

namespace linli::crypto {

std::string sha1(std::string_view data);                               // 20 bytes
std::string sha256(std::string_view data);                             // 32 bytes
std::string hmac_sha256(std::string_view key, std::string_view data);  // 32 bytes
std::string hex(std::string_view bytes);                               // lower case

// AES-256-CBC over whole blocks, no padding: nullopt for a key that is not 32 bytes, an IV that
// is not 16, or data that is not a multiple of 16 bytes.
std::optional<std::string> aes256_cbc_decrypt(std::string_view key, std::string_view iv,
                                              std::string_view data);
std::optional<std::string> aes256_cbc_encrypt(std::string_view key, std::string_view iv,
                                              std::string_view data);

// PKCS#7 to a multiple of `block` (16 for AES, 32 for WeCom): 1..block bytes of their count.
std::string pkcs7_pad(std::string_view data, std::size_t block);
// Strictly: every pad byte checked; nullopt for anything that is not padded so.
std::optional<std::string> pkcs7_unpad(std::string_view data, std::size_t block);

// Equal bytes, in a time that does not depend on where they differ (CRYPTO_memcmp). The length
// is not secret: signatures and tokens have a fixed length.
bool equal(std::string_view a, std::string_view b);

std::string random_bytes(std::size_t n);

}  // namespace linli::crypto
