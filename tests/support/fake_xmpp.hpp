#pragma once
// A fake Prosody mod_rest on FakeHttpServer, answering POST /rest as mod_rest documents it
// (prosody-modules mod_rest/README.markdown, mod_rest.lua; PLATFORMS.md §f): Bearer token or
// 401 (with WWW-Authenticate) / 403; JSON only (415 otherwise), 400 for bad JSON, 422 for a
// stanza kind it cannot route; 202 for a routed message or presence; 200 + a JSON error stanza
// for what the server answers at once: a groupchat message to a room the bot is not in
// ("not-acceptable"), a private message to someone offline ("service-unavailable").
//
// It keeps the rooms the bot joined (a presence with "muc" to room/nick) and what it said where,
// with XEP-0308 corrections applied. Tests POST the callback's JSON to Linli themselves.

#include <chrono>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/fake_http.hpp"

namespace linli::test {

struct XmppMessage {
  std::string id;  // the stanza id the bot gave it
  std::string to;
  std::string type;      // "groupchat" | "chat"
  std::string body;      // as last corrected
  std::string reply_to;  // XEP-0461 reply id, "" when none
  int edits = 0;         // XEP-0308 corrections applied
};

class FakeModRest {
 public:
  explicit FakeModRest(std::string token);

  std::string rest_url() const { return server_.base_url() + "/rest"; }
  // The messages the bot sent to `to` (a room's bare JID, or a person's JID), oldest first.
  std::vector<XmppMessage> messages(const std::string& to) const;
  // Every stanza accepted (202), in order.
  std::vector<nlohmann::json> stanzas() const;
  // Every answer's status, in order.
  std::vector<int> statuses() const;
  std::set<std::string> joined() const;
  int joins(const std::string& room) const;  // join presences for `room` accepted so far
  void kick(const std::string& room);        // the bot is no longer in `room`
  void set_offline(const std::string& jid);  // private messages to `jid` bounce
  bool wait_until(const std::function<bool(const FakeModRest&)>& pred,
                  std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;

 private:
  FakeHttpAnswer handle(const HttpRequest& r);

  std::string token_;
  mutable std::mutex mu_;
  std::set<std::string> joined_;
  std::set<std::string> offline_;
  FakeHttpServer server_;  // last: its thread stops before the state above goes
};

}  // namespace linli::test
