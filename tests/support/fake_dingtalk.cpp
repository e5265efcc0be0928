#include "tests/support/fake_dingtalk.hpp"

#include "adapters/crypto.hpp"
#include "adapters/dingtalk/dingtalk_adapter.hpp"

namespace linli::test {

using nlohmann::json;

namespace {

FakeHttpAnswer dingtalk_answer(int status, const json& body) {
  FakeHttpAnswer a;
  a.status = status;
  a.body = body.dump();
  return a;
}

FakeHttpAnswer v1_error(int status, const std::string& code, const std::string& message) {
  return dingtalk_answer(status,
                         {{"code", code}, {"message", message}, {"requestid", "fake-request"}});
}

std::string unhex(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i + 1 < s.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(s.substr(i, 2), nullptr, 16)));
  }
  return out;
}

// The text a send carried, or "" when its body is not what DingTalk takes.
bool read_send(const HttpRequest& r, DingTalkMessage& m) {
  json body = json::parse(r.body, nullptr, false);
  if (!body.is_object()) return false;
  if (r.path == "/robot/sendBySession") {
    m.via_session = true;
    m.chat = unhex(r.query_param("session"));
    if (body.value("msgtype", "") != "text" || !body.contains("text")) return false;
    m.text = body["text"].value("content", "");
    if (body.contains("at")) {
      for (const auto& u : body["at"].value("atUserIds", json::array())) {
        m.at_user_ids.push_back(u.get<std::string>());
      }
    }
    return true;
  }
  if (body.value("msgKey", "") != "sampleText") return false;
  json param = json::parse(body.value("msgParam", ""), nullptr, false);
  if (!param.is_object() || !param.contains("content")) return false;
  m.text = param["content"].get<std::string>();
  if (r.path == "/v1.0/robot/groupMessages/send") {
    m.chat = body.value("openConversationId", "");
  } else {
    const json ids = body.value("userIds", json::array());
    if (ids.size() != 1) return false;
    m.chat = ids[0].get<std::string>();
  }
  return !m.chat.empty();
}

}  // namespace

FakeDingTalk::FakeDingTalk(std::string app_key, std::string app_secret, std::string robot_code)
    : app_key_(std::move(app_key)),
      app_secret_(std::move(app_secret)),
      robot_code_(std::move(robot_code)),
      server_([this](const HttpRequest& r) { return handle(r); }) {}

std::string FakeDingTalk::session_url(const std::string& chat) const {
  return base_url() + "/robot/sendBySession?session=" + crypto::hex(chat);
}

FakeHttpAnswer FakeDingTalk::handle(const HttpRequest& r) {
  std::lock_guard lock(mutex_);
  if (r.method != "POST") return v1_error(405, "MethodNotAllowed", "POST only");
  json body = json::parse(r.body, nullptr, false);
  if (r.path == "/v1.0/oauth2/accessToken") {
    if (!body.is_object() || body.value("appKey", "") != app_key_ ||
        body.value("appSecret", "") != app_secret_) {
      return v1_error(400, "invalidClientIdOrSecret", "无效的clientId或者clientSecret");
    }
    return dingtalk_answer(
        200, {{"accessToken", "tok-" + std::to_string(++issued_)}, {"expireIn", 7200}});
  }
  if (r.path == "/robot/sendBySession") {
    DingTalkMessage m;
    if (!read_send(r, m))
      return dingtalk_answer(200, {{"errcode", 300001}, {"errmsg", "invalid message"}});
    if (throttle_sessions_ > 0) {
      --throttle_sessions_;
      FakeHttpAnswer a = dingtalk_answer(
          200, {{"errcode", 130101}, {"errmsg", "send too fast, exceed 20 times per minute"}});
      a.headers.emplace_back("Retry-After", "1");  // the tests' own: not DingTalk's habit
      return a;
    }
    return dingtalk_answer(200, {{"errcode", 0}, {"errmsg", "ok"}});
  }
  if (r.path != "/v1.0/robot/groupMessages/send" && r.path != "/v1.0/robot/oToMessages/batchSend") {
    return v1_error(404, "NotFound", "no such API");
  }
  std::string token(r.header("x-acs-dingtalk-access-token"));
  int k = token.rfind("tok-", 0) == 0 ? std::atoi(token.c_str() + 4) : 0;
  if (k < first_good_ || k > issued_) {
    return v1_error(401, "InvalidAuthentication", "不合法的access_token");
  }
  DingTalkMessage m;
  if (!read_send(r, m) || body.value("robotCode", "") != robot_code_) {
    return v1_error(400, "invalidParameter.param.invalid", "参数不合法");
  }
  if (throttle_api_ > 0) {
    --throttle_api_;
    FakeHttpAnswer a = v1_error(403, "Forbidden.AccessDenied.QpsLimitForApi", "调用频率超过限制");
    a.headers.emplace_back("Retry-After", "1");  // the tests' own: not DingTalk's habit
    return a;
  }
  json ok = {{"processQueryKey", "pqk-" + std::to_string(++sent_)}};
  if (r.path == "/v1.0/robot/oToMessages/batchSend") {
    ok["invalidStaffIdList"] = json::array();
    ok["flowControlledStaffIdList"] = json::array();
  }
  return dingtalk_answer(200, ok);
}

std::vector<DingTalkMessage> FakeDingTalk::messages(const std::string& chat) const {
  std::vector<DingTalkMessage> out;
  for (const auto& e : server_.exchanges()) {
    if (e.answer.status != 200) continue;
    json a = json::parse(e.answer.body, nullptr, false);
    if (!a.is_object() || (a.contains("errcode") && a["errcode"] != 0)) continue;
    if (a.contains("accessToken")) continue;
    DingTalkMessage m;
    if (read_send(e.request, m) && m.chat == chat) out.push_back(std::move(m));
  }
  return out;
}

int FakeDingTalk::token_fetches() const {
  return static_cast<int>(server_.exchanges("/v1.0/oauth2/accessToken").size());
}

bool FakeDingTalk::wait_until(const std::function<bool(const FakeDingTalk&)>& pred,
                              std::chrono::milliseconds timeout) const {
  return server_.wait_until([&] { return pred(*this); }, timeout);
}

void FakeDingTalk::throttle_api(int n) {
  std::lock_guard lock(mutex_);
  throttle_api_ = n;
}

void FakeDingTalk::throttle_sessions(int n) {
  std::lock_guard lock(mutex_);
  throttle_sessions_ = n;
}

void FakeDingTalk::revoke_tokens() {
  std::lock_guard lock(mutex_);
  first_good_ = issued_ + 1;
}

std::vector<std::pair<std::string, std::string>> dingtalk_headers(const std::string& app_secret,
                                                                  std::int64_t timestamp_ms) {
  std::string ts = std::to_string(timestamp_ms);
  return {{"timestamp", ts}, {"sign", DingTalkAdapter::sign(ts, app_secret)}};
}

}  // namespace linli::test
