#include "tests/support/fake_wecom.hpp"

#include <algorithm>

#include "adapters/crypto.hpp"
#include "adapters/wecom/wecom_config.hpp"
#include "adapters/wecom/wecom_crypt.hpp"

namespace linli::test {

using nlohmann::json;

namespace {

FakeHttpAnswer errcode(int code, const std::string& errmsg, json more = json::object()) {
  json body = {{"errcode", code}, {"errmsg", errmsg}};
  body.update(more);
  FakeHttpAnswer a;
  a.body = body.dump();
  return a;
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string cdata(const std::string& s) {
  return "<![CDATA[" + s + "]]>";
}

}  // namespace

FakeWecom::FakeWecom(std::string corp_id, std::string secret, std::int64_t agent_id)
    : corp_id_(std::move(corp_id)), secret_(std::move(secret)), agent_id_(agent_id) {
  server_ = std::make_unique<FakeHttpServer>([this](const HttpRequest& r) { return answer(r); });
}

FakeWecom::~FakeWecom() {
  server_.reset();
}

std::string FakeWecom::base_url() const {
  return server_->base_url();
}

FakeHttpAnswer FakeWecom::answer(const HttpRequest& r) {
  if (r.path == "/cgi-bin/gettoken") {
    if (r.method != "GET") return errcode(43001, "require GET method");
    // Global error codes (/90313): 40013 invalid corpid, 40001 invalid secret.
    std::lock_guard lock(mutex_);
    if (r.query_param("corpid") != corp_id_) return ++refused_, errcode(40013, "invalid corpid");
    if (r.query_param("corpsecret") != secret_) return ++refused_, errcode(40001, "invalid secret");
    std::string token =
        "ACCESS_TOKEN_" + std::to_string(++issued_) + "_" + crypto::hex(crypto::random_bytes(8));
    valid_tokens_.push_back(token);
    return errcode(0, "ok", {{"access_token", token}, {"expires_in", 7200}});
  }
  if (r.path == "/cgi-bin/message/send") return send(r, "message/send");
  if (r.path == "/cgi-bin/appchat/send") return send(r, "appchat/send");
  FakeHttpAnswer a;
  a.status = 404;
  a.content_type = "text/plain";
  a.body = "not found";
  return a;
}

FakeHttpAnswer FakeWecom::send(const HttpRequest& r, const std::string& api) {
  std::lock_guard lock(mutex_);
  auto done = [&](FakeHttpAnswer a, int code) {
    answers_.emplace_back(api, code);
    return a;
  };
  if (r.method != "POST") return done(errcode(43002, "require POST method"), 43002);
  std::string token = r.query_param("access_token");
  if (token.empty()) return done(errcode(41001, "access_token missing"), 41001);
  if (has(expired_tokens_, token)) return done(errcode(42001, "access_token expired"), 42001);
  if (!has(valid_tokens_, token)) return done(errcode(40014, "invalid access_token"), 40014);
  json body = json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) return done(errcode(47001, "data format error"), 47001);

  WecomMessage m;
  m.api = api;
  m.msgtype = body.value("msgtype", "");
  if (api == "message/send") {
    m.to = body.value("touser", "");
    if (!body.contains("agentid") || !body["agentid"].is_number_integer() ||
        body["agentid"].get<std::int64_t>() != agent_id_) {
      return done(errcode(40056, "invalid agentid"), 40056);
    }
    if (m.to.empty()) return done(errcode(40031, "invalid user list"), 40031);
  } else {
    m.to = body.value("chatid", "");
    if (m.to.empty()) return done(errcode(86003, "chatid not found"), 86003);
  }
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    if (!it->to.empty() && it->to != m.to) continue;
    int code = it->errcode;
    if (--it->times <= 0) faults_.erase(it);
    return done(errcode(code, code == 45009   ? "api freq out of limit"
                              : code == 45033 ? "api concurrent out of limit"
                                              : "system busy"),
                code);
  }
  if (m.msgtype == "text") {
    if (!body.contains("text") || !body["text"].is_object())
      return done(errcode(44004, "empty content"), 44004);
    m.text = body["text"].value("content", "");
    if (m.text.empty()) return done(errcode(44004, "empty content"), 44004);
    if (m.text.size() > 2048) return done(errcode(45002, "content size out of limit"), 45002);
  } else if (m.msgtype == "template_card" && api == "message/send") {
    const json& card = body["template_card"];
    if (!card.is_object() || card.value("card_type", "") != "button_interaction")
      return done(errcode(40058, "invalid template_card"), 40058);
    m.text = card.value("sub_title_text", "");
    m.task_id = card.value("task_id", "");
    if (m.task_id.empty()) return done(errcode(40058, "task_id missing"), 40058);
    const json& list = card["button_list"];
    if (!list.is_array() || list.empty() || list.size() > 6)
      return done(errcode(40058, "invalid button_list"), 40058);
    for (const auto& b : list) m.buttons.emplace_back(b.value("text", ""), b.value("key", ""));
  } else {
    return done(errcode(40008, "invalid message type"), 40008);
  }
  m.msgid = "msgid_" + std::to_string(next_msgid_++);
  messages_.push_back(m);
  json more = json::object();
  if (api == "message/send") more = {{"invaliduser", ""}, {"msgid", m.msgid}};
  return done(errcode(0, "ok", more), 0);
}

std::vector<WecomMessage> FakeWecom::to_user(const std::string& userid) const {
  std::lock_guard lock(mutex_);
  std::vector<WecomMessage> out;
  for (const auto& m : messages_)
    if (m.api == "message/send" && m.to == userid) out.push_back(m);
  return out;
}

std::vector<WecomMessage> FakeWecom::in_chat(const std::string& chatid) const {
  std::lock_guard lock(mutex_);
  std::vector<WecomMessage> out;
  for (const auto& m : messages_)
    if (m.api == "appchat/send" && m.to == chatid) out.push_back(m);
  return out;
}

std::vector<WecomMessage> FakeWecom::all() const {
  std::lock_guard lock(mutex_);
  return messages_;
}

int FakeWecom::tokens_issued() const {
  std::lock_guard lock(mutex_);
  return issued_;
}

int FakeWecom::token_refusals() const {
  std::lock_guard lock(mutex_);
  return refused_;
}

std::vector<std::pair<std::string, int>> FakeWecom::answers() const {
  std::lock_guard lock(mutex_);
  return answers_;
}

void FakeWecom::fail_sends(int code, int times, std::string to) {
  std::lock_guard lock(mutex_);
  faults_.push_back(Fault{code, times, std::move(to)});
}

void FakeWecom::expire_tokens() {
  std::lock_guard lock(mutex_);
  expired_tokens_.insert(expired_tokens_.end(), valid_tokens_.begin(), valid_tokens_.end());
  valid_tokens_.clear();
}

bool FakeWecom::wait_until(const std::function<bool(const FakeWecom&)>& pred,
                           std::chrono::milliseconds timeout) const {
  return server_->wait_until([&] { return pred(*this); }, timeout);
}

WecomCallbacks::WecomCallbacks(std::string path, std::string token, std::string encoding_aes_key,
                               std::string corp_id, std::int64_t agent_id)
    : path_(std::move(path)),
      token_(std::move(token)),
      aes_key_(wecom_aes_key(encoding_aes_key).value_or("")),
      corp_id_(std::move(corp_id)),
      agent_id_(agent_id) {}

WecomCallback WecomCallbacks::seal(const std::string& msg, const std::string& receive_id,
                                   bool xml_envelope) {
  std::string timestamp = std::to_string(time_s_);
  std::string nonce = std::to_string(1'000'000'000 + next_id_ * 7919);
  std::string encrypt = wecom::encrypt(aes_key_, msg, receive_id, crypto::random_bytes(16));
  WecomCallback c;
  c.target = path_ + "?msg_signature=" + wecom::signature(token_, timestamp, nonce, encrypt) +
             "&timestamp=" + timestamp + "&nonce=" + nonce;
  if (xml_envelope) {
    c.body = "<xml><ToUserName>" + cdata(corp_id_) + "</ToUserName><Encrypt>" + cdata(encrypt) +
             "</Encrypt><AgentID>" + cdata(std::to_string(agent_id_)) + "</AgentID></xml>";
  } else {
    c.body = json{{"encrypt", encrypt}}.dump();
  }
  return c;
}

WecomCallback WecomCallbacks::app_text(const std::string& user, const std::string& text) {
  std::int64_t id = next_id_++;
  std::string created = std::to_string(++time_s_);
  std::string xml = "<xml><ToUserName>" + cdata(corp_id_) + "</ToUserName><FromUserName>" +
                    cdata(user) + "</FromUserName><CreateTime>" + created +
                    "</CreateTime><MsgType>" + cdata("text") + "</MsgType><Content>" + cdata(text) +
                    "</Content><MsgId>" + std::to_string(7'000'000'000 + id) + "</MsgId><AgentID>" +
                    std::to_string(agent_id_) + "</AgentID></xml>";
  return seal(xml, corp_id_, true);
}

WecomCallback WecomCallbacks::card_press(const std::string& user, const std::string& key,
                                         const std::string& task_id) {
  ++next_id_;
  std::string created = std::to_string(++time_s_);
  std::string xml =
      "<xml><ToUserName>" + cdata(corp_id_) + "</ToUserName><FromUserName>" + cdata(user) +
      "</FromUserName><CreateTime>" + created + "</CreateTime><MsgType>" + cdata("event") +
      "</MsgType><Event>" + cdata("template_card_event") + "</Event><EventKey>" + cdata(key) +
      "</EventKey><TaskId>" + cdata(task_id) + "</TaskId><CardType>" + cdata("button_interaction") +
      "</CardType><ResponseCode>" + cdata("rc_" + std::to_string(time_s_)) +
      "</ResponseCode><AgentID>" + std::to_string(agent_id_) + "</AgentID></xml>";
  return seal(xml, corp_id_, true);
}

WecomCallback WecomCallbacks::robot_mention(const std::string& chatid, const std::string& user,
                                            const std::string& text, const std::string& robot) {
  std::int64_t id = next_id_++;
  ++time_s_;
  json j = {{"msgid", "robotmsg_" + std::to_string(id)},
            {"aibotid", "aib_linli"},
            {"chatid", chatid},
            {"chattype", "group"},
            {"from", {{"userid", user}}},
            {"response_url", "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?code=x"},
            {"msgtype", "text"},
            // WeCom's clients put U+2005 after the @name.
            {"text", {{"content", "@" + robot + "\xE2\x80\x85" + text}}}};
  // The company's own robot encrypts with an empty receiveid (README "Callbacks").
  return seal(j.dump(), "", false);
}

}  // namespace linli::test
