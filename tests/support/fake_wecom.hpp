#pragma once
// A fake WeCom (企业微信) server API for tests, on FakeHttpServer: gettoken, message/send and
// appchat/send as developer.work.weixin.qq.com documents them (/91039, /90236, /90248, the
// global error codes /90313), recording what each member and each group chat received; and
// WecomCallbacks, which builds the signed, encrypted callbacks WeCom POSTs to the app (/90238,
// /90240, the 智能机器人's /100719) with the adapter's own wecom_crypt.
//
// Threads: the server answers on its own thread; every public method may be called from any
// thread; accessors return copies.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/fake_http.hpp"

namespace linli::test {

// One message the fake accepted, as its member or group shows it.
struct WecomMessage {
  std::string api;      // "message/send" or "appchat/send"
  std::string to;       // touser, or chatid
  std::string msgtype;  // "text" or "template_card"
  std::string text;     // text.content, or the card's sub_title_text
  std::vector<std::pair<std::string, std::string>> buttons;  // (text, key) of a card
  std::string task_id;                                       // a card's task_id
  std::string msgid;
};

class FakeWecom {
 public:
  FakeWecom(std::string corp_id, std::string secret, std::int64_t agent_id);
  ~FakeWecom();
  FakeWecom(const FakeWecom&) = delete;
  FakeWecom& operator=(const FakeWecom&) = delete;

  std::string base_url() const;
  // What a member received from the app (message/send touser), in order.
  std::vector<WecomMessage> to_user(const std::string& userid) const;
  // What a group chat shows (appchat/send chatid), in order.
  std::vector<WecomMessage> in_chat(const std::string& chatid) const;
  std::vector<WecomMessage> all() const;
  // Access tokens gettoken has handed out, and gettoken calls refused (wrong corpid or secret).
  int tokens_issued() const;
  int token_refusals() const;
  // Every send answered so far with its errcode, in order: ("message/send", 45009), ...
  std::vector<std::pair<std::string, int>> answers() const;

  // The next `times` sends (either API; to `to` only when given) answer `errcode` and change
  // nothing: 45009 (API frequency limit), 45033 (too many concurrent calls), -1 (busy).
  void fail_sends(int errcode, int times = 1, std::string to = "");
  // Every token handed out so far expires: sends with it answer 42001 until gettoken is called.
  void expire_tokens();

  // Waits until `pred(*this)` holds, re-checking after each answer; false after `timeout`.
  bool wait_until(const std::function<bool(const FakeWecom&)>& pred,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

 private:
  FakeHttpAnswer answer(const HttpRequest& r);
  FakeHttpAnswer send(const HttpRequest& r, const std::string& api);

  std::string corp_id_;
  std::string secret_;
  std::int64_t agent_id_;
  mutable std::mutex mutex_;
  std::vector<std::string> valid_tokens_;
  std::vector<std::string> expired_tokens_;
  int issued_ = 0;
  int refused_ = 0;
  std::int64_t next_msgid_ = 1;
  struct Fault {
    int errcode;
    int times;
    std::string to;
  };
  std::vector<Fault> faults_;
  std::vector<WecomMessage> messages_;
  std::vector<std::pair<std::string, int>> answers_;
  std::unique_ptr<FakeHttpServer> server_;  // last: stopped first
};

// A callback as WeCom POSTs it: the target (path and signed query) and the body.
struct WecomCallback {
  std::string target;
  std::string body;
};

// Builds callbacks signed with `token` and encrypted with the EncodingAESKey's key, each with a
// CreateTime and nonce of its own (WeCom's retries repeat them; build one and post it twice).
class WecomCallbacks {
 public:
  WecomCallbacks(std::string path, std::string token, std::string encoding_aes_key,
                 std::string corp_id, std::int64_t agent_id);

  // The app's XML text message from a member, in their one-to-one chat with the app.
  WecomCallback app_text(const std::string& user, const std::string& text);
  // A press of a template card's button (Event template_card_event, EventKey = its key).
  WecomCallback card_press(const std::string& user, const std::string& key,
                           const std::string& task_id = "task");
  // The 智能机器人's JSON callback for "@<robot> text" in a group chat.
  WecomCallback robot_mention(const std::string& chatid, const std::string& user,
                              const std::string& text, const std::string& robot = "邻里");
  // Any plaintext, sealed as WeCom would: signed over the Encrypt of `msg` and `receive_id`.
  WecomCallback seal(const std::string& msg, const std::string& receive_id, bool xml_envelope);

 private:
  std::string path_;
  std::string token_;
  std::string aes_key_;
  std::string corp_id_;
  std::int64_t agent_id_;
  std::int64_t time_s_ = 1'800'000'000;
  std::int64_t next_id_ = 1;
};

}  // namespace linli::test
