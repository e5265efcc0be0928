// The generic signed JSON webhook alone: its signature (a value computed with openssl when
// this test was written, and the formula), the 5-minute window, the documented JSON in and
// out, and the bridge's answers.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "adapters/crypto.hpp"
#include "adapters/registry.hpp"
#include "adapters/webhook/webhook_adapter.hpp"

namespace linli {
namespace {

using nlohmann::json;

constexpr const char* kSecret = "0123456789abcdef-secret";
constexpr std::int64_t kNowMs = 1'800'000'000'000;
constexpr std::int64_t kNowS = kNowMs / 1000;

const char* no_env(const char*) {
  return nullptr;
}

AdapterConfig wh_config(const json& extra = json::object()) {
  json a = {{"type", "webhook"},
            {"name", "wx"},
            {"secret", kSecret},
            {"callback_url", "http://127.0.0.1:9/linli"}};
  a.merge_patch(extra);
  json c = {{"database", "unused.db"},
            {"adapters", {a}},
            {"communities",
             {{{"id", "sc"},
               {"name", "社区"},
               {"coordinators", {"wx:zhou"}},
               {"groups", {{{"chat", "wx:gv"}, {"kind", "volunteers"}}}}}}}};
  return parse_config(c.dump(), no_env).adapters.at(0);
}

HttpRequest request(const std::string& body, std::int64_t ts, const std::string& secret = kSecret) {
  HttpRequest r;
  r.method = "POST";
  r.path = r.target = "/webhook/wx";
  r.body = body;
  std::string t = std::to_string(ts);
  r.headers = {{"x-linli-timestamp", t},
               {"x-linli-signature", WebhookAdapter::signature(secret, t, body)}};
  return r;
}

const json kMessage = {{"id", "e1"},         {"chat", "g31"},         {"chat_type", "group"},
                       {"user", "li"},       {"user_name", "李阿姨"}, {"lang", "zh"},
                       {"message_id", "m9"}, {"text", "接单"},        {"reply_to", "12"},
                       {"thread", "t1"}};

class WebhookAdapterTest : public ::testing::Test {
 protected:
  WebhookAdapter a_{wh_config()};
};

TEST(WebhookSignature, ValueComputedWithOpensslWhenThisTestWasWritten) {
  // printf '1800000000.{"id":"1"}' | openssl dgst -sha256 -hmac '0123456789abcdef-secret'
  EXPECT_EQ(WebhookAdapter::signature(kSecret, "1800000000", R"({"id":"1"})"),
            "v1=347f7340260b0184b4c9293139671e1391beab9b8806720514858697417da539");
  EXPECT_EQ(WebhookAdapter::signature(kSecret, "1", "x"),
            "v1=" + crypto::hex(crypto::hmac_sha256(kSecret, "1.x")));
}

TEST_F(WebhookAdapterTest, TheDocumentedEventIsDecoded) {
  auto r = a_.on_webhook(request(kMessage.dump(), kNowS), kNowMs);
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.events.size(), 1u);
  const InboundEvent& ev = r.events[0];
  EXPECT_EQ(ev.adapter, "wx");
  EXPECT_EQ(ev.event_id, "e1");
  EXPECT_EQ(ev.chat, "g31");
  EXPECT_EQ(ev.chat_kind, ChatKind::group);
  EXPECT_EQ(ev.thread, "t1");
  EXPECT_EQ(ev.user, "li");
  EXPECT_EQ(ev.user_name, "李阿姨");
  EXPECT_EQ(ev.lang, "zh");
  EXPECT_EQ(ev.message_id, "m9");
  EXPECT_EQ(ev.text, "接单");
  EXPECT_EQ(ev.reply_to, "12");
  EXPECT_TRUE(ev.callback_id.empty());
  json press = kMessage;
  press.erase("text");
  press["button"] = "t:1:take";
  press["chat_type"] = "private";
  r = a_.on_webhook(request(press.dump(), kNowS), kNowMs);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].button, "t:1:take");
  EXPECT_EQ(r.events[0].callback_id, "e1");
  EXPECT_EQ(r.events[0].chat_kind, ChatKind::private_chat);
}

TEST_F(WebhookAdapterTest, EachFailureIsRefusedWithNoEvent) {
  std::string body = kMessage.dump();
  std::vector<HttpRequest> bad = {request(body, kNowS, "another-secret-0123"),
                                  request(body, kNowS - 301), request(body, kNowS + 301)};
  HttpRequest tampered = request(body, kNowS);
  tampered.body[10] ^= 1;
  bad.push_back(tampered);
  HttpRequest none = request(body, kNowS);
  none.headers.clear();
  bad.push_back(none);
  HttpRequest upper = request(body, kNowS);
  upper.headers[1].second = "v1=" + std::string(64, 'A');
  bad.push_back(upper);
  for (const auto& r : bad) {
    auto out = a_.on_webhook(r, kNowMs);
    EXPECT_EQ(out.status, 401);
    EXPECT_TRUE(out.events.empty());
  }
  EXPECT_EQ(a_.check_headers(none), 401);
  EXPECT_EQ(a_.check_headers(upper), 401);
  EXPECT_EQ(a_.check_headers(request(body, kNowS)), 0);
  EXPECT_EQ(a_.on_webhook(request(body, kNowS - 300), kNowMs).status, 200);
}

TEST_F(WebhookAdapterTest, AMalformedEventIsRefused) {
  for (const char* drop : {"id", "chat", "user", "chat_type"}) {
    json e = kMessage;
    e.erase(drop);
    EXPECT_EQ(a_.on_webhook(request(e.dump(), kNowS), kNowMs).status, 400) << drop;
  }
  json e = kMessage;
  e["chat_type"] = "channel";
  EXPECT_EQ(a_.on_webhook(request(e.dump(), kNowS), kNowMs).status, 400);
  e = kMessage;
  e.erase("text");
  EXPECT_EQ(a_.on_webhook(request(e.dump(), kNowS), kNowMs).status, 400);
  EXPECT_EQ(a_.on_webhook(request("[1]", kNowS), kNowMs).status, 400);
}

TEST_F(WebhookAdapterTest, RenderedAsDocumentedAndSignedAtTheSendersTime) {
  a_.token_call(kNowMs + 4'000);
  OutboundMessage m;
  m.kind = OutKind::edit;
  m.chat = "gv";
  m.thread = "t1";
  m.text = "#1 已接单";
  m.buttons = {{{"接单 #1", "t:1:take"}}};
  m.mentions = {"chen"};
  ApiCall c = a_.render(m, "41");
  EXPECT_EQ(c.url, "http://127.0.0.1:9/linli");
  json body = json::parse(c.body);
  EXPECT_EQ(body, (json{{"kind", "edit"},
                        {"edit_of", "41"},
                        {"chat", "gv"},
                        {"private", false},
                        {"thread", "t1"},
                        {"text", "#1 已接单"},
                        {"buttons", {{{{"label", "接单 #1"}, {"data", "t:1:take"}}}}},
                        {"mentions", {"chen"}}}));
  ASSERT_EQ(c.headers.size(), 2u);
  EXPECT_EQ(c.headers[0].second, std::to_string(kNowS + 4));
  EXPECT_EQ(c.headers[1].second, WebhookAdapter::signature(kSecret, c.headers[0].second, c.body));

  OutboundMessage p;
  p.user = "li";
  p.private_chat = true;
  p.text = "地址？";
  p.reply_to = "m9";
  body = json::parse(a_.render(p, "").body);
  EXPECT_EQ(body["kind"], "send");
  EXPECT_EQ(body["user"], "li");
  EXPECT_EQ(body["private"], true);
  EXPECT_EQ(body["reply_to"], "m9");
  OutboundMessage answer;
  answer.kind = OutKind::answer_callback;
  answer.callback_id = "e1";
  body = json::parse(a_.render(answer, "").body);
  EXPECT_EQ(body["kind"], "answer");
  EXPECT_EQ(body["callback_id"], "e1");
}

TEST_F(WebhookAdapterTest, TheBridgesAnswers) {
  OutboundMessage m;
  SendResult ok = a_.interpret(m, {200, R"({"id":"77"})", "", ""});
  EXPECT_EQ(ok.status, SendStatus::ok);
  EXPECT_EQ(ok.platform_id, "77");
  EXPECT_EQ(a_.interpret(m, {200, R"({"id":78})", "", ""}).platform_id, "78");
  SendResult busy = a_.interpret(m, {429, "", "3", ""});
  EXPECT_EQ(busy.status, SendStatus::retry_later);
  EXPECT_EQ(busy.retry_after_ms, 3000);
  EXPECT_EQ(a_.interpret(m, {503, "", "", ""}).status, SendStatus::transient);
  EXPECT_EQ(a_.interpret(m, {0, "", "", "refused"}).status, SendStatus::transient);
  EXPECT_EQ(a_.interpret(m, {404, "", "", ""}).status, SendStatus::rejected);
}

TEST(WebhookConfig, KeysAndDefaults) {
  AdapterConfig c = wh_config();
  EXPECT_EQ(c.webhook_path, "/webhook/wx");
  EXPECT_TRUE(c.capabilities.buttons);
  EXPECT_THROW(wh_config({{"secret", "short"}}), ConfigError);
  EXPECT_THROW(wh_config({{"callback_url", "ftp://x"}}), ConfigError);
  EXPECT_THROW(wh_config({{"token", "x"}}), ConfigError);
}

}  // namespace
}  // namespace linli
