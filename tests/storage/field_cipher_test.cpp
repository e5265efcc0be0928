// FieldCipher on its own: the stored form, and every way a stored value must fail to open.

#include "storage/field_cipher.hpp"

#include <gtest/gtest.h>

#include <set>

#include <openssl/evp.h>

namespace linli::storage {
namespace {

const std::string kCipherKey(32, '\x11');
const std::string kOtherKey(32, '\x22');
constexpr std::string_view kPhoneColumn = "volunteers.phone";
constexpr std::string_view kAddressColumn = "help_requests.address";

std::string unbase64(std::string_view text) {
  std::string out(text.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  EXPECT_GE(n, 0) << text;
  out.resize(static_cast<std::size_t>(n) - (text.ends_with("==") ? 2 : text.ends_with('=')));
  return out;
}

std::string base64(const std::string& data) {
  std::string out(4 * ((data.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()),
                          static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// The nonce | ciphertext | tag behind a stored value.
std::string blob_of(const std::string& stored) {
  EXPECT_TRUE(stored.starts_with("enc1:")) << stored;
  return unbase64(std::string_view(stored).substr(5));
}

// What open() says about `stored`, or "" when it opens.
std::string error_of(const FieldCipher& c, const std::string& stored, std::string_view column,
                     std::int64_t row) {
  try {
    c.open(stored, column, row);
    return "";
  } catch (const FieldCipherError& e) {
    return e.what();
  }
}

TEST(FieldCipher, RoundTripsAsciiChineseAndEmptyValues) {
  FieldCipher c(kCipherKey);
  for (std::string value :
       {"13912345678", "+4915112345678", "31栋2单元501", "Flat 5, 12 Baker St.", "x"}) {
    std::string stored = c.seal(value, kAddressColumn, 1);
    EXPECT_TRUE(FieldCipher::is_sealed(stored));
    if (value.size() > 3) {  // a shorter one may turn up in the base64 by chance
      EXPECT_EQ(stored.find(value), std::string::npos);
    }
    EXPECT_EQ(c.open(stored, kAddressColumn, 1), value);
  }
  EXPECT_EQ(c.seal("", kAddressColumn, 1), "");  // nothing to hide; the purge writes '' too
  EXPECT_EQ(c.open("", kAddressColumn, 1), "");
}

TEST(FieldCipher, StoresPrefixAndBase64OfNonceCiphertextAndTag) {
  FieldCipher c(kCipherKey);
  std::string value = "31栋2单元501";
  std::string stored = c.seal(value, kAddressColumn, 1);
  EXPECT_EQ(stored.rfind("enc1:", 0), 0u);
  EXPECT_EQ(blob_of(stored).size(), 12 + value.size() + 16);
}

TEST(FieldCipher, SealingTheSameValueTwiceGivesAnotherNonceAndText) {
  FieldCipher c(kCipherKey);
  std::set<std::string> stored, nonces;
  for (int i = 0; i < 200; ++i) {
    std::string s = c.seal("13912345678", kPhoneColumn, 7);
    stored.insert(s);
    nonces.insert(blob_of(s).substr(0, 12));
    EXPECT_EQ(c.open(s, kPhoneColumn, 7), "13912345678");
  }
  EXPECT_EQ(stored.size(), 200u);
  EXPECT_EQ(nonces.size(), 200u);
}

TEST(FieldCipher, ChangingAnyByteOfAStoredValueIsAnError) {
  FieldCipher c(kCipherKey);
  // 10 bytes: 38 stored bytes, so the text ends in one '=' after a character with 2 unused bits.
  std::string stored = c.seal("0123456789", kPhoneColumn, 7);
  ASSERT_TRUE(stored.ends_with('=') && !stored.ends_with("=="));
  std::string blob = blob_of(stored);
  for (std::size_t i = 0; i < blob.size(); ++i) {  // nonce, ciphertext and tag
    for (unsigned char flip : {0x01, 0x80}) {
      std::string tampered = blob;
      tampered[i] = static_cast<char>(tampered[i] ^ flip);
      EXPECT_NE(error_of(c, "enc1:" + base64(tampered), kPhoneColumn, 7), "") << i;
    }
  }
  for (std::size_t i = 5; i < stored.size(); ++i) {  // every character of the text
    for (char other : {'A', 'B', '/', '='}) {
      if (stored[i] == other) continue;
      std::string tampered = stored;
      tampered[i] = other;
      EXPECT_NE(error_of(c, tampered, kPhoneColumn, 7), "") << i << " " << other;
    }
  }
  // Only the unused bits changed: the same bytes, but not the text that was stored.
  constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string tampered = stored;
  char& last = tampered[tampered.size() - 2];
  last = kAlphabet[kAlphabet.find(last) ^ 1];
  EXPECT_EQ(blob_of(tampered), blob);
  EXPECT_NE(error_of(c, tampered, kPhoneColumn, 7), "");
  EXPECT_NE(error_of(c, stored.substr(0, stored.size() - 4), kPhoneColumn, 7), "");
  EXPECT_NE(error_of(c, stored + "AAAA", kPhoneColumn, 7), "");
  EXPECT_NE(error_of(c, stored + "\n", kPhoneColumn, 7), "");
  EXPECT_EQ(c.open(stored, kPhoneColumn, 7), "0123456789");
}

TEST(FieldCipher, AnotherKeyCannotOpenAValueAndSaysWhichColumnWithoutTheValue) {
  FieldCipher c(kCipherKey);
  FieldCipher other(kOtherKey);
  std::string stored = c.seal("13912345678", kPhoneColumn, 7);
  std::string error = error_of(other, stored, kPhoneColumn, 7);
  EXPECT_NE(error.find("volunteers.phone"), std::string::npos) << error;
  EXPECT_NE(error.find("row 7"), std::string::npos) << error;
  EXPECT_NE(error.find("encryption_key"), std::string::npos) << error;
  EXPECT_EQ(error.find("139"), std::string::npos) << error;
  EXPECT_EQ(error.find(stored.substr(5, 8)), std::string::npos) << error;
}

TEST(FieldCipher, AValueMovedToAnotherRowOrColumnDoesNotOpen) {
  FieldCipher c(kCipherKey);
  std::string stored = c.seal("31栋2单元501", kAddressColumn, 1);
  EXPECT_EQ(c.open(stored, kAddressColumn, 1), "31栋2单元501");
  EXPECT_NE(error_of(c, stored, kAddressColumn, 2), "");
  EXPECT_NE(error_of(c, stored, kAddressColumn, 11), "");
  EXPECT_NE(error_of(c, stored, kPhoneColumn, 1), "");
}

TEST(FieldCipher, ValuesWithoutThePrefixAreReadAsPlaintext) {
  FieldCipher c(kCipherKey);
  for (std::string old : {"13912345678", "31栋2单元501", "ENC1:abc", "enc1", " enc1:x"}) {
    EXPECT_FALSE(FieldCipher::is_sealed(old));
    EXPECT_EQ(c.open(old, kAddressColumn, 1), old);
  }
}

TEST(FieldCipher, MalformedSealedValuesAreErrors) {
  FieldCipher c(kCipherKey);
  for (std::string bad : {"enc1:", "enc1:AAAA", "enc1:not base64!", "enc1:QUJD\nREVG",
                          "enc1: QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo="}) {
    std::string error = error_of(c, bad, kAddressColumn, 3);
    EXPECT_NE(error.find("help_requests.address of row 3"), std::string::npos) << bad;
  }
}

TEST(FieldCipher, TheKeyMustBe32Bytes) {
  EXPECT_THROW(FieldCipher(std::string(31, 'k')), std::invalid_argument);
  EXPECT_THROW(FieldCipher(std::string(33, 'k')), std::invalid_argument);
  EXPECT_THROW(FieldCipher(""), std::invalid_argument);
  try {
    FieldCipher bad(std::string(16, 'q'));
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()).find('q'), std::string::npos);
  }
}

}  // namespace
}  // namespace linli::storage
