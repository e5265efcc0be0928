#include "adapters/wecom/wecom_config.hpp"

#include <charconv>
#include <memory>
#include <optional>
#include <string_view>

#include "config/base64.hpp"
#include "config/section.hpp"

namespace linli {

namespace {

constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// The console shows the AgentId as a number; a string of digits (or {"env": ...}) is taken too.
std::int64_t agent_id(const ConfigSection& r) {
  constexpr std::int64_t kMax = 0x7fffffff;
  if (!r.has("agent_id")) r.fail("agent_id", "missing (the app's AgentId is required)");
  try {
    return r.integer("agent_id", 0, 1, kMax);
  } catch (const ConfigError& not_a_number) {
    std::string s;
    try {
      s = r.nonempty("agent_id");
    } catch (const ConfigError&) {
      throw not_a_number;
    }
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || v < 1 || v > kMax) {
      r.fail("agent_id", "must be the app's AgentId, a positive integer");
    }
    return v;
  }
}

}  // namespace

std::optional<std::string> wecom_aes_key(std::string_view encoding_aes_key) {
  if (encoding_aes_key.size() != 43) return std::nullopt;
  // 43 characters carry 258 bits, of which the key is the first 256: the last character's two
  // low bits are not part of it (the console's keys often have them set), so they are cleared
  // before the strict decoder, which refuses set unused bits, reads it.
  std::string s(encoding_aes_key);
  auto at = kBase64.find(s.back());
  if (at == std::string_view::npos) return std::nullopt;
  s.back() = kBase64[at & ~std::size_t{3}];
  auto key = decode_base64(s + "=");
  if (!key || key->size() != 32) return std::nullopt;
  return key;
}

void parse_wecom_config(const ConfigSection& r, AdapterConfig& a) {
  r.allow({"type", "name", "webhook_path", "rate_limits", "corp_id", "agent_id", "secret", "token",
           "encoding_aes_key", "api_base"});
  auto w = std::make_shared<WecomConfig>();
  w->corp_id = r.nonempty("corp_id");
  w->agent_id = agent_id(r);
  w->secret = r.nonempty("secret");
  w->token = r.nonempty("token");
  w->encoding_aes_key = r.nonempty("encoding_aes_key");
  auto key = wecom_aes_key(w->encoding_aes_key);
  if (!key) {
    r.fail("encoding_aes_key",
           "must be the 43 characters the WeCom console shows (base64 of a 32-byte key without "
           "its \"=\")");
  }
  w->aes_key = std::move(*key);
  w->api_base = r.base_url("api_base", w->api_base);
  // WeCom's documented limits (developer.work.weixin.qq.com/document/path/90236, /90248):
  // text of at most 2048 bytes; a template card's button key up to 1024 bytes. A self-built app
  // may write to any member in its visible range first: no link to open a private chat.
  a.capabilities.buttons = true;  // template cards in private chats; typed options in groups
  a.capabilities.edits = false;   // an edit arrives as a new message
  a.capabilities.reply_prompts = false;
  a.capabilities.replies = false;
  a.capabilities.max_text = 2048;
  a.capabilities.max_button_data = 64;  // far below the 1024 bytes of a card button's key
  a.capabilities.private_chat_is_user_id = true;
  a.capabilities.open_private_url = "";
  a.settings = std::move(w);
}

}  // namespace linli
