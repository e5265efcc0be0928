#pragma once
// The XMPP adapter's own keys (Prosody's mod_rest): {"type": "xmpp", "name", "rest_url",
// "token", "nick", "rooms", "webhook_path", "callback_secret"} and the optional "rate_limits".

#include <string>
#include <vector>

#include "config/config.hpp"

namespace linli {

struct XmppConfig final : PlatformSettings {
  std::string rest_url;            // mod_rest's endpoint, e.g. "http://127.0.0.1:5280/rest"
  std::string token;               // the Bearer token (mod_tokenauth) that names the bot's JID
  std::string nick;                // the bot's nickname in its rooms
  std::vector<std::string> rooms;  // bare room JIDs: room@conference.example.org
  // mod_rest signs nothing: its rest_callback_url carries this as "?secret=", and a callback
  // without it is refused (401) before anything is read.
  std::string callback_secret;
};

void parse_xmpp_config(const ConfigSection& section, AdapterConfig& adapter);

}  // namespace linli
