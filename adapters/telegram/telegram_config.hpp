#pragma once
// The Telegram adapter's own keys: {"type": "telegram", "name", "token", "secret_token",
// "username", "api_base"}.

#include <string>

#include "config/config.hpp"

namespace linli {

struct TelegramConfig final : PlatformSettings {
  std::string token;
  std::string secret_token;
  std::string username;  // the bot's, without '@'
  std::string api_base = "https://api.telegram.org";
};

void parse_telegram_config(const ConfigSection& section, AdapterConfig& adapter);

}  // namespace linli
