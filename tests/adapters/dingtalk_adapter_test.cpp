// The DingTalk adapter alone: the robot's signature (derived from the documented formula, and
// one value computed with openssl when this test was written), its one-hour window, decoding,
// sessionWebhooks remembered and forgotten, rendering and DingTalk's answers.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "adapters/crypto.hpp"
#include "adapters/dingtalk/dingtalk_adapter.hpp"
#include "adapters/registry.hpp"

namespace linli {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

constexpr const char* kSecret = "dt-app-secret_0123456789ABCDEF";
constexpr std::int64_t kNow = 1'800'000'000'000;

const char* no_env(const char*) {
  return nullptr;
}

AdapterConfig dt_config(const json& extra = json::object()) {
  json a = {{"type", "dingtalk"},    {"name", "dt"},           {"app_key", "key1"},
            {"app_secret", kSecret}, {"robot_code", "robot1"}, {"api_base", "http://127.0.0.1:9"}};
  a.merge_patch(extra);
  json c = {{"database", "unused.db"},
            {"adapters", {a}},
            {"communities",
             {{{"id", "sc"},
               {"name", "社区"},
               {"coordinators", {"dt:zhou01"}},
               {"groups", {{{"chat", "dt:cidV"}, {"kind", "volunteers"}}}}}}}};
  return parse_config(c.dump(), no_env).adapters.at(0);
}

HttpRequest request(const json& body, std::int64_t ts, const std::string& secret = kSecret) {
  HttpRequest r;
  r.method = "POST";
  r.path = r.target = "/dingtalk/dt";
  r.body = body.dump();
  std::string t = std::to_string(ts);
  r.headers = {{"timestamp", t}, {"sign", DingTalkAdapter::sign(t, secret)}};
  return r;
}

json group_text(const std::string& content, const std::string& msg_id = "msg1") {
  return {{"msgtype", "text"},
          {"text", {{"content", content}}},
          {"msgId", msg_id},
          {"createAt", kNow - 10},
          {"conversationType", "2"},
          {"conversationId", "cidGroup=="},
          {"senderId", "$:LWCP:$x"},
          {"senderNick", "陈师傅"},
          {"senderStaffId", "chen01"},
          {"sessionWebhook", "https://oapi.dingtalk.com/robot/sendBySession?session=g"},
          {"sessionWebhookExpiredTime", kNow + 90 * 60'000}};
}

class DingTalkAdapterTest : public ::testing::Test {
 protected:
  DingTalkAdapter a_{dt_config()};
};

// ---- The signature ----

TEST(DingTalkSign, ValueComputedWithOpensslWhenThisTestWasWritten) {
  // printf '1800000000000\ndt-app-secret_0123456789ABCDEF' |
  //   openssl dgst -sha256 -hmac 'dt-app-secret_0123456789ABCDEF' -binary | base64
  EXPECT_EQ(DingTalkAdapter::sign("1800000000000", kSecret),
            "4qChgeIxhCaYtTn20rQlKQaLnserN8DjK243Ko2rc7M=");
  // The documentation's example timestamp with a secret of our own (no expected value is
  // published): printf '1577262236757\ntestsecret' | openssl ... -hmac 'testsecret' | base64
  EXPECT_EQ(DingTalkAdapter::sign("1577262236757", "testsecret"),
            "J+BiSbR3jshnMXl7lBt86VHVkxu/BShC2VzSWYBVCKE=");
}

TEST(DingTalkSign, IsTheDocumentedFormula) {
  for (std::string ts : {"0", "1577262236757", "1800000000000"}) {
    std::string expected =
        encode_base64(crypto::hmac_sha256(kSecret, ts + "\n" + std::string(kSecret)));
    EXPECT_EQ(DingTalkAdapter::sign(ts, kSecret), expected) << ts;
    EXPECT_EQ(DingTalkAdapter::sign(ts, kSecret).size(), 44u);  // 32 bytes in base64
  }
}

TEST_F(DingTalkAdapterTest, AGoodSignatureWithinTheHourIsAccepted) {
  for (std::int64_t ts : {kNow, kNow - 3'600'000, kNow + 3'600'000}) {
    auto r = a_.on_webhook(request(group_text(" 你好"), ts), kNow);
    EXPECT_EQ(r.status, 200) << ts;
    EXPECT_EQ(r.events.size(), 1u) << ts;
    EXPECT_EQ(a_.check_headers(request(group_text(" 你好"), ts)), 0);
  }
}

TEST_F(DingTalkAdapterTest, EachFailureIsRefusedWithNoEvent) {
  std::vector<HttpRequest> bad;
  bad.push_back(request(group_text("x"), kNow, "another-secret"));  // wrong secret
  bad.push_back(request(group_text("x"), kNow - 3'600'001));        // stale
  bad.push_back(request(group_text("x"), kNow + 3'600'001));        // from the future
  HttpRequest tampered = request(group_text("x"), kNow);
  tampered.headers[1].second[5] ^= 1;  // one bit of the sign
  bad.push_back(tampered);
  HttpRequest other_ts = request(group_text("x"), kNow);
  other_ts.headers[0].second = std::to_string(kNow + 1);  // the sign of another moment
  bad.push_back(other_ts);
  HttpRequest none = request(group_text("x"), kNow);
  none.headers.clear();
  bad.push_back(none);
  HttpRequest letters = request(group_text("x"), kNow);
  letters.headers[0].second = "18e11";
  bad.push_back(letters);
  for (const auto& r : bad) {
    auto out = a_.on_webhook(r, kNow);
    EXPECT_EQ(out.status, 401);
    EXPECT_TRUE(out.events.empty());
  }
  EXPECT_EQ(a_.sessions(), 0u);  // nothing remembered from a refused request either
  // Before the body: the signature is refused by the headers alone.
  EXPECT_EQ(a_.check_headers(bad[0]), 401);
  EXPECT_EQ(a_.check_headers(bad[3]), 401);
  EXPECT_EQ(a_.check_headers(bad[5]), 401);
}

TEST_F(DingTalkAdapterTest, TheBodyIsSignedByNothingButItsTimestampSoItIsCheckedAsJson) {
  HttpRequest r = request(group_text("x"), kNow);
  r.body = "{not json";
  EXPECT_EQ(a_.on_webhook(r, kNow).status, 400);
}

// ---- Decoding ----

TEST_F(DingTalkAdapterTest, AGroupMessageAfterAnAtLosesItsSpace) {
  auto r = a_.on_webhook(request(group_text(" 　接单 #12 "), kNow), kNow);
  ASSERT_EQ(r.events.size(), 1u);
  const InboundEvent& ev = r.events[0];
  EXPECT_EQ(ev.adapter, "dt");
  EXPECT_EQ(ev.event_id, "msg1");
  EXPECT_EQ(ev.message_id, "msg1");
  EXPECT_EQ(ev.chat, "cidGroup==");
  EXPECT_EQ(ev.chat_kind, ChatKind::group);
  EXPECT_EQ(ev.user, "chen01");
  EXPECT_EQ(ev.user_name, "陈师傅");
  EXPECT_EQ(ev.text, "接单 #12");
  EXPECT_EQ(ev.at_ms, kNow - 10);
  EXPECT_TRUE(ev.reply_to.empty());
  EXPECT_TRUE(ev.addressed) << "a group robot hears only what @-mentions it";
}

TEST_F(DingTalkAdapterTest, APrivateChatIsNamedByTheUserid) {
  json b = group_text("你好");
  b["conversationType"] = "1";
  b["conversationId"] = "cidPrivate==";
  auto r = a_.on_webhook(request(b, kNow), kNow);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].chat_kind, ChatKind::private_chat);
  EXPECT_FALSE(r.events[0].addressed);
  EXPECT_EQ(r.events[0].chat, "chen01");
  // Without a staffId (someone from outside the organisation): the encrypted senderId.
  b.erase("senderStaffId");
  r = a_.on_webhook(request(b, kNow), kNow);
  EXPECT_EQ(r.events.at(0).user, "$:LWCP:$x");
}

TEST_F(DingTalkAdapterTest, OtherKindsAreAcknowledgedAndDropped) {
  json picture = group_text("x");
  picture["msgtype"] = "picture";
  json blank = group_text("   ");
  json odd = group_text("x");
  odd["conversationType"] = 2;  // a number, not the documented string
  for (const json& b : {picture, blank, odd}) {
    auto r = a_.on_webhook(request(b, kNow), kNow);
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(r.events.empty());
  }
  json no_id = group_text("x");
  no_id.erase("msgId");
  EXPECT_EQ(a_.on_webhook(request(no_id, kNow), kNow).status, 400);
}

// ---- Sending: the sessionWebhook while it lives, else the robot API ----

OutboundMessage to_group(const std::string& text) {
  OutboundMessage m;
  m.adapter = "dt";
  m.chat = "cidGroup==";
  m.text = text;
  return m;
}

TEST_F(DingTalkAdapterTest, RepliesGoThroughTheSessionWhileItLives) {
  a_.on_webhook(request(group_text("x"), kNow), kNow);
  EXPECT_EQ(a_.token_call(kNow).has_value(), true);  // a token is kept all the same
  OutboundMessage m = to_group("好的");
  m.mentions = {"chen01"};
  m.buttons = {{{"维修", "d:1:0"}, {"医护", "d:1:1"}}, {{"Take #3", "t:3:take"}}};
  ApiCall c = a_.render(m, "");
  EXPECT_EQ(c.url, "https://oapi.dingtalk.com/robot/sendBySession?session=g");
  EXPECT_TRUE(c.headers.empty());  // no token
  json body = json::parse(c.body);
  EXPECT_EQ(body["msgtype"], "text");
  EXPECT_EQ(body["text"]["content"], "好的\n\n👉 回复「维修」\n👉 回复「医护」\n👉 Reply \"Take #3\"");
  EXPECT_EQ(body["at"]["atUserIds"], json::array({"chen01"}));
  // Within a minute of its end the session is not used: the robot API is.
  a_.token_call(kNow + 90 * 60'000 - 59'000);
  EXPECT_THAT(a_.render(m, "").url, HasSubstr("/v1.0/robot/groupMessages/send"));
  EXPECT_EQ(a_.sessions(), 0u);  // and forgotten
}

TEST_F(DingTalkAdapterTest, WithoutASessionTheRobotApiWithTheToken) {
  auto fetch = a_.token_call(kNow);
  ASSERT_TRUE(fetch);
  EXPECT_EQ(fetch->url, "http://127.0.0.1:9/v1.0/oauth2/accessToken");
  EXPECT_EQ(json::parse(fetch->body), (json{{"appKey", "key1"}, {"appSecret", kSecret}}));
  std::string error;
  ASSERT_TRUE(a_.on_token({200, R"({"accessToken":"tok1","expireIn":7200})", "", ""}, kNow, error));
  EXPECT_FALSE(a_.token_call(kNow + 60'000));
  EXPECT_TRUE(a_.token_call(kNow + 7200'000 - 299'000));  // fetched again before it ends

  ApiCall g = a_.render(to_group("你好"), "");
  EXPECT_EQ(g.url, "http://127.0.0.1:9/v1.0/robot/groupMessages/send");
  ASSERT_EQ(g.headers.size(), 1u);
  EXPECT_EQ(g.headers[0],
            (std::pair<std::string, std::string>{"x-acs-dingtalk-access-token", "tok1"}));
  json gb = json::parse(g.body);
  EXPECT_EQ(gb["robotCode"], "robot1");
  EXPECT_EQ(gb["openConversationId"], "cidGroup==");
  EXPECT_EQ(gb["msgKey"], "sampleText");
  EXPECT_EQ(json::parse(gb["msgParam"].get<std::string>())["content"], "你好");

  OutboundMessage p;
  p.adapter = "dt";
  p.user = "li01";
  p.private_chat = true;
  p.text = "地址：2单元501";
  ApiCall o = a_.render(p, "");
  EXPECT_EQ(o.url, "http://127.0.0.1:9/v1.0/robot/oToMessages/batchSend");
  EXPECT_EQ(json::parse(o.body)["userIds"], json::array({"li01"}));

  a_.forget_token();
  EXPECT_TRUE(a_.token_call(kNow + 60'000));
  EXPECT_FALSE(a_.on_token({400, R"({"code":"invalidClientIdOrSecret"})", "", ""}, kNow, error));
  EXPECT_THAT(error, HasSubstr("invalidClientIdOrSecret"));
}

TEST_F(DingTalkAdapterTest, OnlyDingTalksOwnSessionUrlIsKeptAndForTwoHoursAtMost) {
  // The sign covers the timestamp, not the body: a replayed sign must not redirect replies.
  json evil = group_text("x");
  evil["sessionWebhook"] = "https://evil.example/robot/sendBySession?session=g";
  a_.on_webhook(request(evil, kNow), kNow);
  EXPECT_EQ(a_.sessions(), 0u);
  a_.token_call(kNow);
  EXPECT_THAT(a_.render(to_group("x"), "").url, Not(HasSubstr("evil")));
  // A session that claims to live for ever is kept two hours.
  json forever = group_text("x");
  forever["sessionWebhookExpiredTime"] = kNow + 365LL * 24 * 3600 * 1000;
  a_.on_webhook(request(forever, kNow), kNow);
  const std::int64_t later = kNow + 2 * 3600 * 1000 + 1;
  a_.token_call(later);
  EXPECT_THAT(a_.render(to_group("x"), "").url, Not(HasSubstr("sendBySession")));
}

TEST_F(DingTalkAdapterTest, TheLatestSessionOfAConversationWinsAndTheMapIsBounded) {
  json b = group_text("x");
  b["sessionWebhook"] = "https://oapi.dingtalk.com/robot/sendBySession?session=newer";
  a_.on_webhook(request(group_text("x"), kNow), kNow);
  a_.on_webhook(request(b, kNow), kNow);
  a_.token_call(kNow);
  EXPECT_THAT(a_.render(to_group("x"), "").url, HasSubstr("session=newer"));
  for (std::size_t i = 0; i < DingTalkAdapter::kMaxSessions + 5; ++i) {
    json c = group_text("x", "m" + std::to_string(i));
    c["conversationId"] = "cid" + std::to_string(i);
    c["sessionWebhookExpiredTime"] = kNow + 60'000 + static_cast<std::int64_t>(i);
    a_.on_webhook(request(c, kNow), kNow);
  }
  EXPECT_EQ(a_.sessions(), DingTalkAdapter::kMaxSessions);
  // Once expired, they make room for new ones.
  json late = group_text("x", "late");
  late["conversationId"] = "cidLate";
  late["sessionWebhookExpiredTime"] = kNow + 10 * 3'600'000;
  a_.on_webhook(request(late, kNow + 3'600'000), kNow + 3'600'000);
  EXPECT_EQ(a_.sessions(), 2u);  // cidGroup== (90 min) and cidLate
}

// ---- DingTalk's answers ----

TEST_F(DingTalkAdapterTest, AnswersAreReadAsDingTalkWritesThem) {
  OutboundMessage g = to_group("x");
  SendResult ok = a_.interpret(g, {200, R"({"processQueryKey":"pqk1"})", "", ""});
  EXPECT_EQ(ok.status, SendStatus::ok);
  EXPECT_EQ(ok.platform_id, "pqk1");
  SendResult session = a_.interpret(g, {200, R"({"errcode":0,"errmsg":"ok"})", "", ""});
  EXPECT_EQ(session.status, SendStatus::ok);
  EXPECT_THAT(session.platform_id, ::testing::StartsWith("dt-"));

  SendResult qps = a_.interpret(
      g, {403, R"({"code":"Forbidden.AccessDenied.QpsLimitForApi","message":"x"})", "", ""});
  EXPECT_EQ(qps.status, SendStatus::retry_later);
  EXPECT_EQ(qps.retry_after_ms, 60'000);
  SendResult fast =
      a_.interpret(g, {200, R"({"errcode":130101,"errmsg":"send too fast"})", "7", ""});
  EXPECT_EQ(fast.status, SendStatus::retry_later);
  EXPECT_EQ(fast.retry_after_ms, 7'000);
  EXPECT_EQ(a_.interpret(g, {429, "", "", ""}).status, SendStatus::retry_later);

  SendResult token = a_.interpret(g, {401, R"({"code":"InvalidAuthentication"})", "", ""});
  EXPECT_TRUE(token.token_rejected);
  EXPECT_EQ(token.status, SendStatus::transient);
  EXPECT_EQ(a_.interpret(g, {502, "<html>", "", ""}).status, SendStatus::transient);
  EXPECT_EQ(a_.interpret(g, {0, "", "", "connect refused"}).status, SendStatus::transient);
  EXPECT_EQ(a_.interpret(g, {400, R"({"code":"invalid.openConversationId"})", "", ""}).status,
            SendStatus::rejected);

  OutboundMessage p;
  p.user = "li01";
  p.private_chat = true;
  EXPECT_EQ(
      a_.interpret(p, {200, R"({"processQueryKey":"k","invalidStaffIdList":["li01"]})", "", ""})
          .status,
      SendStatus::forbidden);
  EXPECT_EQ(a_.interpret(p, {200, R"({"processQueryKey":"k","flowControlledStaffIdList":["li01"]})",
                             "", ""})
                .status,
            SendStatus::retry_later);
}

TEST_F(DingTalkAdapterTest, ASessionRefusedBeforeItsTimeIsForgotten) {
  a_.on_webhook(request(group_text("x"), kNow), kNow);
  a_.token_call(kNow);
  EXPECT_EQ(
      a_.interpret(to_group("x"), {200, R"({"errcode":300001,"errmsg":"session expired"})", "", ""})
          .status,
      SendStatus::transient);
  EXPECT_THAT(a_.render(to_group("x"), "").url, HasSubstr("groupMessages/send"));
}

TEST(DingTalkConfig, KeysAndCapabilities) {
  AdapterConfig c = dt_config();
  EXPECT_EQ(c.webhook_path, "/dingtalk/dt");
  EXPECT_FALSE(c.capabilities.buttons);
  EXPECT_TRUE(c.capabilities.private_chat_is_user_id);
  EXPECT_EQ(c.limits.per_group_per_min, 20);
  EXPECT_EQ(dt_config({{"api_base", nullptr}}).settings_as<DingTalkConfig>()->api_base,
            "https://api.dingtalk.com");
  EXPECT_THROW(dt_config({{"token", "x"}}), ConfigError);
  EXPECT_THROW(dt_config({{"robot_code", ""}}), ConfigError);
}

}  // namespace
}  // namespace linli
