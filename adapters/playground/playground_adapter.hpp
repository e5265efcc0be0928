#pragma once
// The playground as a platform: its webhook is JSON posted by the playground hub (the page's
// server side), its "API" is the hub, reached through "playground:<method>" calls. It goes
// through the same pipeline as every real platform.
//
// Webhook body:
//   {"update_id": "17", "chat": {"id": "g31", "type": "group" | "private"},
//    "from": {"id": "li", "name": "李阿姨", "lang": "zh"},
//    "message": {"id": "17", "text": "求助", "reply_to": "12"}}          a message
//   ... "press": {"id": "p17", "message_id": "12", "data": "t:12:take"}}  a button press

#include "adapters/adapter.hpp"

namespace linli {

class PlaygroundAdapter final : public Adapter {
 public:
  explicit PlaygroundAdapter(AdapterConfig config) : config_(std::move(config)) {}
  const AdapterConfig& config() const override { return config_; }
  WebhookResult on_webhook(const HttpRequest& request, std::int64_t now_ms) override;
  ApiCall render(const OutboundMessage& m, const std::string& target_platform_id) const override;
  SendResult interpret(const OutboundMessage& m, const ApiResponse& r) const override;
  bool in_process() const override { return true; }

 private:
  AdapterConfig config_;
};

}  // namespace linli
