#include "adapters/feishu/feishu_config.hpp"

#include <memory>

#include "config/section.hpp"

namespace linli {

void parse_feishu_config(const ConfigSection& r, AdapterConfig& a) {
  r.allow({"type", "name", "webhook_path", "rate_limits", "app_id", "app_secret",
           "verification_token", "encrypt_key", "api_base"});
  auto f = std::make_shared<FeishuConfig>();
  f->app_id = r.nonempty("app_id");
  f->app_secret = r.nonempty("app_secret");
  f->verification_token = r.nonempty("verification_token");
  f->encrypt_key = r.nonempty("encrypt_key");
  f->api_base = r.base_url("api_base", f->api_base);
  // Buttons are message cards; only cards can be edited (PATCH /im/v1/messages/{id}), and every
  // message Linli edits was sent with buttons, so as a card. 4000 characters keeps a card well
  // under Feishu's 30 KB card limit. The bot may write first to anyone in the app's
  // availability (by open_id): no link to open a private chat. A private chat has its own
  // chat_id (oc_...), learned when the person writes privately.
  a.capabilities.buttons = true;
  a.capabilities.edits = true;
  a.capabilities.reply_prompts = false;
  a.capabilities.max_text = 4000;
  a.capabilities.max_button_data = 256;
  a.capabilities.private_chat_is_user_id = false;
  a.capabilities.open_private_url = "";
  a.settings = std::move(f);
}

}  // namespace linli
