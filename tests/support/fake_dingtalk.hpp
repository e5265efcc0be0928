#pragma once
// A fake DingTalk for tests, on FakeHttpServer: the robot API (oauth2/accessToken,
// robot/groupMessages/send, robot/oToMessages/batchSend) and the sessionWebhooks it hands out
// in the robot's callbacks, answering as DingTalk documents (adapters/dingtalk/README.md):
// tokens that expire, the v1.0 error body {"code","message"}, a throttling answer. Point the
// adapter's api_base at base_url(); put session_url(chat) into the callbacks you POST.
//
// Threads: every public method may be called from any thread.

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/fake_http.hpp"

namespace linli::test {

// One message as its chat shows it.
struct DingTalkMessage {
  std::string chat;  // a group's openConversationId, or a person's userid
  std::string text;
  bool via_session = false;  // through a sessionWebhook, not the robot API
  std::vector<std::string> at_user_ids;
};

class FakeDingTalk {
 public:
  FakeDingTalk(std::string app_key, std::string app_secret, std::string robot_code);

  std::string base_url() const { return server_.base_url(); }
  // The sessionWebhook DingTalk would hand out for a conversation (group id or userid).
  std::string session_url(const std::string& chat) const;

  // Every message delivered to `chat`, in order.
  std::vector<DingTalkMessage> messages(const std::string& chat) const;
  std::vector<FakeHttpExchange> exchanges(const std::string& path) const {
    return server_.exchanges(path);
  }
  int token_fetches() const;
  bool wait_until(const std::function<bool(const FakeDingTalk&)>& pred,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

  // Throttled answers carry "Retry-After: 1", which DingTalk is not known to send, so that the
  // tests wait a second rather than the adapter's default minute.
  // The next `n` robot API sends are throttled (HTTP 403 Forbidden.AccessDenied.QpsLimitForApi).
  void throttle_api(int n);
  // The next `n` sessionWebhook sends are throttled (errcode 130101, "send too fast").
  void throttle_sessions(int n);
  // Every token issued so far stops being good (401 InvalidAuthentication).
  void revoke_tokens();

 private:
  FakeHttpAnswer handle(const HttpRequest& r);

  std::string app_key_;
  std::string app_secret_;
  std::string robot_code_;
  mutable std::mutex mutex_;
  int issued_ = 0;
  int first_good_ = 1;  // tokens "tok-<k>" with k >= this are good
  int throttle_api_ = 0;
  int throttle_sessions_ = 0;
  int sent_ = 0;
  FakeHttpServer server_;  // last: its thread calls handle() until it is destroyed
};

// The headers DingTalk signs its robot's callbacks with, at `timestamp_ms`.
std::vector<std::pair<std::string, std::string>> dingtalk_headers(const std::string& app_secret,
                                                                  std::int64_t timestamp_ms);

}  // namespace linli::test
