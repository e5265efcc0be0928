// The Telegram adapter from webhook fixture to InboundEvent, from OutboundMessage to API call,
// and from API answer to outcome. Fixtures: tests/adapters/fixtures/telegram/*.json, shaped as
// Telegram's Updates are.

#include "adapters/telegram/telegram_adapter.hpp"
#include "adapters/telegram/telegram_config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <random>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

namespace linli::test {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kToken = "7000000001:AAE-fake-token_for-tests";
constexpr const char* kSecret = "wh-Secret_0123456789";
constexpr std::int64_t kNow = 1'718'000'999'000;

AdapterConfig telegram_config() {
  AdapterConfig c;
  c.type = "telegram";
  c.name = "tg";
  c.webhook_path = "/telegram/tg";
  c.bot_username = "linli_bot";
  auto t = std::make_shared<TelegramConfig>();
  t->token = kToken;
  t->secret_token = kSecret;
  t->username = "linli_bot";
  t->api_base = "https://api.telegram.org";
  c.settings = t;
  return c;
}

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(LINLI_SOURCE_DIR) + "/tests/adapters/fixtures/telegram/" + name);
  if (!in) ADD_FAILURE() << "missing fixture " << name;
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

json fixture_json(const std::string& name) {
  return json::parse(fixture(name));
}

const std::vector<std::string> kFixtures = {
    "private_message.json",          "group_message.json",
    "supergroup_message.json",       "forum_topic_message.json",
    "forum_topic_reply_to_bot.json", "reply_to_bot.json",
    "reply_to_other_bot.json",       "reply_to_user.json",
    "command_after_emoji.json",      "command_ours.json",
    "command_other_bot.json",        "photo_with_caption.json",
    "callback_query.json",           "edited_message.json",
    "my_chat_member.json",           "channel_post.json"};

class TelegramAdapterTest : public ::testing::Test {
 protected:
  static HttpRequest request(std::string body, const char* secret = kSecret,
                             std::string method = "POST") {
    HttpRequest r;
    r.method = std::move(method);
    r.target = r.path = "/telegram/tg";
    r.headers.emplace_back("content-type", "application/json");
    if (secret) r.headers.emplace_back("x-telegram-bot-api-secret-token", secret);
    r.body = std::move(body);
    return r;
  }
  WebhookResult post(const std::string& body) { return adapter_.on_webhook(request(body), kNow); }
  WebhookResult post(const json& body) { return post(body.dump()); }
  // The one event a fixture must give.
  InboundEvent event(const json& body) {
    WebhookResult r = post(body);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.events.size(), 1u);
    return r.events.empty() ? InboundEvent{} : r.events.front();
  }
  InboundEvent event_of(const std::string& name) { return event(fixture_json(name)); }
  void expect_no_event(const json& body) {
    WebhookResult r = post(body);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(r.events.empty());
  }

  TelegramAdapter adapter_{telegram_config()};
};

// ---- Webhook: authentication and the request itself. ----

TEST_F(TelegramAdapterTest, MissingSecretIsRefusedBeforeTheBodyIsRead) {
  WebhookResult r = adapter_.on_webhook(request("this is not JSON", nullptr), kNow);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body, "unauthorized");
  EXPECT_TRUE(r.events.empty());
}

TEST_F(TelegramAdapterTest, TheHeadersAloneTellWhetherTheBodyIsWanted) {
  EXPECT_EQ(adapter_.check_headers(request("")), 0);
  EXPECT_EQ(adapter_.check_headers(request("", nullptr)), 401);
  EXPECT_EQ(adapter_.check_headers(request("", "wrong")), 401);
}

TEST_F(TelegramAdapterTest, WrongSecretsAreAllRefusedAlike) {
  std::string s = kSecret;
  for (std::string wrong :
       {std::string(), s.substr(0, s.size() - 1), s + "x", std::string(s.size(), 'a'),
        std::string("WH-SECRET_0123456789"), s + std::string(1000, 'z')}) {
    WebhookResult r = adapter_.on_webhook(request("{not json", wrong.c_str()), kNow);
    EXPECT_EQ(r.status, 401) << wrong;
    EXPECT_EQ(r.body, "unauthorized");
    EXPECT_THAT(r.body, Not(HasSubstr(kSecret)));
  }
}

TEST_F(TelegramAdapterTest, EmptyConfiguredSecretRefusesEverything) {
  AdapterConfig c = telegram_config();
  auto t = std::make_shared<TelegramConfig>(*c.settings_as<TelegramConfig>());
  t->secret_token.clear();
  c.settings = t;
  TelegramAdapter open(c);
  EXPECT_EQ(open.on_webhook(request(fixture("private_message.json"), ""), kNow).status, 401);
  EXPECT_EQ(open.on_webhook(request(fixture("private_message.json"), nullptr), kNow).status, 401);
}

TEST_F(TelegramAdapterTest, OnlyPostIsAcceptedOnceTheSecretIsRight) {
  EXPECT_EQ(adapter_.on_webhook(request("", kSecret, "GET"), kNow).status, 405);
  EXPECT_EQ(adapter_.on_webhook(request("", nullptr, "GET"), kNow).status, 401);
}

TEST_F(TelegramAdapterTest, BadJsonWithTheRightSecretIs400) {
  for (std::string body : {"", "not json", "[1,2,3]", "\"update\"", "{\"update_id\": \"12\"}",
                           "{\"update_id\": 1.5}", "{}", "{\"update_id\": 18446744073709551615}",
                           "{\"update_id\": 1,", "{\"update_id\": 1} trailing"}) {
    WebhookResult r = post(body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_TRUE(r.events.empty()) << body;
  }
}

// ---- Webhook: messages. ----

TEST_F(TelegramAdapterTest, PrivateMessageBecomesAnEventFromThatPerson) {
  InboundEvent ev = event_of("private_message.json");
  EXPECT_EQ(ev.adapter, "tg");
  EXPECT_EQ(ev.event_id, "810000001");
  EXPECT_EQ(ev.chat, "123456789");
  EXPECT_EQ(ev.chat_kind, ChatKind::private_chat);
  EXPECT_EQ(ev.thread, "");
  EXPECT_EQ(ev.user, "123456789");
  EXPECT_EQ(ev.user_name, "秀英 李");
  EXPECT_EQ(ev.lang, "zh-hans");
  EXPECT_EQ(ev.message_id, "52");
  EXPECT_EQ(ev.text, "你好");
  EXPECT_EQ(ev.command, "");
  EXPECT_FALSE(ev.addressed_to_other_bot);
  EXPECT_EQ(ev.reply_to, "");
  EXPECT_EQ(ev.button, "");
  EXPECT_EQ(ev.callback_id, "");
  EXPECT_EQ(ev.at_ms, 1'718'000'000'000);
}

TEST_F(TelegramAdapterTest, GroupMessageIsAGroupEvent) {
  InboundEvent ev = event_of("group_message.json");
  EXPECT_EQ(ev.chat, "-987654321");
  EXPECT_EQ(ev.chat_kind, ChatKind::group);
  EXPECT_EQ(ev.user, "222333444");
  EXPECT_EQ(ev.user_name, "Tom");
  EXPECT_EQ(ev.lang, "en");
  EXPECT_EQ(ev.message_id, "1204");
  EXPECT_EQ(ev.text, "有人能帮忙搬东西吗？");
}

TEST_F(TelegramAdapterTest, SupergroupKeepsItsMinus100ChatIdAndUsersKeepBigIds) {
  InboundEvent ev = event_of("supergroup_message.json");
  EXPECT_EQ(ev.chat, "-1001234567890");
  EXPECT_EQ(ev.chat_kind, ChatKind::group);
  EXPECT_EQ(ev.user, "5123456789");
  EXPECT_EQ(ev.user_name, "建国 王");
}

TEST_F(TelegramAdapterTest, ForumTopicKeepsTheThreadAndIsNoReplyToTheTopicRoot) {
  // The root of topic 77 was created by our bot: still no reply to us.
  InboundEvent ev = event_of("forum_topic_message.json");
  EXPECT_EQ(ev.chat, "-1009876543210");
  EXPECT_EQ(ev.thread, "77");
  EXPECT_EQ(ev.reply_to, "");
  EXPECT_EQ(ev.text, "楼下水管漏水了");
}

TEST_F(TelegramAdapterTest, ReplyToOurMessageInsideAForumTopicIsAReply) {
  InboundEvent ev = event_of("forum_topic_reply_to_bot.json");
  EXPECT_EQ(ev.thread, "77");
  EXPECT_EQ(ev.reply_to, "90");
}

TEST_F(TelegramAdapterTest, ReplyToOurBotIsAReplyWhateverTheUsernameCase) {
  // Its message_thread_id marks a reply chain, not a topic: no thread.
  InboundEvent ev = event_of("reply_to_bot.json");
  EXPECT_EQ(ev.reply_to, "5311");
  EXPECT_EQ(ev.thread, "");
  EXPECT_EQ(ev.text, "我去");
}

TEST_F(TelegramAdapterTest, ReplyToAnotherBotIsNoReplyToUs) {
  InboundEvent ev = event_of("reply_to_other_bot.json");
  EXPECT_EQ(ev.reply_to, "");
  EXPECT_EQ(ev.text, "谢谢");
}

TEST_F(TelegramAdapterTest, ReplyToAPersonIsNoReplyToUs) {
  EXPECT_EQ(event_of("reply_to_user.json").reply_to, "");
  // Not even a person whose name looks like ours: only a bot can be us.
  json j = fixture_json("reply_to_user.json");
  j["message"]["reply_to_message"]["from"]["username"] = "linli_bot";
  EXPECT_EQ(event(j).reply_to, "");
}

TEST_F(TelegramAdapterTest, CommandAfterEmojiAndChineseIsReadAtItsUtf16Offset) {
  // "🙏请帮忙 " is 6 UTF-16 units (the emoji is a surrogate pair) and 14 bytes.
  InboundEvent ev = event_of("command_after_emoji.json");
  EXPECT_EQ(ev.command, "help");
  EXPECT_EQ(ev.command_args, "水管漏了");
  EXPECT_EQ(ev.text, "🙏请帮忙 /help 水管漏了");
  EXPECT_FALSE(ev.addressed_to_other_bot);
}

TEST_F(TelegramAdapterTest, CommandNamingUsIsOursWithItsArgumentsTrimmed) {
  InboundEvent ev = event_of("command_ours.json");
  EXPECT_EQ(ev.command, "join");
  EXPECT_EQ(ev.command_args, "我会修水管");
  EXPECT_FALSE(ev.addressed_to_other_bot);
}

TEST_F(TelegramAdapterTest, CommandNamingOurBotIgnoresCase) {
  json j = fixture_json("command_ours.json");
  j["message"]["text"] = "/join@LINLI_Bot";
  InboundEvent ev = event(j);
  EXPECT_EQ(ev.command, "join");
  EXPECT_EQ(ev.command_args, "");
}

TEST_F(TelegramAdapterTest, CommandNamingAnotherBotIsMarkedNotOurs) {
  InboundEvent ev = event_of("command_other_bot.json");
  EXPECT_TRUE(ev.addressed_to_other_bot);
  EXPECT_EQ(ev.command, "");
  EXPECT_EQ(ev.command_args, "");
  EXPECT_EQ(ev.text, "/join@OtherBot");
}

TEST_F(TelegramAdapterTest, BareCommandIsOurs) {
  json j = fixture_json("private_message.json");
  j["message"]["text"] = "/mine";
  j["message"]["entities"] = json::array({{{"offset", 0}, {"length", 5}, {"type", "bot_command"}}});
  InboundEvent ev = event(j);
  EXPECT_EQ(ev.command, "mine");
  EXPECT_EQ(ev.command_args, "");
}

TEST_F(TelegramAdapterTest, OnlyTheFirstBotCommandCounts) {
  json j = fixture_json("private_message.json");
  j["message"]["text"] = "请 /help 或者 /menu";
  j["message"]["entities"] =
      json::array({{{"offset", 0}, {"length", 1}, {"type", "bold"}},
                   {{"offset", 2}, {"length", 5}, {"type", "bot_command"}},
                   {{"offset", 11}, {"length", 5}, {"type", "bot_command"}}});
  InboundEvent ev = event(j);
  EXPECT_EQ(ev.command, "help");
  EXPECT_EQ(ev.command_args, "或者 /menu");
}

TEST_F(TelegramAdapterTest, CaptionIsTheTextAndItsEntitiesTheCommands) {
  InboundEvent ev = event_of("photo_with_caption.json");
  EXPECT_EQ(ev.text, "/help 楼道灯坏了");
  EXPECT_EQ(ev.command, "help");
  EXPECT_EQ(ev.command_args, "楼道灯坏了");
}

TEST_F(TelegramAdapterTest, EntitiesThatDoNotFitTheTextAreNoCommand) {
  // "🙏请帮忙 /help 水管漏了" is 16 UTF-16 units long.
  std::vector<json> broken = {
      {{"offset", 100}, {"length", 5}, {"type", "bot_command"}},  // past the end
      {{"offset", 14}, {"length", 5}, {"type", "bot_command"}},   // runs past the end
      {{"offset", -1}, {"length", 5}, {"type", "bot_command"}},
      {{"offset", 6}, {"length", 0}, {"type", "bot_command"}},
      {{"offset", 6}, {"length", -5}, {"type", "bot_command"}},
      {{"offset", 1}, {"length", 5}, {"type", "bot_command"}},    // inside the surrogate pair
      {{"offset", 0}, {"length", 1}, {"type", "bot_command"}},    // half of the emoji
      {{"offset", 2}, {"length", 3}, {"type", "bot_command"}},    // no '/'
      {{"offset", 6}, {"length", 1}, {"type", "bot_command"}},    // "/" alone
      {{"offset", "6"}, {"length", 5}, {"type", "bot_command"}},  // wrong types
      {{"offset", 6.0}, {"length", 5}, {"type", "bot_command"}},
      {{"offset", 6}, {"length", 5}, {"type", 7}},
      {{"offset", 6}, {"length", 9223372036854775807LL}, {"type", "bot_command"}},
      {{"offset", 9223372036854775807LL}, {"length", 5}, {"type", "bot_command"}},
      "bot_command",
  };
  for (const json& entity : broken) {
    json j = fixture_json("command_after_emoji.json");
    j["message"]["entities"] = json::array({entity});
    InboundEvent ev = event(j);
    EXPECT_EQ(ev.command, "") << entity.dump();
    EXPECT_EQ(ev.text, "🙏请帮忙 /help 水管漏了");
  }
}

TEST_F(TelegramAdapterTest, MessagesWithNothingToReadGiveNoEvent) {
  json no_text = fixture_json("photo_with_caption.json");
  no_text["message"].erase("caption");
  expect_no_event(no_text);

  json no_from = fixture_json("supergroup_message.json");
  no_from["message"].erase("from");
  expect_no_event(no_from);

  json in_channel = fixture_json("supergroup_message.json");
  in_channel["message"]["chat"]["type"] = "channel";
  expect_no_event(in_channel);

  json empty_text = fixture_json("private_message.json");
  empty_text["message"]["text"] = "";
  expect_no_event(empty_text);
}

TEST_F(TelegramAdapterTest, IgnoredKindsAreAcknowledgedWithoutEvents) {
  for (const char* name : {"edited_message.json", "my_chat_member.json", "channel_post.json"}) {
    WebhookResult r = post(fixture(name));
    EXPECT_EQ(r.status, 200) << name;
    EXPECT_TRUE(r.events.empty()) << name;
  }
  expect_no_event(json{{"update_id", 5}, {"message_reaction", {{"chat", {{"id", 1}}}}}});
  expect_no_event(json{{"update_id", 6}});
}

TEST_F(TelegramAdapterTest, DateOutOfRangeIsUnknownTime) {
  json j = fixture_json("private_message.json");
  j["message"]["date"] = 9223372036854775807LL;
  EXPECT_EQ(event(j).at_ms, 0);
  j["message"]["date"] = -5;
  EXPECT_EQ(event(j).at_ms, 0);
}

// ---- Webhook: button presses. ----

TEST_F(TelegramAdapterTest, CallbackQueryBecomesAButtonPressOnOurMessage) {
  InboundEvent ev = event_of("callback_query.json");
  EXPECT_EQ(ev.event_id, "810000013");
  EXPECT_EQ(ev.callback_id, "4382bfdwdsb323b2d9");
  EXPECT_EQ(ev.button, "t:12:claim");
  EXPECT_EQ(ev.user, "5123456789");
  EXPECT_EQ(ev.user_name, "建国 王");
  EXPECT_EQ(ev.lang, "zh-hans");
  EXPECT_EQ(ev.chat, "-1001234567890");
  EXPECT_EQ(ev.chat_kind, ChatKind::group);
  EXPECT_EQ(ev.reply_to, "5311");
  EXPECT_EQ(ev.message_id, "");
  EXPECT_EQ(ev.text, "");
  EXPECT_EQ(ev.at_ms, kNow);
}

TEST_F(TelegramAdapterTest, CallbackQueryInAForumTopicKeepsTheThread) {
  json j = fixture_json("callback_query.json");
  j["callback_query"]["message"]["message_thread_id"] = 77;
  j["callback_query"]["message"]["is_topic_message"] = true;
  EXPECT_EQ(event(j).thread, "77");
}

TEST_F(TelegramAdapterTest, CallbackQueryOnAnInaccessibleMessageStillHasItsChat) {
  json j = fixture_json("callback_query.json");
  j["callback_query"]["message"] = {
      {"chat", {{"id", 123456789}, {"type", "private"}}}, {"message_id", 40}, {"date", 0}};
  InboundEvent ev = event(j);
  EXPECT_EQ(ev.chat, "123456789");
  EXPECT_EQ(ev.chat_kind, ChatKind::private_chat);
  EXPECT_EQ(ev.reply_to, "40");
}

TEST_F(TelegramAdapterTest, CallbackQueryWithoutMessageOrDataGivesNoEvent) {
  json inline_mode = fixture_json("callback_query.json");
  inline_mode["callback_query"].erase("message");
  inline_mode["callback_query"]["inline_message_id"] = "AAAAAGZmZmY";
  expect_no_event(inline_mode);

  json game = fixture_json("callback_query.json");
  game["callback_query"].erase("data");
  game["callback_query"]["game_short_name"] = "tetris";
  expect_no_event(game);
}

// ---- Webhook: whatever the types, never a throw. ----

// Every value of every fixture, replaced in turn by values of every other type.
TEST_F(TelegramAdapterTest, WrongTypedFieldsAreTreatedAsMissingAndNeverThrow) {
  const std::vector<json> replacements = {nullptr,
                                          true,
                                          0,
                                          -1,
                                          9223372036854775807LL,
                                          json(18446744073709551615ULL),
                                          1.5,
                                          -1e300,
                                          "",
                                          "12",
                                          "x",
                                          json::array(),
                                          json::array({1, "a"}),
                                          json::object(),
                                          json{{"id", "1"}}};
  std::size_t tried = 0;
  for (const std::string& name : kFixtures) {
    json original = fixture_json(name);
    std::set<std::string> pointers;
    json flat = original.flatten();
    for (auto& [path, value] : flat.items()) {
      // Every ancestor too, so that whole objects and arrays get replaced as well.
      for (json::json_pointer p(path); !p.empty(); p = p.parent_pointer()) {
        pointers.insert(p.to_string());
      }
    }
    for (const std::string& pointer : pointers) {
      json::json_pointer p(pointer);
      for (const json& r : replacements) {
        json mutated = original;
        mutated[p] = r;
        WebhookResult result;
        ASSERT_NO_THROW(result = post(mutated)) << name << " " << pointer << " = " << r;
        EXPECT_TRUE(result.status == 200 || result.status == 400) << name << pointer;
        EXPECT_LE(result.events.size(), 1u);
        ++tried;
      }
    }
  }
  EXPECT_GT(tried, 3000u);
}

// Random damage to the bytes: invalid JSON is 400, valid JSON is handled, nothing throws.
TEST_F(TelegramAdapterTest, DamagedBodiesNeverThrow) {
  std::mt19937 rng(20240610);
  for (const std::string& name : kFixtures) {
    std::string original = fixture(name);
    for (int i = 0; i < 300; ++i) {
      std::string body = original;
      int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits; ++e) {
        std::size_t at = rng() % body.size();
        switch (rng() % 4) {
          case 0:
            body[at] = static_cast<char>(rng() % 256);
            break;
          case 1:
            body.erase(at, 1 + rng() % 8);
            break;
          case 2:
            body.insert(at, 1, "{}[]\",:0-9e\\"[rng() % 12]);
            break;
          default:
            body.resize(at);
            break;
        }
        if (body.empty()) body = "{";
      }
      WebhookResult r;
      ASSERT_NO_THROW(r = post(body)) << body;
      EXPECT_TRUE(r.status == 200 || r.status == 400) << body;
    }
  }
}

// ---- render ----

OutboundMessage send_to(std::string chat, std::string text) {
  OutboundMessage m;
  m.kind = OutKind::send;
  m.adapter = "tg";
  m.chat = std::move(chat);
  m.text = std::move(text);
  return m;
}

json body_of(const ApiCall& call) {
  json j = json::parse(call.body, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << call.body;
  return j;
}

std::string url(const char* method) {
  return std::string("https://api.telegram.org/bot") + kToken + "/" + method;
}

TEST_F(TelegramAdapterTest, SendToAPrivateChatIsSendMessageWithChatAndText) {
  ApiCall call = adapter_.render(send_to("123456789", "你好，李阿姨"), "");
  EXPECT_EQ(call.method, "POST");
  EXPECT_EQ(call.url, url("sendMessage"));
  EXPECT_EQ(call.content_type, "application/json");
  EXPECT_EQ(body_of(call), json::parse(R"({"chat_id": 123456789, "text": "你好，李阿姨"})"));
}

TEST_F(TelegramAdapterTest, SendWithThreadReplyAndButtonsRendersThemAll) {
  OutboundMessage m = send_to("-1001234567890", "新求助 #12：5号楼水管漏水。谁能去？");
  m.thread = "77";
  m.reply_to = "5311";
  m.buttons = {{{"我去", "t:12:claim"}, {"不行", "t:12:no"}}, {{"详情", "t:12:info"}}};
  EXPECT_EQ(body_of(adapter_.render(m, "")), json::parse(R"({
    "chat_id": -1001234567890,
    "message_thread_id": 77,
    "text": "新求助 #12：5号楼水管漏水。谁能去？",
    "reply_parameters": {"message_id": 5311, "allow_sending_without_reply": true},
    "reply_markup": {"inline_keyboard": [
      [{"text": "我去", "callback_data": "t:12:claim"}, {"text": "不行", "callback_data": "t:12:no"}],
      [{"text": "详情", "callback_data": "t:12:info"}]]}
  })"));
}

TEST_F(TelegramAdapterTest, ChatThatIsNoNumberStaysAString) {
  EXPECT_EQ(body_of(adapter_.render(send_to("@xingfu_notices", "停水"), ""))["chat_id"],
            "@xingfu_notices");
}

TEST_F(TelegramAdapterTest, ButtonDataOfUpTo64BytesIsSentAsItIs) {
  OutboundMessage m = send_to("1", "选一个");
  std::string max(64, 'd');
  m.buttons = {{{"a", max}}, {{"e", "ok"}}};
  ApiCall call = adapter_.render(m, "");
  EXPECT_EQ(call.refused, "");
  EXPECT_EQ(body_of(call)["reply_markup"],
            json::parse(R"({"inline_keyboard": [
      [{"text": "a", "callback_data": ")" +
                        max + R"("}], [{"text": "e", "callback_data": "ok"}]]})"));
}

// Telegram would answer BUTTON_DATA_INVALID; dropping the button instead would leave a question
// without the answer it offers. The sender dead-letters a refused call without making it.
TEST_F(TelegramAdapterTest, ButtonWhoseDataDoesNotFitIn64BytesRefusesTheMessageLoudly) {
  std::string chinese_66 = "任务";  // 6 bytes
  for (int i = 0; i < 10; ++i) chinese_66 += "任务";
  for (const std::string& data : {std::string(65, 'd'), chinese_66, std::string()}) {
    OutboundMessage m = send_to("1", "选一个");
    m.buttons = {{{"a", "ok"}, {"b", data}}, {{"e", "ok"}}};
    ApiCall call = adapter_.render(m, "");
    EXPECT_EQ(call.refused,
              "button data of " + std::to_string(data.size()) + " bytes: Telegram takes 1 to 64");
    EXPECT_THAT(call.refused, Not(HasSubstr("选一个")));
    m.kind = OutKind::edit;
    EXPECT_NE(adapter_.render(m, "5311").refused, "") << "an edit is refused alike";
  }
}

TEST_F(TelegramAdapterTest, TextOverTelegramsLimitIsCutBetweenCodePointsWithAnEllipsis) {
  auto units = [](const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s) {
      if ((c & 0xC0) != 0x80) n += c >= 0xF0 ? 2 : 1;
    }
    return n;
  };
  std::string exact(4096, 'a');
  EXPECT_EQ(body_of(adapter_.render(send_to("1", exact), ""))["text"], exact);

  auto text_of = [&](const OutboundMessage& m) {
    return body_of(adapter_.render(m, "")).at("text").get<std::string>();
  };
  std::string text = text_of(send_to("1", exact + "b"));
  EXPECT_EQ(text, std::string(4095, 'a') + "…");

  std::string emoji;
  for (int i = 0; i < 2049; ++i) emoji += "🙏";  // 4098 units
  text = text_of(send_to("1", emoji));
  EXPECT_EQ(units(text), 4095u);  // 2047 emoji and the ellipsis: half an emoji would not fit
  EXPECT_EQ(text.substr(text.size() - 3), "…");
  EXPECT_EQ(text.substr(0, text.size() - 3), emoji.substr(0, 2047 * 4));

  std::string chinese;
  for (int i = 0; i < 5000; ++i) chinese += "水";
  text = text_of(send_to("1", chinese));
  EXPECT_EQ(units(text), 4096u);
}

TEST_F(TelegramAdapterTest, TextThatIsNotUtf8IsSentWithReplacementsInsteadOfThrowing) {
  ApiCall call;
  ASSERT_NO_THROW(call = adapter_.render(send_to("1", "ab\xff\xfe"), ""));
  EXPECT_EQ(body_of(call)["text"], "ab\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_F(TelegramAdapterTest, EditRendersEditMessageTextAndAnEmptyKeyboardRemovesButtons) {
  OutboundMessage m = send_to("-1001234567890", "新求助 #12：已由王建国认领");
  m.kind = OutKind::edit;
  m.edit_of = 31;
  ApiCall call = adapter_.render(m, "5311");
  EXPECT_EQ(call.url, url("editMessageText"));
  EXPECT_EQ(body_of(call), json::parse(R"({
    "chat_id": -1001234567890, "message_id": 5311, "text": "新求助 #12：已由王建国认领",
    "reply_markup": {"inline_keyboard": []}})"));

  m.buttons = {{{"完成", "t:12:done"}}};
  EXPECT_EQ(
      body_of(adapter_.render(m, "5311"))["reply_markup"],
      json::parse(R"({"inline_keyboard": [[{"text": "完成", "callback_data": "t:12:done"}]]})"));
}

TEST_F(TelegramAdapterTest, AnswerCallbackRendersAnswerCallbackQuery) {
  OutboundMessage m;
  m.kind = OutKind::answer_callback;
  m.chat = "-1001234567890";
  m.callback_id = "4382bfdwdsb323b2d9";
  m.text = "已认领";
  ApiCall call = adapter_.render(m, "");
  EXPECT_EQ(call.url, url("answerCallbackQuery"));
  EXPECT_EQ(body_of(call),
            json::parse(R"({"callback_query_id": "4382bfdwdsb323b2d9", "text": "已认领"})"));

  m.text.clear();
  EXPECT_EQ(body_of(adapter_.render(m, "")),
            json::parse(R"({"callback_query_id": "4382bfdwdsb323b2d9"})"));

  m.text.clear();
  for (int i = 0; i < 250; ++i) m.text += "好";
  std::string text = body_of(adapter_.render(m, "")).at("text").get<std::string>();
  EXPECT_EQ(text.size(), 199u * 3 + 3);  // 199 characters and "…"
}

// ---- interpret ----

ApiResponse answer(int status, std::string body, std::string retry_after = "") {
  ApiResponse r;
  r.status = status;
  r.body = std::move(body);
  r.retry_after = std::move(retry_after);
  return r;
}

OutboundMessage edit_message() {
  OutboundMessage m = send_to("-1001234567890", "改好了");
  m.kind = OutKind::edit;
  return m;
}

TEST_F(TelegramAdapterTest, SentMessageGivesItsMessageId) {
  SendResult s = adapter_.interpret(send_to("1", "hi"), answer(200, R"({"ok":true,"result":{
      "message_id":5400,"from":{"id":7000000001,"is_bot":true,"first_name":"Linli"},
      "chat":{"id":1,"type":"private"},"date":1718000000,"text":"hi"}})"));
  EXPECT_EQ(s.status, SendStatus::ok);
  EXPECT_EQ(s.platform_id, "5400");
  EXPECT_EQ(s.error, "");
}

TEST_F(TelegramAdapterTest, EditAnsweredWithAMessageOrTrueIsOk) {
  SendResult s = adapter_.interpret(edit_message(),
                                    answer(200, R"({"ok":true,"result":{"message_id":5311}})"));
  EXPECT_EQ(s.status, SendStatus::ok);
  EXPECT_EQ(s.platform_id, "5311");
  s = adapter_.interpret(edit_message(), answer(200, R"({"ok":true,"result":true})"));
  EXPECT_EQ(s.status, SendStatus::ok);
  EXPECT_EQ(s.platform_id, "");
}

// The answer is read as a stream (issue 10): only Telegram's own places count, a wrong type is
// missing and a member given twice counts as its last value, as a parsed tree would have it.
TEST_F(TelegramAdapterTest, AnAnswerIsReadOnlyWhereTelegramPutsItsFields) {
  auto sent = [this](const std::string& body) {
    return adapter_.interpret(send_to("1", "x"), answer(200, body));
  };
  EXPECT_EQ(sent(R"({"ok":true,"result":{"reply_to_message":{"message_id":5},"message_id":9}})")
                .platform_id,
            "9");
  EXPECT_EQ(sent(R"({"ok":true,"result":{"message_id":9,"reply_to_message":{"message_id":5}}})")
                .platform_id,
            "9");
  EXPECT_EQ(sent(R"({"ok":true,"message_id":9,"result":{"chat":{"message_id":5}}})").platform_id,
            "");
  EXPECT_EQ(sent(R"({"ok":true,"result":{"message_id":"9"}})").platform_id, "");
  EXPECT_EQ(sent(R"({"ok":true,"result":{"message_id":9.5}})").platform_id, "");
  EXPECT_EQ(sent(R"({"ok":true,"result":{"message_id":9,"message_id":[9]}})").platform_id, "");
  EXPECT_EQ(sent(R"({"ok":true,"result":{"message_id":9},"result":true})").platform_id, "");
  EXPECT_EQ(sent(R"({"ok":true,"ok":false})").status, SendStatus::transient);
  EXPECT_EQ(sent(R"({"ok":"true"})").status, SendStatus::transient);
  EXPECT_EQ(sent(R"({"ok":true,"result":{"message_id":9})").status, SendStatus::transient);
  EXPECT_EQ(sent(R"({"ok":true} trailing)").status, SendStatus::transient);

  auto slow = [this](const std::string& body) {
    return adapter_.interpret(send_to("1", "x"), answer(429, body, "3"));
  };
  EXPECT_EQ(slow(R"({"parameters":{"retry_after":[7]}})").retry_after_ms, 3000);
  EXPECT_EQ(slow(R"({"parameters":{"retry_after":7},"parameters":{}})").retry_after_ms, 3000);
  EXPECT_EQ(slow(R"({"result":{"retry_after":7}})").retry_after_ms, 3000);
  EXPECT_EQ(slow(R"({"parameters":{"x":{"retry_after":7}},"description":1})").retry_after_ms, 3000);
  EXPECT_EQ(slow(R"({"parameters":{"x":{"retry_after":7}},"description":1})").error,
            "telegram answered 429");
  EXPECT_EQ(slow(R"({"parameters":{"x":[1,{"a":2}],"retry_after":7}})").retry_after_ms, 7000);
}

TEST_F(TelegramAdapterTest, AnsweredCallbackIsOk) {
  OutboundMessage m;
  m.kind = OutKind::answer_callback;
  EXPECT_EQ(adapter_.interpret(m, answer(200, R"({"ok":true,"result":true})")).status,
            SendStatus::ok);
}

TEST_F(TelegramAdapterTest, SuccessStatusWithoutOkIsTransient) {
  for (std::string body : {"", "<html>", R"({"ok":false})", R"([1])"}) {
    EXPECT_EQ(adapter_.interpret(send_to("1", "x"), answer(200, body)).status,
              SendStatus::transient)
        << body;
  }
}

TEST_F(TelegramAdapterTest, TooManyRequestsWaitsAsLongAsTelegramSays) {
  SendResult s = adapter_.interpret(
      send_to("1", "x"),
      answer(429, R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7",
                     "parameters":{"retry_after":7}})",
             "9"));
  EXPECT_EQ(s.status, SendStatus::retry_later);
  EXPECT_EQ(s.retry_after_ms, 7000);
  EXPECT_EQ(s.error, "Too Many Requests: retry after 7");

  s = adapter_.interpret(send_to("1", "x"), answer(429, "<html>slow down</html>", " 12 "));
  EXPECT_EQ(s.status, SendStatus::retry_later);
  EXPECT_EQ(s.retry_after_ms, 12000);

  s = adapter_.interpret(send_to("1", "x"), answer(429, "", "soon"));
  EXPECT_EQ(s.retry_after_ms, 1000);

  s = adapter_.interpret(send_to("1", "x"),
                         answer(429, R"({"parameters":{"retry_after":99999999999999}})"));
  EXPECT_EQ(s.retry_after_ms, 24 * 3600 * 1000LL);
}

TEST_F(TelegramAdapterTest, NetworkErrorsAndServerErrorsAreTransient) {
  ApiResponse down;
  down.status = 0;
  down.error = std::string("connect to https://api.telegram.org/bot") + kToken +
               "/sendMessage: Connection refused";
  SendResult s = adapter_.interpret(send_to("1", "x"), down);
  EXPECT_EQ(s.status, SendStatus::transient);
  EXPECT_THAT(s.error, HasSubstr("Connection refused"));
  EXPECT_THAT(s.error, Not(HasSubstr(kToken)));

  s = adapter_.interpret(send_to("1", "x"),
                         answer(500, R"({"ok":false,"error_code":500,"description":"Internal"})"));
  EXPECT_EQ(s.status, SendStatus::transient);
  EXPECT_THAT(s.error, HasSubstr("500"));
  s = adapter_.interpret(send_to("1", "x"), answer(502, "<html>502 Bad Gateway</html>"));
  EXPECT_EQ(s.status, SendStatus::transient);
  EXPECT_EQ(s.error, "telegram answered 502");
}

TEST_F(TelegramAdapterTest, ForbiddenInAPrivateChatMeansThePersonMustStartTheBot) {
  std::string body =
      R"({"ok":false,"error_code":403,"description":"Forbidden: bot can't initiate conversation with a user"})";
  OutboundMessage m = send_to("123456789", "请确认");
  m.private_chat = true;
  SendResult s = adapter_.interpret(m, answer(403, body));
  EXPECT_EQ(s.status, SendStatus::forbidden);
  EXPECT_EQ(s.error, "Forbidden: bot can't initiate conversation with a user");

  m.private_chat = false;
  m.chat = "-1001234567890";
  EXPECT_EQ(adapter_.interpret(m, answer(403, body)).status, SendStatus::rejected);
}

TEST_F(TelegramAdapterTest, MigratedGroupIsRejectedWithTheNewChatId) {
  SendResult s = adapter_.interpret(
      send_to("-987654321", "x"),
      answer(
          400,
          R"({"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a supergroup chat",
                     "parameters":{"migrate_to_chat_id":-1001999999999}})"));
  EXPECT_EQ(s.status, SendStatus::rejected);
  EXPECT_EQ(s.migrated_chat, "-1001999999999");
}

TEST_F(TelegramAdapterTest, EditThatChangesNothingIsDoneButASendIsNot) {
  std::string body =
      R"({"ok":false,"error_code":400,"description":"Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"})";
  EXPECT_EQ(adapter_.interpret(edit_message(), answer(400, body)).status, SendStatus::ok);
  EXPECT_EQ(adapter_.interpret(send_to("1", "x"), answer(400, body)).status, SendStatus::rejected);
}

TEST_F(TelegramAdapterTest, OtherClientErrorsAreRejectedWithTheDescriptionOnly) {
  OutboundMessage m = send_to("1", "李阿姨的电话 13800000000");
  struct Case {
    int status;
    std::string body;
    std::string error;
  };
  std::vector<Case> cases = {
      {400, R"({"ok":false,"error_code":400,"description":"Bad Request: chat not found"})",
       "Bad Request: chat not found"},
      {401, R"({"ok":false,"error_code":401,"description":"Unauthorized"})", "Unauthorized"},
      {404, R"({"ok":false,"error_code":404,"description":"Not Found"})", "Not Found"},
      {409, "", "telegram answered 409"},
  };
  for (const auto& c : cases) {
    SendResult s = adapter_.interpret(m, answer(c.status, c.body));
    EXPECT_EQ(s.status, SendStatus::rejected) << c.status;
    EXPECT_EQ(s.error, c.error);
    EXPECT_THAT(s.error, Not(HasSubstr(kToken)));
    EXPECT_THAT(s.error, Not(HasSubstr("13800000000")));
  }
}

}  // namespace
}  // namespace linli::test
