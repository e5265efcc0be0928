#include "adapters/registry.hpp"

#include <array>

#include "adapters/playground/playground_adapter.hpp"
#include "adapters/playground/playground_config.hpp"
#include "adapters/slack/slack_adapter.hpp"
#include "adapters/telegram/telegram_adapter.hpp"
#include "adapters/telegram/telegram_config.hpp"

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
