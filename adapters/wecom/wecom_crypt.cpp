#include "adapters/wecom/wecom_crypt.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

#include "adapters/crypto.hpp"

namespace linli::wecom {

namespace {
constexpr std::size_t kBlock = 32;  // WeCom's PKCS#7 block, not AES's 16
constexpr std::size_t kRandom = 16;
constexpr std::size_t kLength = 4;
}  // namespace

std::string signature(std::string_view token, std::string_view timestamp, std::string_view nonce,
                      std::string_view encrypt) {
  std::array<std::string_view, 4> parts{token, timestamp, nonce, encrypt};
  std::sort(parts.begin(), parts.end());
  std::string joined;
  for (auto p : parts) joined += p;
  return crypto::hex(crypto::sha1(joined));
}

std::optional<Plaintext> decrypt(std::string_view aes_key, std::string_view encrypt_base64) {
  auto raw = decode_base64(encrypt_base64);
  if (!raw || raw->empty() || aes_key.size() != 32) return std::nullopt;
  auto padded = crypto::aes256_cbc_decrypt(aes_key, aes_key.substr(0, 16), *raw);
  if (!padded) return std::nullopt;
  auto plain = crypto::pkcs7_unpad(*padded, kBlock);
  if (!plain || plain->size() < kRandom + kLength) return std::nullopt;
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < kLength; ++i) {
    n = (n << 8) | static_cast<unsigned char>((*plain)[kRandom + i]);
  }
  if (n > plain->size() - kRandom - kLength) return std::nullopt;
  Plaintext out;
  out.msg = plain->substr(kRandom + kLength, n);
  out.receive_id = plain->substr(kRandom + kLength + n);
  return out;
}

std::string encrypt(std::string_view aes_key, std::string_view msg, std::string_view receive_id,
                    std::string_view random16) {
  std::string plain(random16.substr(0, kRandom));
  plain.resize(kRandom, '\0');
  auto n = static_cast<std::uint32_t>(msg.size());
  for (int shift = 24; shift >= 0; shift -= 8) plain += static_cast<char>((n >> shift) & 0xff);
  plain += msg;
  plain += receive_id;
  auto cipher =
      crypto::aes256_cbc_encrypt(aes_key, aes_key.substr(0, 16), crypto::pkcs7_pad(plain, kBlock));
  return cipher ? encode_base64(*cipher) : std::string();
}

}  // namespace linli::wecom
