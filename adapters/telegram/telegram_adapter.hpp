#pragma once
// Telegram Bot API as a platform (PLATFORMS.md §a): its webhook is one Update per POST, checked
// by the X-Telegram-Bot-Api-Secret-Token header; its API is JSON POSTed to
// <api_base>/bot<token>/<method>. A pure translator (STYLE 6): no sockets, no database, no clock;
// every method may be called from any thread, as it reads only its own immutable config.
//
// Every Update that parses as JSON is handled without throwing, whatever its fields' types: a
// field of the wrong type counts as missing (the parser is fuzzed).

#include <array>

#include "adapters/adapter.hpp"
#include "adapters/telegram/telegram_config.hpp"

namespace linli {

class TelegramAdapter final : public Adapter {
 public:
  explicit TelegramAdapter(AdapterConfig config);
  const AdapterConfig& config() const override { return config_; }
  int check_headers(const HttpRequest& head) const override;  // the secret token header
  WebhookResult on_webhook(const HttpRequest& request, std::int64_t now_ms) override;
  ApiCall render(const OutboundMessage& m, const std::string& target_platform_id) const override;
  SendResult interpret(const OutboundMessage& m, const ApiResponse& r) const override;

  // Telegram's limits, each from the Bot API reference (core.telegram.org/bots/api).
  static constexpr std::size_t kMaxTextUnits = 4096;    // sendMessage text, UTF-16 code units
  static constexpr std::size_t kMaxAnswerUnits = 200;   // answerCallbackQuery text
  static constexpr std::size_t kMaxCallbackBytes = 64;  // InlineKeyboardButton.callback_data

 private:
  bool secret_matches(std::string_view presented) const;

  AdapterConfig config_;
  TelegramConfig telegram_;
  std::string username_;                        // ours, without '@': what /cmd@name must name
  std::string secret_sha_;  // SHA-256 of the configured secret token
};

}  // namespace linli
