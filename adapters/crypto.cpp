#include "adapters/crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <memory>
#include <stdexcept>

namespace linli::crypto {
namespace {

std::string digest(std::string_view data, const EVP_MD* md) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(data.data(), data.size(), out, &n, md, nullptr) != 1) {
    throw std::runtime_error("digest unavailable");
  }
  return std::string(reinterpret_cast<const char*>(out), n);
}

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

std::optional<std::string> cbc(std::string_view key, std::string_view iv, std::string_view data,
                               bool encrypt) {
  if (key.size() != 32 || iv.size() != 16 || data.size() % 16 != 0) return std::nullopt;
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  if (!ctx) return std::nullopt;
  auto k = reinterpret_cast<const unsigned char*>(key.data());
  auto v = reinterpret_cast<const unsigned char*>(iv.data());
  if (EVP_CipherInit_ex(ctx.get(), EVP_aes_256_cbc(), nullptr, k, v, encrypt ? 1 : 0) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1) {
    return std::nullopt;
  }
  std::string out(data.size() + 16, '\0');
  int n = 0;
  int tail = 0;
  auto o = reinterpret_cast<unsigned char*>(out.data());
  if (EVP_CipherUpdate(ctx.get(), o, &n, reinterpret_cast<const unsigned char*>(data.data()),
                       static_cast<int>(data.size())) != 1 ||
      EVP_CipherFinal_ex(ctx.get(), o + n, &tail) != 1) {
    return std::nullopt;
  }
  out.resize(static_cast<std::size_t>(n + tail));
  return out;
}

}  // namespace

std::string sha1(std::string_view data) {
  return digest(data, EVP_sha1());
}

std::string sha256(std::string_view data) {
  return digest(data, EVP_sha256());
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &n) == nullptr) {
    throw std::runtime_error("HMAC-SHA256 unavailable");
  }
  return std::string(reinterpret_cast<const char*>(out), n);
}

std::string hex(std::string_view bytes) {
  constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::optional<std::string> aes256_cbc_decrypt(std::string_view key, std::string_view iv,
                                              std::string_view data) {
  return cbc(key, iv, data, false);
}

std::optional<std::string> aes256_cbc_encrypt(std::string_view key, std::string_view iv,
                                              std::string_view data) {
  return cbc(key, iv, data, true);
}

std::string pkcs7_pad(std::string_view data, std::size_t block) {
  std::size_t pad = block - data.size() % block;
  std::string out(data);
  out.append(pad, static_cast<char>(pad));
  return out;
}

std::optional<std::string> pkcs7_unpad(std::string_view data, std::size_t block) {
  if (data.empty() || data.size() % block != 0) return std::nullopt;
  auto pad = static_cast<unsigned char>(data.back());
  if (pad == 0 || pad > block || pad > data.size()) return std::nullopt;
  for (std::size_t i = data.size() - pad; i < data.size(); ++i) {
    if (static_cast<unsigned char>(data[i]) != pad) return std::nullopt;
  }
  return std::string(data.substr(0, data.size() - pad));
}

bool equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    throw std::runtime_error("no random bytes");
  }
  return out;
}

}  // namespace linli::crypto
