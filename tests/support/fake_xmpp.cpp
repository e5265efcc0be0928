#include "tests/support/fake_xmpp.hpp"

namespace linli::test {

using nlohmann::json;

namespace {

FakeHttpAnswer error_answer(int code, const std::string& type, const std::string& condition,
                            const std::string& text) {
  FakeHttpAnswer a;
  a.status = code;
  a.body = json{{"type", "error"},
                {"code", code},
                {"error", {{"type", type}, {"condition", condition}, {"text", text}}}}
               .dump();
  return a;
}

FakeHttpAnswer error_stanza(const json& st, const std::string& from, const std::string& type,
                            const std::string& condition, const std::string& text) {
  FakeHttpAnswer a;
  a.status = 200;
  json e = {{"kind", st.value("kind", "message")},
            {"type", "error"},
            {"from", from},
            {"to", "bot@rest.localhost"},
            {"error", {{"type", type}, {"condition", condition}}}};
  if (st.contains("id")) e["id"] = st["id"];
  if (!text.empty()) e["error"]["text"] = text;
  a.body = e.dump();
  return a;
}

std::string bare(const std::string& jid) {
  return jid.substr(0, jid.find('/'));
}

std::string xmpp_str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

FakeModRest::FakeModRest(std::string token)
    : token_(std::move(token)), server_([this](const HttpRequest& r) { return handle(r); }) {}

FakeHttpAnswer FakeModRest::handle(const HttpRequest& r) {
  if (r.path != "/rest") return error_answer(404, "cancel", "item-not-found", "Not found");
  if (r.method != "POST") return error_answer(405, "cancel", "not-allowed", "POST only");
  std::string_view auth = r.header("authorization");
  if (auth.empty()) {
    FakeHttpAnswer a = error_answer(401, "auth", "not-authorized", "No credentials provided");
    a.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"rest.localhost/rest\"");
    return a;
  }
  if (auth != "Bearer " + token_) {
    return error_answer(403, "auth", "not-authorized", "Credentials not accepted");
  }
  if (r.header("content-type").substr(0, 16) != "application/json") {
    return error_answer(415, "modify", "bad-request", "Unsupported Content-Type");
  }
  json st = json::parse(r.body, nullptr, false);
  if (st.is_discarded() || !st.is_object()) {
    return error_answer(400, "modify", "bad-request", "Invalid JSON");
  }
  std::string kind = xmpp_str(st, "kind");
  std::string to = xmpp_str(st, "to");
  if ((kind != "message" && kind != "presence") || to.empty()) {
    return error_answer(422, "modify", "bad-request", "Not a stanza that can be routed");
  }
  std::lock_guard lock(mu_);
  if (kind == "presence") {
    if (st.contains("muc") && xmpp_str(st, "type") != "unavailable") joined_.insert(bare(to));
    if (xmpp_str(st, "type") == "unavailable") joined_.erase(bare(to));
    return FakeHttpAnswer{202, "text/plain", "", {}, {}};
  }
  std::string type = xmpp_str(st, "type");
  if (type == "groupchat" && !joined_.count(to)) {
    return error_stanza(st, to, "cancel", "not-acceptable",
                        "You are not currently connected to this chat");
  }
  if (type == "chat" && offline_.count(to)) {
    return error_stanza(st, bare(to), "cancel", "service-unavailable", "");
  }
  return FakeHttpAnswer{202, "text/plain", "", {}, {}};
}

std::vector<json> FakeModRest::stanzas() const {
  std::vector<json> out;
  for (const auto& x : server_.exchanges("/rest")) {
    if (x.answer.status == 202) out.push_back(json::parse(x.request.body, nullptr, false));
  }
  return out;
}

std::vector<int> FakeModRest::statuses() const {
  std::vector<int> out;
  for (const auto& x : server_.exchanges()) out.push_back(x.answer.status);
  return out;
}

std::vector<XmppMessage> FakeModRest::messages(const std::string& to) const {
  std::vector<XmppMessage> out;
  for (const json& st : stanzas()) {
    if (xmpp_str(st, "kind") != "message" || xmpp_str(st, "to") != to) continue;
    std::string replace = xmpp_str(st, "replace");
    if (!replace.empty()) {
      for (auto& m : out) {
        if (m.id == replace) {
          m.body = xmpp_str(st, "body");
          ++m.edits;
        }
      }
      continue;
    }
    XmppMessage m;
    m.id = xmpp_str(st, "id");
    m.to = to;
    m.type = xmpp_str(st, "type");
    m.body = xmpp_str(st, "body");
    if (st.contains("reply") && st["reply"].is_object()) m.reply_to = xmpp_str(st["reply"], "id");
    out.push_back(std::move(m));
  }
  return out;
}

std::set<std::string> FakeModRest::joined() const {
  std::lock_guard lock(mu_);
  return joined_;
}

int FakeModRest::joins(const std::string& room) const {
  int n = 0;
  for (const json& st : stanzas()) {
    n += xmpp_str(st, "kind") == "presence" && bare(xmpp_str(st, "to")) == room &&
         st.contains("muc");
  }
  return n;
}

void FakeModRest::kick(const std::string& room) {
  std::lock_guard lock(mu_);
  joined_.erase(room);
}

void FakeModRest::set_offline(const std::string& jid) {
  std::lock_guard lock(mu_);
  offline_.insert(jid);
}

bool FakeModRest::wait_until(const std::function<bool(const FakeModRest&)>& pred,
                             std::chrono::milliseconds timeout) const {
  return server_.wait_until([&] { return pred(*this); }, timeout);
}

}  // namespace linli::test
