#include "tests/support/fake_bridge.hpp"

#include "adapters/crypto.hpp"
#include "adapters/webhook/webhook_adapter.hpp"

namespace linli::test {

using nlohmann::json;

FakeBridge::FakeBridge(std::string secret)
    : secret_(std::move(secret)), server_([this](const HttpRequest& r) { return handle(r); }) {}

FakeHttpAnswer FakeBridge::handle(const HttpRequest& r) {
  std::lock_guard lock(mutex_);
  FakeHttpAnswer a;
  std::string expected = WebhookAdapter::signature(secret_, r.header("x-linli-timestamp"), r.body);
  if (r.header("x-linli-timestamp").empty() ||
      !crypto::equal(r.header("x-linli-signature"), expected)) {
    ++bad_;
    a.status = 401;
    return a;
  }
  json m = json::parse(r.body, nullptr, false);
  if (!m.is_object()) {
    a.status = 400;
    return a;
  }
  if (busy_ > 0) {
    --busy_;
    a.status = 429;
    a.headers.emplace_back("Retry-After", "1");
    return a;
  }
  callbacks_.push_back(m);
  std::string kind = m.value("kind", "");
  if (kind == "edit") {
    for (auto& s : shown_) {
      if (s.id == m.value("edit_of", "")) {
        s.text = m.value("text", "");
        s.buttons = m.value("buttons", json());
        ++s.edits;
      }
    }
  } else if (kind == "send") {
    BridgeMessage s;
    s.id = std::to_string(++next_id_);
    s.chat = m.value("chat", "");
    s.user = m.value("user", "");
    s.is_private = m.value("private", false);
    if (s.chat.empty()) s.chat = s.user;
    s.text = m.value("text", "");
    s.buttons = m.value("buttons", json());
    s.reply_to = m.value("reply_to", "");
    a.body = json{{"id", s.id}}.dump();
    shown_.push_back(std::move(s));
  }
  return a;
}

std::vector<BridgeMessage> FakeBridge::messages(const std::string& chat) const {
  std::lock_guard lock(mutex_);
  std::vector<BridgeMessage> out;
  for (const auto& s : shown_) {
    if (s.chat == chat) out.push_back(s);
  }
  return out;
}

std::vector<json> FakeBridge::callbacks(const std::string& kind) const {
  std::lock_guard lock(mutex_);
  std::vector<json> out;
  for (const auto& c : callbacks_) {
    if (c.value("kind", "") == kind) out.push_back(c);
  }
  return out;
}

int FakeBridge::bad_signatures() const {
  std::lock_guard lock(mutex_);
  return bad_;
}

bool FakeBridge::wait_until(const std::function<bool(const FakeBridge&)>& pred,
                            std::chrono::milliseconds timeout) const {
  return server_.wait_until([&] { return pred(*this); }, timeout);
}

void FakeBridge::busy(int n) {
  std::lock_guard lock(mutex_);
  busy_ = n;
}

}  // namespace linli::test
