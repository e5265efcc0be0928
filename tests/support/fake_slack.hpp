#pragma once
// A fake Slack Web API for tests, on FakeHttpServer: real HTTP on 127.0.0.1 that answers
// chat.postMessage, chat.update, chat.postEphemeral and auth.test the way Slack documents them
// (docs.slack.dev/reference/methods): a Bearer bot token or {"ok":false,"error":"not_authed" /
// "invalid_auth"}; errors as HTTP 200 with ok:false and an error code; rate limiting as HTTP 429
// with Retry-After and "ratelimited". A user id as channel posts to the bot's DM with that
// person, whose channel id is "D" + the user id without its "U". Point the Slack adapter's
// api_base at base_url().
//
// Threads: as FakeHttpServer's; every public method may be called from any thread.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/fake_http.hpp"

namespace linli::test {

// One message of the bot's as its channel shows it, edits applied.
struct SlackMessage {
  std::string channel;
  std::string ts;
  std::string thread_ts;  // "" when not in a thread
  std::string text;
  nlohmann::json blocks;  // null when none
  int edits = 0;
};

struct SlackEphemeral {
  std::string channel;
  std::string user;
  std::string text;
};

// Makes chosen calls fail: each answers `times` matching calls, changing nothing.
struct SlackFault {
  std::string method;   // "chat.postMessage", ...
  std::string channel;  // only calls to this channel (or user id); any when ""
  int times = 1;
  int status = 200;   // 429 for ratelimited, 500..., 200 with `error`
  std::string error;  // Slack's error code
  int retry_after_s = 0;

  static SlackFault ratelimited(std::string method, int retry_after_s, int times = 1);
  static SlackFault error_code(std::string method, std::string error, int times = 1);
  SlackFault in(std::string channel) const;
};

// A block_actions payload as Slack POSTs it: a form whose one field, payload, is the JSON.
std::string slack_press_form(const nlohmann::json& payload);

class FakeSlack {
 public:
  explicit FakeSlack(std::string token, std::string bot_user_id = "UBOT0001");
  ~FakeSlack();
  FakeSlack(const FakeSlack&) = delete;
  FakeSlack& operator=(const FakeSlack&) = delete;

  std::string base_url() const;
  const std::string& bot_user_id() const;
  // The DM channel Slack keeps between the bot and `user` ("D" + the id without its "U").
  static std::string dm_of(const std::string& user);

  // The bot's messages in `channel`, in order, edits applied.
  std::vector<SlackMessage> messages(const std::string& channel) const;
  std::vector<SlackEphemeral> ephemerals() const;
  // Calls to `method` as sent (their JSON bodies), answered with HTTP `status` 200 or not.
  std::vector<nlohmann::json> calls(const std::string& method) const;
  std::vector<FakeHttpExchange> exchanges() const { return server_.exchanges(); }

  bool wait_until(const std::function<bool(const FakeSlack&)>& pred,
                  std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;

  void add_fault(SlackFault f);
  // The bot is no member of this channel: posting to it answers not_in_channel.
  void kick_from(const std::string& channel);

 private:
  struct State;
  FakeHttpAnswer handle(const HttpRequest& r);

  std::unique_ptr<State> state_;
  FakeHttpServer server_;  // last: stopped first, before the state it uses goes
};

}  // namespace linli::test
