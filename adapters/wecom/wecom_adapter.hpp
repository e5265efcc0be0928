#pragma once
// WeCom (企业微信) as a platform (PLATFORMS.md §b): a self-built app's callback (XML, by GET for
// the URL check and POST for messages and card button events) and the 智能机器人's JSON callback
// for @-mentions in groups, both signed and encrypted the same way (wecom_crypt.hpp); replies
// through the app's message API (private chats) and the app chat API (groups), with an access
// token fetched by gettoken and kept here until shortly before it expires.
//
// Groups show no buttons and the robot's @-mentions reply to nothing: the buttons of a message
// to a whole group (a card; not a question answering someone, whose options the dialog reads
// as typed text) are written "[接单]", and an @-mention that is exactly such a label, in that
// chat, is read as a press of the latest button so labelled there. Remembered in memory only
// (after a restart, only cards sent since then can be pressed by typing).
//
// Threads: every method may be called from any thread; the access token and the typed buttons
// are the only mutable state and are guarded by a mutex.

#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <utility>

#include "adapters/adapter.hpp"
#include "adapters/wecom/wecom_config.hpp"

namespace linli {

class WecomAdapter final : public Adapter {
 public:
  explicit WecomAdapter(AdapterConfig config);
  const AdapterConfig& config() const override { return config_; }
  std::vector<std::string> webhook_methods() const override { return {"GET", "POST"}; }
  WebhookResult on_webhook(const HttpRequest& request, std::int64_t now_ms) override;
  ApiCall render(const OutboundMessage& m, const std::string& target_platform_id) const override;
  SendResult interpret(const OutboundMessage& m, const ApiResponse& r) const override;

  std::optional<ApiCall> token_call(std::int64_t now_ms) const override;
  bool on_token(const ApiResponse& r, std::int64_t now_ms, std::string& error) override;
  void forget_token() override;

  static constexpr std::size_t kMaxTextBytes = 2048;  // text.content of message/send, appchat
  static constexpr std::size_t kMaxCardButtons = 6;   // button_interaction's button_list
  static constexpr std::int64_t kRefreshBeforeMs = 300'000;  // fetch a new token 5 min early
  static constexpr std::size_t kTypedPerChat = 64;           // typed buttons remembered per group
  static constexpr std::size_t kTypedChats = 4096;           // groups remembered

 private:
  std::string token() const;
  void remember_typed(const OutboundMessage& m) const;
  std::optional<std::string> typed_press(const std::string& chat, const std::string& text) const;

  AdapterConfig config_;
  WecomConfig wecom_;
  mutable std::mutex mutex_;
  std::string access_token_;
  std::int64_t token_expires_ms_ = 0;
  // chat → (label, data) of the buttons written as text there, newest last.
  mutable std::map<std::string, std::deque<std::pair<std::string, std::string>>> typed_;
};

}  // namespace linli
