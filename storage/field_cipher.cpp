#include "storage/field_cipher.hpp"

#include <cstring>
#include <memory>
#include <new>
#include <optional>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

namespace linli::storage {
namespace {

constexpr std::size_t kNonceBytes = 12;  // GCM's native IV size (NIST SP 800-38D §8.2)
constexpr std::size_t kTagBytes = 16;
// Phone numbers and addresses are short; this only keeps the int casts OpenSSL needs honest.
constexpr std::size_t kMaxPlaintext = 1 << 20;

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using Ctx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

Ctx new_ctx() {
  Ctx ctx(EVP_CIPHER_CTX_new());
  if (!ctx) throw std::bad_alloc();
  return ctx;
}

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* bytes(std::string& s) {
  return reinterpret_cast<unsigned char*>(s.data());
}

// "enc1" NUL column NUL row: the format version too, so that a later format never accepts a
// value sealed for this one. Column names never contain NUL, so the parts cannot run together.
std::string associated_data(std::string_view column, std::int64_t row) {
  std::string ad = "enc1";
  ad += '\0';
  ad += column;
  ad += '\0';
  ad += std::to_string(row);
  return ad;
}

std::string base64(const std::string& data) {
  std::string out(4 * ((data.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(bytes(out), bytes(data), static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// Canonical padded base64 only: EVP_DecodeBlock alone skips surrounding whitespace, takes '='
// inside the text and ignores the unused bits of the last character, so the result is encoded
// again and must match. Then every change to the stored text is a change GCM detects.
std::optional<std::string> unbase64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0 || text.size() > 2 * kMaxPlaintext) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(bytes(out), bytes(text), static_cast<int>(text.size()));
  std::size_t padding = text.ends_with("==") ? 2 : text.ends_with('=') ? 1 : 0;
  if (n < 0 || static_cast<std::size_t>(n) < padding) return std::nullopt;
  out.resize(static_cast<std::size_t>(n) - padding);
  if (base64(out) != text) return std::nullopt;
  return out;
}

}  // namespace

FieldCipher::FieldCipher(std::string_view key) : key_{}, aes_(nullptr) {
  if (key.size() != kKeyBytes) {
    throw std::invalid_argument("field cipher: the key must be 32 bytes, not " +
                                std::to_string(key.size()));
  }
  std::memcpy(key_.data(), key.data(), kKeyBytes);
  aes_ = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  if (aes_ == nullptr) {
    OPENSSL_cleanse(key_.data(), key_.size());
    throw std::runtime_error("field cipher: OpenSSL offers no AES-256-GCM");
  }
}

FieldCipher::~FieldCipher() {
  OPENSSL_cleanse(key_.data(), key_.size());
  EVP_CIPHER_free(aes_);
}

std::string FieldCipher::seal(std::string_view plaintext, std::string_view column,
                              std::int64_t row) const {
  if (plaintext.empty()) return {};
  if (plaintext.size() > kMaxPlaintext) {
    throw std::invalid_argument("field cipher: " + std::string(column) + " value too long");
  }
  std::string ad = associated_data(column, row);
  std::string blob(kNonceBytes + plaintext.size() + kTagBytes, '\0');
  unsigned char* nonce = bytes(blob);
  unsigned char* body = nonce + kNonceBytes;
  unsigned char* tag = body + plaintext.size();
  // A random 96-bit nonce per value: at the volumes of a neighbourhood (far below 2^32
  // values per key) a repeat is negligible, and it needs no counter kept in the database.
  if (RAND_bytes(nonce, kNonceBytes) != 1) {
    throw std::runtime_error("field cipher: the random generator failed");
  }
  Ctx ctx = new_ctx();
  int n = 0;
  int tail = 0;
  if (EVP_EncryptInit_ex2(ctx.get(), aes_, key_.data(), nonce, nullptr) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &n, bytes(ad), static_cast<int>(ad.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), body, &n, bytes(plaintext),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), body + n, &tail) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, kTagBytes, tag) != 1) {
    throw std::runtime_error("field cipher: cannot encrypt " + std::string(column));
  }
  return std::string(kPrefix) + base64(blob);
}

std::string FieldCipher::open(std::string_view stored, std::string_view column,
                              std::int64_t row) const {
  if (!is_sealed(stored)) return std::string(stored);
  auto error = [&](const char* why) {
    return FieldCipherError("cannot decrypt " + std::string(column) + " of row " +
                            std::to_string(row) + ": " + why);
  };
  std::optional<std::string> blob = unbase64(stored.substr(kPrefix.size()));
  if (!blob || blob->size() < kNonceBytes + kTagBytes) throw error("not a valid enc1 value");
  std::string ad = associated_data(column, row);
  const unsigned char* nonce = bytes(*blob);
  const unsigned char* body = nonce + kNonceBytes;
  std::size_t size = blob->size() - kNonceBytes - kTagBytes;
  std::array<unsigned char, kTagBytes> tag;
  std::memcpy(tag.data(), body + size, kTagBytes);
  std::string plaintext(size, '\0');
  Ctx ctx = new_ctx();
  int n = 0;
  int tail = 0;
  bool ok =
      EVP_DecryptInit_ex2(ctx.get(), aes_, key_.data(), nonce, nullptr) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &n, bytes(ad), static_cast<int>(ad.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), bytes(plaintext), &n, body, static_cast<int>(size)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, kTagBytes, tag.data()) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), bytes(plaintext) + n, &tail) == 1;
  if (!ok) {
    // GCM hands out plaintext before it checks the tag: do not leave unauthenticated bytes.
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    throw error("wrong encryption_key, or the value was altered or copied from another row");
  }
  return plaintext;
}

}  // namespace linli::storage
