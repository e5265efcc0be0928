#pragma once
// Standard padded base64 (RFC 4648 §4), read strictly: the config's encryption key and the
// platforms' keys and ciphertexts (WeCom's EncodingAESKey, Feishu's and WeCom's encrypted
// bodies). config/ does not link OpenSSL, so it is written out here once.

#include <optional>
#include <string>
#include <string_view>

namespace linli {

// nullopt for anything but padded base64 whose unused bits of the last character are zero.
std::optional<std::string> decode_base64(std::string_view s);
std::string encode_base64(std::string_view bytes);

}  // namespace linli
