#pragma once
// The DingTalk adapter's own keys: {"type": "dingtalk", "name", "app_key", "app_secret",
// "robot_code", "webhook_path", "api_base"} (+ "rate_limits").

#include <string>

#include "config/config.hpp"

namespace linli {

struct DingTalkConfig final : PlatformSettings {
  std::string app_key;     // the internal app's Client ID (AppKey)
  std::string app_secret;  // its Client Secret: signs the robot's webhooks, fetches tokens
  std::string robot_code;  // the robot's code, for the robot API's sends
  std::string api_base = "https://api.dingtalk.com";
};

void parse_dingtalk_config(const ConfigSection& section, AdapterConfig& adapter);

}  // namespace linli
