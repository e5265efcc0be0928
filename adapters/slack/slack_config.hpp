#pragma once
// The Slack adapter's own keys: {"type": "slack", "name", "bot_token", "signing_secret",
// "webhook_path", "api_base", "rate_limits", "bot_user_id"}. bot_user_id is optional: without it
// the adapter learns the bot's user id from each event's envelope (authorizations[].user_id of
// the bot), so no auth.test call is needed at start.

#include <string>

#include "config/config.hpp"

namespace linli {

struct SlackConfig final : PlatformSettings {
  std::string bot_token;       // xoxb-...: Authorization: Bearer for the Web API
  std::string signing_secret;  // the app's signing secret: HMAC key of X-Slack-Signature
  std::string bot_user_id;     // U...: the bot user, "" to learn it from the events
  std::string api_base = "https://slack.com";
};

void parse_slack_config(const ConfigSection& section, AdapterConfig& adapter);

}  // namespace linli
