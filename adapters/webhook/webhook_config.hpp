#pragma once
// The generic signed JSON webhook's own keys: {"type": "webhook", "name", "secret",
// "webhook_path", "callback_url"} (+ "rate_limits").

#include <string>

#include "config/config.hpp"

namespace linli {

struct WebhookConfig final : PlatformSettings {
  std::string secret;        // signs every request, both ways (README.md here)
  std::string callback_url;  // where the bridge receives what Linli sends
};

void parse_webhook_config(const ConfigSection& section, AdapterConfig& adapter);

}  // namespace linli
