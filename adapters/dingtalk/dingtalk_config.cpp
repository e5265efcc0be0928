#include "adapters/dingtalk/dingtalk_config.hpp"

#include <memory>

#include "config/section.hpp"

namespace linli {

void parse_dingtalk_config(const ConfigSection& r, AdapterConfig& a) {
  r.allow({"type", "name", "webhook_path", "rate_limits", "app_key", "app_secret", "robot_code",
           "api_base"});
  auto d = std::make_shared<DingTalkConfig>();
  d->app_key = r.nonempty("app_key");
  d->app_secret = r.nonempty("app_secret");
  d->robot_code = r.nonempty("robot_code");
  d->api_base = r.base_url("api_base", d->api_base);
  // DingTalk's robots (adapters/dingtalk/README.md): ActionCard buttons only open links, so
  // buttons are shown as the words to type; a robot's text message cannot be edited, so an
  // edit is sent as a new message; a robot may write first to anyone in the organisation, one
  // to one by their userid (oToMessages/batchSend), which is how private chats are named here.
  a.capabilities.buttons = false;
  a.capabilities.edits = false;
  a.capabilities.reply_prompts = false;
  a.capabilities.replies = false;
  a.capabilities.max_text = 5000;
  a.capabilities.max_button_data = 64;
  a.capabilities.private_chat_is_user_id = true;
  a.capabilities.open_private_url = "";
  a.settings = std::move(d);
}

}  // namespace linli
