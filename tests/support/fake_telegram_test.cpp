// The fake Telegram Bot API itself, over plain HTTP: the documented answers and errors, the
// faults it can be told to make, its records; then the Update builder, and the Telegram adapter
// talking to the fake, so that the two agree on what Telegram says.

#include "tests/support/fake_telegram.hpp"
#include "adapters/telegram/telegram_config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "adapters/telegram/telegram_adapter.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/telegram_updates.hpp"

namespace linli::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::string kFakeToken = "7000000001:AAE-fake-token_for-tests";
constexpr std::int64_t kGroup = -1001234567890;
constexpr std::int64_t kPerson = 123456789;

json parse(const HttpReply& r) {
  json j = json::parse(r.body, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.status << " " << r.body;
  return j;
}

class FakeTelegramTest : public ::testing::Test {
 protected:
  HttpReply call(const std::string& method, const json& params) {
    return client_.post("/bot" + kFakeToken + "/" + method, params.dump());
  }
  json ok_result(const std::string& method, const json& params) {
    HttpReply r = call(method, params);
    json j = parse(r);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(j.value("ok", false), true) << r.body;
    return j.is_object() && j.contains("result") ? j["result"] : json();
  }
  // A 400 and its description.
  std::string refusal(const std::string& method, const json& params, int status = 400) {
    HttpReply r = call(method, params);
    json j = parse(r);
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(j.value("ok", true), false);
    EXPECT_EQ(j.value("error_code", 0), status);
    return j.value("description", "");
  }
  std::vector<int> statuses(const std::string& method) {
    std::vector<int> out;
    for (const auto& c : tg_.calls(method)) out.push_back(c.status);
    return out;
  }

  FakeTelegram tg_{kFakeToken};
  HttpClient client_{tg_.port()};
};

TEST_F(FakeTelegramTest, ListensOnLoopbackAndDescribesTheBot) {
  EXPECT_EQ(tg_.base_url(), "http://127.0.0.1:" + std::to_string(tg_.port()));
  json me = ok_result("getMe", json::object());
  EXPECT_EQ(me["id"], 7000000001);
  EXPECT_EQ(me["is_bot"], true);
  EXPECT_EQ(me["username"], "linli_bot");
}

TEST_F(FakeTelegramTest, WrongTokenIs401AndUnknownMethodIs404) {
  HttpReply r = client_.post("/bot123:wrong/sendMessage", R"({"chat_id":1,"text":"x"})");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(parse(r), json::parse(R"({"ok":false,"error_code":401,"description":"Unauthorized"})"));
  r = client_.post("/bot" + kFakeToken + "/sendPigeon", "{}");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(parse(r), json::parse(R"({"ok":false,"error_code":404,"description":"Not Found"})"));
  EXPECT_EQ(client_.get("/favicon.ico").status, 404);
  EXPECT_TRUE(tg_.messages(1).empty());
  EXPECT_EQ(tg_.calls().size(), 3u);
  EXPECT_EQ(tg_.calls()[0].status, 401);
}

TEST_F(FakeTelegramTest, MethodNamesIgnoreCaseAsTelegramsDo) {
  HttpReply r = client_.post("/bot" + kFakeToken + "/SENDMESSAGE", R"({"chat_id":1,"text":"x"})");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(tg_.calls("sendMessage").size(), 1u);
}

TEST_F(FakeTelegramTest, SendMessageReturnsTheMessageWithIdsCountingPerChat) {
  json first = ok_result("sendMessage", {{"chat_id", kGroup}, {"text", "第一条"}});
  EXPECT_EQ(first["message_id"], 1);
  EXPECT_EQ(first["from"]["id"], 7000000001);
  EXPECT_EQ(first["from"]["is_bot"], true);
  EXPECT_EQ(first["chat"], json::parse(R"({"id": -1001234567890, "type": "supergroup"})"));
  EXPECT_EQ(first["text"], "第一条");
  EXPECT_GT(first["date"].get<std::int64_t>(), 1'700'000'000);
  EXPECT_EQ(ok_result("sendMessage", {{"chat_id", kGroup}, {"text", "第二条"}})["message_id"], 2);
  json other = ok_result("sendMessage", {{"chat_id", kPerson}, {"text", "你好"}});
  EXPECT_EQ(other["message_id"], 1);
  EXPECT_EQ(other["chat"]["type"], "private");

  auto shown = tg_.messages(kGroup);
  ASSERT_EQ(shown.size(), 2u);
  EXPECT_EQ(shown[0].text, "第一条");
  EXPECT_EQ(shown[1].message_id, 2);
  EXPECT_TRUE(shown[1].reply_markup.is_null());
  EXPECT_EQ(tg_.messages(kPerson).size(), 1u);
}

TEST_F(FakeTelegramTest, SendMessageKeepsThreadReplyAndButtons) {
  json markup =
      json::parse(R"({"inline_keyboard": [[{"text": "我去", "callback_data": "t:12:claim"}]]})");
  json m = ok_result("sendMessage", {{"chat_id", kGroup},
                                     {"text", "新求助 #12"},
                                     {"message_thread_id", 77},
                                     {"reply_parameters", {{"message_id", 1000005}}},
                                     {"reply_markup", markup}});
  EXPECT_EQ(m["message_thread_id"], 77);
  EXPECT_EQ(m["is_topic_message"], true);
  EXPECT_EQ(m["reply_to_message"]["message_id"], 1000005);
  EXPECT_EQ(m["reply_markup"], markup);
  auto shown = tg_.messages(kGroup);
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_EQ(shown[0].thread_id, 77);
  EXPECT_EQ(shown[0].reply_to, 1000005);
  EXPECT_EQ(shown[0].reply_markup, markup);
}

TEST_F(FakeTelegramTest, SendMessageRefusesWhatTelegramRefuses) {
  EXPECT_EQ(refusal("sendMessage", {{"chat_id", kGroup}}), "Bad Request: message text is empty");
  EXPECT_EQ(refusal("sendMessage", {{"chat_id", kGroup}, {"text", "  \n"}}),
            "Bad Request: message text is empty");
  EXPECT_EQ(refusal("sendMessage", {{"text", "hi"}}), "Bad Request: chat not found");
  EXPECT_EQ(refusal("sendMessage", {{"chat_id", kGroup}, {"text", std::string(4097, 'a')}}),
            "Bad Request: message is too long");
  std::string emoji;
  for (int i = 0; i < 2049; ++i) emoji += "🙏";  // 4098 UTF-16 units
  EXPECT_EQ(refusal("sendMessage", {{"chat_id", kGroup}, {"text", emoji}}),
            "Bad Request: message is too long");
  for (const std::string& data : {std::string(65, 'd'), std::string()}) {
    json markup = {{"inline_keyboard", {{{{"text", "b"}, {"callback_data", data}}}}}};
    EXPECT_EQ(
        refusal("sendMessage", {{"chat_id", kGroup}, {"text", "hi"}, {"reply_markup", markup}}),
        "Bad Request: BUTTON_DATA_INVALID");
  }
  EXPECT_TRUE(tg_.messages(kGroup).empty());

  std::string fits;
  for (int i = 0; i < 2048; ++i) fits += "🙏";  // exactly 4096 units
  json markup = {{"inline_keyboard", {{{{"text", "b"}, {"callback_data", std::string(64, 'd')}}}}}};
  ok_result("sendMessage", {{"chat_id", kGroup}, {"text", fits}, {"reply_markup", markup}});
  EXPECT_EQ(tg_.messages(kGroup).size(), 1u);
}

TEST_F(FakeTelegramTest, FormFieldsAndQueryParametersWorkLikeJson) {
  HttpReply r = client_.request(
      "POST", "/bot" + kFakeToken + "/sendMessage",
      "chat_id=-1001234567890&text=%E4%BD%A0%E5%A5%BD+%E9%82%BB%E5%B1%85&reply_markup=" +
          std::string("%7B%22inline_keyboard%22%3A%5B%5B%7B%22text%22%3A%22b%22%2C%22callback_"
                      "data%22%3A%22x%22%7D%5D%5D%7D"),
      {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(r.status, 200) << r.body;
  r = client_.get("/bot" + kFakeToken + "/sendMessage?chat_id=-1001234567890&text=hi");
  EXPECT_EQ(r.status, 200) << r.body;
  auto shown = tg_.messages(kGroup);
  ASSERT_EQ(shown.size(), 2u);
  EXPECT_EQ(shown[0].text, "你好 邻居");
  EXPECT_EQ(shown[0].reply_markup["inline_keyboard"][0][0]["callback_data"], "x");
  EXPECT_EQ(shown[1].text, "hi");
}

TEST_F(FakeTelegramTest, EditMessageTextChangesWhatTheChatShows) {
  json markup = json::parse(R"({"inline_keyboard": [[{"text": "我去", "callback_data": "t:1"}]]})");
  ok_result("sendMessage", {{"chat_id", kGroup}, {"text", "新求助"}, {"reply_markup", markup}});
  json edited =
      ok_result("editMessageText", {{"chat_id", kGroup},
                                    {"message_id", 1},
                                    {"text", "已认领"},
                                    {"reply_markup", {{"inline_keyboard", json::array()}}}});
  EXPECT_EQ(edited["message_id"], 1);
  EXPECT_EQ(edited["text"], "已认领");
  EXPECT_TRUE(edited.contains("edit_date"));
  EXPECT_FALSE(edited.contains("reply_markup"));
  auto shown = tg_.messages(kGroup);
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_EQ(shown[0].text, "已认领");
  EXPECT_TRUE(shown[0].reply_markup.is_null());
  EXPECT_EQ(shown[0].edits, 1);
}

TEST_F(FakeTelegramTest, EditMessageTextRefusesWhatTelegramRefuses) {
  json markup = json::parse(R"({"inline_keyboard": [[{"text": "我去", "callback_data": "t:1"}]]})");
  ok_result("sendMessage", {{"chat_id", kGroup}, {"text", "新求助"}, {"reply_markup", markup}});
  EXPECT_EQ(refusal("editMessageText", {{"chat_id", kGroup}, {"message_id", 9}, {"text", "x"}}),
            "Bad Request: message to edit not found");
  EXPECT_EQ(refusal("editMessageText", {{"chat_id", kPerson}, {"message_id", 1}, {"text", "x"}}),
            "Bad Request: message to edit not found");
  EXPECT_EQ(refusal("editMessageText", {{"message_id", 1}, {"text", "x"}}),
            "Bad Request: chat not found");
  EXPECT_EQ(refusal("editMessageText", {{"chat_id", kGroup}, {"message_id", 1}}),
            "Bad Request: message text is empty");
  EXPECT_THAT(
      refusal(
          "editMessageText",
          {{"chat_id", kGroup}, {"message_id", 1}, {"text", "新求助"}, {"reply_markup", markup}}),
      StartsWith("Bad Request: message is not modified: "));
  // Without reply_markup the same text still changes the message: the buttons go.
  ok_result("editMessageText", {{"chat_id", kGroup}, {"message_id", 1}, {"text", "新求助"}});
  EXPECT_TRUE(tg_.messages(kGroup)[0].reply_markup.is_null());
  EXPECT_THAT(statuses("editMessageText"), ElementsAre(400, 400, 400, 400, 400, 200));
}

TEST_F(FakeTelegramTest, AnswerCallbackQueryNeedsAnIdAndAShortText) {
  EXPECT_EQ(ok_result("answerCallbackQuery", {{"callback_query_id", "4382"}}), true);
  std::string text;
  for (int i = 0; i < 200; ++i) text += "好";
  EXPECT_EQ(ok_result("answerCallbackQuery", {{"callback_query_id", "4382"}, {"text", text}}),
            true);
  EXPECT_EQ(refusal("answerCallbackQuery", {{"callback_query_id", "4382"}, {"text", text + "好"}}),
            "Bad Request: MESSAGE_TOO_LONG");
  EXPECT_THAT(refusal("answerCallbackQuery", {{"text", "hi"}}), HasSubstr("callback_query_id"));
}

TEST_F(FakeTelegramTest, DeleteMessageTakesItOutOfTheChat) {
  ok_result("sendMessage", {{"chat_id", kGroup}, {"text", "a"}});
  ok_result("sendMessage", {{"chat_id", kGroup}, {"text", "b"}});
  EXPECT_EQ(ok_result("deleteMessage", {{"chat_id", kGroup}, {"message_id", 1}}), true);
  EXPECT_EQ(refusal("deleteMessage", {{"chat_id", kGroup}, {"message_id", 1}}),
            "Bad Request: message to delete not found");
  auto shown = tg_.messages(kGroup);
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_EQ(shown[0].text, "b");
}

TEST_F(FakeTelegramTest, WebhookIsSetShownAndDeleted) {
  EXPECT_EQ(ok_result("setWebhook", {{"url", "https://linli.example/telegram/tg"},
                                     {"secret_token", "wh-Secret_1"},
                                     {"allowed_updates", {"message", "callback_query"}}}),
            true);
  EXPECT_EQ(tg_.webhook_url(), "https://linli.example/telegram/tg");
  EXPECT_EQ(tg_.webhook_secret(), "wh-Secret_1");
  json info = ok_result("getWebhookInfo", json::object());
  EXPECT_EQ(info["url"], "https://linli.example/telegram/tg");
  EXPECT_EQ(info["allowed_updates"], json::parse(R"(["message", "callback_query"])"));
  EXPECT_EQ(info["pending_update_count"], 0);
  EXPECT_EQ(refusal("setWebhook", {{"url", "https://x"}, {"secret_token", "no spaces"}}),
            "Bad Request: secret token contains unallowed characters");
  EXPECT_EQ(ok_result("deleteWebhook", json::object()), true);
  EXPECT_EQ(tg_.webhook_url(), "");
  EXPECT_EQ(ok_result("getWebhookInfo", json::object())["url"], "");
}

// ---- Faults ----

TEST_F(FakeTelegramTest, TooManyRequestsAnswers429WithRetryAfterAndSendsNothing) {
  tg_.add_fault(TelegramFault::too_many_requests("sendMessage", 3, 2));
  for (int i = 0; i < 2; ++i) {
    HttpReply r = call("sendMessage", {{"chat_id", kGroup}, {"text", "x"}});
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(r.header("Retry-After"), "3");
    EXPECT_EQ(parse(r), json::parse(R"({"ok":false,"error_code":429,
        "description":"Too Many Requests: retry after 3","parameters":{"retry_after":3}})"));
  }
  EXPECT_TRUE(tg_.messages(kGroup).empty());
  ok_result("sendMessage", {{"chat_id", kGroup}, {"text", "x"}});
  EXPECT_THAT(statuses("sendMessage"), ElementsAre(429, 429, 200));
  EXPECT_EQ(tg_.messages(kGroup).size(), 1u);
  EXPECT_EQ(tg_.messages(kGroup)[0].message_id, 1);
}

TEST_F(FakeTelegramTest, EnforcedLimitsRefuseTheMessageBeyondTheBotsRate) {
  tg_.enforce_limits({.global_per_s = 3, .per_group_per_min = 20, .global_window = 60s});
  for (int i = 0; i < 3; ++i) ok_result("sendMessage", {{"chat_id", kGroup - i}, {"text", "招募"}});
  // Button answers are not messages: no limit counts them.
  ok_result("answerCallbackQuery", {{"callback_query_id", "q1"}});
  HttpReply r = call("sendMessage", {{"chat_id", kGroup - 3}, {"text", "招募"}});
  json j = parse(r);
  EXPECT_EQ(r.status, 429);
  EXPECT_THAT(j.value("description", ""), StartsWith("Too Many Requests: retry after "));
  int retry_after = j["parameters"].value("retry_after", 0);
  EXPECT_GE(retry_after, 1);
  EXPECT_LE(retry_after, 60);
  EXPECT_EQ(r.header("Retry-After"), std::to_string(retry_after));
  EXPECT_TRUE(tg_.messages(kGroup - 3).empty());
  EXPECT_EQ(tg_.rate_limited(), 1u);
}

TEST_F(FakeTelegramTest, EnforcedLimitsRefuseTheTwentyFirstMessageInAGroupWithinAMinute) {
  tg_.enforce_limits({.global_per_s = 1000, .per_group_per_min = 20, .global_window = 1000ms});
  json first = ok_result("sendMessage", {{"chat_id", kGroup}, {"text", "0"}});
  for (int i = 1; i < 19; ++i)
    ok_result("sendMessage", {{"chat_id", kGroup}, {"text", std::to_string(i)}});
  // An edit is a message too.
  ok_result("editMessageText",
            {{"chat_id", kGroup}, {"message_id", first["message_id"]}, {"text", "edited"}});
  HttpReply r = call("sendMessage", {{"chat_id", kGroup}, {"text", "21"}});
  EXPECT_EQ(r.status, 429) << r.body;
  int retry_after = parse(r)["parameters"].value("retry_after", 0);
  EXPECT_GE(retry_after, 1);
  EXPECT_LE(retry_after, 60);
  EXPECT_EQ(tg_.messages(kGroup).size(), 19u);
  // Other groups and private chats are not held back by this one.
  ok_result("sendMessage", {{"chat_id", kGroup - 1}, {"text", "x"}});
  for (int i = 0; i < 25; ++i) ok_result("sendMessage", {{"chat_id", kPerson}, {"text", "x"}});
  EXPECT_EQ(tg_.rate_limited(), 1u);
}

TEST_F(FakeTelegramTest, ServerErrorsAreJsonOrTheProxysHtmlPage) {
  tg_.add_fault(TelegramFault::server_error("sendMessage", 500));
  tg_.add_fault(TelegramFault::server_error("sendMessage", 502));
  HttpReply r = call("sendMessage", {{"chat_id", kGroup}, {"text", "x"}});
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(parse(r)["error_code"], 500);
  r = call("sendMessage", {{"chat_id", kGroup}, {"text", "x"}});
  EXPECT_EQ(r.status, 502);
  EXPECT_THAT(r.header("Content-Type"), StartsWith("text/html"));
  EXPECT_THAT(r.body, HasSubstr("502 Bad Gateway"));
  EXPECT_TRUE(tg_.messages(kGroup).empty());
  EXPECT_THAT(statuses("sendMessage"), ElementsAre(500, 502));
}

TEST_F(FakeTelegramTest, ForbiddenAndBadRequestFaultsCarryTheirDescriptions) {
  tg_.add_fault(TelegramFault::forbidden("sendMessage"));
  tg_.add_fault(TelegramFault::bad_request("sendMessage", "Bad Request: not enough rights"));
  EXPECT_EQ(refusal("sendMessage", {{"chat_id", kPerson}, {"text", "x"}}, 403),
            "Forbidden: bot can't initiate conversation with a user");
  EXPECT_EQ(refusal("sendMessage", {{"chat_id", kGroup}, {"text", "x"}}),
            "Bad Request: not enough rights");
  EXPECT_TRUE(tg_.messages(kPerson).empty());
}

TEST_F(FakeTelegramTest, FaultsMatchTheirMethodAndChatInTheOrderAdded) {
  tg_.add_fault(TelegramFault::too_many_requests("sendMessage", 1).in_chat(kGroup));
  tg_.add_fault(TelegramFault::server_error("sendMessage", 500).in_chat(kGroup));
  tg_.add_fault(TelegramFault::server_error("editMessageText"));
  ok_result("sendMessage", {{"chat_id", kPerson}, {"text", "other chat"}});
  EXPECT_EQ(call("sendMessage", {{"chat_id", kGroup}, {"text", "x"}}).status, 429);
  EXPECT_EQ(call("sendMessage", {{"chat_id", kGroup}, {"text", "x"}}).status, 500);
  ok_result("sendMessage", {{"chat_id", kGroup}, {"text", "x"}});
  EXPECT_EQ(call("editMessageText", {{"chat_id", kGroup}, {"message_id", 1}, {"text", "y"}}).status,
            500);
  tg_.add_fault(TelegramFault::server_error("sendMessage", 500, 5));
  tg_.clear_faults();
  ok_result("sendMessage", {{"chat_id", kGroup}, {"text", "x"}});
}

TEST_F(FakeTelegramTest, SlowAnswerHoldsUpOnlyItsOwnConnection) {
  tg_.add_fault(TelegramFault::slow("sendMessage", 1000ms));
  auto start = std::chrono::steady_clock::now();
  std::chrono::steady_clock::duration slow_took{};
  int slow_status = 0;
  std::thread slow([&] {
    HttpClient own(tg_.port());
    slow_status = own.post("/bot" + kFakeToken + "/sendMessage",
                           json{{"chat_id", kGroup}, {"text", "slow"}}.dump())
                      .status;
    slow_took = std::chrono::steady_clock::now() - start;
  });
  // The slow request has arrived and is being held before the others are sent.
  EXPECT_TRUE(tg_.wait_until([](const FakeTelegram& t) { return t.held() == 1; }, 10s));
  ok_result("getMe", json::object());
  ok_result("sendMessage", {{"chat_id", kPerson}, {"text", "fast"}});
  EXPECT_EQ(tg_.held(), 1u) << "the other connection waited for the slow one";
  slow.join();
  EXPECT_EQ(slow_status, 200);
  EXPECT_GE(slow_took, 1000ms);
  EXPECT_EQ(tg_.held(), 0u);
  // Answered in this order: the fast ones while the slow one, which came first, was held.
  std::vector<std::string> answered;
  for (const auto& c : tg_.calls()) answered.push_back(c.params.value("text", c.method));
  EXPECT_THAT(answered, ElementsAre("getMe", "fast", "slow"));
  EXPECT_EQ(tg_.messages(kGroup).size(), 1u);  // slow, but sent
}

TEST_F(FakeTelegramTest, DisconnectFaultClosesWithoutAnswerAndSendsNothing) {
  tg_.add_fault(TelegramFault::disconnect("sendMessage"));
  HttpClient fresh(tg_.port());  // a first request is not retried by the client
  HttpReply r = fresh.post("/bot" + kFakeToken + "/sendMessage",
                           json{{"chat_id", kGroup}, {"text", "x"}}.dump());
  EXPECT_EQ(r.status, 0);
  EXPECT_THAT(statuses("sendMessage"), ElementsAre(0));
  EXPECT_TRUE(tg_.messages(kGroup).empty());
}

TEST_F(FakeTelegramTest, BlockedPrivateChatAnswers403UntilOpened) {
  tg_.block_private(kPerson);
  EXPECT_EQ(refusal("sendMessage", {{"chat_id", kPerson}, {"text", "请确认"}}, 403),
            "Forbidden: bot can't initiate conversation with a user");
  ok_result("sendMessage", {{"chat_id", kGroup}, {"text", "group still fine"}});
  tg_.open_private(kPerson);
  EXPECT_EQ(ok_result("sendMessage", {{"chat_id", kPerson}, {"text", "请确认"}})["message_id"], 1);
  EXPECT_THAT(statuses("sendMessage"), ElementsAre(403, 200, 200));
}

TEST_F(FakeTelegramTest, UpgradedGroupAnswersWithItsSupergroupsId) {
  constexpr std::int64_t kBasicGroup = -4000000031;
  tg_.migrate_chat(kBasicGroup, kGroup);
  HttpReply r = call("sendMessage", {{"chat_id", kBasicGroup}, {"text", "通知"}});
  EXPECT_EQ(r.status, 400);
  json j = parse(r);
  EXPECT_EQ(j["description"], "Bad Request: group chat was upgraded to a supergroup chat");
  EXPECT_EQ(j["parameters"]["migrate_to_chat_id"], kGroup);
  EXPECT_EQ(
      refusal("editMessageText", {{"chat_id", kBasicGroup}, {"message_id", 1}, {"text", "x"}}),
      "Bad Request: group chat was upgraded to a supergroup chat");
  ok_result("sendMessage", {{"chat_id", kGroup}, {"text", "通知"}});
  EXPECT_TRUE(tg_.messages(kBasicGroup).empty());
}

// ---- Records and waiting ----

TEST_F(FakeTelegramTest, CallsRecordParametersStatusAndArrivalTime) {
  auto before = std::chrono::steady_clock::now();
  json params = {{"chat_id", kGroup}, {"text", "x"}, {"message_thread_id", 77}};
  ok_result("sendMessage", params);
  ok_result("getMe", json::object());
  auto calls = tg_.calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].method, "sendMessage");
  EXPECT_EQ(calls[0].params, params);
  EXPECT_EQ(calls[0].status, 200);
  EXPECT_GE(calls[0].at, before);
  EXPECT_LE(calls[0].at, calls[1].at);
  EXPECT_EQ(tg_.calls("getMe").size(), 1u);
  EXPECT_TRUE(tg_.calls("editMessageText").empty());
}

TEST_F(FakeTelegramTest, WaitUntilWakesOnTheCallThatMakesItTrue) {
  // The call is made only once wait_until has found the condition false: it must wake on it,
  // long before its time-out (its last look at the time-out would also say true).
  std::promise<void> looked;
  std::thread later([&, asked = looked.get_future()] {
    if (asked.wait_for(10s) != std::future_status::ready) return;
    HttpClient own(tg_.port());
    own.post("/bot" + kFakeToken + "/sendMessage", json{{"chat_id", kGroup}, {"text", "x"}}.dump());
  });
  bool told = false;
  auto began = std::chrono::steady_clock::now();
  EXPECT_TRUE(tg_.wait_until(
      [&](const FakeTelegram& t) {
        bool there = t.messages(kGroup).size() == 1;
        if (!there && !told) {
          told = true;
          looked.set_value();
        }
        return there;
      },
      30s));
  EXPECT_LT(std::chrono::steady_clock::now() - began, 15s);
  EXPECT_TRUE(told);
  later.join();
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(tg_.wait_until([](const FakeTelegram&) { return false; }, 200ms));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 200ms);
}

TEST_F(FakeTelegramTest, ManyKeptAliveConnectionsAtOnce) {
  constexpr int kClients = 8;
  constexpr int kEach = 25;
  std::vector<std::thread> threads;
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&, c] {
      HttpClient own(tg_.port());
      for (int i = 0; i < kEach; ++i) {
        own.post("/bot" + kFakeToken + "/sendMessage",
                 json{{"chat_id", 1000 + c}, {"text", std::to_string(i)}}.dump());
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int c = 0; c < kClients; ++c) {
    auto shown = tg_.messages(1000 + c);
    ASSERT_EQ(shown.size(), static_cast<std::size_t>(kEach));
    for (int i = 0; i < kEach; ++i) {
      EXPECT_EQ(shown[i].message_id, i + 1);
      EXPECT_EQ(shown[i].text, std::to_string(i));
    }
  }
  EXPECT_EQ(tg_.calls("sendMessage").size(), static_cast<std::size_t>(kClients * kEach));
}

TEST(FakeTelegramLifetime, StopsPromptlyWhileAnAnswerIsHeldBack) {
  auto tg = std::make_unique<FakeTelegram>(kFakeToken);
  tg->add_fault(TelegramFault::slow("sendMessage", 30s));
  int status = -1;
  std::thread client([&, port = tg->port()] {
    HttpClient own(port, 20s);
    status = own.post("/bot" + kFakeToken + "/sendMessage", R"({"chat_id":1,"text":"x"})").status;
  });
  // The request is in and held: a client that came after the stop would be refused at once and
  // prove nothing.
  EXPECT_TRUE(tg->wait_until([](const FakeTelegram& t) { return t.held() == 1; }, 10s));
  auto start = std::chrono::steady_clock::now();
  tg.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  client.join();
  EXPECT_EQ(status, 0);
}

// ---- The Update builder ----

TEST(TelegramUpdates, CommandsGetEntitiesAtTheirUtf16Offsets) {
  EXPECT_EQ(TelegramUpdates::command_entities("🙏请帮忙 /help 水管漏了"),
            json::parse(R"([{"offset": 6, "length": 5, "type": "bot_command"}])"));
  EXPECT_EQ(TelegramUpdates::command_entities("/join@linli_bot 我会修水管"),
            json::parse(R"([{"offset": 0, "length": 15, "type": "bot_command"}])"));
  EXPECT_EQ(TelegramUpdates::command_entities("a/b 1/2 /x /y@z"),
            json::parse(R"([{"offset": 8, "length": 2, "type": "bot_command"},
                            {"offset": 11, "length": 4, "type": "bot_command"}])"));
  EXPECT_TRUE(TelegramUpdates::command_entities("没有命令 / 也没有").empty());
}

TEST(TelegramUpdates, IdsIncreaseAndTopicsCarryTheirRoot) {
  TelegramUpdates ups;
  TelegramUser li{kPerson, "秀英", "李", "", "zh-hans"};
  json a = ups.message(kPerson, "private", li, "你好");
  json b = ups.message(kGroup, "supergroup", li, "漏水了", TelegramMessageOptions().in_topic(77));
  EXPECT_EQ(b["update_id"].get<std::int64_t>(), a["update_id"].get<std::int64_t>() + 1);
  EXPECT_EQ(b["message"]["message_id"].get<std::int64_t>(),
            a["message"]["message_id"].get<std::int64_t>() + 1);
  EXPECT_EQ(a["message"]["from"],
            json::parse(R"({"id": 123456789, "is_bot": false, "first_name": "秀英",
                            "last_name": "李", "language_code": "zh-hans"})"));
  EXPECT_EQ(b["message"]["message_thread_id"], 77);
  EXPECT_EQ(b["message"]["is_topic_message"], true);
  EXPECT_EQ(b["message"]["reply_to_message"]["message_id"], 77);
  EXPECT_EQ(b["message"]["chat"]["is_forum"], true);
  EXPECT_EQ(ups.last_message_id(), b["message"]["message_id"].get<std::int64_t>());
}

// ---- The adapter and the fake agree ----

class AdapterAgainstFakeTest : public ::testing::Test {
 protected:
  AdapterAgainstFakeTest() {
    AdapterConfig c;
    c.type = "telegram";
    c.name = "tg";
    c.bot_username = "linli_bot";
    auto t = std::make_shared<TelegramConfig>();
    t->token = kFakeToken;
    t->secret_token = "wh-Secret_1";
    t->username = "linli_bot";
    t->api_base = tg_.base_url();
    c.settings = t;
    adapter_ = std::make_unique<TelegramAdapter>(c);
  }
  SendResult deliver(const OutboundMessage& m, const std::string& target = "") {
    ApiCall call = adapter_->render(m, target);
    std::string path = call.url.substr(tg_.base_url().size());
    HttpReply r = client_.post(path, call.body);
    ApiResponse response{r.status, r.body, r.header("Retry-After"), ""};
    return adapter_->interpret(m, response);
  }

  FakeTelegram tg_{kFakeToken};
  HttpClient client_{tg_.port()};
  std::unique_ptr<TelegramAdapter> adapter_;
};

TEST_F(AdapterAgainstFakeTest, SendEditAndAnswerRoundTrip) {
  OutboundMessage m;
  m.chat = std::to_string(kGroup);
  m.thread = "77";
  m.text = "新求助 #12：5号楼水管漏水";
  m.reply_to = "1000005";
  m.buttons = {{{"我去", "t:12:claim"}}};
  SendResult sent = deliver(m);
  ASSERT_EQ(sent.status, SendStatus::ok) << sent.error;
  EXPECT_EQ(sent.platform_id, "1");

  m.kind = OutKind::edit;
  m.text = "新求助 #12：已认领";
  m.buttons.clear();
  EXPECT_EQ(deliver(m, sent.platform_id).status, SendStatus::ok);
  // The same edit again: Telegram says "not modified", which is done.
  EXPECT_EQ(deliver(m, sent.platform_id).status, SendStatus::ok);
  auto shown = tg_.messages(kGroup);
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_EQ(shown[0].text, "新求助 #12：已认领");
  EXPECT_TRUE(shown[0].reply_markup.is_null());
  EXPECT_EQ(shown[0].thread_id, 77);
  EXPECT_EQ(shown[0].reply_to, 1000005);

  OutboundMessage a;
  a.kind = OutKind::answer_callback;
  a.callback_id = "4000000000000000001";
  a.text = "已认领";
  EXPECT_EQ(deliver(a).status, SendStatus::ok);
}

TEST_F(AdapterAgainstFakeTest, FaultsBecomeTheRightOutcomes) {
  OutboundMessage m;
  m.chat = std::to_string(kPerson);
  m.private_chat = true;
  m.text = "请确认";
  tg_.add_fault(TelegramFault::too_many_requests("sendMessage", 4));
  SendResult r = deliver(m);
  EXPECT_EQ(r.status, SendStatus::retry_later);
  EXPECT_EQ(r.retry_after_ms, 4000);
  tg_.add_fault(TelegramFault::server_error("sendMessage", 502));
  EXPECT_EQ(deliver(m).status, SendStatus::transient);
  tg_.block_private(kPerson);
  EXPECT_EQ(deliver(m).status, SendStatus::forbidden);
  tg_.open_private(kPerson);
  tg_.add_fault(TelegramFault::bad_request("sendMessage", "Bad Request: chat not found"));
  r = deliver(m);
  EXPECT_EQ(r.status, SendStatus::rejected);
  EXPECT_EQ(r.error, "Bad Request: chat not found");
  EXPECT_EQ(deliver(m).status, SendStatus::ok);
  EXPECT_EQ(tg_.messages(kPerson).size(), 1u);
}

TEST_F(AdapterAgainstFakeTest, BuiltUpdatesDecodeToTheEventsTheyDescribe) {
  TelegramUpdates ups;
  TelegramUser wang{5123456789, "建国", "王", "", "zh-hans"};
  HttpRequest req;
  req.method = "POST";
  req.headers.emplace_back("x-telegram-bot-api-secret-token", "wh-Secret_1");

  req.body = ups.message(kGroup, "supergroup", wang, "🙏请帮忙 /help@linli_bot 水管漏了").dump();
  WebhookResult r = adapter_->on_webhook(req, 0);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].command, "help");
  EXPECT_EQ(r.events[0].command_args, "水管漏了");

  req.body =
      ups.message(kGroup, "supergroup", wang, "我去", TelegramMessageOptions().replying_to_bot(3))
          .dump();
  r = adapter_->on_webhook(req, 0);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].reply_to, "3");
  EXPECT_EQ(r.events[0].thread, "");  // a reply chain, not a topic

  req.body = ups.message(kGroup, "supergroup", wang, "谢谢",
                         TelegramMessageOptions().replying_to_other_bot(4))
                 .dump();
  EXPECT_EQ(adapter_->on_webhook(req, 0).events.at(0).reply_to, "");

  req.body =
      ups.message(kGroup, "supergroup", wang, "漏水", TelegramMessageOptions().in_topic(77)).dump();
  r = adapter_->on_webhook(req, 0);
  EXPECT_EQ(r.events.at(0).thread, "77");
  EXPECT_EQ(r.events.at(0).reply_to, "");

  req.body =
      ups.message(kPerson, "private", wang, "/help 楼道灯", TelegramMessageOptions().caption())
          .dump();
  EXPECT_EQ(adapter_->on_webhook(req, 0).events.at(0).command, "help");

  req.body = ups.callback(kGroup, wang, 1, "t:12:claim", 77).dump();
  r = adapter_->on_webhook(req, 0);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].button, "t:12:claim");
  EXPECT_EQ(r.events[0].callback_id, ups.last_callback_id());
  EXPECT_EQ(r.events[0].reply_to, "1");
  EXPECT_EQ(r.events[0].thread, "77");
  EXPECT_EQ(r.events[0].user, "5123456789");
}

}  // namespace
}  // namespace linli::test
