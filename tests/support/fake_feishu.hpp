#pragma once
// A fake Feishu open platform for tests, on FakeHttpServer (real HTTP on 127.0.0.1): the
// tenant_access_token endpoint and the IM API's send, reply and card update, answered as the
// documentation shows them ({code, msg, data}), with the documented errors: 99991663 for a
// token it did not issue, 99991400 with HTTP 429 when told to rate-limit, 230xxx for a chat or
// message it does not know. A private message by open_id lands in that person's p2p chat,
// whose chat_id is p2p_chat(open_id).

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/fake_http.hpp"

namespace linli::test {

struct FeishuMessage {
  std::string message_id;  // om_1, om_2, ...
  std::string chat_id;
  std::string msg_type;                 // "text" | "interactive"
  std::string text;                     // the text, or a card's plain_text contents joined by "\n"
  std::vector<nlohmann::json> buttons;  // a card's button values, in order
  std::string parent_id;                // the message it replies to
  int edits = 0;
};

class FakeFeishu {
 public:
  FakeFeishu(std::string app_id, std::string app_secret);
  std::string base_url() const { return server_->base_url(); }
  static std::string p2p_chat(const std::string& open_id) { return "oc_p2p_" + open_id; }

  std::vector<FeishuMessage> messages(const std::string& chat_id) const;
  std::vector<FeishuMessage> all_messages() const;
  std::vector<FakeHttpExchange> exchanges() const { return server_->exchanges(); }
  int tokens_issued() const;
  // A person's message, as Feishu has it once it was sent: the bot may reply to it.
  void person_wrote(const std::string& message_id, const std::string& chat_id);
  // The next `n` IM calls are answered 429 {"code":99991400}.
  void rate_limit_next(int n);
  // The token issued so far stops being accepted (as if revoked).
  void revoke_tokens();
  bool wait_until(const std::function<bool()>& pred,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
    return server_->wait_until(pred, timeout);
  }

 private:
  FakeHttpAnswer handle(const HttpRequest& r);
  FakeHttpAnswer send(const HttpRequest& r, const std::string& chat_id,
                      const std::string& parent_id, const nlohmann::json& body);

  std::string app_id_;
  std::string app_secret_;
  mutable std::mutex mutex_;
  std::vector<FeishuMessage> messages_;  // the bot's
  std::vector<FeishuMessage> people_;    // the people's, known only to be replied to
  std::map<std::string, bool> tokens_;   // token → still valid
  int next_ = 0;
  int rate_limited_ = 0;
  std::unique_ptr<FakeHttpServer> server_;  // last: stopped first
};

}  // namespace linli::test
