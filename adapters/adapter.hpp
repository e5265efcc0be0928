#pragma once
// The one small interface behind which each chat platform lives (DESIGN.md §5). An adapter is a
// translator only (STYLE 6): webhook → neutral events, neutral message → API call, API answer →
// outcome. It has no sockets, no database and no clock of its own: the server hands it requests,
// the outbox sender performs the calls it renders.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "adapters/http_types.hpp"
#include "config/config.hpp"
#include "dialogs/message.hpp"

namespace linli {

// One platform API call, rendered. The URL's scheme picks the transport: http(s) for real
// platforms and their fakes, "playground:" for the in-process playground.
struct ApiCall {
  std::string method = "POST";
  std::string url;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // Not "": the message breaks a limit of the platform's that no retry can fix (why, for the
  // log, never its text). The sender does not call; it dead-letters the message at once.
  std::string refused;
  // Not "": the id the message will have on the platform, chosen by us when the platform lets
  // the sender name its messages (XMPP: the stanza's id; mod_rest answers 202 without one). The
  // sender records it when interpret() names none.
  std::string platform_id;
  // True: there is nothing to call, the message is done. Slack stops a pressed button's spinner
  // on the webhook's 200, so a press answered without text needs no call of its own.
  bool nothing = false;
};

struct WebhookResult {
  // 401/403 for a bad secret, 400 for a malformed body; 202/204 for platforms that read a 200
  // as a reply to send back (mod_rest).
  int status = 200;
  std::string content_type = "application/json";
  std::string body = "{}";
  std::vector<InboundEvent> events;  // often one, none for kinds we ignore
  // Calls of the platform's own housekeeping that the request asks for, made after the answer
  // and outside the outbox: XMPP rejoining a room it was kicked from. Never a message of ours.
  std::vector<ApiCall> calls;
  // What the server answers when deciding an event fails: 500 asks the platform to retry. A
  // platform that turns an error answer into something worse and never retries (mod_rest: an
  // error stanza to the sender, and the room kicks the bot) names a 2xx here; the event is then
  // logged and dropped.
  int failure_status = 500;

  static WebhookResult reject(int status, std::string why) {
    WebhookResult r;
    r.status = status;
    r.body = std::move(why);
    r.content_type = "text/plain; charset=utf-8";
    return r;
  }
};

struct ApiResponse {
  int status = 0;  // 0: no HTTP answer (network error or time-out)
  std::string body;
  std::string retry_after;  // the Retry-After header, when there is one
  std::string error;        // what went wrong on the network, for the log
};

enum class SendStatus {
  ok,
  retry_later,  // the platform asked us to wait (429): pause this chat, not the others
  transient,    // network error or 5xx: back off and try again
  forbidden,    // the person has not opened a private chat with the bot (Telegram 403)
  rejected,     // the platform will never accept this message: dead-letter it
};

struct SendResult {
  SendStatus status = SendStatus::ok;
  std::string platform_id;  // of the message sent, so replies to it can be routed
  std::int64_t retry_after_ms = 0;
  std::string error;          // a short reason for the log, never message text
  std::string migrated_chat;  // Telegram: the group became a supergroup with this id
  // The platform refused the access token (expired early, revoked): the adapter forgets it,
  // fetches a new one, and the message is sent again (with status transient).
  bool token_rejected = false;
};

class Adapter {
 public:
  virtual ~Adapter() = default;
  virtual const AdapterConfig& config() const = 0;
  const std::string& name() const { return config().name; }

  // The HTTP methods of the webhook: POST, and GET where the platform checks the URL by one
  // (WeCom's echostr).
  virtual std::vector<std::string> webhook_methods() const { return {"POST"}; }
  // Looks at a webhook request's headers before its body is read: 0 to read the body, or the
  // HTTP status that refuses the request (401 without the platform's secret), so that requests
  // nobody sent us cost no body's worth of memory. Compares secrets in constant time.
  virtual int check_headers(const HttpRequest& /*head*/) const { return 0; }
  // Verifies (secrets, signatures, over the raw body) and decodes one webhook request.
  virtual WebhookResult on_webhook(const HttpRequest& request, std::int64_t now_ms) = 0;
  // The API call that delivers `m`. For an edit, `target_platform_id` is the platform's id of
  // the message being edited.
  virtual ApiCall render(const OutboundMessage& m, const std::string& target_platform_id) const = 0;
  virtual SendResult interpret(const OutboundMessage& m, const ApiResponse& r) const = 0;

  // Platforms whose API wants a short-lived access token (WeCom, Feishu, DingTalk): the call
  // that fetches one when the adapter has none or it expires soon; nullopt when the platform
  // needs none or the token is good at `now_ms`. The sender makes it, one at a time per
  // adapter, before it renders a message, and hands the answer to on_token.
  virtual std::optional<ApiCall> token_call(std::int64_t /*now_ms*/) const { return std::nullopt; }
  // Keeps the token the answer carries; false (and the reason in `error`) when it has none.
  virtual bool on_token(const ApiResponse& /*r*/, std::int64_t /*now_ms*/, std::string& /*error*/) {
    return true;
  }
  // After SendResult::token_rejected: the next token_call fetches a new one.
  virtual void forget_token() {}
  // Calls made once when the service starts, outside the outbox: XMPP joins its rooms.
  virtual std::vector<ApiCall> start_calls() const { return {}; }

  // True for the playground, whose platform side runs inside Linli (bot/playground_hub.hpp);
  // every other platform is reached over HTTP(S).
  virtual bool in_process() const { return false; }
};

}  // namespace linli
