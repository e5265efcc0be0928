#include "adapters/webhook/webhook_config.hpp"

#include <memory>

#include "config/section.hpp"

namespace linli {

void parse_webhook_config(const ConfigSection& r, AdapterConfig& a) {
  r.allow({"type", "name", "webhook_path", "rate_limits", "secret", "callback_url"});
  auto w = std::make_shared<WebhookConfig>();
  w->secret = r.nonempty("secret");
  // Anything shorter is guessed sooner than a bridge is written.
  if (w->secret.size() < 16) r.fail("secret", "at least 16 characters");
  w->callback_url = r.base_url("callback_url");
  // The bridge decides how its platform shows buttons and edits (README.md): it gets them all.
  // A private message goes to the chat the person last wrote from privately, else to their
  // user id (chat "" and "user" set when neither is known: the bridge finds them).
  a.capabilities.buttons = true;
  a.capabilities.edits = true;
  a.capabilities.reply_prompts = false;
  a.capabilities.max_text = 4096;
  a.capabilities.max_button_data = 64;
  a.capabilities.private_chat_is_user_id = true;
  a.capabilities.open_private_url = "";
  a.settings = std::move(w);
}

}  // namespace linli
