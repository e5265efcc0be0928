#pragma once
// A fake bridge for the generic signed JSON webhook (adapters/webhook/README.md), on
// FakeHttpServer: it receives Linli's signed callbacks, refuses those whose signature is wrong
// (401), answers {"id": "<n>"}, and shows each chat as its people would see it (edits applied).
//
// Threads: every public method may be called from any thread.

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/fake_http.hpp"

namespace linli::test {

struct BridgeMessage {
  std::string id;  // ours, as answered
  std::string chat;
  std::string user;
  bool is_private = false;
  std::string text;
  nlohmann::json buttons;  // [[{"label","data"}]] or null
  std::string reply_to;
  int edits = 0;
};

class FakeBridge {
 public:
  explicit FakeBridge(std::string secret);

  std::string callback_url() const { return server_.base_url() + "/linli"; }
  // The messages a chat shows; a private message without a chat is shown under its user.
  std::vector<BridgeMessage> messages(const std::string& chat) const;
  // Every callback as it came (bodies), with whether its signature was good.
  std::vector<nlohmann::json> callbacks(const std::string& kind) const;
  int bad_signatures() const;
  std::vector<FakeHttpExchange> exchanges() const { return server_.exchanges(); }
  bool wait_until(const std::function<bool(const FakeBridge&)>& pred,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
  // The next `n` callbacks are answered 429 with Retry-After: 1.
  void busy(int n);

 private:
  FakeHttpAnswer handle(const HttpRequest& r);

  std::string secret_;
  mutable std::mutex mutex_;
  std::vector<BridgeMessage> shown_;
  std::vector<nlohmann::json> callbacks_;
  int bad_ = 0;
  int busy_ = 0;
  int next_id_ = 0;
  FakeHttpServer server_;  // last: its thread calls handle() until it is destroyed
};

}  // namespace linli::test
