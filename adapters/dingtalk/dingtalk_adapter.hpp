#pragma once
// DingTalk's enterprise robot in HTTP mode as a platform (PLATFORMS.md §d, README.md here): the
// robot's webhook POSTs one message per request, signed by the `timestamp` and `sign` headers;
// answers go through the message's sessionWebhook while it lives, else through the robot API
// (groupMessages/send, oToMessages/batchSend) with an access token from oauth2/accessToken.
//
// A translator (STYLE 6): no sockets, no database, no clock of its own. It keeps two things in
// memory, each behind its own mutex, so that every method may be called from any thread: the
// access token, and the latest sessionWebhook of each conversation (bounded, expired ones
// forgotten). The time it reads them at is the last `now_ms` the sender handed token_call,
// which the sender asks before every render.

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "adapters/adapter.hpp"
#include "adapters/dingtalk/dingtalk_config.hpp"

namespace linli {

class DingTalkAdapter final : public Adapter {
 public:
  explicit DingTalkAdapter(AdapterConfig config);
  const AdapterConfig& config() const override { return config_; }
  int check_headers(const HttpRequest& head) const override;  // the sign header
  WebhookResult on_webhook(const HttpRequest& request, std::int64_t now_ms) override;
  ApiCall render(const OutboundMessage& m, const std::string& target_platform_id) const override;
  SendResult interpret(const OutboundMessage& m, const ApiResponse& r) const override;
  std::optional<ApiCall> token_call(std::int64_t now_ms) const override;
  bool on_token(const ApiResponse& r, std::int64_t now_ms, std::string& error) override;
  void forget_token() override;

  // base64(HmacSHA256(key = app_secret, timestamp + "\n" + app_secret)): the `sign` header.
  static std::string sign(std::string_view timestamp, std::string_view app_secret);

  static constexpr std::int64_t kWindowMs = 3'600'000;  // |now − timestamp| ≤ 1 h
  static constexpr std::size_t kMaxSessions = 10'000;   // sessionWebhooks remembered at most
  // A sessionWebhook this close to its expiry is not used: the call might arrive after it.
  static constexpr std::int64_t kSessionMarginMs = 60'000;
  // A token is fetched again this long before DingTalk says it expires.
  static constexpr std::int64_t kTokenMarginMs = 5 * 60'000;
  static constexpr std::size_t kMaxTextBytes = 15'000;  // groupMessages/send msgParam

  // How many sessionWebhooks are remembered (for tests of the bound).
  std::size_t sessions() const;

 private:
  struct Session {
    std::string url;
    std::int64_t expires_ms = 0;
  };
  void remember_session(const std::string& chat, Session s, std::int64_t now_ms);
  std::optional<std::string> live_session(const std::string& chat) const;
  void forget_session(const std::string& chat) const;
  bool sign_matches(const HttpRequest& head) const;

  AdapterConfig config_;
  DingTalkConfig dingtalk_;

  // The last time the sender told us (token_call): what render judges expiries by.
  mutable std::atomic<std::int64_t> now_ms_{0};

  mutable std::mutex token_mutex_;
  std::string token_;
  std::int64_t token_expires_ms_ = 0;

  mutable std::mutex sessions_mutex_;
  mutable std::map<std::string, Session> sessions_;  // by conversation (our chat id)
};

}  // namespace linli
