#pragma once
// The Feishu / Lark adapter's own keys: {"type": "feishu", "name", "app_id", "app_secret",
// "verification_token", "encrypt_key", "webhook_path", "api_base"} (+ "rate_limits").

#include <string>

#include "config/config.hpp"

namespace linli {

struct FeishuConfig final : PlatformSettings {
  std::string app_id;
  std::string app_secret;
  std::string verification_token;
  // Required: without it Feishu neither encrypts nor signs its requests (X-Lark-Signature), and
  // a request could not be told from a forgery by anything but the verification token.
  std::string encrypt_key;
  std::string api_base = "https://open.feishu.cn";
};

void parse_feishu_config(const ConfigSection& section, AdapterConfig& adapter);

}  // namespace linli
