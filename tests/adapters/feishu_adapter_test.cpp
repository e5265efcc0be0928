// The Feishu adapter: the published decryption vectors, the signature, every refusal without
// an event, events to InboundEvents, messages to IM API calls, answers to outcomes, and the
// tenant_access_token's life.

#include "adapters/feishu/feishu_adapter.hpp"
#include "adapters/feishu/feishu_config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "adapters/registry.hpp"
#include "tests/support/feishu_events.hpp"

namespace linli::test {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

constexpr const char* kVerification = "vt-Linli-test";
constexpr const char* kKey = "ek-Linli-test-key";
constexpr std::int64_t kNowS = 1'800'000'000;
constexpr std::int64_t kNow = kNowS * 1000;

AdapterConfig feishu_config(const std::string& key = kKey) {
  AdapterConfig c;
  c.type = "feishu";
  c.name = "fs";
  c.webhook_path = "/feishu/fs";
  c.capabilities.max_text = 4000;
  c.capabilities.max_button_data = 256;
  auto f = std::make_shared<FeishuConfig>();
  f->app_id = "cli_a1";
  f->app_secret = "app-secret";
  f->verification_token = kVerification;
  f->encrypt_key = key;
  f->api_base = "https://open.feishu.cn";
  c.settings = f;
  return c;
}

HttpRequest post(const FeishuRequest& r) {
  HttpRequest req;
  req.method = "POST";
  req.path = req.target = "/feishu/fs";
  req.body = r.body;
  for (const auto& [k, v] : r.headers) {
    std::string lower = k;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req.headers.emplace_back(lower, v);
  }
  return req;
}

const FeishuUser kLi{"ou_li", "李秀英"};

// ---- Published vectors. ----

TEST(FeishuCrypto, TheDocumentsTestKeyVector) {
  // open.feishu.cn, "Encrypt Key encryption configuration case": key "test key".
  EXPECT_EQ(FeishuAdapter::decrypt("test key", "P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk="),
            "hello world");
}

// github.com/larksuite/oapi-sdk-go, event/dispatcher/dispatcher_test.go TestDecryptEvent:
// NewEventDispatcher("v", "1212121212") (verification token "v", Encrypt Key "1212121212").
constexpr const char* kSdkCipher =
    "bZ3L7yh6m3Fkuffl4g+3uGjIHnhOm5fVZbKVuyT8t7tcd5ABMYm8l28/X900ZL3knZ7n+sCREu/H2WnIzft0amC7+"
    "xWqNH8o25IU63N4BnZWfHh+4hyG76QPd19vkw2bPJCx9aqxK8Nz+xqFNbk0RdgyWhmgd30jSxHtcQXAllkI7FMpGpOC"
    "teJad3bLXPDBQIV/xkCtKICCS7Z63gakpxZCLaRZ3qCXP1fapHh+LBIupxenrU6ysc7I3nHmjmKie41IiWwS5puG4zQ"
    "HhVbq6KWLcgWm/3NBZOPQy53ucMu75SXA55I7jarVLZXWUcqBGrcgE3vouWbtwgZuzmoTQl0GSh5VYSVvpW992BuGxU"
    "Wj0XjPYdICJm6Cr7xouNXwMcdb7N8caVdkdSZeEnswG19qSyDoQhklwzNGW0yiaayulBqJNjfge/G5V3401c2XaIuAe"
    "EIo+QQ4RSNpRGfnHkbu/j55FGQAGWjpuBNaIwZbaUoVP3NkGP+vM5rpEDe3sL2GN+Xsd+g9yBs7FqdMV8mXTGgLjCqj"
    "rPrke5/km76Q3Pe6KPs2YexMRG4MkSx3xUTzZnNn7zIzShPcjeSwBd2pxk6ht5N+fzueZdxl6Oo=";

TEST(FeishuCrypto, TheGoSdksCiphertext) {
  auto plain = FeishuAdapter::decrypt("1212121212", kSdkCipher);
  ASSERT_TRUE(plain);
  json j = json::parse(*plain);  // strict unpadding left exactly the JSON (16 bytes of 0x10)
  EXPECT_EQ(j["header"]["event_id"], "f7984f25108f8137722bb63cee927e66");
  EXPECT_EQ(j["event"]["object"]["name"], "张三");
  EXPECT_EQ(j["challenge"], "1212");
  EXPECT_FALSE(FeishuAdapter::decrypt("1212121213", kSdkCipher));
}

TEST(FeishuCrypto, TheSdksEnvelopeAnswersItsChallengeThroughTheAdapter) {
  AdapterConfig c = feishu_config("1212121212");
  auto f = std::make_shared<FeishuConfig>(*c.settings_as<FeishuConfig>());
  f->verification_token = "v";  // in the header's token, as in the SDK's test
  c.settings = f;
  FeishuAdapter a(c);
  FeishuRequest r{json{{"encrypt", kSdkCipher}}.dump(), {}};
  WebhookResult w = a.on_webhook(post(r), kNow);
  EXPECT_EQ(w.status, 200);
  EXPECT_EQ(json::parse(w.body), (json{{"challenge", "1212"}}));
  EXPECT_TRUE(w.events.empty());
}

TEST(FeishuCrypto, TamperedCiphertextFailsTheStrictPadding) {
  auto raw = decode_base64("P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=");
  ASSERT_TRUE(raw);
  std::string bad = *raw;
  bad[bad.size() - 1] ^= 0x01;  // the last block decrypts to garbage
  EXPECT_FALSE(FeishuAdapter::decrypt("test key", encode_base64(bad)));
  EXPECT_FALSE(FeishuAdapter::decrypt("test key", encode_base64(raw->substr(0, 16))));  // IV only
  EXPECT_FALSE(FeishuAdapter::decrypt("test key", "not base64!"));
}

// Derived, not published: python3 -c "import hashlib; print(hashlib.sha256(('1718000999' +
// 'n0nce-42' + 'test key' + '{\"encrypt\":\"P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=\"}')
// .encode()).hexdigest())"
TEST(FeishuCrypto, SignatureFollowsTheFormula) {
  EXPECT_EQ(
      FeishuAdapter::signature("1718000999", "n0nce-42", "test key",
                               R"({"encrypt":"P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk="})"),
      "4fd3112cf80aaa52a5bbd93de3cef6e94dfb6869c3c5c2e98bc4422d699598a4");
}

// ---- Webhooks. ----

class FeishuWebhook : public ::testing::Test {
 protected:
  FeishuAdapter a_{feishu_config()};
  FeishuEvents ev_{kVerification, kKey};
  WebhookResult send(const json& event, std::int64_t at_s = kNowS) {
    return a_.on_webhook(post(ev_.request(event, at_s)), kNow);
  }
};

TEST_F(FeishuWebhook, GroupMessageMentioningTheBotRepliesToOurCard) {
  WebhookResult w = send(ev_.message("oc_vol", true, kLi, "接单💪", "om_card", true));
  ASSERT_EQ(w.status, 200);
  ASSERT_EQ(w.events.size(), 1u);
  const InboundEvent& e = w.events[0];
  EXPECT_EQ(e.adapter, "fs");
  EXPECT_EQ(e.event_id.rfind("ev_", 0), 0u);
  EXPECT_EQ(e.chat, "oc_vol");
  EXPECT_EQ(e.chat_kind, ChatKind::group);
  EXPECT_EQ(e.user, "ou_li");
  EXPECT_EQ(e.text, "接单💪");  // "@_user_1 " gone
  EXPECT_EQ(e.reply_to, "om_card");
  EXPECT_TRUE(e.addressed);
  EXPECT_EQ(e.message_id.rfind("om_in_", 0), 0u);
  EXPECT_EQ(e.at_ms, 1'800'000'000'000);
  EXPECT_TRUE(e.callback_id.empty());
}

TEST_F(FeishuWebhook, PrivateMessageNamesItsOwnChat) {
  WebhookResult w = send(ev_.message("oc_p2p_li", false, kLi, "2单元501"));
  ASSERT_EQ(w.events.size(), 1u);
  EXPECT_EQ(w.events[0].chat_kind, ChatKind::private_chat);
  EXPECT_EQ(w.events[0].chat, "oc_p2p_li");
  EXPECT_EQ(w.events[0].text, "2单元501");
  EXPECT_TRUE(w.events[0].reply_to.empty());
}

TEST_F(FeishuWebhook, MentionPlaceholdersAreRemovedWholeAndOthersKept) {
  json m = ev_.message("oc_res", true, kLi, "x");
  m["event"]["message"]["content"] = json{{"text", "@_user_1 help @_user_12 now"}}.dump();
  m["event"]["message"]["mentions"] = json::array({{{"key", "@_user_1"}}});
  WebhookResult w = send(m);
  ASSERT_EQ(w.events.size(), 1u);
  EXPECT_EQ(w.events[0].text, "help @_user_12 now");
}

TEST_F(FeishuWebhook, ButtonPressIsAnsweredWithAToast) {
  WebhookResult w = send(ev_.card_action(kLi, "oc_p2p_li", "om_ask", {{"d", "d:5:1"}, {"p", 1}}));
  ASSERT_EQ(w.status, 200);
  ASSERT_EQ(w.events.size(), 1u);
  EXPECT_EQ(w.events[0].button, "d:5:1");
  EXPECT_EQ(w.events[0].reply_to, "om_ask");
  EXPECT_EQ(w.events[0].chat_kind, ChatKind::private_chat);
  EXPECT_EQ(w.events[0].at_ms, kNow);
  json body = json::parse(w.body);
  EXPECT_EQ(body["toast"]["i18n"]["en_us"], "Received");
  EXPECT_EQ(
      send(ev_.card_action(kLi, "oc_vol", "om_card", {{"d", "t:1:take"}})).events.at(0).chat_kind,
      ChatKind::group);
}

TEST_F(FeishuWebhook, OtherEventsAndMessagesAreAcknowledgedWithoutEvents) {
  EXPECT_TRUE(send(ev_.envelope("im.chat.member.bot.added_v1", json::object())).events.empty());
  json image = ev_.message("oc_res", true, kLi, "x");
  image["event"]["message"]["message_type"] = "image";
  EXPECT_TRUE(send(image).events.empty());
  json bot = ev_.message("oc_res", true, kLi, "x");
  bot["event"]["sender"]["sender_type"] = "app";
  EXPECT_TRUE(send(bot).events.empty());
}

TEST_F(FeishuWebhook, UrlVerificationPlainAndEncrypted) {
  json check = {{"challenge", "ch-42"}, {"token", kVerification}, {"type", "url_verification"}};
  // Plain, unsigned (no Encrypt Key in the console yet).
  WebhookResult w = a_.on_webhook(post({check.dump(), {}}), kNow);
  EXPECT_EQ(w.status, 200);
  EXPECT_EQ(json::parse(w.body)["challenge"], "ch-42");
  EXPECT_THAT(w.content_type, HasSubstr("json"));
  // Encrypted, unsigned, and encrypted and signed.
  w = a_.on_webhook(post({ev_.encrypt(check.dump()), {}}), kNow);
  EXPECT_EQ(json::parse(w.body)["challenge"], "ch-42");
  w = send(check);
  EXPECT_EQ(json::parse(w.body)["challenge"], "ch-42");
  // The wrong token: refused.
  check["token"] = "someone-else";
  EXPECT_EQ(a_.on_webhook(post({check.dump(), {}}), kNow).status, 401);
  EXPECT_EQ(a_.on_webhook(post({ev_.encrypt(check.dump()), {}}), kNow).status, 401);
}

TEST_F(FeishuWebhook, EveryForgeryIsRefusedWithoutAnEvent) {
  json m = ev_.message("oc_res", true, kLi, "求助");
  auto refused = [&](const FeishuRequest& r) {
    WebhookResult w = a_.on_webhook(post(r), kNow);
    EXPECT_EQ(w.status, 401) << w.body;
    EXPECT_TRUE(w.events.empty());
  };
  FeishuRequest good = ev_.request(m, kNowS);
  ASSERT_EQ(a_.on_webhook(post(good), kNow).events.size(), 1u);
  // Tampered body: one character of the ciphertext changed, signature kept.
  FeishuRequest tampered = good;
  tampered.body[20] = tampered.body[20] == 'A' ? 'B' : 'A';
  refused(tampered);
  // Signed (and encrypted) with another Encrypt Key.
  FeishuEvents other(kVerification, "not-our-key");
  refused(other.request(m, kNowS));
  // Signed with another key over a body encrypted with ours.
  refused(ev_.request_signed_with(m, kNowS, "not-our-key"));
  // Stale: six minutes old, or six minutes ahead.
  refused(ev_.request(m, kNowS - 360));
  refused(ev_.request(m, kNowS + 360));
  // Unsigned event (the signature headers left off).
  FeishuRequest unsigned_ = good;
  unsigned_.headers.clear();
  refused(unsigned_);
  // Signature header missing alone; timestamp not a number.
  FeishuRequest no_sig = good;
  no_sig.headers.pop_back();
  refused(no_sig);
  FeishuRequest bad_ts = good;
  bad_ts.headers[0].second = "soon";
  refused(bad_ts);
  // Signed correctly but carrying another app's verification token.
  FeishuEvents wrong_token("vt-other-app", kKey);
  refused(wrong_token.request(wrong_token.message("oc_res", true, kLi, "求助"), kNowS));
  // A plain body, correctly signed, without a token.
  json no_token = m;
  no_token["header"].erase("token");
  FeishuRequest plain{no_token.dump(), {}};
  std::string ts = std::to_string(kNowS);
  plain.headers = {{"X-Lark-Request-Timestamp", ts},
                   {"X-Lark-Request-Nonce", "n"},
                   {"X-Lark-Signature", FeishuEvents::sign(ts, "n", kKey, plain.body)}};
  refused(plain);
}

TEST_F(FeishuWebhook, WithinTheWindowIsAccepted) {
  EXPECT_EQ(send(ev_.message("oc_res", true, kLi, "求助"), kNowS - 290).events.size(), 1u);
  EXPECT_EQ(send(ev_.message("oc_res", true, kLi, "求助"), kNowS + 290).events.size(), 1u);
}

TEST_F(FeishuWebhook, MalformedBodiesAre400AndGetIs405) {
  EXPECT_EQ(a_.on_webhook(post({"{not json", {}}), kNow).status, 400);
  HttpRequest get = post({"", {}});
  get.method = "GET";
  EXPECT_EQ(a_.on_webhook(get, kNow).status, 405);
}

// ---- Rendering. ----

class FeishuRender : public ::testing::Test {
 protected:
  FeishuRender() {
    std::string error;
    ApiResponse r{200, R"({"code":0,"msg":"ok","tenant_access_token":"t-abc","expire":7200})", "",
                  ""};
    EXPECT_TRUE(a_.on_token(r, kNow, error)) << error;
  }
  FeishuAdapter a_{feishu_config()};
};

std::string header(const ApiCall& c, const std::string& name) {
  for (const auto& [k, v] : c.headers)
    if (k == name) return v;
  return "";
}

TEST_F(FeishuRender, TextToAGroupByChatId) {
  OutboundMessage m;
  m.chat = "oc_res";
  m.text = "你好 Emma";
  m.mentions = {"ou_chen"};
  ApiCall c = a_.render(m, "");
  EXPECT_EQ(c.method, "POST");
  EXPECT_EQ(c.url, "https://open.feishu.cn/open-apis/im/v1/messages?receive_id_type=chat_id");
  EXPECT_EQ(header(c, "Authorization"), "Bearer t-abc");
  json b = json::parse(c.body);
  EXPECT_EQ(b["receive_id"], "oc_res");
  EXPECT_EQ(b["msg_type"], "text");
  EXPECT_EQ(json::parse(b["content"].get<std::string>())["text"],
            "你好 Emma <at user_id=\"ou_chen\"></at>");
}

TEST_F(FeishuRender, PrivateMessageBeforeThePrivateChatIsKnownGoesByOpenId) {
  OutboundMessage m;
  m.user = "ou_li";
  m.private_chat = true;
  m.text = "地址？";
  ApiCall c = a_.render(m, "");
  EXPECT_EQ(c.url, "https://open.feishu.cn/open-apis/im/v1/messages?receive_id_type=open_id");
  EXPECT_EQ(json::parse(c.body)["receive_id"], "ou_li");
  m.chat = "oc_p2p_li";
  EXPECT_THAT(a_.render(m, "").url, HasSubstr("receive_id_type=chat_id"));
}

TEST_F(FeishuRender, ReplyAndButtonsAndEdit) {
  OutboundMessage m;
  m.chat = "oc_res";
  m.reply_to = "om_7";
  m.private_chat = true;
  m.text = "需要哪方面的帮助？";
  m.buttons = {{{"维修", "d:1:1"}, {"就医", "d:1:2"}}};
  ApiCall c = a_.render(m, "");
  EXPECT_EQ(c.url, "https://open.feishu.cn/open-apis/im/v1/messages/om_7/reply");
  json b = json::parse(c.body);
  EXPECT_FALSE(b.contains("receive_id"));
  EXPECT_EQ(b["msg_type"], "interactive");
  json card = json::parse(b["content"].get<std::string>());
  EXPECT_EQ(card["config"]["update_multi"], true);
  EXPECT_EQ(card["elements"][0]["text"]["content"], "需要哪方面的帮助？");
  EXPECT_EQ(card["elements"][1]["actions"][1]["value"], (json{{"d", "d:1:2"}, {"p", 1}}));

  OutboundMessage e;
  e.kind = OutKind::edit;
  e.chat = "oc_vol";
  e.text = "#1 陈师傅 已接单";
  ApiCall ec = a_.render(e, "om_card");
  EXPECT_EQ(ec.method, "PATCH");
  EXPECT_EQ(ec.url, "https://open.feishu.cn/open-apis/im/v1/messages/om_card");
  json eb = json::parse(ec.body);
  EXPECT_EQ(json::parse(eb["content"].get<std::string>())["elements"].size(), 1u);

  m.buttons = {{{"x", std::string(300, 'a')}}};
  EXPECT_FALSE(a_.render(m, "").refused.empty());
}

TEST_F(FeishuRender, LongTextIsCutBetweenCharacters) {
  OutboundMessage m;
  m.chat = "oc_res";
  std::string text;
  for (int i = 0; i < 4100; ++i) text += "水";
  m.text = text;
  std::string out =
      json::parse(json::parse(a_.render(m, "").body)["content"].get<std::string>())["text"]
          .get<std::string>();
  EXPECT_EQ(out.size(), 4000u * 3 + 3);
}

// ---- Answers. ----

TEST(FeishuInterpret, Outcomes) {
  FeishuAdapter a(feishu_config());
  OutboundMessage m;
  auto in = [&](int status, const std::string& body, const std::string& retry = "") {
    return a.interpret(m, ApiResponse{status, body, retry, ""});
  };
  SendResult ok = in(200, R"({"code":0,"msg":"success","data":{"message_id":"om_9"}})");
  EXPECT_EQ(ok.status, SendStatus::ok);
  EXPECT_EQ(ok.platform_id, "om_9");
  SendResult limited = in(429, R"({"code":99991400,"msg":"request trigger frequency limit"})", "3");
  EXPECT_EQ(limited.status, SendStatus::retry_later);
  EXPECT_EQ(limited.retry_after_ms, 3000);
  EXPECT_EQ(in(400, R"({"code":99991400,"msg":"frequency limit"})").status,
            SendStatus::retry_later);
  for (int code : {99991663, 99991668, 99991661}) {
    SendResult t = in(400, R"({"code":)" + std::to_string(code) + R"(,"msg":"token"})");
    EXPECT_TRUE(t.token_rejected) << code;
    EXPECT_EQ(t.status, SendStatus::transient);
  }
  EXPECT_EQ(in(502, "<html>bad gateway</html>").status, SendStatus::transient);
  EXPECT_EQ(in(0, "").status, SendStatus::transient);
  EXPECT_EQ(in(400, R"({"code":230002,"msg":"Bot/User can NOT be out of the chat."})").status,
            SendStatus::rejected);
  m.private_chat = true;
  EXPECT_EQ(in(400, R"({"code":230013,"msg":"no availability"})").status, SendStatus::forbidden);
}

TEST(FeishuToken, FetchedOnceRefreshedBeforeExpiryForgottenWhenRefused) {
  FeishuAdapter a(feishu_config());
  auto call = a.token_call(kNow);
  ASSERT_TRUE(call);
  EXPECT_EQ(call->url, "https://open.feishu.cn/open-apis/auth/v3/tenant_access_token/internal");
  EXPECT_EQ(json::parse(call->body), (json{{"app_id", "cli_a1"}, {"app_secret", "app-secret"}}));
  std::string error;
  EXPECT_FALSE(
      a.on_token({200, R"({"code":10014,"msg":"app secret invalid"})", "", ""}, kNow, error));
  EXPECT_THAT(error, HasSubstr("10014"));
  EXPECT_TRUE(a.token_call(kNow));
  ASSERT_TRUE(a.on_token(
      {200, R"({"code":0,"msg":"ok","tenant_access_token":"t-1","expire":7200})", "", ""}, kNow,
      error));
  EXPECT_FALSE(a.token_call(kNow + 49 * 60 * 1000));  // 110 minutes' use of 120
  EXPECT_TRUE(a.token_call(kNow + 111 * 60 * 1000));
  a.forget_token();
  EXPECT_TRUE(a.token_call(kNow + 1000));
}

// ---- Config. ----

const char* env(const char* name) {
  return std::string(name) == "FS_SECRET" ? "from-env" : nullptr;
}

json config_json(json adapter) {
  return {{"database", ":memory:"},
          {"adapters", json::array({adapter})},
          {"communities",
           {{{"id", "sc"},
             {"name", "社区"},
             {"coordinators", {"fs:ou_zhou"}},
             {"groups",
              {{{"chat", "fs:oc_res"}, {"kind", "residents"}, {"building", "31"}},
               {{"chat", "fs:oc_vol"}, {"kind", "volunteers"}}}}}}}};
}

TEST(FeishuConfigTest, KeysSecretsAndCapabilities) {
  json a = {{"type", "feishu"},           {"name", "fs"},
            {"app_id", "cli_a1"},         {"app_secret", {{"env", "FS_SECRET"}}},
            {"verification_token", "vt"}, {"encrypt_key", "ek"}};
  Config c = parse_config(config_json(a).dump(), env);
  ASSERT_EQ(c.adapters.size(), 1u);
  const AdapterConfig& ac = c.adapters[0];
  EXPECT_EQ(ac.webhook_path, "/feishu/fs");
  EXPECT_FALSE(ac.capabilities.private_chat_is_user_id);
  EXPECT_TRUE(ac.capabilities.open_private_url.empty());
  const auto* f = ac.settings_as<FeishuConfig>();
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->app_secret, "from-env");
  EXPECT_EQ(f->api_base, "https://open.feishu.cn");
  json no_key = a;
  no_key.erase("encrypt_key");
  EXPECT_THROW(parse_config(config_json(no_key).dump(), env), ConfigError);
  json typo = a;
  typo["encryptkey"] = "x";
  EXPECT_THROW(parse_config(config_json(typo).dump(), env), ConfigError);
}

}  // namespace
}  // namespace linli::test
