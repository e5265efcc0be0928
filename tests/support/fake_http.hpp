#pragma once
// A real HTTP/1.1 server on 127.0.0.1 and a port of its choosing, on its own thread, for the
// fake platform APIs (WeCom, Feishu, DingTalk, Slack, Prosody's mod_rest, a bridge's callback):
// each fake is a handler that answers requests the way its platform documents, over this.
// Every request is recorded with its answer; tests wait for what they expect with wait_until.
//
// Threads: the handler runs on the server's thread, one request at a time (it may keep state
// without locks of its own). Every public method may be called from any thread; the handler
// must not call them (it would wait for itself). Bounded: request size, connections, records,
// delays and waits all have caps.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "adapters/http_types.hpp"

namespace linli::test {

struct FakeHttpAnswer {
  int status = 200;  // -1: close the connection without an answer
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // Retry-After, ...
  std::chrono::milliseconds delay{0};  // wait this long first (other connections go on)
};

// One request as the fake answered it.
struct FakeHttpExchange {
  HttpRequest request;  // header names lower-cased, query not decoded
  FakeHttpAnswer answer;
};

class FakeHttpServer {
 public:
  using Handler = std::function<FakeHttpAnswer(const HttpRequest&)>;

  explicit FakeHttpServer(Handler handler);
  ~FakeHttpServer();  // stops the server and joins its thread
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  std::string base_url() const;  // "http://127.0.0.1:PORT"
  std::uint16_t port() const;

  // Every exchange so far, in the order of the answers (at most the last 100000).
  std::vector<FakeHttpExchange> exchanges() const;
  // Those whose path is `path`.
  std::vector<FakeHttpExchange> exchanges(const std::string& path) const;
  // Waits until `pred()` holds, re-checking after each answer; false when `timeout` (at most a
  // minute) passes first. `pred` may call the accessors above.
  bool wait_until(const std::function<bool()>& pred,
                  std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace linli::test
