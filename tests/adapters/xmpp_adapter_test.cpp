// The XMPP adapter against the JSON mod_rest speaks: the callback's stanzas as captured from a
// real Prosody 0.12 with the upstream mod_rest (tests/xmpp/README.md), the shapes of
// mod_rest's res/schema-xmpp.json (reply, replace, stanza_ids, delay, occupant_id, muc), and
// POST /rest's documented answers.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "adapters/registry.hpp"
#include "adapters/xmpp/xmpp_adapter.hpp"
#include "adapters/xmpp/xmpp_config.hpp"

namespace linli {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

const char* env(const char* name) {
  return std::string(name) == "XMPP_TOKEN" ? "env-token" : nullptr;
}

json adapter_json() {
  return {{"type", "xmpp"},
          {"name", "xm"},
          {"rest_url", "http://127.0.0.1:5280/rest/"},
          {"token", "tok"},
          {"nick", "pongbot"},
          {"callback_secret", "0123456789abcdef"},
          {"rooms", {"room@conference.localhost", "Vol@Conference.localhost"}}};
}

Config config_with(const json& adapter) {
  json c = {{"database", "unused.db"},
            {"adapters", {adapter}},
            {"communities",
             {{{"id", "c"},
               {"name", "C"},
               {"coordinators", {"xm:zhou@localhost"}},
               {"groups", {{{"chat", "xm:room@conference.localhost"}, {"kind", "volunteers"}}}}}}}};
  return parse_config(c.dump(), env);
}

class XmppAdapterTest : public ::testing::Test {
 protected:
  XmppAdapterTest() : adapter_(config_with(adapter_json()).adapters[0]) {}

  WebhookResult hook(const std::string& body, const std::string& method = "POST",
                     const std::string& secret = "0123456789abcdef") {
    HttpRequest r;
    r.method = method;
    r.path = "/xmpp/xm";
    r.query = "secret=" + secret;
    r.target = r.path + "?" + r.query;
    r.headers = {{"content-type", "application/json"}};
    r.body = body;
    return adapter_.on_webhook(r, 1'800'000'000'000);
  }
  InboundEvent one(const json& st) {
    WebhookResult r = hook(st.dump());
    EXPECT_EQ(r.status, 204);
    EXPECT_EQ(r.events.size(), 1u) << st;
    return r.events.empty() ? InboundEvent{} : r.events[0];
  }
  void none(const json& st) {
    WebhookResult r = hook(st.dump());
    EXPECT_EQ(r.status, 204);
    EXPECT_TRUE(r.events.empty()) << st;
    EXPECT_TRUE(r.calls.empty()) << st;
  }
  static json body_of(const ApiCall& c) { return json::parse(c.body); }

  XmppAdapter adapter_;
};

// The groupchat message the upstream mod_rest POSTed when alice typed "/ping 你好".
constexpr const char* kUpstreamGroupchat =
    R"J({"type":"groupchat","kind":"message","occupant_id":"vd9nU+AqPwGa7sRw3LJSE9wLgkp4iZFVU9f32xWu7Eo=","to":"bot@rest.localhost","from":"room@conference.localhost/alice","lang":"en","id":"98e07660cda245bda3724f35bf1ba838","body":"/ping 你好"})J";

TEST(XmppConfigTest, ReadsItsKeysAndDeclaresWhatXmppCan) {
  Config c = config_with(adapter_json());
  const AdapterConfig& a = c.adapters[0];
  EXPECT_EQ(a.webhook_path, "/xmpp/xm");
  const auto* x = a.settings_as<XmppConfig>();
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->rest_url, "http://127.0.0.1:5280/rest");
  EXPECT_EQ(x->nick, "pongbot");
  EXPECT_FALSE(a.capabilities.buttons);
  EXPECT_TRUE(a.capabilities.edits);
  EXPECT_TRUE(a.capabilities.private_chat_is_user_id);
  EXPECT_EQ(a.capabilities.open_private_url, "");
  json e = adapter_json();
  e["token"] = {{"env", "XMPP_TOKEN"}};
  EXPECT_EQ(config_with(e).adapters[0].settings_as<XmppConfig>()->token, "env-token");
}

TEST(XmppConfigTest, RefusesWhatCouldNeverWork) {
  auto refused = [](json a, const std::string& key) {
    try {
      config_with(a);
      ADD_FAILURE() << "accepted " << a;
    } catch (const ConfigError& e) {
      EXPECT_THAT(e.what(), HasSubstr(key)) << a;
    }
  };
  json a = adapter_json();
  a["secret"] = "x";
  refused(a, "secret");
  for (const char* key : {"rest_url", "token", "nick", "rooms", "callback_secret"}) {
    a = adapter_json();
    a.erase(key);
    refused(a, key);
  }
  a = adapter_json();
  a["rooms"] = json::array();
  refused(a, "rooms");
  for (const char* room : {"room@conference.localhost/nick", "conference.localhost", "a@b@c"}) {
    a = adapter_json();
    a["rooms"] = {room};
    refused(a, "rooms[0]");
  }
  a = adapter_json();
  a["rooms"] = {"r@c", "r@c"};
  refused(a, "rooms[1]");
  a = adapter_json();
  a["nick"] = "a/b";
  refused(a, "nick");
  a = adapter_json();
  a["rest_url"] = "ftp://x";
  refused(a, "rest_url");
  a = adapter_json();
  a["token"] = {{"env", "UNSET"}};
  refused(a, "token");
}

TEST_F(XmppAdapterTest, ACallbackWithoutTheSecretIsRefusedWithNoEffect) {
  json st = {
      {"kind", "message"},     {"type", "groupchat"}, {"from", "room@conference.localhost/li"},
      {"to", "bot@localhost"}, {"id", "m1"},          {"body", "求助"}};
  for (const std::string& secret :
       {std::string(), std::string("0123456789abcdeX"), std::string("0123456789abcdef0")}) {
    WebhookResult r = hook(st.dump(), "POST", secret);
    EXPECT_EQ(r.status, 401) << secret;
    EXPECT_TRUE(r.events.empty());
    // mod_rest's start-up probe, forged: no rejoin with the bot's token.
    WebhookResult probe = hook("", "OPTIONS", secret);
    EXPECT_EQ(probe.status, 401);
    EXPECT_TRUE(probe.calls.empty());
  }
  HttpRequest head;
  head.method = "POST";
  head.path = "/xmpp/xm";
  EXPECT_EQ(adapter_.check_headers(head), 401);
  head.query = "secret=0123456789abcdef";
  EXPECT_EQ(adapter_.check_headers(head), 0);
  EXPECT_EQ(hook(st.dump()).events.size(), 1u);
}

TEST_F(XmppAdapterTest, GroupchatFromTheUpstreamCaptureIsAGroupEventOfTheOccupant) {
  InboundEvent ev = one(json::parse(kUpstreamGroupchat));
  EXPECT_EQ(ev.adapter, "xm");
  EXPECT_EQ(ev.chat, "room@conference.localhost");
  EXPECT_EQ(ev.chat_kind, ChatKind::group);
  EXPECT_EQ(ev.user, "room@conference.localhost/alice");
  EXPECT_EQ(ev.user_name, "alice");
  EXPECT_EQ(ev.text, "/ping 你好");
  EXPECT_EQ(ev.lang, "en");
  EXPECT_EQ(ev.message_id, "98e07660cda245bda3724f35bf1ba838");
  EXPECT_EQ(ev.event_id, "room@conference.localhost/alice 98e07660cda245bda3724f35bf1ba838");
  EXPECT_EQ(ev.reply_to, "");
}

TEST_F(XmppAdapterTest, TheRoomsStanzaIdNamesTheMessageAndTheEvent) {
  json st = json::parse(kUpstreamGroupchat);
  st["from"] = "vol@conference.localhost/陈师傅";  // configured as Vol@Conference.localhost
  st["lang"] = "zh-Hans";
  st["stanza_ids"] = {{{"id", "other"}, {"by", "bot@rest.localhost"}},
                      {{"id", "mam-7"}, {"by", "vol@conference.localhost"}}};
  InboundEvent ev = one(st);
  EXPECT_EQ(ev.chat, "vol@conference.localhost");
  EXPECT_EQ(ev.user, "vol@conference.localhost/陈师傅");
  EXPECT_EQ(ev.message_id, "mam-7");
  EXPECT_EQ(ev.event_id, "vol@conference.localhost mam-7");
  EXPECT_EQ(ev.lang, "zh");
}

TEST_F(XmppAdapterTest, OneToOneChatIsPrivateWithTheBareJid) {
  // As captured: {"kind":"message","type":"chat","from":"alice@localhost/<resource>",...}
  InboundEvent ev = one(json{{"kind", "message"},
                             {"type", "chat"},
                             {"from", "Alice@localhost/phone"},
                             {"to", "bot@rest.localhost"},
                             {"body", "hi bot"},
                             {"lang", "en"},
                             {"id", "x1"}});
  EXPECT_EQ(ev.chat_kind, ChatKind::private_chat);
  EXPECT_EQ(ev.chat, "alice@localhost");
  EXPECT_EQ(ev.user, "alice@localhost");
  EXPECT_EQ(ev.user_name, "alice");
  EXPECT_EQ(ev.text, "hi bot");
}

TEST_F(XmppAdapterTest, PrivateMessageThroughTheRoomIsPrivateWithTheOccupant) {
  InboundEvent ev = one(json{{"kind", "message"},
                             {"type", "chat"},
                             {"from", "room@conference.localhost/李秀英"},
                             {"body", " 2单元501 "},
                             {"id", "p1"}});
  EXPECT_EQ(ev.chat_kind, ChatKind::private_chat);
  EXPECT_EQ(ev.chat, "room@conference.localhost/李秀英");
  EXPECT_EQ(ev.user, "room@conference.localhost/李秀英");
  EXPECT_EQ(ev.text, "2单元501");
}

TEST_F(XmppAdapterTest, EchoesHistoryAndWhatIsNoMessageAreDropped) {
  json own = json::parse(kUpstreamGroupchat);
  own["from"] = "room@conference.localhost/pongbot";
  none(own);
  json history = json::parse(kUpstreamGroupchat);
  history["delay"] = "2024-05-01T08:00:00Z";
  none(history);
  json corrected = json::parse(kUpstreamGroupchat);
  corrected["replace"] = "98e07660";
  none(corrected);
  json elsewhere = json::parse(kUpstreamGroupchat);
  elsewhere["from"] = "other@conference.localhost/alice";
  none(elsewhere);
  // From the capture: the subject, invitations, an error bounce, presences.
  none(json::parse(
      R"J({"from":"room@conference.localhost","to":"bot@rest.localhost","kind":"message","type":"groupchat","subject":""})J"));
  none(json::parse(
      R"J({"kind":"message","from":"room@conference.localhost","to":"bot@rest.localhost","invite":{"jid":"room@conference.localhost"},"body":"room@conference.localhost/alice invited you to the room room@conference.localhost (please join)","lang":"en","id":"i1"})J"));
  none(json::parse(
      R"J({"kind":"message","from":"alice@localhost/r","to":"bot@rest.localhost","invite":{"jid":"room@conference.localhost","reason":"direct please"},"lang":"en","id":"i2"})J"));
  none(json::parse(
      R"J({"kind":"message","type":"error","from":"room@conference.localhost/alice","to":"bot@rest.localhost","id":"e1","error":{"type":"modify","condition":"bad-request","by":"room@conference.localhost"}})J"));
  none(json::parse(
      R"J({"from":"room@conference.localhost/alice","lang":"en","kind":"presence","type":"available","id":"a3","to":"bot@rest.localhost"})J"));
  none(json::parse(
      R"J({"kind":"presence","from":"room@conference.localhost/alice","type":"unavailable","to":"bot@rest.localhost"})J"));
  none(json::parse(
      R"J({"from":"room@conference.localhost/pongbot","to":"bot@rest.localhost","kind":"presence","type":"available","id":"8-e"})J"));
  json empty = json::parse(kUpstreamGroupchat);
  empty["body"] = "  ";
  none(empty);
  json state = {{"kind", "message"}, {"type", "chat"}, {"from", "a@b/c"}, {"state", "composing"}};
  none(state);
}

TEST_F(XmppAdapterTest, BadJsonIsAnswered204WithoutEffect) {
  for (const char* body : {"{not json", "", "[]", "\"message\"", "<message/>", "null"}) {
    WebhookResult r = hook(body);
    EXPECT_EQ(r.status, 204) << body;
    EXPECT_EQ(r.body, "") << body;
    EXPECT_TRUE(r.events.empty());
    EXPECT_TRUE(r.calls.empty());
  }
  // Fields of the wrong type count as missing.
  none(json{{"kind", 1}, {"type", "groupchat"}, {"from", "room@conference.localhost/a"}});
  none(json{{"kind", "message"}, {"type", "groupchat"}, {"from", 7}, {"body", "x"}});
  none(json{{"kind", "message"},
            {"type", "groupchat"},
            {"from", "room@conference.localhost/a"},
            {"body", json::array()}});
  // A deciding failure is answered 2xx too: mod_rest would bounce an error stanza otherwise.
  EXPECT_EQ(hook(kUpstreamGroupchat).failure_status, 204);
}

TEST_F(XmppAdapterTest, KickedFromARoomTheBotJoinsItAgain) {
  // As captured: {"kind":"presence","type":"unavailable","from":"room@.../pongbot",
  // "status":"Kicked: internal server error"}
  WebhookResult r = hook(
      R"J({"kind":"presence","type":"unavailable","from":"room@conference.localhost/pongbot","to":"bot@rest.localhost","status":"Kicked: internal server error"})J");
  EXPECT_EQ(r.status, 204);
  EXPECT_TRUE(r.events.empty());
  ASSERT_EQ(r.calls.size(), 1u);
  json join = body_of(r.calls[0]);
  EXPECT_EQ(join["kind"], "presence");
  EXPECT_EQ(join["to"], "room@conference.localhost/pongbot");
  EXPECT_TRUE(join["muc"].is_object());
  EXPECT_EQ(r.calls[0].url, "http://127.0.0.1:5280/rest");
}

TEST_F(XmppAdapterTest, ModRestsProbeRejoinsEveryRoom) {
  WebhookResult r = hook("", "OPTIONS");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "");
  ASSERT_EQ(r.calls.size(), 2u);
  EXPECT_EQ(body_of(r.calls[1])["to"], "Vol@Conference.localhost/pongbot");
}

TEST_F(XmppAdapterTest, StartJoinsEachRoomWithoutHistory) {
  auto calls = adapter_.start_calls();
  ASSERT_EQ(calls.size(), 2u);
  json j = body_of(calls[0]);
  EXPECT_EQ(
      j,
      json::parse(
          R"J({"kind":"presence","to":"room@conference.localhost/pongbot","muc":{"history":{"maxstanzas":0}}})J"));
  EXPECT_EQ(calls[0].method, "POST");
  EXPECT_EQ(calls[0].content_type, "application/json");
  ASSERT_EQ(calls[0].headers.size(), 1u);
  EXPECT_EQ(calls[0].headers[0].first, "Authorization");
  EXPECT_EQ(calls[0].headers[0].second, "Bearer tok");
}

TEST_F(XmppAdapterTest, RepliesMapToOurMessagesAlsoByTheRoomsStanzaId) {
  // A reply by our own id, with the quote a client puts before the answer (XEP-0461/0428).
  json reply = json::parse(kUpstreamGroupchat);
  reply["body"] = "> #1 维修 · 31栋\n> 厨房水管漏水了\n接单";
  reply["reply"] = {{"id", "linli-abc"}, {"to", "room@conference.localhost/pongbot"}};
  reply["fallback"] = true;
  InboundEvent ev = one(reply);
  EXPECT_EQ(ev.reply_to, "linli-abc");
  EXPECT_EQ(ev.text, "接单");
  // The room archived our card as "mam-1" and echoed it: a reply by that id is a reply to it.
  json echo = {{"kind", "message"},
               {"type", "groupchat"},
               {"from", "room@conference.localhost/pongbot"},
               {"id", "linli-card"},
               {"body", "card"},
               {"stanza_ids", {{{"id", "mam-1"}, {"by", "room@conference.localhost"}}}}};
  none(echo);
  reply["id"] = "second";
  reply["reply"] = {{"id", "mam-1"}};
  EXPECT_EQ(one(reply).reply_to, "linli-card");
}

TEST_F(XmppAdapterTest, RendersGroupchatWithButtonsAsTextAndAReply) {
  OutboundMessage m;
  m.adapter = "xm";
  m.chat = "room@conference.localhost";
  m.text = "#1 维修\n回复这条消息「接单」认领";
  m.buttons = {{{"接单", "t:1:claim"}, {"不行", "t:1:no"}}, {{"★", "r:1"}}};
  m.reply_to = "mam-3";
  ApiCall c = adapter_.render(m, "");
  EXPECT_EQ(c.refused, "");
  EXPECT_EQ(c.url, "http://127.0.0.1:5280/rest");
  json j = body_of(c);
  EXPECT_EQ(j["kind"], "message");
  EXPECT_EQ(j["type"], "groupchat");
  EXPECT_EQ(j["to"], "room@conference.localhost");
  EXPECT_EQ(j["body"], "#1 维修\n回复这条消息「接单」认领\n[接单]  [不行]\n[★]");
  EXPECT_EQ(j["reply"], json({{"id", "mam-3"}}));
  EXPECT_EQ(c.platform_id, j["id"]);
  EXPECT_NE(adapter_.render(m, "").platform_id, c.platform_id);  // each message its own id
}

TEST_F(XmppAdapterTest, PrivateMessagesAreChatsToThePersonsJid) {
  OutboundMessage m;
  m.private_chat = true;
  m.chat = "room@conference.localhost/李秀英";
  m.text = "具体地址？";
  EXPECT_EQ(body_of(adapter_.render(m, ""))["type"], "chat");
  m.chat = "";
  m.user = "zhou@localhost";
  json j = body_of(adapter_.render(m, ""));
  EXPECT_EQ(j["type"], "chat");
  EXPECT_EQ(j["to"], "zhou@localhost");
}

TEST_F(XmppAdapterTest, EditsAreCorrectionsOfTheOriginalId) {
  OutboundMessage m;
  m.kind = OutKind::edit;
  m.chat = "Vol@Conference.localhost";
  m.text = "#1 — 陈师傅 已接单";
  ApiCall c = adapter_.render(m, "linli-card");
  json j = body_of(c);
  EXPECT_EQ(j["type"], "groupchat");
  EXPECT_EQ(j["replace"], "linli-card");
  EXPECT_NE(j["id"], "linli-card");
  EXPECT_EQ(c.platform_id, "linli-card");
}

TEST_F(XmppAdapterTest, LongTextIsCutBetweenCodePointsAndPressesAreRefused) {
  OutboundMessage m;
  m.chat = "room@conference.localhost";
  for (int i = 0; i < 5000; ++i) m.text += "漏";
  std::string body = body_of(adapter_.render(m, ""))["body"];
  EXPECT_EQ(body.size(), (XmppAdapter::kMaxTextChars - 1) * 3 + 3);
  EXPECT_EQ(body.substr(body.size() - 3), "\xE2\x80\xA6");
  OutboundMessage press;
  press.kind = OutKind::answer_callback;
  press.callback_id = "x";
  EXPECT_NE(adapter_.render(press, "").refused, "");
}

TEST_F(XmppAdapterTest, InterpretsModRestsAnswers) {
  OutboundMessage group;
  group.chat = "room@conference.localhost";
  OutboundMessage person;
  person.private_chat = true;
  person.chat = "alice@localhost";
  auto status = [&](const OutboundMessage& m, int code, const std::string& body,
                    const std::string& retry_after = "") {
    return adapter_.interpret(m, ApiResponse{code, body, retry_after, ""});
  };
  EXPECT_EQ(status(group, 202, "").status, SendStatus::ok);
  EXPECT_EQ(status(group, 204, "").status, SendStatus::ok);
  // 200 + the error the server answered at once (shapes from the harness's captures).
  const std::string not_in_room =
      R"J({"kind":"message","type":"error","from":"room@conference.localhost","error":{"type":"cancel","condition":"not-acceptable","text":"You are not currently connected to this chat"}})J";
  SendResult r = status(group, 200, not_in_room);
  EXPECT_EQ(r.status, SendStatus::transient);
  EXPECT_THAT(r.error, HasSubstr("not-acceptable"));
  const std::string offline =
      R"J({"kind":"message","type":"error","from":"alice@localhost","error":{"type":"cancel","condition":"service-unavailable"}})J";
  EXPECT_EQ(status(person, 200, offline).status, SendStatus::forbidden);
  EXPECT_EQ(status(group, 200,
                   R"J({"type":"error","error":{"type":"modify","condition":"bad-request"}})J")
                .status,
            SendStatus::rejected);
  r = status(group, 200,
             R"J({"type":"error","error":{"type":"wait","condition":"resource-constraint"}})J");
  EXPECT_EQ(r.status, SendStatus::retry_later);
  EXPECT_GT(r.retry_after_ms, 0);
  EXPECT_EQ(status(group, 200, R"J({"kind":"message","type":"chat"})J").status, SendStatus::ok);
  EXPECT_EQ(status(group, 401, R"J({"type":"error","code":401})J").status, SendStatus::rejected);
  EXPECT_EQ(status(group, 403, "").status, SendStatus::rejected);
  EXPECT_EQ(status(group, 422, "").status, SendStatus::rejected);
  EXPECT_EQ(status(group, 500, "").status, SendStatus::transient);
  EXPECT_EQ(status(group, 0, "").status, SendStatus::transient);
  r = status(group, 429, "", "7");
  EXPECT_EQ(r.status, SendStatus::retry_later);
  EXPECT_EQ(r.retry_after_ms, 7000);
}

}  // namespace
}  // namespace linli
