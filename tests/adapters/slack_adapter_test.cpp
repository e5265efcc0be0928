// The Slack adapter: the published signature vector and the five-minute window, every refusal
// without an event, Events API envelopes and block_actions forms to InboundEvents, messages to
// Web API calls, and the API's answers to outcomes.

#include "adapters/slack/slack_adapter.hpp"
#include "adapters/slack/slack_config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "adapters/registry.hpp"
#include "tests/support/fake_slack.hpp"

namespace linli::test {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

// The published vector: docs.slack.dev "Verifying requests from Slack", as the official
// python-slack-sdk tests it (tests/slack_sdk/signature/test_signature_verifier.py), verbatim.
constexpr const char* kDocSecret = "8f742231b10e8888abcd99yyyzzz85a5";
constexpr const char* kDocTimestamp = "1531420618";
constexpr std::int64_t kDocNowMs = 1531420618LL * 1000;
constexpr const char* kDocBody =
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&"
    "channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&"
    "response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%"
    "2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121."
    "803a0bc887a14d10d2c447fce8b6703c";
constexpr const char* kDocSignature =
    "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

constexpr const char* kToken = "xoxb-17-fake-token-for-tests";
constexpr const char* kSecret = "0123456789abcdef0123456789abcdef";
constexpr const char* kBot = "UBOT0001";
constexpr std::int64_t kNow = 1'718'000'999'000;

AdapterConfig slack_config(const char* secret = kSecret, const char* bot_user_id = "") {
  AdapterConfig c;
  c.type = "slack";
  c.name = "sl";
  c.webhook_path = "/slack/sl";
  auto s = std::make_shared<SlackConfig>();
  s->bot_token = kToken;
  s->signing_secret = secret;
  s->bot_user_id = bot_user_id;
  s->api_base = "https://slack.com";
  c.settings = s;
  return c;
}

HttpRequest signed_request(std::string body, const std::string& secret, const std::string& ts,
                           const std::string& content_type = "application/json") {
  HttpRequest r;
  r.method = "POST";
  r.target = r.path = "/slack/sl";
  r.headers.emplace_back("content-type", content_type);
  r.headers.emplace_back("x-slack-request-timestamp", ts);
  r.headers.emplace_back("x-slack-signature", SlackAdapter::signature(secret, ts, body));
  r.body = std::move(body);
  return r;
}

std::string now_ts() {
  return std::to_string(kNow / 1000);
}

// An Events API envelope around `event`, for our bot (authorizations names it).
json envelope(json event, const std::string& event_id = "Ev01") {
  return {{"token", "legacy"},
          {"team_id", "T1"},
          {"api_app_id", "A1"},
          {"type", "event_callback"},
          {"event_id", event_id},
          {"event_time", kNow / 1000},
          {"authorizations", {{{"team_id", "T1"}, {"user_id", kBot}, {"is_bot", true}}}},
          {"event", std::move(event)}};
}

json channel_message(const std::string& text, const std::string& ts = "1718000990.000100") {
  return {{"type", "message"}, {"channel", "C0VOL"}, {"channel_type", "channel"},
          {"user", "U0CHEN"},  {"text", text},       {"ts", ts},
          {"event_ts", ts}};
}

std::string press_form(const json& payload) {
  return slack_press_form(payload);
}

json press_payload(const std::string& value, const std::string& channel = "C0VOL") {
  return {{"type", "block_actions"},
          {"user", {{"id", "U0ZHAO"}, {"username", "zhao"}, {"name", "zhao"}}},
          {"api_app_id", "A1"},
          {"trigger_id", "1.2.3"},
          {"container",
           {{"type", "message"}, {"message_ts", "1718000900.000200"}, {"channel_id", channel}}},
          {"channel", {{"id", channel}, {"name", "volunteers"}}},
          {"message", {{"type", "message"}, {"ts", "1718000900.000200"}, {"text", "card"}}},
          {"response_url", "https://hooks.slack.com/actions/T1/1/abc"},
          {"actions",
           {{{"type", "button"},
             {"action_id", "b0_0"},
             {"block_id", "x"},
             {"value", value},
             {"action_ts", "1718000995.123456"}}}}};
}

class SlackAdapterTest : public ::testing::Test {
 protected:
  WebhookResult post(const json& body, const std::string& ts = now_ts()) {
    return adapter_.on_webhook(signed_request(body.dump(), kSecret, ts), kNow);
  }
  InboundEvent one(const json& body) {
    WebhookResult r = post(body);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.events.size(), 1u);
    return r.events.empty() ? InboundEvent{} : r.events[0];
  }
  void none(const json& body) {
    WebhookResult r = post(body);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(r.events.empty()) << body.dump();
  }
  OutboundMessage message(std::string chat, std::string text) {
    OutboundMessage m;
    m.adapter = "sl";
    m.chat = std::move(chat);
    m.text = std::move(text);
    return m;
  }
  json body_of(const ApiCall& c) { return json::parse(c.body); }

  SlackAdapter adapter_{slack_config()};
};

// ---- The signature. ----

TEST(SlackSignature, PublishedVector) {
  EXPECT_EQ(SlackAdapter::signature(kDocSecret, kDocTimestamp, kDocBody), kDocSignature);
}

HttpRequest doc_request(std::string body = kDocBody, std::string signature = kDocSignature,
                        std::string ts = kDocTimestamp) {
  HttpRequest r;
  r.method = "POST";
  r.target = r.path = "/slack/sl";
  r.headers = {{"content-type", "application/x-www-form-urlencoded"},
               {"x-slack-request-timestamp", std::move(ts)},
               {"x-slack-signature", std::move(signature)}};
  r.body = std::move(body);
  return r;
}

TEST(SlackSignature, PublishedRequestIsAcceptedAtItsTime) {
  SlackAdapter a(slack_config(kDocSecret));
  // A slash command, which Linli does not offer: acknowledged, nothing to act on.
  WebhookResult r = a.on_webhook(doc_request(), kDocNowMs);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.events.empty());
}

TEST(SlackSignature, EveryRefusalIs401AndNoEvent) {
  SlackAdapter a(slack_config(kDocSecret));
  auto refused = [&](const HttpRequest& r, std::int64_t now, const char* why) {
    WebhookResult w = a.on_webhook(r, now);
    EXPECT_EQ(w.status, 401) << why;
    EXPECT_TRUE(w.events.empty()) << why;
  };
  // Tampered body, as the SDK's test tampers it.
  refused(doc_request(std::string(kDocBody) + "------"), kDocNowMs, "tampered body");
  refused(doc_request(std::string(kDocBody).replace(0, 5, "tokem")), kDocNowMs, "one byte changed");
  // Wrong secret.
  SlackAdapter other(slack_config("8f742231b10e8888abcd99yyyzzz85a6"));
  EXPECT_EQ(other.on_webhook(doc_request(), kDocNowMs).status, 401);
  // The signature in upper case, without "v0=", shortened, or for another timestamp.
  std::string upper = kDocSignature;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  upper.replace(0, 3, "v0=");
  refused(doc_request(kDocBody, upper), kDocNowMs, "upper-case hex");
  refused(doc_request(kDocBody, std::string(kDocSignature).substr(3)), kDocNowMs, "no v0=");
  refused(doc_request(kDocBody, std::string(kDocSignature).substr(0, 60)), kDocNowMs, "short");
  refused(doc_request(kDocBody, kDocSignature, "1531420619"), kDocNowMs, "another timestamp");
  // Missing headers, refused before the body is read.
  HttpRequest bare = doc_request();
  bare.headers.resize(1);
  EXPECT_EQ(a.check_headers(bare), 401);
  refused(bare, kDocNowMs, "no headers");
  HttpRequest no_ts = doc_request(kDocBody, kDocSignature, "");
  EXPECT_EQ(a.check_headers(no_ts), 401);
  EXPECT_EQ(a.check_headers(doc_request(kDocBody, kDocSignature, "15314x0618")), 401);
  EXPECT_EQ(a.check_headers(doc_request()), 0);
  // A timestamp that would overflow once in milliseconds is no timestamp.
  EXPECT_EQ(a.check_headers(doc_request(kDocBody, kDocSignature, "9999999999999999999")), 401);
  refused(doc_request(kDocBody, kDocSignature, "999999999999999"), kDocNowMs, "far future");
}

TEST(SlackSignature, FiveMinutesEitherWayAndNotOneSecondMore) {
  SlackAdapter a(slack_config(kDocSecret));
  const std::int64_t s = 1000;
  EXPECT_EQ(a.on_webhook(doc_request(), kDocNowMs + 300 * s).status, 200);  // 5 min old
  EXPECT_EQ(a.on_webhook(doc_request(), kDocNowMs - 300 * s).status, 200);  // 5 min ahead
  EXPECT_EQ(a.on_webhook(doc_request(), kDocNowMs + 301 * s).status, 401);  // too old: replay
  EXPECT_EQ(a.on_webhook(doc_request(), kDocNowMs - 301 * s).status, 401);  // too far ahead
  EXPECT_EQ(a.on_webhook(doc_request(), kDocNowMs + 24 * 3600 * s).status, 401);
}

TEST_F(SlackAdapterTest, UrlVerificationAnswersTheChallengeOnlyWhenSigned) {
  json check = {{"token", "legacy"},
                {"challenge", "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"},
                {"type", "url_verification"}};
  WebhookResult r = post(check);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body)["challenge"], check["challenge"]);
  EXPECT_TRUE(r.events.empty());
  HttpRequest forged = signed_request(check.dump(), "not the secret", now_ts());
  EXPECT_EQ(adapter_.on_webhook(forged, kNow).status, 401);
}

TEST_F(SlackAdapterTest, StaleTimestampIsRefusedEvenWithAGoodSignature) {
  WebhookResult r = post(envelope(channel_message("接单")), std::to_string(kNow / 1000 - 301));
  EXPECT_EQ(r.status, 401);
  EXPECT_TRUE(r.events.empty());
}

// ---- Events. ----

TEST_F(SlackAdapterTest, ChannelMessage) {
  InboundEvent ev = one(envelope(channel_message("求助 厨房水管漏水了😭")));
  EXPECT_EQ(ev.adapter, "sl");
  EXPECT_EQ(ev.chat, "C0VOL");
  EXPECT_EQ(ev.chat_kind, ChatKind::group);
  EXPECT_EQ(ev.user, "U0CHEN");
  EXPECT_EQ(ev.text, "求助 厨房水管漏水了😭");
  EXPECT_EQ(ev.message_id, "1718000990.000100");
  EXPECT_EQ(ev.at_ms, 1718000990000);
  EXPECT_EQ(ev.thread, "");
  EXPECT_EQ(ev.reply_to, "");
  EXPECT_EQ(ev.event_id, "m:C0VOL:1718000990.000100");
}

TEST_F(SlackAdapterTest, RetryCarriesTheSameEventId) {
  json body = envelope(channel_message("接单"));
  HttpRequest first = signed_request(body.dump(), kSecret, now_ts());
  HttpRequest retry = signed_request(body.dump(), kSecret, std::to_string(kNow / 1000 + 60));
  retry.headers.emplace_back("x-slack-retry-num", "1");
  retry.headers.emplace_back("x-slack-retry-reason", "http_timeout");
  WebhookResult a = adapter_.on_webhook(first, kNow);
  WebhookResult b = adapter_.on_webhook(retry, kNow + 60'000);
  ASSERT_EQ(a.events.size(), 1u);
  ASSERT_EQ(b.events.size(), 1u);
  EXPECT_EQ(a.events[0].event_id, b.events[0].event_id);
}

TEST_F(SlackAdapterTest, MentionAndMessageOfOneTextAreOneEvent) {
  json mention = channel_message("<@UBOT0001> 求助");
  mention["type"] = "app_mention";
  mention.erase("channel_type");
  InboundEvent a = one(envelope(mention, "Ev1"));
  InboundEvent b = one(envelope(channel_message("<@UBOT0001> 求助"), "Ev2"));
  EXPECT_EQ(a.text, "求助");
  EXPECT_EQ(b.text, "求助");
  EXPECT_EQ(a.event_id, b.event_id);
  EXPECT_TRUE(a.addressed);
  EXPECT_TRUE(b.addressed) << "the message event of the same text names us too";
}

TEST_F(SlackAdapterTest, MentionOfUsWithoutAuthorizationsIsStrippedWhenItLeads) {
  json mention = channel_message("<@UBOT9999> /menu");
  mention["type"] = "app_mention";
  json env = envelope(mention);
  env.erase("authorizations");
  EXPECT_EQ(one(env).text, "/menu");
  // A configured bot_user_id decides instead.
  SlackAdapter configured(slack_config(kSecret, "UBOT9999"));
  json plain = envelope(channel_message("谢谢 <@UBOT9999> 和 <@U0LIU>"));
  plain.erase("authorizations");
  auto r = configured.on_webhook(signed_request(plain.dump(), kSecret, now_ts()), kNow);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].text, "谢谢  和 @U0LIU");
}

TEST_F(SlackAdapterTest, SlackMarkupAndEscapesAreReadBack) {
  InboundEvent ev = one(envelope(channel_message(
      "&lt;2单元&gt; A&amp;B <https://example.org|地图> <mailto:a@b.cn|a@b.cn> <#C0RES|31栋> "
      "<!here> <https://x.org>")));
  EXPECT_EQ(ev.text, "<2单元> A&B 地图 a@b.cn #31栋 @here https://x.org");
}

TEST_F(SlackAdapterTest, BotsEditsAndServiceMessagesAreNotForUs) {
  json from_bot = channel_message("hello");
  from_bot["bot_id"] = "B01";
  none(envelope(from_bot));
  json ours = channel_message("我们自己的消息");
  ours["user"] = kBot;
  none(envelope(ours));
  for (const char* subtype : {"bot_message", "message_changed", "message_deleted", "channel_join",
                              "message_replied", "me_message"}) {
    json m = channel_message("x");
    m["subtype"] = subtype;
    none(envelope(m));
  }
  json broadcast = channel_message("接单");
  broadcast["subtype"] = "thread_broadcast";
  broadcast["thread_ts"] = "1718000900.000200";
  EXPECT_EQ(one(envelope(broadcast)).reply_to, "1718000900.000200");
  none(envelope(channel_message("<@UBOT0001>")));  // a bare mention says nothing
  none(envelope({{"type", "reaction_added"}, {"user", "U0CHEN"}}));
  none({{"type", "app_rate_limited"}, {"minute_rate_limited", 1518467820}});
}

TEST_F(SlackAdapterTest, ThreadReplyToOurCardRepliesToIt) {
  json m = channel_message("接单💪", "1718000991.000300");
  m["thread_ts"] = "1718000900.000200";
  m["parent_user_id"] = kBot;
  InboundEvent ev = one(envelope(m));
  EXPECT_EQ(ev.thread, "1718000900.000200");
  EXPECT_EQ(ev.reply_to, "1718000900.000200");
  // The root of someone else's thread is no message of ours; the thread is still where to answer.
  m["parent_user_id"] = "U0LIU";
  ev = one(envelope(m));
  EXPECT_EQ(ev.thread, "1718000900.000200");
  EXPECT_EQ(ev.reply_to, "");
  // The thread's root itself is no reply.
  json root = channel_message("root", "1718000900.000200");
  root["thread_ts"] = "1718000900.000200";
  ev = one(envelope(root));
  EXPECT_EQ(ev.thread, "");
  EXPECT_EQ(ev.reply_to, "");
}

TEST_F(SlackAdapterTest, DirectMessageIsPrivateInItsOwnChannel) {
  json m = channel_message("2单元501");
  m["channel"] = "D0LI";
  m["channel_type"] = "im";
  m["user"] = "U0LI";
  m["user_profile"] = {{"display_name", "李秀英"}, {"real_name", "Li Xiuying"}};
  InboundEvent ev = one(envelope(m));
  EXPECT_EQ(ev.chat, "D0LI");  // not the user id: private_chat_is_user_id is false
  EXPECT_EQ(ev.user, "U0LI");
  EXPECT_EQ(ev.user_name, "李秀英");
  EXPECT_EQ(ev.chat_kind, ChatKind::private_chat);
}

TEST_F(SlackAdapterTest, FieldsOfTheWrongTypeCountAsMissing) {
  none(
      envelope({{"type", "message"}, {"channel", 5}, {"user", "U"}, {"text", "x"}, {"ts", "1.2"}}));
  none(
      envelope({{"type", "message"}, {"channel", "C"}, {"user", {1}}, {"text", "x"}, {"ts", "1"}}));
  none(envelope(json::array()));
  json bad = envelope(channel_message("x"));
  bad["event"]["text"] = 42;
  none(bad);
  EXPECT_EQ(post(json::array()).status, 400);
  EXPECT_EQ(adapter_.on_webhook(signed_request("{not json", kSecret, now_ts()), kNow).status, 400);
}

// Every field of every kind of body, replaced by a value of every other type: no throw, no
// crash, an answer of 200 or 400, and any event it yields is a whole one.
TEST_F(SlackAdapterTest, AnyFieldOfAnyTypeIsHandled) {
  json thread = channel_message("接单", "1718000991.000300");
  thread["thread_ts"] = "1718000900.000200";
  thread["parent_user_id"] = kBot;
  thread["user_profile"] = {{"display_name", "陈"}};
  const std::vector<json> values = {nullptr,
                                    42,
                                    -1,
                                    1.5,
                                    true,
                                    "",
                                    json::array(),
                                    json::object(),
                                    "x",
                                    std::string(5000, 'a'),
                                    "<@UBOT0001>"};
  std::vector<std::pair<std::string, json>> bodies = {
      {"application/json", envelope(channel_message("求助 <https://a.b|地图> &amp;"))},
      {"application/json", envelope(thread)},
      {"application/x-www-form-urlencoded", press_payload("t:1")}};
  int answered = 0;
  for (const auto& [type, original] : bodies) {
    json flat = original.flatten();
    for (const auto& [pointer, unused] : flat.items()) {
      for (const json& v : values) {
        json body = original;
        body[json::json_pointer(pointer)] = v;
        std::string raw = type == "application/json" ? body.dump() : press_form(body);
        WebhookResult r;
        ASSERT_NO_THROW(r = adapter_.on_webhook(signed_request(raw, kSecret, now_ts(), type), kNow))
            << pointer << " = " << v.dump();
        EXPECT_TRUE(r.status == 200 || r.status == 400) << pointer << " = " << v.dump();
        for (const auto& ev : r.events) {
          EXPECT_FALSE(ev.event_id.empty());
          EXPECT_FALSE(ev.chat.empty());
          EXPECT_FALSE(ev.user.empty());
          EXPECT_TRUE(!ev.text.empty() || !ev.button.empty());
        }
        ++answered;
      }
    }
  }
  EXPECT_GT(answered, 300);
}

// ---- Presses. ----

TEST_F(SlackAdapterTest, PressIsAFormSignedOverItsRawBody) {
  std::string form = press_form(press_payload("t:1"));
  WebhookResult r = adapter_.on_webhook(
      signed_request(form, kSecret, now_ts(), "application/x-www-form-urlencoded"), kNow);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.events.size(), 1u);
  const InboundEvent& ev = r.events[0];
  EXPECT_EQ(ev.button, "t:1");
  EXPECT_EQ(ev.user, "U0ZHAO");
  EXPECT_EQ(ev.user_name, "zhao");
  EXPECT_EQ(ev.chat, "C0VOL");
  EXPECT_EQ(ev.chat_kind, ChatKind::group);
  EXPECT_EQ(ev.reply_to, "1718000900.000200");
  EXPECT_EQ(ev.callback_id, "U0ZHAO");
  EXPECT_EQ(ev.message_id, "");
  EXPECT_THAT(ev.event_id, HasSubstr("1718000995.123456"));
  // The same press delivered again is the same event.
  EXPECT_EQ(
      adapter_
          .on_webhook(signed_request(form, kSecret, now_ts(), "application/x-www-form-urlencoded"),
                      kNow)
          .events[0]
          .event_id,
      ev.event_id);

  // Signed over the form as sent: changing the route inside the payload breaks it.
  HttpRequest tampered =
      signed_request(form, kSecret, now_ts(), "application/x-www-form-urlencoded");
  tampered.body = press_form(press_payload("t:2"));
  EXPECT_EQ(adapter_.on_webhook(tampered, kNow).status, 401);
  EXPECT_TRUE(adapter_.on_webhook(tampered, kNow).events.empty());
}

TEST_F(SlackAdapterTest, PressInADirectMessageIsPrivate) {
  std::string form = press_form(press_payload("s:3:yes", "D0LI"));
  auto r = adapter_.on_webhook(
      signed_request(form, kSecret, now_ts(), "application/x-www-form-urlencoded"), kNow);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].chat_kind, ChatKind::private_chat);
}

TEST_F(SlackAdapterTest, OtherInteractionsAndBadFormsAreNotPresses) {
  auto send = [&](const std::string& form) {
    return adapter_.on_webhook(
        signed_request(form, kSecret, now_ts(), "application/x-www-form-urlencoded"), kNow);
  };
  EXPECT_TRUE(send(press_form({{"type", "shortcut"}, {"callback_id", "x"}})).events.empty());
  EXPECT_EQ(send(press_form({{"type", "shortcut"}})).status, 200);
  EXPECT_EQ(send("payload=%7Bnot").status, 400);
  EXPECT_EQ(send("nothing=1").status, 400);
  json no_value = press_payload("");
  EXPECT_TRUE(send(press_form(no_value)).events.empty());
}

// ---- Sending. ----

TEST_F(SlackAdapterTest, MessageWithButtonsIsTextAndBlocks) {
  OutboundMessage m = message("C0VOL", "#1 维修 · 31栋 · 急 <厨房> & 水管");
  m.buttons = {{{"接单", "t:1"}, {"不方便", "t:1:no"}}, {{"详情", "t:1:info"}}};
  ApiCall c = adapter_.render(m, "");
  EXPECT_EQ(c.url, "https://slack.com/api/chat.postMessage");
  EXPECT_EQ(c.method, "POST");
  EXPECT_THAT(c.content_type, HasSubstr("application/json"));
  ASSERT_EQ(c.headers.size(), 1u);
  EXPECT_EQ(c.headers[0].first, "Authorization");
  EXPECT_EQ(c.headers[0].second, std::string("Bearer ") + kToken);
  EXPECT_TRUE(c.refused.empty());
  json b = body_of(c);
  EXPECT_EQ(b["channel"], "C0VOL");
  EXPECT_EQ(b["text"], "#1 维修 · 31栋 · 急 &lt;厨房&gt; &amp; 水管");
  EXPECT_FALSE(b.contains("thread_ts"));
  ASSERT_EQ(b["blocks"].size(), 3u);
  EXPECT_EQ(b["blocks"][0]["type"], "section");
  EXPECT_EQ(b["blocks"][0]["text"]["text"], b["text"]);
  EXPECT_EQ(b["blocks"][1]["type"], "actions");
  EXPECT_EQ(b["blocks"][1]["elements"][1]["value"], "t:1:no");
  EXPECT_EQ(b["blocks"][1]["elements"][1]["text"]["text"], "不方便");
  EXPECT_EQ(b["blocks"][2]["elements"][0]["value"], "t:1:info");
  std::set<std::string> ids;
  for (const auto& block : b["blocks"]) {
    for (const auto& e : block.value("elements", json::array())) ids.insert(e["action_id"]);
  }
  EXPECT_EQ(ids.size(), 3u);  // unique within the message
}

TEST_F(SlackAdapterTest, PlainMessageInAThreadWithMentions) {
  OutboundMessage m = message("C0RES", "李秀英，请私信");
  m.thread = "1718000900.000200";
  m.mentions = {"U0LI", "not an id"};
  json b = body_of(adapter_.render(m, ""));
  EXPECT_EQ(b["thread_ts"], "1718000900.000200");
  EXPECT_EQ(b["text"], "<@U0LI> 李秀英，请私信");
  EXPECT_FALSE(b.contains("blocks"));
}

TEST_F(SlackAdapterTest, PrivateMessageWithoutAChatGoesToTheUserId) {
  OutboundMessage m = message("", "地址：2单元501");
  m.private_chat = true;
  m.user = "U0CHEN";
  EXPECT_EQ(body_of(adapter_.render(m, ""))["channel"], "U0CHEN");
  m.chat = "D0CHEN";
  EXPECT_EQ(body_of(adapter_.render(m, ""))["channel"], "D0CHEN");
  m.chat = m.user = "";
  EXPECT_FALSE(adapter_.render(m, "").refused.empty());
}

TEST_F(SlackAdapterTest, LongTextIsCutAndSplitIntoSections) {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "漏";
  OutboundMessage m = message("C0VOL", text);
  m.buttons = {{{"接单", "t:1"}}};
  json b = body_of(adapter_.render(m, ""));
  std::string sent = b["text"];
  EXPECT_EQ(sent.size(), 3u * 3999 + 3);  // 3,999 characters and "…"
  ASSERT_EQ(b["blocks"].size(), 3u);      // 3,000 + 1,000 characters, then the buttons
  EXPECT_EQ(b["blocks"][0]["text"]["text"].get<std::string>().size(), 3u * 3000);
}

TEST_F(SlackAdapterTest, ButtonsSlackWouldRefuseAreRefusedBeforeTheCall) {
  OutboundMessage m = message("C0VOL", "x");
  m.buttons = {{{"ok", std::string(2001, 'a')}}};
  EXPECT_THAT(adapter_.render(m, "").refused, HasSubstr("2000"));
  m.buttons = {{{"ok", std::string(2000, 'a')}}};
  EXPECT_TRUE(adapter_.render(m, "").refused.empty());
  m.buttons = {{{"ok", ""}}};
  EXPECT_FALSE(adapter_.render(m, "").refused.empty());
  m.buttons = {{{std::string(100, 'L'), "t:1"}}};
  json b = body_of(adapter_.render(m, ""));
  EXPECT_EQ(b["blocks"][1]["elements"][0]["text"]["text"].get<std::string>().size(), 74u + 3);
}

TEST_F(SlackAdapterTest, EditIsChatUpdateAndTakesButtonsAway) {
  OutboundMessage m = message("C0VOL", "#1 陈师傅 已接单");
  m.kind = OutKind::edit;
  ApiCall c = adapter_.render(m, "1718000900.000200");
  EXPECT_EQ(c.url, "https://slack.com/api/chat.update");
  json b = body_of(c);
  EXPECT_EQ(b["channel"], "C0VOL");
  EXPECT_EQ(b["ts"], "1718000900.000200");
  ASSERT_EQ(b["blocks"].size(), 1u);
  EXPECT_EQ(b["blocks"][0]["type"], "section");
  m.chat = "";
  EXPECT_FALSE(adapter_.render(m, "1718000900.000200").refused.empty());
}

TEST_F(SlackAdapterTest, PressAnswerIsEphemeralOrNothing) {
  OutboundMessage m = message("C0VOL", "");
  m.kind = OutKind::answer_callback;
  m.callback_id = "U0ZHAO";
  EXPECT_TRUE(adapter_.render(m, "").nothing);  // the webhook's 200 was the answer
  m.text = "已被 陈师傅 接单";
  ApiCall c = adapter_.render(m, "");
  EXPECT_FALSE(c.nothing);
  EXPECT_EQ(c.url, "https://slack.com/api/chat.postEphemeral");
  json b = body_of(c);
  EXPECT_EQ(b["channel"], "C0VOL");
  EXPECT_EQ(b["user"], "U0ZHAO");
  EXPECT_EQ(b["text"], "已被 陈师傅 接单");
}

// ---- Answers. ----

TEST_F(SlackAdapterTest, Answers) {
  OutboundMessage m = message("C0VOL", "x");
  auto answer = [&](int status, std::string body, std::string retry_after = "") {
    ApiResponse r;
    r.status = status;
    r.body = std::move(body);
    r.retry_after = std::move(retry_after);
    return adapter_.interpret(m, r);
  };
  SendResult ok = answer(200, R"({"ok":true,"channel":"C0VOL","ts":"1718000999.000400",
                                  "message":{"text":"x"}})");
  EXPECT_EQ(ok.status, SendStatus::ok);
  EXPECT_EQ(ok.platform_id, "1718000999.000400");

  SendResult limited = answer(429, R"({"ok":false,"error":"ratelimited"})", "7");
  EXPECT_EQ(limited.status, SendStatus::retry_later);
  EXPECT_EQ(limited.retry_after_ms, 7000);
  EXPECT_EQ(answer(429, "", "").retry_after_ms, 1000);
  EXPECT_EQ(answer(429, "", "999999").retry_after_ms, 3600 * 1000);

  for (const char* e : {"not_in_channel", "channel_not_found", "is_archived", "msg_too_long",
                        "invalid_blocks", "message_not_found", "cant_update_message"}) {
    SendResult r = answer(200, json{{"ok", false}, {"error", e}}.dump());
    EXPECT_EQ(r.status, SendStatus::rejected) << e;
    EXPECT_THAT(r.error, HasSubstr(e));
  }
  SendResult auth = answer(200, R"({"ok":false,"error":"invalid_auth"})");
  EXPECT_EQ(auth.status, SendStatus::rejected);
  EXPECT_THAT(auth.error, HasSubstr("bot_token"));
  EXPECT_FALSE(auth.token_rejected);  // a bot token is not short-lived: fetching again won't help
  EXPECT_EQ(answer(200, R"({"ok":false,"error":"internal_error"})").status, SendStatus::transient);
  EXPECT_EQ(answer(503, "<html>down</html>").status, SendStatus::transient);
  EXPECT_EQ(answer(200, "{}").status, SendStatus::transient);
  ApiResponse lost;
  lost.error = std::string("connect to https://slack.com/?t=") + kToken;
  SendResult net = adapter_.interpret(m, lost);
  EXPECT_EQ(net.status, SendStatus::transient);
  EXPECT_THAT(net.error, Not(HasSubstr(kToken)));
}

// ---- Config. ----

const char* slack_env(const char* name) {
  return std::string(name) == "SLACK_SIGNING_SECRET" ? "from-the-environment" : nullptr;
}

TEST(SlackConfigTest, KeysDefaultsAndCapabilities) {
  json c = {{"database", "x.db"},
            {"adapters",
             {{{"type", "slack"},
               {"name", "sl"},
               {"bot_token", "xoxb-1"},
               {"signing_secret", {{"env", "SLACK_SIGNING_SECRET"}}}}}},
            {"communities",
             {{{"id", "c"},
               {"name", "C"},
               {"coordinators", {"sl:U0ZHOU"}},
               {"groups", {{{"chat", "sl:C0VOL"}, {"kind", "volunteers"}}}}}}}};
  Config config = parse_config(c.dump(), slack_env);
  const AdapterConfig& a = config.adapters.at(0);
  EXPECT_EQ(a.webhook_path, "/slack/sl");
  const auto* s = a.settings_as<SlackConfig>();
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->signing_secret, "from-the-environment");
  EXPECT_EQ(s->api_base, "https://slack.com");
  EXPECT_EQ(s->bot_user_id, "");
  EXPECT_FALSE(a.capabilities.private_chat_is_user_id);
  EXPECT_EQ(a.capabilities.open_private_url, "");
  EXPECT_EQ(a.capabilities.max_button_data, 2000u);
  EXPECT_EQ(a.limits.per_chat_per_s, 1.0);

  auto refused = [&](json patch) {
    json bad = c;
    bad["adapters"][0].merge_patch(patch);
    try {
      parse_config(bad.dump(), slack_env);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_THAT(refused({{"token", "x"}}), HasSubstr("unknown key"));
  EXPECT_THAT(refused({{"bot_token", nullptr}}), HasSubstr("bot_token"));
  EXPECT_THAT(refused({{"signing_secret", ""}}), HasSubstr("signing_secret"));
  EXPECT_THAT(refused({{"bot_user_id", "<@U1>"}}), HasSubstr("bot_user_id"));
  EXPECT_THAT(refused({{"api_base", "slack.com"}}), HasSubstr("api_base"));
  EXPECT_EQ(refused({{"bot_user_id", "U0BOT"},
                     {"api_base", "http://127.0.0.1:9/"},
                     {"webhook_path", "/hooks/slack"},
                     {"rate_limits", {{"per_chat_per_s", 2}}}}),
            "");
}

}  // namespace
}  // namespace linli::test
