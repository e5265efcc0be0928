#include "adapters/slack/slack_config.hpp"

#include <cctype>
#include <memory>

#include "config/section.hpp"

namespace linli {

void parse_slack_config(const ConfigSection& r, AdapterConfig& a) {
  r.allow({"type", "name", "webhook_path", "rate_limits", "bot_token", "signing_secret",
           "bot_user_id", "api_base"});
  auto s = std::make_shared<SlackConfig>();
  s->bot_token = r.nonempty("bot_token");
  for (char c : s->bot_token) {
    // It goes into an HTTP header: a control character or a space would break the request.
    if (std::iscntrl(static_cast<unsigned char>(c)) || c == ' ')
      r.fail("bot_token", "must not contain spaces or control characters");
  }
  s->signing_secret = r.nonempty("signing_secret");
  s->bot_user_id = r.str("bot_user_id", std::string());
  for (char c : s->bot_user_id) {
    if (!std::isalnum(static_cast<unsigned char>(c)))
      r.fail("bot_user_id", "a Slack user id such as U0123ABCD (letters and digits)");
  }
  s->api_base = r.base_url("api_base", s->api_base);
  // No bot_username: Slack takes "/word" typed in its client as its own slash command, so
  // "/cmd@name" never reaches us; people write the words (求助, 接单) instead.
  // Slack's documented limits: chat.postMessage text up to 4,000 characters (longer is
  // truncated); a button's value up to 2,000 characters and its text up to 75. The bot may write
  // first to anyone in the workspace (chat.postMessage with the user id as channel), so no link
  // is needed; a DM's channel id (D...) is not the user id.
  a.capabilities.buttons = true;
  a.capabilities.edits = true;
  a.capabilities.reply_prompts = false;
  a.capabilities.max_text = 4000;
  a.capabilities.max_button_data = 2000;
  a.capabilities.private_chat_is_user_id = false;
  a.capabilities.open_private_url = "";
  a.settings = std::move(s);
}

}  // namespace linli
