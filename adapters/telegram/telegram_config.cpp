#include "adapters/telegram/telegram_config.hpp"

#include <cctype>
#include <memory>

#include "config/section.hpp"

namespace linli {

void parse_telegram_config(const ConfigSection& r, AdapterConfig& a) {
  r.allow({"type", "name", "webhook_path", "rate_limits", "token", "secret_token", "username",
           "api_base"});
  auto t = std::make_shared<TelegramConfig>();
  t->token = r.nonempty("token");
  t->secret_token = r.nonempty("secret_token");
  for (char c : t->secret_token) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) {
      r.fail("secret_token", "Telegram allows only A-Z, a-z, 0-9, '_' and '-'");
    }
  }
  if (t->secret_token.size() > 256) r.fail("secret_token", "at most 256 characters");
  t->username = r.nonempty("username");
  if (t->username.front() == '@') t->username.erase(0, 1);
  // Commands and replies are recognised by this name: "@" alone would recognise none.
  if (t->username.empty()) r.fail("username", "must not be empty");
  for (char c : t->username) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) {
      r.fail("username", "Telegram allows only A-Z, a-z, 0-9 and '_'");
    }
  }
  t->api_base = r.base_url("api_base", t->api_base);
  a.bot_username = t->username;
  // The Bot API's documented limits (core.telegram.org/bots/api): 4096 characters of text,
  // 64 bytes of callback_data; a bot cannot write first to a person, who opens the chat by the
  // deep link; ForceReply opens the reply box for a privacy-mode bot's question in a group.
  a.capabilities.buttons = true;
  a.capabilities.edits = true;
  a.capabilities.reply_prompts = true;
  a.capabilities.max_text = 4096;
  a.capabilities.max_button_data = 64;
  a.capabilities.private_chat_is_user_id = true;
  a.capabilities.open_private_url = "https://t.me/" + t->username + "?start=hi";
  a.settings = std::move(t);
}

}  // namespace linli
