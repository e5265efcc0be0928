// The platforms' cryptography (adapters/crypto.hpp) against published vectors.

#include "adapters/crypto.hpp"

#include <gtest/gtest.h>

namespace linli::crypto {
namespace {

TEST(Crypto, DigestsAndHmacGiveThePublishedValues) {
  // FIPS 180 "abc"; RFC 4231 test case 2.
  EXPECT_EQ(hex(sha1("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Crypto, Base64IsReadStrictlyAndWrittenPadded) {
  EXPECT_EQ(encode_base64(""), "");
  EXPECT_EQ(encode_base64("f"), "Zg==");
  EXPECT_EQ(encode_base64("fo"), "Zm8=");
  EXPECT_EQ(encode_base64("foo"), "Zm9v");
  EXPECT_EQ(encode_base64("foobar"), "Zm9vYmFy");
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    EXPECT_EQ(decode_base64(encode_base64(s)), s);
  }
  EXPECT_FALSE(decode_base64("Zg="));    // not a multiple of 4
  EXPECT_FALSE(decode_base64("Zh=="));   // unused bits set
  EXPECT_FALSE(decode_base64("Z g=="));  // not of the alphabet
}

TEST(Crypto, Pkcs7IsCheckedByteByByte) {
  EXPECT_EQ(pkcs7_pad("", 16), std::string(16, '\x10'));
  EXPECT_EQ(pkcs7_pad("abc", 32).size(), 32u);
  EXPECT_EQ(pkcs7_unpad(pkcs7_pad("abc", 32), 32), "abc");
  std::string bad = pkcs7_pad("abc", 16);
  bad[14] = 'x';
  EXPECT_FALSE(pkcs7_unpad(bad, 16));
  EXPECT_FALSE(pkcs7_unpad(std::string(16, '\0'), 16));
  EXPECT_FALSE(pkcs7_unpad(std::string(16, '\x11'), 16));  // more than a block
  EXPECT_FALSE(pkcs7_unpad("abc", 16));
  // WeCom pads to 32 bytes: a pad of 30 is valid there, not for 16-byte PKCS#7.
  std::string wecom = std::string(2, 'a') + std::string(30, '\x1e');
  EXPECT_EQ(pkcs7_unpad(wecom, 32), "aa");
  EXPECT_FALSE(pkcs7_unpad(wecom, 16));
}

TEST(Crypto, AesCbcDecryptsFeishusPublishedVector) {
  // open.feishu.cn, "Encrypt Key encryption configuration case": key "test key".
  std::string key = sha256("test key");
  auto raw = decode_base64("P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=");
  ASSERT_TRUE(raw);
  auto plain = aes256_cbc_decrypt(key, raw->substr(0, 16), raw->substr(16));
  ASSERT_TRUE(plain);
  EXPECT_EQ(pkcs7_unpad(*plain, 16), "hello world");
}

TEST(Crypto, AesCbcRoundTripsWholeBlocksOnly) {
  std::string key(32, 'k');
  std::string iv(16, 'i');
  auto sealed = aes256_cbc_encrypt(key, iv, pkcs7_pad("你好 hello", 32));
  ASSERT_TRUE(sealed);
  EXPECT_EQ(pkcs7_unpad(*aes256_cbc_decrypt(key, iv, *sealed), 32), "你好 hello");
  EXPECT_FALSE(aes256_cbc_decrypt(key, iv, "short"));
  EXPECT_FALSE(aes256_cbc_decrypt("short key", iv, *sealed));
  EXPECT_FALSE(aes256_cbc_encrypt(key, "short iv", *sealed));
}

TEST(Crypto, EqualComparesWholeStrings) {
  EXPECT_TRUE(equal("abc", "abc"));
  EXPECT_FALSE(equal("abc", "abd"));
  EXPECT_FALSE(equal("abc", "abcd"));
  EXPECT_EQ(random_bytes(16).size(), 16u);
  EXPECT_NE(random_bytes(16), random_bytes(16));
}

}  // namespace
}  // namespace linli::crypto
