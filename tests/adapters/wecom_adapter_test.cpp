// The WeCom adapter: the official SDK samples' vectors (URL checks and decrypts), every refusal
// without an event, the app's XML messages and card presses, the 智能机器人's JSON @-mentions,
// the flat XML reader, the config's checks, and the API calls and their answers.
//
// Published vectors, each recomputed with python3 + openssl before it went in here:
//  - github.com/workweixin/weworkapi_cplusplus, json_callback/Sample.cpp: token "QDG6eK",
//    EncodingAESKey "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", receiveid
//    "wx5823bf96d3bd56c7"; the URL check (msg_signature 5c45ff5e…, timestamp 1409659589, nonce
//    263014780) and the message "hello" (msg_signature 477715d1…, timestamp 1409659813, nonce
//    1372623149), whose plaintext ends in 30 pad bytes.
//  - github.com/sbzhu/weworkapi_python, callback/Sample.py as of commit 16e0b05 (the token and
//    key were blanked by 71441bf in 2025): token "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo",
//    EncodingAESKey "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt", CorpID "ww1436e0e65a779aee";
//    the URL check (012bc692…, 1476416373, 47744683) and the message "你好" (0c391402…,
//    1476422779, 1597212914), 22 pad bytes.

#include "adapters/wecom/wecom_adapter.hpp"
#include "adapters/wecom/wecom_config.hpp"
#include "adapters/wecom/wecom_crypt.hpp"
#include "adapters/wecom/wecom_xml.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "adapters/crypto.hpp"
#include "adapters/registry.hpp"
#include "config/section.hpp"

namespace linli::test {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

constexpr std::int64_t kNow = 1'800'000'000'000;

struct Sdk {
  const char* token;
  const char* aes_key;
  const char* corp_id;
};
constexpr Sdk kCpp{"QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "wx5823bf96d3bd56c7"};
constexpr Sdk kPy{"hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo", "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt",
                  "ww1436e0e65a779aee"};

constexpr const char* kCppEcho =
    "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==";
// As it arrives in the URL: percent-encoded (the sample's GET line).
constexpr const char* kCppEchoInUrl =
    "P9nAzCzyDtyTWESHep1vC5X9xho%2FqYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp%2B4RPcs8TgAE7OaBO%2BFZXvnaqQ%"
    "3D%3D";
constexpr const char* kCppEncrypt =
    "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/"
    "0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+"
    "6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+"
    "LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izo"
    "un1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+"
    "rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/"
    "T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==";
constexpr const char* kPyEcho =
    "fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA==";
constexpr const char* kPyEncrypt =
    "Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGzBh"
    "z"
    "TtRLNshw2AEew+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+"
    "3JWcoD4Z5jaU0y9GSh010wsHF8KZD24YhmZH4ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7MhmEbU2qARR4iQH"
    "E7w"
    "y24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCWjayJOpcwocugux082f49HKYg84EpHSGXAyh+/"
    "oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+";

const char* no_env(const char*) {
  return nullptr;
}

json section(const Sdk& sdk) {
  return {{"type", "wecom"},
          {"name", "wc"},
          {"corp_id", sdk.corp_id},
          {"agent_id", 1000002},
          {"secret", "app-secret"},
          {"token", sdk.token},
          {"encoding_aes_key", sdk.aes_key}};
}

AdapterConfig config_of(const json& j) {
  AdapterConfig a;
  a.type = "wecom";
  a.name = "wc";
  a.webhook_path = "/wecom/wc";
  parse_wecom_config(ConfigSection(j, "adapters[0]", no_env), a);
  return a;
}

HttpRequest request(std::string method, std::string query, std::string body = "") {
  HttpRequest r;
  r.method = std::move(method);
  r.path = "/wecom/wc";
  r.query = std::move(query);
  r.target = r.path + "?" + r.query;
  r.body = std::move(body);
  return r;
}

std::string xml_envelope(const std::string& encrypt, const std::string& to) {
  return "<xml><ToUserName><![CDATA[" + to + "]]></ToUserName>\n<Encrypt><![CDATA[" + encrypt +
         "]]></Encrypt>\n<AgentID><![CDATA[1000002]]></AgentID>\n</xml>";
}

// A callback of our own making, signed and encrypted as WeCom would.
struct Signed {
  std::string query;
  std::string body;
};
Signed sign(const Sdk& sdk, const std::string& msg, const std::string& receive_id, bool json_body,
            const std::string& timestamp = "1800000000", const std::string& nonce = "4242") {
  auto key = wecom_aes_key(sdk.aes_key).value();
  std::string enc = wecom::encrypt(key, msg, receive_id, crypto::random_bytes(16));
  std::string sig = wecom::signature(sdk.token, timestamp, nonce, enc);
  Signed s;
  s.query = "msg_signature=" + sig + "&timestamp=" + timestamp + "&nonce=" + nonce;
  s.body = json_body ? json{{"encrypt", enc}}.dump() : xml_envelope(enc, receive_id);
  return s;
}

// ---- The published vectors. ----

TEST(WecomCrypt, PublishedUrlChecksAnswerTheBareEcho) {
  WecomAdapter cpp(config_of(section(kCpp)));
  auto r = cpp.on_webhook(request("GET",
                                  "msg_signature=5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3&"
                                  "timestamp=1409659589&nonce=263014780&echostr=" +
                                      std::string(kCppEchoInUrl)),
                          kNow);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "1616140317555161061");
  EXPECT_THAT(r.content_type, HasSubstr("text/plain"));
  EXPECT_TRUE(r.events.empty());

  WecomAdapter py(config_of(section(kPy)));
  // Unencoded, as the Python sample writes it: '+' read as a space is put back.
  r = py.on_webhook(request("GET",
                            "msg_signature=012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb&"
                            "timestamp=1476416373&nonce=47744683&echostr=" +
                                std::string(kPyEcho)),
                    kNow);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "1288432023552776189");
}

TEST(WecomCrypt, PublishedMessagesDecryptWithPadsOf30And22) {
  auto cpp = wecom::decrypt(wecom_aes_key(kCpp.aes_key).value(), kCppEncrypt);
  ASSERT_TRUE(cpp);
  EXPECT_EQ(cpp->receive_id, kCpp.corp_id);
  EXPECT_THAT(cpp->msg, HasSubstr("<Content><![CDATA[hello]]></Content>"));
  EXPECT_EQ(wecom::signature(kCpp.token, "1409659813", "1372623149", kCppEncrypt),
            "477715d11cdb4164915debcba66cb864d751f3e6");
  // The padding is 30 bytes of 30: more than AES's block of 16, fine for WeCom's 32.
  auto key = wecom_aes_key(kCpp.aes_key).value();
  auto padded = crypto::aes256_cbc_decrypt(key, key.substr(0, 16), *decode_base64(kCppEncrypt));
  ASSERT_TRUE(padded);
  EXPECT_EQ(static_cast<unsigned char>(padded->back()), 30);

  auto py = wecom::decrypt(wecom_aes_key(kPy.aes_key).value(), kPyEncrypt);
  ASSERT_TRUE(py);
  EXPECT_EQ(py->receive_id, kPy.corp_id);
  EXPECT_THAT(py->msg, HasSubstr("<Content>你好</Content>"));
  EXPECT_EQ(wecom::signature(kPy.token, "1476422779", "1597212914", kPyEncrypt),
            "0c3914025cb4b4d68103f6bfc8db550f79dcf48e");
}

TEST(WecomWebhook, PublishedMessagesBecomeEvents) {
  WecomAdapter py(config_of(section(kPy)));
  auto r = py.on_webhook(request("POST",
                                 "msg_signature=0c3914025cb4b4d68103f6bfc8db550f79dcf48e&"
                                 "timestamp=1476422779&nonce=1597212914",
                                 xml_envelope(kPyEncrypt, kPy.corp_id)),
                         kNow);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "");
  ASSERT_EQ(r.events.size(), 1u);
  const InboundEvent& ev = r.events[0];
  EXPECT_EQ(ev.adapter, "wc");
  EXPECT_EQ(ev.event_id, "1456453720");
  EXPECT_EQ(ev.user, "ChenJiaShun");
  EXPECT_EQ(ev.chat, "ChenJiaShun");
  EXPECT_EQ(ev.chat_kind, ChatKind::private_chat);
  EXPECT_EQ(ev.text, "你好");
  EXPECT_EQ(ev.at_ms, 1476422779000);

  // The C++ SDK's JSON envelope around the same scheme.
  WecomAdapter cpp(config_of(section(kCpp)));
  r = cpp.on_webhook(
      request(
          "POST",
          "msg_signature=477715d11cdb4164915debcba66cb864d751f3e6&timestamp=1409659813&"
          "nonce=1372623149",
          json{{"tousername", kCpp.corp_id}, {"encrypt", kCppEncrypt}, {"agentid", "218"}}.dump()),
      kNow);
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].text, "hello");
  EXPECT_EQ(r.events[0].user, "mycreate");
  EXPECT_EQ(r.events[0].event_id, "4561255354251345929");
}

// ---- Refusals: no event, no answer of the plaintext. ----

TEST(WecomWebhook, EveryTamperingIsRefusedWithoutAnEvent) {
  WecomAdapter py(config_of(section(kPy)));
  const std::string good_query =
      "msg_signature=0c3914025cb4b4d68103f6bfc8db550f79dcf48e&timestamp=1476422779&nonce="
      "1597212914";
  std::string tampered = kPyEncrypt;
  tampered[10] = tampered[10] == 'A' ? 'B' : 'A';
  struct Case {
    const char* what;
    HttpRequest req;
    int status;
  };
  std::vector<Case> cases = {
      {"body tampered", request("POST", good_query, xml_envelope(tampered, kPy.corp_id)), 401},
      {"timestamp changed",
       request("POST",
               "msg_signature=0c3914025cb4b4d68103f6bfc8db550f79dcf48e&timestamp=1476422780&"
               "nonce=1597212914",
               xml_envelope(kPyEncrypt, kPy.corp_id)),
       401},
      {"no signature",
       request("POST", "timestamp=1476422779&nonce=1597212914",
               xml_envelope(kPyEncrypt, kPy.corp_id)),
       401},
      {"signature upper case",
       request("POST",
               "msg_signature=0C3914025CB4B4D68103F6BFC8DB550F79DCF48E&timestamp=1476422779&"
               "nonce=1597212914",
               xml_envelope(kPyEncrypt, kPy.corp_id)),
       401},
      {"echostr tampered",
       request("GET",
               "msg_signature=012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb&"
               "timestamp=1476416373&nonce=47744683&echostr=" +
                   std::string(kCppEcho)),
       401},
  };
  for (auto& c : cases) {
    auto r = py.on_webhook(c.req, kNow);
    EXPECT_EQ(r.status, c.status) << c.what;
    EXPECT_TRUE(r.events.empty()) << c.what;
    EXPECT_THAT(r.body, ::testing::Not(HasSubstr("你好"))) << c.what;
  }

  // The right token with another EncodingAESKey: signed well, but not ours to decrypt.
  json other = section(kPy);
  other["encoding_aes_key"] = kCpp.aes_key;
  WecomAdapter wrong_key(config_of(other));
  auto r = wrong_key.on_webhook(request("POST", good_query, xml_envelope(kPyEncrypt, kPy.corp_id)),
                                kNow);
  EXPECT_EQ(r.status, 403);
  EXPECT_TRUE(r.events.empty());
  // Another token: the signature fails first.
  other = section(kPy);
  other["token"] = "another-token";
  WecomAdapter wrong_token(config_of(other));
  r = wrong_token.on_webhook(request("POST", good_query, xml_envelope(kPyEncrypt, kPy.corp_id)),
                             kNow);
  EXPECT_EQ(r.status, 401);
  EXPECT_TRUE(r.events.empty());
}

TEST(WecomWebhook, AnotherCorpsReceiveIdIsRefused) {
  // The published message was for ww1436e0e65a779aee: an app of another corp, with the same
  // token and key, refuses it (the SDK's -40005).
  json other = section(kPy);
  other["corp_id"] = "ww0000000000000000";
  WecomAdapter a(config_of(other));
  auto r = a.on_webhook(request("POST",
                                "msg_signature=0c3914025cb4b4d68103f6bfc8db550f79dcf48e&"
                                "timestamp=1476422779&nonce=1597212914",
                                xml_envelope(kPyEncrypt, kPy.corp_id)),
                        kNow);
  EXPECT_EQ(r.status, 403);
  EXPECT_TRUE(r.events.empty());
  // And the URL check of that corp.
  r = a.on_webhook(request("GET",
                           "msg_signature=012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb&"
                           "timestamp=1476416373&nonce=47744683&echostr=" +
                               std::string(kPyEcho)),
                   kNow);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body.find("1288432023552776189"), std::string::npos);
  // An app's XML message with an empty receiveid is not the robot's: refused.
  WecomAdapter ours(config_of(section(kPy)));
  auto s = sign(kPy,
                "<xml><FromUserName>li</FromUserName><CreateTime>1800000000</CreateTime><MsgType>"
                "text</MsgType><Content>hi</Content><MsgId>1</MsgId></xml>",
                "", false);
  r = ours.on_webhook(request("POST", s.query, s.body), kNow);
  EXPECT_EQ(r.status, 403);
  EXPECT_TRUE(r.events.empty());
}

TEST(WecomWebhook, MalformedBodiesAreRefused) {
  WecomAdapter a(config_of(section(kPy)));
  for (std::string body : {"", "{not json", "<xml><Encrypt>x</Encrypt>", "[]", "{\"encrypt\":1}",
                           "<xml><Encrypt a=\"1\">x</Encrypt></xml>"}) {
    auto r = a.on_webhook(request("POST", "msg_signature=00&timestamp=1&nonce=2", body), kNow);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_TRUE(r.events.empty());
  }
  EXPECT_EQ(a.on_webhook(request("PUT", "", ""), kNow).status, 405);
  // Signed, but the plaintext is neither XML nor JSON.
  auto s = sign(kPy, "hello", kPy.corp_id, true);
  EXPECT_EQ(a.on_webhook(request("POST", s.query, s.body), kNow).status, 400);
}

// ---- What the app and the robot send. ----

TEST(WecomWebhook, CardButtonPressIsAButtonOfItsPerson) {
  WecomAdapter a(config_of(section(kPy)));
  auto s = sign(kPy,
                "<xml><ToUserName><![CDATA[ww1436e0e65a779aee]]></ToUserName>"
                "<FromUserName><![CDATA[chen]]></FromUserName><CreateTime>1800000001</CreateTime>"
                "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event>"
                "<EventKey><![CDATA[t:12:claim]]></EventKey><TaskId><![CDATA[linli_ab]]></TaskId>"
                "<CardType><![CDATA[button_interaction]]></CardType>"
                "<ResponseCode><![CDATA[rc]]></ResponseCode><AgentID>1000002</AgentID></xml>",
                kPy.corp_id, false);
  auto r = a.on_webhook(request("POST", s.query, s.body), kNow);
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].button, "t:12:claim");
  EXPECT_EQ(r.events[0].user, "chen");
  EXPECT_EQ(r.events[0].chat, "chen");
  // FromUserName + CreateTime, as WeCom advises, and the card and button: a retry repeats them.
  EXPECT_EQ(r.events[0].event_id, "ev:chen:1800000001:linli_ab:t:12:claim");
  EXPECT_TRUE(r.events[0].callback_id.empty());
  // Other events (entering the app) are acknowledged and dropped.
  s = sign(kPy,
           "<xml><FromUserName>chen</FromUserName><CreateTime>1800000002</CreateTime>"
           "<MsgType>event</MsgType><Event>enter_agent</Event></xml>",
           kPy.corp_id, false);
  r = a.on_webhook(request("POST", s.query, s.body), kNow);
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.events.empty());
}

TEST(WecomWebhook, RobotMentionInAGroupIsTheTextAfterTheMention) {
  WecomAdapter a(config_of(section(kPy)));
  json msg = {{"msgid", "CAIQ16HMjQYY"},
              {"aibotid", "AIBOTID"},
              {"chatid", "wrkSFfCgAAxxxx"},
              {"chattype", "group"},
              {"from", {{"userid", "lixiuying"}}},
              {"response_url", "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?x=1"},
              {"msgtype", "text"},
              {"text", {{"content", "@邻里助手\xE2\x80\x85求助 厨房水管漏水了"}}}};
  // The company's own robot signs with an empty receiveid.
  auto s = sign(kPy, msg.dump(), "", true);
  auto r = a.on_webhook(request("POST", s.query, s.body), kNow);
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].chat, "wrkSFfCgAAxxxx");
  EXPECT_EQ(r.events[0].chat_kind, ChatKind::group);
  EXPECT_EQ(r.events[0].user, "lixiuying");
  EXPECT_EQ(r.events[0].text, "求助 厨房水管漏水了");
  EXPECT_EQ(r.events[0].event_id, "CAIQ16HMjQYY");
  EXPECT_TRUE(r.events[0].addressed) << "in a group the robot hears only what @-mentions it";

  msg["chattype"] = "single";
  msg["text"]["content"] = "2单元501";
  s = sign(kPy, msg.dump(), kPy.corp_id, true);
  r = a.on_webhook(request("POST", s.query, s.body), kNow);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_FALSE(r.events[0].addressed);
  EXPECT_EQ(r.events[0].chat, "lixiuying");
  EXPECT_EQ(r.events[0].chat_kind, ChatKind::private_chat);
  EXPECT_EQ(r.events[0].text, "2单元501");
  // Another receiveid is not ours, robot or not.
  s = sign(kPy, msg.dump(), "ww9999", true);
  r = a.on_webhook(request("POST", s.query, s.body), kNow);
  EXPECT_EQ(r.status, 403);
  EXPECT_TRUE(r.events.empty());
}

TEST(WecomWebhook, TypingACardsButtonInItsGroupPressesIt) {
  WecomAdapter a(config_of(section(kPy)));
  auto mention = [&](const std::string& chat, const std::string& text) {
    json msg = {
        {"msgid", "m-" + chat + text}, {"chatid", chat},
        {"chattype", "group"},         {"from", {{"userid", "chenshifu"}}},
        {"msgtype", "text"},           {"text", {{"content", "@邻里助手\xE2\x80\x85" + text}}}};
    auto s = sign(kPy, msg.dump(), "", true);
    auto r = a.on_webhook(request("POST", s.query, s.body), kNow);
    EXPECT_EQ(r.events.size(), 1u);
    return r.events.empty() ? InboundEvent{} : r.events[0];
  };
  // Before any card: text.
  EXPECT_EQ(mention("volunteers", "接单").button, "");
  OutboundMessage card;
  card.chat = "volunteers";
  card.text = "#1 维修 · 31栋";
  card.buttons = {{{"接单", "t:1:take"}}};
  a.render(card, "");
  card.text = "#2 购物 · 32栋";
  card.buttons = {{{"接单", "t:2:take"}}};
  a.render(card, "");
  // The latest card so labelled, with "！" or spaces around.
  InboundEvent ev = mention("volunteers", " 接单！ ");
  EXPECT_EQ(ev.button, "t:2:take");
  EXPECT_THAT(ev.text, HasSubstr("接单！"));  // the text stays, for the record
  // Not another text, nor in another group.
  EXPECT_EQ(mention("volunteers", "接单了吗").button, "");
  EXPECT_EQ(mention("building31", "接单").button, "");
  // A question answering someone's message: its options are answers the dialog reads as text.
  OutboundMessage question;
  question.chat = "building31";
  question.reply_to = "m-building31求助";
  question.text = "需要哪方面的帮助？";
  question.buttons = {{{"维修", "d:7:category.0"}}};
  a.render(question, "");
  EXPECT_EQ(mention("building31", "维修").button, "");
}

TEST(WecomWebhook, ARetryCarriesTheSameEventId) {
  WecomAdapter a(config_of(section(kPy)));
  const std::string msg =
      "<xml><FromUserName>li</FromUserName><CreateTime>1800000000</CreateTime><MsgType>text"
      "</MsgType><Content>/menu</Content><MsgId>777</MsgId></xml>";
  // WeCom's retry is a new request (new nonce, new ciphertext) for the same message.
  auto s1 = sign(kPy, msg, kPy.corp_id, false, "1800000000", "1");
  auto s2 = sign(kPy, msg, kPy.corp_id, false, "1800000005", "2");
  auto r1 = a.on_webhook(request("POST", s1.query, s1.body), kNow);
  auto r2 = a.on_webhook(request("POST", s2.query, s2.body), kNow);
  ASSERT_EQ(r1.events.size(), 1u);
  ASSERT_EQ(r2.events.size(), 1u);
  EXPECT_EQ(r1.events[0].event_id, "777");
  EXPECT_EQ(r1.events[0].event_id, r2.events[0].event_id);
}

TEST(WecomWebhook, TwoPressesInOneSecondAreTwoEvents) {
  WecomAdapter a(config_of(section(kPy)));
  auto press = [&](const std::string& task, const std::string& key) {
    auto s = sign(kPy,
                  "<xml><FromUserName>chen</FromUserName><CreateTime>1800000001</CreateTime>"
                  "<MsgType>event</MsgType><Event>template_card_event</Event><EventKey>" +
                      key + "</EventKey><TaskId>" + task + "</TaskId></xml>",
                  kPy.corp_id, false);
    auto r = a.on_webhook(request("POST", s.query, s.body), kNow);
    EXPECT_EQ(r.events.size(), 1u);
    return r.events.empty() ? std::string() : r.events[0].event_id;
  };
  // 陈师傅 accepts two offers, card after card, within the second: neither is a retry.
  std::string first = press("linli_01", "o:1:yes");
  EXPECT_NE(first, press("linli_02", "o:2:yes"));
  EXPECT_EQ(first, press("linli_01", "o:1:yes"));  // WeCom's retry of the first
}

// ---- The XML reader. ----

TEST(WecomXml, ReadsTheFlatShapeStrictly) {
  auto f = wecom::parse_flat_xml(
      "<xml> <A><![CDATA[x<y>]]></A>\n<B>1 &lt; 2 &amp;&amp; 你</B><C/><D></D></xml>\n");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->at("A"), "x<y>");
  EXPECT_EQ(f->at("B"), "1 < 2 && 你");
  EXPECT_EQ(f->at("C"), "");
  EXPECT_EQ(f->at("D"), "");
  for (const char* bad :
       {"", "<xml>", "<?xml version=\"1.0\"?><xml></xml>", "<xml><A>1</B></xml>",
        "<xml><A>1</A><A>2</A></xml>", "<xml><A><B>1</B></A></xml>", "<xml><A>&nbsp;</A></xml>",
        "<xml><A x=\"1\">1</A></xml>", "<xml></xml>trailing", "<other></other>",
        "<xml><A><![CDATA[never closed</A></xml>", "<xml><A>1</A>"}) {
    EXPECT_FALSE(wecom::parse_flat_xml(bad)) << bad;
  }
}

// ---- Config. ----

TEST(WecomConfig, TheKeyMustBe43CharactersOf32Bytes) {
  AdapterConfig a = config_of(section(kCpp));
  EXPECT_EQ(a.settings_as<WecomConfig>()->aes_key.size(), 32u);
  EXPECT_EQ(a.settings_as<WecomConfig>()->api_base, "https://qyapi.weixin.qq.com");
  EXPECT_TRUE(a.capabilities.private_chat_is_user_id);
  EXPECT_EQ(a.capabilities.open_private_url, "");
  for (std::string bad : {std::string(kCpp.aes_key).substr(0, 42), std::string(kCpp.aes_key) + "A",
                          std::string(42, 'A') + "!"}) {
    json j = section(kCpp);
    j["encoding_aes_key"] = bad;
    try {
      config_of(j);
      ADD_FAILURE() << bad;
    } catch (const ConfigError& e) {
      EXPECT_THAT(e.what(), HasSubstr("adapters[0].encoding_aes_key")) << bad;
    }
  }
  json j = section(kCpp);
  j["corpid"] = "typo";
  EXPECT_THROW(config_of(j), ConfigError);
  j = section(kCpp);
  j["agent_id"] = "1000002";
  EXPECT_EQ(config_of(j).settings_as<WecomConfig>()->agent_id, 1000002);
  j["agent_id"] = "x";
  EXPECT_THROW(config_of(j), ConfigError);
  j = section(kCpp);
  j["secret"] = {{"env", "WECOM_SECRET"}};
  EXPECT_THROW(config_of(j), ConfigError);  // not set in the environment
  j.erase("agent_id");
  EXPECT_THROW(config_of(j), ConfigError);
}

// ---- Sending. ----

TEST(WecomSend, TokenIsFetchedKeptAndRefreshedBeforeItExpires) {
  json j = section(kPy);
  j["api_base"] = "http://127.0.0.1:9";
  WecomAdapter a(config_of(j));
  auto call = a.token_call(kNow);
  ASSERT_TRUE(call);
  EXPECT_EQ(call->method, "GET");
  EXPECT_EQ(call->url,
            "http://127.0.0.1:9/cgi-bin/gettoken?corpid=ww1436e0e65a779aee&corpsecret=app-secret");
  std::string error;
  EXPECT_FALSE(
      a.on_token({200, R"({"errcode":40001,"errmsg":"invalid credential"})", "", ""}, kNow, error));
  EXPECT_THAT(error, HasSubstr("40001"));
  ASSERT_TRUE(a.on_token(
      {200, R"({"errcode":0,"errmsg":"ok","access_token":"AT1","expires_in":7200})", "", ""}, kNow,
      error));
  EXPECT_FALSE(a.token_call(kNow + 1000));
  EXPECT_FALSE(a.token_call(kNow + 6'000'000));
  EXPECT_TRUE(a.token_call(kNow + 6'900'001));  // within 5 minutes of the end: a new one
  OutboundMessage m;
  m.private_chat = true;
  m.chat = "li";
  m.text = "你好";
  EXPECT_EQ(a.render(m, "").url, "http://127.0.0.1:9/cgi-bin/message/send?access_token=AT1");
  auto s = a.interpret(m, {200, R"({"errcode":42001,"errmsg":"access_token expired"})", "", ""});
  EXPECT_TRUE(s.token_rejected);
  EXPECT_EQ(s.status, SendStatus::transient);
  a.forget_token();
  EXPECT_TRUE(a.token_call(kNow + 1000));
}

TEST(WecomSend, PrivateMessagesGoToTheUserGroupsToTheAppChat) {
  WecomAdapter a(config_of(section(kPy)));
  std::string error;
  ASSERT_TRUE(a.on_token({200, R"({"errcode":0,"access_token":"AT","expires_in":7200})", "", ""},
                         kNow, error));
  OutboundMessage m;
  m.private_chat = true;
  m.chat = "";
  m.user = "lixiuying";
  m.text = "地址：2单元501";
  auto call = a.render(m, "");
  json body = json::parse(call.body);
  EXPECT_EQ(body["touser"], "lixiuying");
  EXPECT_EQ(body["agentid"], 1000002);
  EXPECT_EQ(body["msgtype"], "text");
  EXPECT_EQ(body["text"]["content"], "地址：2单元501");

  m.buttons = {{{"接单", "t:1:claim"}, {"不了", "t:1:no"}}};
  body = json::parse(a.render(m, "").body);
  EXPECT_EQ(body["msgtype"], "template_card");
  EXPECT_EQ(body["template_card"]["card_type"], "button_interaction");
  EXPECT_EQ(body["template_card"]["button_list"][0]["key"], "t:1:claim");
  EXPECT_EQ(body["template_card"]["button_list"][1]["text"], "不了");
  EXPECT_NE(body["template_card"]["task_id"],
            json::parse(a.render(m, "").body)["template_card"]["task_id"]);

  OutboundMessage g;
  g.chat = "wrkSFfCgAAxxxx";
  g.text = "需要哪方面的帮助？";
  g.buttons = {{{"维修", "h:c:1"}, {"购物", "h:c:2"}}};
  call = a.render(g, "");
  EXPECT_THAT(call.url, HasSubstr("/cgi-bin/appchat/send?access_token=AT"));
  body = json::parse(call.body);
  EXPECT_EQ(body["chatid"], "wrkSFfCgAAxxxx");
  // No buttons in a group: they are offered as text to type.
  EXPECT_EQ(body["text"]["content"], "需要哪方面的帮助？\n[维修] [购物]");

  // Longer than 2048 bytes: cut between characters.
  g.buttons.clear();
  g.text = std::string(3000, 'a') + "你";
  std::string content = json::parse(a.render(g, "").body)["text"]["content"];
  EXPECT_LE(content.size(), 2048u);
  EXPECT_THAT(content, ::testing::EndsWith("\xE2\x80\xA6"));
}

TEST(WecomSend, AnswersAreReadByErrcode) {
  WecomAdapter a(config_of(section(kPy)));
  OutboundMessage p;
  p.private_chat = true;
  p.chat = "li";
  OutboundMessage g;
  g.chat = "wrk1";
  auto ok = a.interpret(p, {200, R"({"errcode":0,"errmsg":"ok","msgid":"MSGID1"})", "", ""});
  EXPECT_EQ(ok.status, SendStatus::ok);
  EXPECT_EQ(ok.platform_id, "MSGID1");
  ok = a.interpret(g, {200, R"({"errcode":0,"errmsg":"ok"})", "", ""});
  EXPECT_EQ(ok.status, SendStatus::ok);
  EXPECT_FALSE(ok.platform_id.empty());
  auto limited =
      a.interpret(g, {200, R"({"errcode":45009,"errmsg":"api freq out of limit"})", "", ""});
  EXPECT_EQ(limited.status, SendStatus::retry_later);
  EXPECT_GT(limited.retry_after_ms, 0);
  EXPECT_EQ(a.interpret(g, {200, R"({"errcode":45033,"errmsg":"concurrent"})", "", ""}).status,
            SendStatus::retry_later);
  EXPECT_EQ(a.interpret(g, {200, R"({"errcode":-1,"errmsg":"system busy"})", "", ""}).status,
            SendStatus::transient);
  EXPECT_EQ(a.interpret(p, {200, R"({"errcode":81013,"errmsg":"user invalid"})", "", ""}).status,
            SendStatus::forbidden);
  EXPECT_EQ(a.interpret(g, {200, R"({"errcode":40003,"errmsg":"invalid"})", "", ""}).status,
            SendStatus::rejected);
  EXPECT_EQ(a.interpret(g, {502, "<html>", "", ""}).status, SendStatus::transient);
  EXPECT_EQ(a.interpret(g, {0, "", "", "connection refused"}).status, SendStatus::transient);
  EXPECT_TRUE(a.interpret(p, {200, R"({"errcode":40014,"errmsg":"invalid access_token"})", "", ""})
                  .token_rejected);
}

TEST(WecomRegistry, TheTypeIsRegisteredWithTwentyAMinutePerGroup) {
  bool found = false;
  for (const auto& p : platform_parsers()) {
    if (p.type == std::string("wecom")) {
      found = true;
      EXPECT_EQ(p.limits.per_group_per_min, 20);
    }
  }
  EXPECT_TRUE(found);
  AdapterConfig c = config_of(section(kPy));
  EXPECT_EQ(make_adapter(c)->webhook_methods(), (std::vector<std::string>{"GET", "POST"}));
}

}  // namespace
}  // namespace linli::test
