#pragma once
// A fake Telegram Bot API for tests, after userver's HttpServerMock: a real HTTP/1.1 server on
// 127.0.0.1 and a port of its choosing, that answers the documented methods the way Telegram
// does (ids, errors, descriptions), records every call, and fails chosen calls on request.
// Point the Telegram adapter's api_base at base_url().
//
// Threads: the server runs its own io_context on its own thread, from the constructor to the
// destructor. Every public method may be called from any thread; accessors return copies.
// Bounded: request size, open connections, recorded calls, delays and waits all have caps.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace linli::test {

// One API call as the fake answered it.
struct TelegramCall {
  std::string method;     // as documented, e.g. "sendMessage" (Telegram ignores the case)
  nlohmann::json params;  // JSON body, form fields and query parameters, merged
  int status = 0;         // the HTTP status answered; 0: the connection was dropped instead
  std::chrono::steady_clock::time_point at;  // when the request had arrived
};

// One message as its chat shows it: edits applied, deleted ones gone.
struct TelegramMessage {
  std::int64_t chat_id = 0;
  std::int64_t message_id = 0;  // 1, 2, 3... per chat
  std::string text;
  nlohmann::json reply_markup;  // {"inline_keyboard": [...]}; null when it has no buttons
  std::int64_t reply_to = 0;    // the message it replies to, 0 when none
  std::int64_t thread_id = 0;   // forum topic, 0 when none
  std::int64_t date = 0;        // unix seconds
  int edits = 0;
};

// Makes chosen calls fail. Faults are matched in the order they were added; each one answers
// `times` matching calls and is then spent. A call answered by a fault changes nothing.
struct TelegramFault {
  std::string method;                   // "sendMessage", ...
  std::optional<std::int64_t> chat_id;  // only calls to this chat; any chat when empty
  int times = 1;
  int status = 0;  // the HTTP status to answer; 0: answer normally; -1: drop the connection
  std::string description;             // Telegram's "description" for 4xx
  int retry_after_s = 0;               // 429: parameters.retry_after and Retry-After
  std::chrono::milliseconds delay{0};  // wait this long first (other connections go on)

  // 429 {"description":"Too Many Requests: retry after N","parameters":{"retry_after":N}}.
  static TelegramFault too_many_requests(std::string method, int retry_after_s, int times = 1);
  // 500 as JSON, or 502 as the HTML page of the proxy in front of the Bot API.
  static TelegramFault server_error(std::string method, int status = 500, int times = 1);
  static TelegramFault forbidden(
      std::string method, int times = 1,
      std::string description = "Forbidden: bot can't initiate conversation with a user");
  static TelegramFault bad_request(std::string method, std::string description, int times = 1);
  // Answers normally, but only after `delay`.
  static TelegramFault slow(std::string method, std::chrono::milliseconds delay, int times = 1);
  // Closes the connection without an answer, as a network failure would.
  static TelegramFault disconnect(std::string method, int times = 1);

  TelegramFault in_chat(std::int64_t chat) const;
  TelegramFault after(std::chrono::milliseconds wait) const;
};

// Telegram's limits on what one bot sends (core.telegram.org/bots/faq: "not more than about 30
// messages per second" to different chats, "no more than 20 messages per minute" in one group),
// enforced when set: sendMessage and editMessageText beyond them answer 429 "Too Many Requests:
// retry after N" (parameters.retry_after and Retry-After: the seconds until the window has
// room) and change nothing. Counted in sliding windows of the calls accepted, by arrival.
struct TelegramLimits {
  int global_per_s = 30;       // all chats together, in any window of one second
  int per_group_per_min = 20;  // one group (a negative chat id), in any window of one minute
  // Telegram's is a second; a test widens it so that no timing decides what it sees.
  std::chrono::milliseconds global_window{1000};
};

class FakeTelegram {
 public:
  explicit FakeTelegram(std::string token, std::string bot_username = "linli_bot",
                        std::int64_t bot_id = 7000000001);
  ~FakeTelegram();  // stops the server and joins its thread
  FakeTelegram(const FakeTelegram&) = delete;
  FakeTelegram& operator=(const FakeTelegram&) = delete;

  std::string base_url() const;  // "http://127.0.0.1:PORT"
  std::uint16_t port() const;
  const std::string& token() const;
  const std::string& bot_username() const;
  std::int64_t bot_id() const;

  // Every call answered so far, in the order of the answers (at most the last 100000).
  std::vector<TelegramCall> calls() const;
  std::vector<TelegramCall> calls(const std::string& method) const;
  // What the chat shows: the bot's messages in order, with edits applied.
  std::vector<TelegramMessage> messages(std::int64_t chat_id) const;
  // Requests read and held back by a slow fault, not answered yet: what a test waits for to
  // know that a slow request has arrived.
  std::size_t held() const;
  // As set by setWebhook ("" when none).
  std::string webhook_url() const;
  std::string webhook_secret() const;

  // Waits until `pred(*this)` holds, re-checking after each answered or held call; false when
  // `timeout` (at most a minute) passes first. `pred` may call the accessors above.
  bool wait_until(const std::function<bool(const FakeTelegram&)>& pred,
                  std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;

  void add_fault(TelegramFault fault);
  void clear_faults();
  // sendMessage to this person's private chat answers 403 "bot can't initiate conversation"
  // until open_private: they have not pressed Start (or blocked the bot).
  void block_private(std::int64_t user_id);
  void open_private(std::int64_t user_id);
  // The group was upgraded to a supergroup: from now on sendMessage and editMessageText to it
  // answer 400 with parameters.migrate_to_chat_id = `supergroup`, as Telegram does.
  void migrate_chat(std::int64_t group, std::int64_t supergroup);
  // From now on, calls beyond `limits` answer 429 (see TelegramLimits).
  void enforce_limits(TelegramLimits limits);
  // How many calls the limits answered with 429.
  std::size_t rate_limited() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace linli::test
