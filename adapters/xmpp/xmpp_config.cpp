#include "adapters/xmpp/xmpp_config.hpp"

#include <cctype>
#include <memory>
#include <set>

#include "config/section.hpp"

namespace linli {

namespace {

// A bare JID as a room needs it: "local@domain", no resource, no spaces. Prosody checks the
// rest (stringprep); this only catches what would make the join presence nonsense.
bool bare_room_jid(const std::string& j) {
  auto at = j.find('@');
  if (at == 0 || at == std::string::npos || at + 1 == j.size()) return false;
  if (j.find('@', at + 1) != std::string::npos) return false;
  for (char c : j) {
    if (c == '/' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"' || c == '<' ||
        c == '>' || c == '&' || c == '\'')
      return false;
  }
  return true;
}

}  // namespace

void parse_xmpp_config(const ConfigSection& r, AdapterConfig& a) {
  r.allow({"type", "name", "webhook_path", "rate_limits", "rest_url", "token", "nick", "rooms",
           "callback_secret"});
  auto x = std::make_shared<XmppConfig>();
  x->rest_url = r.base_url("rest_url");
  x->token = r.nonempty("token");
  x->callback_secret = r.nonempty("callback_secret");
  if (x->callback_secret.size() < 16) {
    r.fail("callback_secret", "at least 16 characters (openssl rand -hex 16)");
  }
  for (char c : x->callback_secret) {
    // It travels in the callback URL's query: letters, digits, '-' and '_' need no escaping.
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) {
      r.fail("callback_secret", "only A-Z, a-z, 0-9, '-' and '_'");
    }
  }
  x->nick = r.nonempty("nick");
  for (char c : x->nick) {
    // The nick is the resource of room@conference/nick: no '/' inside, and no spaces at the
    // ends, which XMPP servers strip (our echoes would then not be recognised as ours).
    if (c == '/') r.fail("nick", "must not contain '/'");
  }
  if (x->nick.front() == ' ' || x->nick.back() == ' ') {
    r.fail("nick", "must not start or end with a space");
  }
  x->rooms = r.strings("rooms");
  if (x->rooms.empty()) r.fail("rooms", "name at least one room (room@conference.example.org)");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < x->rooms.size(); ++i) {
    std::string key = "rooms[" + std::to_string(i) + "]";
    if (!bare_room_jid(x->rooms[i])) {
      r.fail(key.c_str(), "must be a bare room JID such as room@conference.example.org");
    }
    if (!seen.insert(x->rooms[i]).second) r.fail(key.c_str(), "is listed twice");
  }
  a.bot_username = x->nick;
  // XMPP has no buttons: the adapter writes them as text lines people can type. XEP-0308
  // corrections (mod_rest's "replace") edit our cards. Prosody and mod_rest set no message
  // length (mod_rest takes bodies up to 192 KiB); 4096 keeps a message readable in any client.
  // A person is reached privately at the occupant JID we know them by (a MUC private message)
  // or their own JID (a one-to-one chat): the user id is the private chat, and the bot may
  // write first.
  a.capabilities.buttons = false;
  a.capabilities.edits = true;
  a.capabilities.reply_prompts = false;
  a.capabilities.replies = false;
  a.capabilities.max_text = 4096;
  a.capabilities.max_button_data = 64;
  a.capabilities.private_chat_is_user_id = true;
  a.capabilities.open_private_url = "";
  a.settings = std::move(x);
}

}  // namespace linli
