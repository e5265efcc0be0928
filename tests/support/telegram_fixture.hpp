#pragma once
// Linli with a Telegram adapter, running in process against a FakeTelegram: the community of a
// residents' group (building 31) and a volunteers' group, three residents, three volunteers and
// a coordinator, each with a Telegram user id. Tests POST updates as Telegram would and read
// what the chats show at the fake.

#include <gtest/gtest.h>

#include <optional>
#include <thread>

#include <SQLiteCpp/Database.h>
#include <nlohmann/json.hpp>

#include "adapters/registry.hpp"
#include "bot/outbox_sender.hpp"

#include "tests/support/fake_telegram.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/telegram_updates.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_app.hpp"

namespace linli::test {

inline constexpr const char* kToken = "7000000001:AAtest-token";
inline constexpr const char* kSecret = "s3cret-token_for-tests";
inline constexpr std::int64_t kResidents = -1001000000031;   // 31栋居民群, a supergroup
inline constexpr std::int64_t kVolunteers = -1001000000099;  // 志愿者群

inline const TelegramUser kLi{1001, "秀英", "李", "", "zh-hans"};
inline const TelegramUser kZhang{1002, "建国", "张", "", "zh"};
inline const TelegramUser kEmma{1003, "Emma", "", "emma_w", "en"};
inline const TelegramUser kChen{2001, "师傅", "陈", "", "zh"};
inline const TelegramUser kLiu{2002, "医生", "刘", "", "zh"};
inline const TelegramUser kZhao{2003, "姐", "赵", "", "zh"};
inline const TelegramUser kZhou{3001, "主任", "周", "", "zh"};

inline const char* telegram_no_env(const char*) {
  return nullptr;
}

inline Config telegram_config(const std::string& db, const std::string& api_base,
                              const nlohmann::json& patch = nlohmann::json::object(),
                              const nlohmann::json& more_volunteers = nlohmann::json::array()) {
  nlohmann::json c = {{"database", db},
                      {"adapters",
                       {{{"type", "telegram"},
                         {"name", "tg"},
                         {"token", kToken},
                         {"secret_token", kSecret},
                         {"username", "linli_bot"},
                         {"api_base", api_base},
                         // The fake has no limits; these keep the stories quick while still pacing.
                         {"rate_limits",
                          {{"per_chat_per_s", 200},
                           {"per_group_per_min", 12000},
                           {"global_per_s", 1000},
                           {"burst", 50}}}}}},
                      {"sender", {{"backoff_initial_ms", 50}, {"backoff_max_ms", 200}}},
                      // The test clock stands still while people type: no flood limit in the way.
                      {"flood", {{"burst", 10000}}},
                      {"communities",
                       {{{"id", "sc"},
                         {"name", "山城花园社区"},
                         {"coordinators", {"tg:3001"}},
                         {"groups",
                          {{{"chat", "tg:" + std::to_string(kResidents)},
                            {"kind", "residents"},
                            {"building", "31"},
                            {"title", "31栋居民群"}},
                           {{"chat", "tg:" + std::to_string(kVolunteers)},
                            {"kind", "volunteers"},
                            {"title", "志愿者群"}}}},
                         {"volunteers",
                          {{{"person", "tg:2001"},
                            {"name", "陈师傅"},
                            {"phone", "13800000001"},
                            {"building", "31"},
                            {"skills", {"repair"}}},
                           {{"person", "tg:2002"},
                            {"name", "刘医生"},
                            {"phone", "13800000002"},
                            {"building", "32"},
                            {"skills", {"medical"}}},
                           {{"person", "tg:2003"},
                            {"name", "赵姐"},
                            {"phone", "13800000003"},
                            {"building", "31"},
                            {"skills", {"shopping"}}}}}}}}};
  for (const auto& v : more_volunteers) c["communities"][0]["volunteers"].push_back(v);
  c.merge_patch(patch);
  return parse_config(c.dump(), telegram_no_env);
}

class Telegram : public ::testing::Test {
 protected:
  explicit Telegram(const nlohmann::json& patch = nlohmann::json::object(),
                    const nlohmann::json& more_volunteers = nlohmann::json::array())
      : fake_(kToken),
        app_(std::make_unique<TestApp>(
            telegram_config(dir_.path() + "/linli.db", fake_.base_url(), patch, more_volunteers),
            clock_)) {}

  HttpClient& client() {
    if (!client_ || port_ != app_->port()) {
      client_ = std::make_unique<HttpClient>(app_->port());
      port_ = app_->port();
    }
    return *client_;
  }
  int post(const nlohmann::json& update, const std::string& secret = kSecret) {
    return client()
        .post("/telegram/tg", update.dump(), {{"X-Telegram-Bot-Api-Secret-Token", secret}})
        .status;
  }
  void say(std::int64_t chat, const TelegramUser& u, const std::string& text,
           TelegramMessageOptions o = {}) {
    std::string type = chat > 0 ? "private" : "supergroup";
    EXPECT_EQ(post(ups_.message(chat, type, u, text, o)), 200) << text;
  }
  void press(std::int64_t chat, const TelegramUser& u, std::int64_t message_id,
             const std::string& data) {
    EXPECT_EQ(post(ups_.callback(chat, u, message_id, data)), 200) << data;
  }
  // Waits (at most 10 s) for a message of the bot in `chat` containing `text`; returns it.
  TelegramMessage expect(std::int64_t chat, const std::string& text) {
    std::optional<TelegramMessage> found;
    fake_.wait_until(
        [&](const FakeTelegram& f) {
          for (const auto& m : f.messages(chat)) {
            if (m.text.find(text) != std::string::npos) {
              found = m;
              return true;
            }
          }
          return false;
        },
        std::chrono::seconds(10));
    if (!found) {
      std::string seen;
      auto all = fake_.messages(chat);
      for (std::size_t i = all.size() > 3 ? all.size() - 3 : 0; i < all.size(); ++i)
        seen += "\n  " + all[i].text;
      ADD_FAILURE() << "no message in " << chat << " containing \"" << text
                    << "\"; the last ones:" << seen;
    }
    wait_recorded();
    return found.value_or(TelegramMessage{});
  }
  // The fake has a message as soon as it answers; the service knows its message id (to route
  // replies to it) a moment later, when it has read the answer. People are slower than that;
  // a test is not, so it waits until nothing is on the wire (at most `limit`): the test fails
  // when something still is, as the steps after it would act on a message the service cannot
  // route.
  bool wait_recorded(std::chrono::milliseconds limit = std::chrono::seconds(5)) {
    if (app_->wait_nothing_in_flight(limit)) return true;
    ADD_FAILURE() << "the service had not recorded the platform's answers after " << limit.count()
                  << " ms";
    return false;
  }
  std::string button(const TelegramMessage& m, int row, int col) {
    return m.reply_markup["inline_keyboard"][row][col]["callback_data"].get<std::string>();
  }
  int count(std::int64_t chat, const std::string& text) {
    int n = 0;
    for (const auto& m : fake_.messages(chat)) n += m.text.find(text) != std::string::npos;
    return n;
  }
  template <typename F>
  auto on_io(F f) {
    return app_->on_io(std::move(f));
  }
  // The service's database, opened beside it as an operator's shell would.
  SQLite::Database& sql() {
    if (!sql_) {
      sql_.emplace(dir_.path() + "/linli.db", SQLite::OPEN_READWRITE);
      sql_->setBusyTimeout(5000);  // the service writes on its own thread meanwhile
    }
    return *sql_;
  }

  TempDir dir_;
  ManualClock clock_{1'800'000'000'000};
  FakeTelegram fake_;
  std::unique_ptr<TestApp> app_;
  std::unique_ptr<HttpClient> client_;
  std::uint16_t port_ = 0;
  TelegramUpdates ups_;
  std::optional<SQLite::Database> sql_;
};

}  // namespace linli::test
