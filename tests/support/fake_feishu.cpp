#include "tests/support/fake_feishu.hpp"

#include <algorithm>

namespace linli::test {

using nlohmann::json;

namespace {

FakeHttpAnswer feishu_answer(int status, json body) {
  FakeHttpAnswer a;
  a.status = status;
  a.content_type = "application/json; charset=utf-8";
  a.body = body.dump();
  return a;
}

FakeHttpAnswer error(int status, int code, const std::string& msg) {
  return feishu_answer(status, {{"code", code}, {"msg", msg}});
}

// The card's texts and its buttons' values, as a person sees and presses them.
void read_card(const json& card, FeishuMessage& m) {
  m.text.clear();
  m.buttons.clear();
  for (const auto& e : card.value("elements", json::array())) {
    if (e.value("tag", "") == "div" && e.contains("text")) {
      if (!m.text.empty()) m.text += "\n";
      m.text += e["text"].value("content", "");
    }
    if (e.value("tag", "") == "action") {
      for (const auto& a : e.value("actions", json::array())) m.buttons.push_back(a["value"]);
    }
  }
}

bool read_content(const std::string& msg_type, const std::string& content, FeishuMessage& m) {
  json c = json::parse(content, nullptr, false);
  if (!c.is_object()) return false;
  m.msg_type = msg_type;
  if (msg_type == "text") {
    if (!c.contains("text") || !c["text"].is_string()) return false;
    m.text = c["text"];
    return true;
  }
  if (msg_type == "interactive") {
    read_card(c, m);
    return true;
  }
  return false;
}

}  // namespace

FakeFeishu::FakeFeishu(std::string app_id, std::string app_secret)
    : app_id_(std::move(app_id)), app_secret_(std::move(app_secret)) {
  server_ = std::make_unique<FakeHttpServer>([this](const HttpRequest& r) { return handle(r); });
}

std::vector<FeishuMessage> FakeFeishu::messages(const std::string& chat_id) const {
  std::lock_guard lock(mutex_);
  std::vector<FeishuMessage> out;
  for (const auto& m : messages_)
    if (m.chat_id == chat_id) out.push_back(m);
  return out;
}

std::vector<FeishuMessage> FakeFeishu::all_messages() const {
  std::lock_guard lock(mutex_);
  return messages_;
}

int FakeFeishu::tokens_issued() const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(tokens_.size());
}

void FakeFeishu::person_wrote(const std::string& message_id, const std::string& chat_id) {
  std::lock_guard lock(mutex_);
  FeishuMessage m;
  m.message_id = message_id;
  m.chat_id = chat_id;
  m.msg_type = "text";
  people_.push_back(std::move(m));
}

void FakeFeishu::rate_limit_next(int n) {
  std::lock_guard lock(mutex_);
  rate_limited_ = n;
}

void FakeFeishu::revoke_tokens() {
  std::lock_guard lock(mutex_);
  for (auto& [t, valid] : tokens_) valid = false;
}

FakeHttpAnswer FakeFeishu::handle(const HttpRequest& r) {
  std::lock_guard lock(mutex_);
  const std::string prefix = "/open-apis/im/v1/messages";
  json body = json::parse(r.body, nullptr, false);
  if (r.path == "/open-apis/auth/v3/tenant_access_token/internal") {
    if (r.method != "POST" || !body.is_object()) return error(400, 9499, "bad request");
    if (body.value("app_id", "") != app_id_ || body.value("app_secret", "") != app_secret_)
      return error(400, 10014, "app secret invalid");
    std::string token = "t-" + std::to_string(tokens_.size() + 1);
    tokens_[token] = true;
    return feishu_answer(
        200, {{"code", 0}, {"msg", "ok"}, {"tenant_access_token", token}, {"expire", 7200}});
  }
  if (r.path.rfind(prefix, 0) != 0) return error(404, 404, "not found");
  std::string auth(r.header("authorization"));
  std::string token = auth.rfind("Bearer ", 0) == 0 ? auth.substr(7) : "";
  if (token.empty()) return error(400, 99991661, "Missing access token for authorization");
  auto t = tokens_.find(token);
  if (t == tokens_.end() || !t->second)
    return error(400, 99991663, "Invalid access token for authorization");
  if (rate_limited_ > 0) {
    --rate_limited_;
    return error(429, 99991400, "request trigger frequency limit");
  }
  if (!body.is_object()) return error(400, 230001, "invalid request body");
  std::string rest = r.path.substr(prefix.size());
  if (rest.empty() && r.method == "POST") {
    std::string type = r.query == "receive_id_type=chat_id"   ? "chat_id"
                       : r.query == "receive_id_type=open_id" ? "open_id"
                                                              : "";
    std::string to = body.value("receive_id", "");
    if (type.empty() || to.empty()) return error(400, 230001, "invalid receive_id");
    std::string chat = type == "open_id" ? p2p_chat(to) : to;
    if (chat.rfind("oc_", 0) != 0) return error(400, 230002, "chat not found");
    return send(r, chat, "", body);
  }
  // /{message_id}/reply or /{message_id}
  std::string id = rest.substr(1);
  bool reply = id.size() > 6 && id.compare(id.size() - 6, 6, "/reply") == 0;
  if (reply) id.resize(id.size() - 6);
  auto it = std::find_if(messages_.begin(), messages_.end(),
                         [&](const FeishuMessage& m) { return m.message_id == id; });
  if (it == messages_.end()) {
    it = std::find_if(people_.begin(), people_.end(),
                      [&](const FeishuMessage& m) { return m.message_id == id; });
    if (it == people_.end()) return error(400, 230011, "message not found");
    if (!reply) return error(400, 230001, "not the bot's message");
  }
  if (reply && r.method == "POST") return send(r, it->chat_id, id, body);
  if (!reply && r.method == "PATCH") {
    if (it->msg_type != "interactive") return error(400, 230001, "only cards can be updated");
    FeishuMessage updated = *it;
    if (!read_content("interactive", body.value("content", ""), updated))
      return error(400, 230001, "invalid content");
    updated.edits = it->edits + 1;
    *it = updated;
    return feishu_answer(200, {{"code", 0}, {"msg", "success"}, {"data", json::object()}});
  }
  return error(405, 405, "method not allowed");
}

FakeHttpAnswer FakeFeishu::send(const HttpRequest&, const std::string& chat_id,
                                const std::string& parent_id, const json& body) {
  FeishuMessage m;
  if (!read_content(body.value("msg_type", ""), body.value("content", ""), m))
    return error(400, 230001, "invalid content");
  m.message_id = "om_" + std::to_string(++next_);
  m.chat_id = chat_id;
  m.parent_id = parent_id;
  messages_.push_back(m);
  return feishu_answer(200, {{"code", 0},
                             {"msg", "success"},
                             {"data",
                              {{"message_id", m.message_id},
                               {"chat_id", chat_id},
                               {"parent_id", parent_id},
                               {"msg_type", m.msg_type},
                               {"body", {{"content", body.value("content", "")}}}}}});
}

}  // namespace linli::test
