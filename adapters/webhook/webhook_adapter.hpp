#pragma once
// A generic signed JSON webhook as a platform (README.md here): a bridge of our own kind (a
// personal WeChat bridge on Wechaty, SMS, a hotline) POSTs one neutral event per request and
// receives Linli's messages as JSON POSTs at its callback_url. Both directions are signed:
// X-Linli-Timestamp (unix seconds) and X-Linli-Signature "v1=" + hex(HMAC-SHA256(secret,
// timestamp + "." + raw body)), within 5 minutes, compared in constant time.
//
// A translator: no sockets, no database, no clock. The time outgoing requests are signed at is
// the last `now_ms` the sender handed token_call, which it asks before every render. Every
// method may be called from any thread.

#include <atomic>
#include <cstdint>
#include <string>

#include "adapters/adapter.hpp"
#include "adapters/webhook/webhook_config.hpp"

namespace linli {

class WebhookAdapter final : public Adapter {
 public:
  explicit WebhookAdapter(AdapterConfig config);
  const AdapterConfig& config() const override { return config_; }
  int check_headers(const HttpRequest& head) const override;  // present and well-formed
  WebhookResult on_webhook(const HttpRequest& request, std::int64_t now_ms) override;
  ApiCall render(const OutboundMessage& m, const std::string& target_platform_id) const override;
  SendResult interpret(const OutboundMessage& m, const ApiResponse& r) const override;
  // Never a token: only remembers the time to sign the next request at.
  std::optional<ApiCall> token_call(std::int64_t now_ms) const override;

  // "v1=" + hex(HMAC-SHA256(secret, timestamp + "." + body)): X-Linli-Signature.
  static std::string signature(std::string_view secret, std::string_view timestamp,
                               std::string_view body);
  static constexpr std::int64_t kWindowS = 300;

 private:
  AdapterConfig config_;
  WebhookConfig webhook_;
  mutable std::atomic<std::int64_t> now_ms_{0};
};

}  // namespace linli
