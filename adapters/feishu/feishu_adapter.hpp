#pragma once
// Feishu / Lark as a platform (PLATFORMS.md §c): events POSTed to the webhook, encrypted with
// the Encrypt Key and signed (X-Lark-Signature); replies through the IM API with a
// tenant_access_token. A pure translator (STYLE 6): no sockets, no database, no clock. Every
// method may be called from any thread: the config is immutable and the access token is kept
// under a mutex.
//
// Every body that decrypts and parses as JSON is handled without throwing, whatever its
// fields' types: a field of the wrong type counts as missing.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "adapters/adapter.hpp"
#include "adapters/feishu/feishu_config.hpp"

namespace linli {

class FeishuAdapter final : public Adapter {
 public:
  explicit FeishuAdapter(AdapterConfig config);
  const AdapterConfig& config() const override { return config_; }
  WebhookResult on_webhook(const HttpRequest& request, std::int64_t now_ms) override;
  ApiCall render(const OutboundMessage& m, const std::string& target_platform_id) const override;
  SendResult interpret(const OutboundMessage& m, const ApiResponse& r) const override;

  std::optional<ApiCall> token_call(std::int64_t now_ms) const override;
  bool on_token(const ApiResponse& r, std::int64_t now_ms, std::string& error) override;
  void forget_token() override;

  // A signed request older or newer than this is refused: a captured request cannot be
  // replayed later. Five minutes, as Slack's and Stripe's windows: room for clock skew and a
  // slow proxy, short enough that a replay must be quick (and event ids are de-duplicated).
  static constexpr std::int64_t kMaxSkewMs = 5 * 60 * 1000;
  // Fetch a new token this long before the old one expires. Under 30 minutes: the endpoint
  // returns the same token while more than 30 minutes are left.
  static constexpr std::int64_t kRefreshBeforeMs = 10 * 60 * 1000;

  // Decrypts an {"encrypt": ...} payload: key SHA-256(encrypt_key), IV the first 16 bytes,
  // AES-256-CBC, strict PKCS#7. nullopt for anything else.
  static std::optional<std::string> decrypt(std::string_view encrypt_key,
                                            std::string_view encrypted_base64);
  // hex(sha256(timestamp + nonce + encrypt_key + body)), as X-Lark-Signature carries it.
  static std::string signature(std::string_view timestamp, std::string_view nonce,
                               std::string_view encrypt_key, std::string_view body);

 private:
  AdapterConfig config_;
  FeishuConfig feishu_;
  mutable std::mutex token_mutex_;
  std::string token_;
  std::int64_t refresh_at_ms_ = 0;
};

}  // namespace linli
