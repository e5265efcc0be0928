#pragma once
// XMPP through Prosody's mod_rest as a platform (PLATFORMS.md §f). The callback: every stanza
// for the bot's component JID is POSTed to the webhook as JSON (rest_callback_content_type =
// "application/json"), with no signature: keep it on loopback or a private network. The API:
// JSON stanzas POSTed to rest_url with "Authorization: Bearer <token>"; 202 = routed.
//
// The callback is always answered 2xx, never 4xx/5xx: mod_rest turns any other answer into an
// error stanza to the sender, and a room that gets one from the bot kicks it (and a 200 with a
// body is a reply stanza to send). So: 204 for everything, bad JSON included, and 204 even
// when deciding an event fails (WebhookResult::failure_status).
//
// Who is who (adapters/xmpp/README.md):
//  - a groupchat message from room@conference/nick, for a room of ours: a group event, chat =
//    the room's bare JID, user = the occupant JID room@conference/nick (mod_rest's JSON carries
//    no real JID; occupant_id is per room and cannot be written to);
//  - a chat message: a private event. From an occupant of one of our rooms (a MUC private
//    message) chat = user = that occupant JID; from anyone else chat = user = their bare JID.
//    Either way the user id is the private chat (capabilities.private_chat_is_user_id).
//  - dropped: our own echoes (from our nick), history and offline messages (delay), errors,
//    subjects and invitations, corrections (replace) of what people typed.
//
// A pure translator (STYLE 6), with one piece of memory: the ids the room gave our own
// messages (XEP-0359 stanza-id, learned from their echoes), because clients reply to a room
// message by that id (XEP-0461) while we know it by the id we sent it with. Thread-safe.

#include <deque>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>

#include "adapters/adapter.hpp"
#include "adapters/xmpp/xmpp_config.hpp"

namespace linli {

class XmppAdapter final : public Adapter {
 public:
  explicit XmppAdapter(AdapterConfig config);
  const AdapterConfig& config() const override { return config_; }
  // OPTIONS: mod_rest's probe when it starts; (re)joining our rooms answers it.
  std::vector<std::string> webhook_methods() const override { return {"POST", "OPTIONS"}; }
  // The callback's "?secret=" (mod_rest signs nothing), compared in constant time.
  int check_headers(const HttpRequest& head) const override;
  WebhookResult on_webhook(const HttpRequest& request, std::int64_t now_ms) override;
  ApiCall render(const OutboundMessage& m, const std::string& target_platform_id) const override;
  SendResult interpret(const OutboundMessage& m, const ApiResponse& r) const override;
  std::vector<ApiCall> start_calls() const override;

  // The presence that joins `room` as our nick, without history (mod_rest's "muc" element).
  ApiCall join(const std::string& room) const;

  static constexpr std::size_t kMaxTextChars = 4096;     // code points of one body
  static constexpr std::size_t kRememberedIds = 20'000;  // stanza-ids of our messages kept

 private:
  bool secret_matches(const HttpRequest& request) const;
  void remember(const std::string& stanza_id, const std::string& our_id);
  std::string our_id_for(const std::string& stanza_id) const;

  AdapterConfig config_;
  XmppConfig xmpp_;
  std::string secret_sha_;  // SHA-256 of callback_secret
  std::set<std::string> rooms_;

  mutable std::mutex mu_;
  std::unordered_map<std::string, std::string> by_stanza_id_;  // room's id -> ours
  std::deque<std::string> order_;                              // oldest first, to forget
};

}  // namespace linli
