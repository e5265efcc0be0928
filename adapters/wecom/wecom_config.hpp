#pragma once
// The WeCom adapter's own keys: {"type": "wecom", "name", "corp_id", "agent_id", "secret",
// "token", "encoding_aes_key", "webhook_path", "api_base"} (+ "rate_limits").

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"

namespace linli {

struct WecomConfig final : PlatformSettings {
  std::string corp_id;           // the receiveid of the app's callbacks, and gettoken's corpid
  std::int64_t agent_id = 0;     // the self-built app's AgentId: message/send's agentid
  std::string secret;            // the app's Secret: gettoken's corpsecret
  std::string token;             // the callback Token, part of every msg_signature
  std::string encoding_aes_key;  // 43 characters; base64 of the AES key without its "="
  std::string aes_key;           // the 32 bytes it decodes to
  std::string api_base = "https://qyapi.weixin.qq.com";
};

// The 32-byte AES key an EncodingAESKey stands for: base64(EncodingAESKey + "="); nullopt
// unless it is 43 base64 characters.
std::optional<std::string> wecom_aes_key(std::string_view encoding_aes_key);

void parse_wecom_config(const ConfigSection& section, AdapterConfig& adapter);

}  // namespace linli
