#pragma once
// Slack as a platform (PLATFORMS.md §e): the Events API POSTs JSON envelopes (url_verification,
// event_callback) and interactivity POSTs a form with one payload= (block_actions) to the same
// URL, each signed with the app's signing secret (X-Slack-Signature over
// "v0:<X-Slack-Request-Timestamp>:<raw body>"); the Web API is JSON POSTed to
// <api_base>/api/<method> with the bot token as a Bearer token.
//
// A pure translator (STYLE 6): no sockets, no database, no clock, no state learned from
// requests; every method may be called from any thread. Every body that passes the signature is
// handled without throwing, whatever its fields' types: a field of the wrong type counts as
// missing.

#include <cstdint>
#include <string>
#include <string_view>

#include "adapters/adapter.hpp"
#include "adapters/slack/slack_config.hpp"

namespace linli {

class SlackAdapter final : public Adapter {
 public:
  explicit SlackAdapter(AdapterConfig config);
  const AdapterConfig& config() const override { return config_; }
  // Both signature headers must be there before the body is worth reading.
  int check_headers(const HttpRequest& head) const override;
  WebhookResult on_webhook(const HttpRequest& request, std::int64_t now_ms) override;
  ApiCall render(const OutboundMessage& m, const std::string& target_platform_id) const override;
  SendResult interpret(const OutboundMessage& m, const ApiResponse& r) const override;

  // "v0=" + hex(HMAC-SHA256(signing_secret, "v0:" + timestamp + ":" + body)).
  static std::string signature(std::string_view secret, std::string_view timestamp,
                               std::string_view body);

  // Slack's numbers, each from its docs (docs.slack.dev): requests older or newer than five
  // minutes are refused (replays); chat.postMessage text up to 4,000 characters; a section
  // block's text up to 3,000; 50 blocks a message; 25 elements an actions block; a button's
  // text up to 75 characters and its value up to 2,000.
  static constexpr std::int64_t kWindowMs = 5 * 60 * 1000;
  static constexpr std::size_t kMaxTextChars = 4000;
  static constexpr std::size_t kMaxSectionChars = 3000;
  static constexpr std::size_t kMaxBlocks = 50;
  static constexpr std::size_t kMaxRowButtons = 25;
  static constexpr std::size_t kMaxLabelChars = 75;
  static constexpr std::size_t kMaxValueChars = 2000;

 private:
  AdapterConfig config_;
  SlackConfig slack_;
};

}  // namespace linli
