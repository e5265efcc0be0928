#include "adapters/registry.hpp"

#include <array>

#include "adapters/playground/playground_adapter.hpp"
#include "adapters/playground/playground_config.hpp"
#include "adapters/telegram/telegram_adapter.hpp"
#include "adapters/telegram/telegram_config.hpp"
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
// Prosody sets no message rate of its own (mod_rest, MUC); these are ours, to keep a room
// readable: 1 a second per room and per person, 30 a minute per room, 20 a second in all.
constexpr RateLimits kXmppLimits{1.0, 30, 20, 5};

struct Platform {
  PlatformParser parser;
  std::unique_ptr<Adapter> (*make)(const AdapterConfig&);
};

constexpr std::array kPlatforms = {
    Platform{{"playground", kPlaygroundLimits, parse_playground_config}, make<PlaygroundAdapter>},
    Platform{{"telegram", kTelegramLimits, parse_telegram_config}, make<TelegramAdapter>},
    Platform{{"xmpp", kXmppLimits, parse_xmpp_config}, make<XmppAdapter>},
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
