#include "adapters/registry.hpp"

#include <array>

#include "adapters/dingtalk/dingtalk_adapter.hpp"
#include "adapters/feishu/feishu_adapter.hpp"
#include "adapters/playground/playground_adapter.hpp"
#include "adapters/playground/playground_config.hpp"
#include "adapters/slack/slack_adapter.hpp"
#include "adapters/telegram/telegram_adapter.hpp"
#include "adapters/telegram/telegram_config.hpp"
#include "adapters/webhook/webhook_adapter.hpp"
#include "adapters/wecom/wecom_adapter.hpp"
#include "adapters/xmpp/xmpp_adapter.hpp"
#include "adapters/xmpp/xmpp_config.hpp"

namespace linli {
namespace {

template <typename A>
std::unique_ptr<Adapter> make(const AdapterConfig& config) {
  return std::make_unique<A>(config);
}

// The playground is in process: its rates only keep the page readable.
constexpr RateLimits kPlaygroundLimits{50, 6000, 1000, 50};
// Telegram's FAQ: about 1 message a second per chat, 20 a minute per group, 30 a second in all.
constexpr RateLimits kTelegramLimits{1.0, 20, 30, 3};
// WeCom: an app may send one member 30 messages a minute; 20 a minute to a group; 20 a second
// across chats keeps far below the API's per-minute frequency limits (errcode 45009).
constexpr RateLimits kWecomLimits{0.5, 20, 20, 3};

// Feishu's IM API: 5 messages a second to one user or one group (shared by the group's bots),
// and 1000 calls a minute (50 a second) for the app as a whole: ~16 a second sustained.
constexpr RateLimits kFeishuLimits{5.0, 300, 16, 5};

// DingTalk: 20 messages a minute per group (its robots' documented limit; more is throttled).
constexpr RateLimits kDingTalkLimits{1.0, 20, 20, 3};

// A bridge of our own: its platform's limits are the bridge's to keep; these only bound a burst.
constexpr RateLimits kWebhookLimits{5.0, 60, 50, 10};
// Prosody sets no message rate of its own (mod_rest, MUC); these are ours, to keep a room
// readable: 1 a second per room and per person, 30 a minute per room, 20 a second in all.
constexpr RateLimits kXmppLimits{1.0, 30, 20, 5};
// Slack's rate limits page: chat.postMessage about 1 message a second per channel, short bursts
// allowed, under a workspace-wide limit it does not publish (10 a second is our guess).
constexpr RateLimits kSlackLimits{1.0, 60, 10, 3};

struct Platform {
  PlatformParser parser;
  std::unique_ptr<Adapter> (*make)(const AdapterConfig&);
};

constexpr std::array kPlatforms = {
    Platform{{"playground", kPlaygroundLimits, parse_playground_config}, make<PlaygroundAdapter>},
    Platform{{"telegram", kTelegramLimits, parse_telegram_config}, make<TelegramAdapter>},
    Platform{{"wecom", kWecomLimits, parse_wecom_config}, make<WecomAdapter>},
    Platform{{"feishu", kFeishuLimits, parse_feishu_config}, make<FeishuAdapter>},
    Platform{{"dingtalk", kDingTalkLimits, parse_dingtalk_config}, make<DingTalkAdapter>},
    Platform{{"webhook", kWebhookLimits, parse_webhook_config}, make<WebhookAdapter>},
    Platform{{"xmpp", kXmppLimits, parse_xmpp_config}, make<XmppAdapter>},
    Platform{{"slack", kSlackLimits, parse_slack_config}, make<SlackAdapter>},
};

constexpr auto kParsers = [] {
  std::array<PlatformParser, kPlatforms.size()> out{};
  for (std::size_t i = 0; i < kPlatforms.size(); ++i) out[i] = kPlatforms[i].parser;
  return out;
}();

}  // namespace

std::span<const PlatformParser> platform_parsers() {
  return kParsers;
}

std::unique_ptr<Adapter> make_adapter(const AdapterConfig& config) {
  for (const auto& p : kPlatforms) {
    if (p.parser.type == config.type) return p.make(config);
  }
  throw ConfigError("adapters: no platform of type \"" + config.type + "\"");
}

Config parse_config(const std::string& json_text, EnvLookup env) {
  return parse_config(json_text, env, platform_parsers());
}

Config load_config(const std::string& path, EnvLookup env) {
  return load_config(path, env, platform_parsers());
}

}  // namespace linli
