#pragma once
// WeCom's callback encryption (developer.work.weixin.qq.com/document/path/91144, and the
// official SDKs' WXBizMsgCrypt): msg_signature = lowercase hex of SHA-1 over the sorted
// [token, timestamp, nonce, encrypt] concatenated; AES-256-CBC with the EncodingAESKey's 32
// bytes as key and its first 16 as IV; PKCS#7 to a multiple of 32; the plaintext is
// random(16) | msg_len(4, big-endian) | msg | receiveid.

#include <optional>
#include <string>
#include <string_view>

namespace linli::wecom {

std::string signature(std::string_view token, std::string_view timestamp, std::string_view nonce,
                      std::string_view encrypt);

struct Plaintext {
  std::string msg;
  std::string receive_id;
};

// nullopt for anything that is not base64 of whole blocks padded and laid out as above.
std::optional<Plaintext> decrypt(std::string_view aes_key, std::string_view encrypt_base64);
// base64 of the ciphertext of `msg`; `random16` is the 16 bytes it starts with.
std::string encrypt(std::string_view aes_key, std::string_view msg, std::string_view receive_id,
                    std::string_view random16);

}  // namespace linli::wecom
