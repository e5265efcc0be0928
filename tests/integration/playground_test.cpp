// Both stories of the first issue, end to end over real HTTP on 127.0.0.1: the page's API, the
// playground webhook, the dispatcher, the dialogs, a real SQLite file, the outbox sender and
// the playground hub. Also: simultaneous claims, a restart in the middle of a dialog, a dialog
// time-out, a retried webhook, and the page itself.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <thread>

#include <nlohmann/json.hpp>

#include "adapters/registry.hpp"
#include "bot/outbox_sender.hpp"
#include "bot/scheduler.hpp"
#include "storage/store.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_app.hpp"

namespace linli::test {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

const char* no_env(const char*) {
  return nullptr;
}

Config example_config(const std::string& db) {
  std::ifstream in(std::string(LINLI_SOURCE_DIR) + "/config/example.json");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  Config c = parse_config(text, no_env);
  c.database = db;
  return c;
}

class Playground : public ::testing::Test {
 protected:
  Playground()
      : app_(std::make_unique<TestApp>(example_config(dir_.path() + "/linli.db"), clock_)) {}

  HttpClient& client() {
    if (!client_ || client_port_ != app_->port()) {
      client_ = std::make_unique<HttpClient>(app_->port());
      client_port_ = app_->port();
    }
    return *client_;
  }

  std::string send(const std::string& chat, const std::string& user, const std::string& text,
                   const std::string& reply_to = "") {
    json body = {{"chat", chat}, {"user", user}, {"text", text}};
    if (!reply_to.empty()) body["reply_to"] = reply_to;
    auto r = client().post("/playground/api/send", body.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    json j = json::parse(r.body);
    EXPECT_EQ(j.value("status", 0), 200) << r.body;
    return j.value("message_id", "");
  }

  void press(const std::string& chat, const std::string& user, const std::string& message_id,
             const std::string& data) {
    json body = {{"chat", chat}, {"user", user}, {"message_id", message_id}, {"data", data}};
    auto r = client().post("/playground/api/press", body.dump());
    EXPECT_EQ(r.status, 200) << r.body;
  }

  // Waits (at most 10 s) for a bot entry after the last one seen that matches; returns it.
  json expect_bot(const std::string& chat, const std::string& containing,
                  const std::string& kind = "message") {
    for (int i = 0; i < 500; ++i) {
      for (std::size_t k = seen_; k < feed_.size(); ++k) {
        const json& e = feed_[k];
        bool from_bot = e.value("kind", "") != "message" || e["from"].value("bot", false);
        if (from_bot && e.value("chat", "") == chat && e.value("kind", "") == kind &&
            e.value("text", "").find(containing) != std::string::npos) {
          // The page shows a message before the service has recorded its id (which routes
          // replies to it); a person is slower than that, a test is not.
          EXPECT_TRUE(app_->wait_nothing_in_flight())
              << "the service had not recorded what it sent after 5 s";
          return e;
        }
      }
      pull(200);
    }
    ADD_FAILURE() << "no " << kind << " to " << chat << " containing \"" << containing << "\"";
    return json::object();
  }

  // Reads the feed (long poll of up to `wait_ms`... in whole seconds, at least 1 when asked).
  void pull(int wait_ms) {
    auto r = client().get("/playground/api/feed?after=" + std::to_string(last_) +
                          "&wait=" + std::to_string(wait_ms >= 1000 ? wait_ms / 1000 : 0));
    ASSERT_EQ(r.status, 200);
    json j = json::parse(r.body);
    for (auto& e : j["entries"]) feed_.push_back(e);
    last_ = j["last"];
    if (j["entries"].empty() && wait_ms < 1000)
      std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms / 10));
  }

  // Marks everything so far as seen: later expectations look at newer entries only.
  void settle() {
    pull(0);
    seen_ = feed_.size();
  }

  std::vector<json> bot_messages_to(const std::string& chat) {
    std::vector<json> out;
    for (std::size_t k = seen_; k < feed_.size(); ++k) {
      if (feed_[k]["chat"] == chat && feed_[k]["kind"] == "message" &&
          feed_[k]["from"].value("bot", false)) {
        out.push_back(feed_[k]);
      }
    }
    return out;
  }

  template <typename F>
  auto on_io(F f) {
    return app_->on_io(std::move(f));
  }
  HelpRequest ticket(std::int64_t id) {
    return on_io([&] { return *app_->app().store().requests.get(id); });
  }

  // Story 1 up to the card: returns the card's message id.
  std::string help_request_until_card() {
    send("g31", "li", "求助 厨房水管漏水了");
    json ask = expect_bot("g31", "需要哪方面的帮助");
    press("g31", "li", ask["id"], ask["buttons"][0][0]["data"]);  // 维修
    expect_bot("li", "具体地址");
    send("li", "li", "2单元501");
    expect_bot("li", "急吗");
    send("li", "li", "1");
    expect_bot("li", "请确认你的求助");
    send("li", "li", "是");
    expect_bot("li", "已提交，编号 #");
    return expect_bot("gv", "厨房水管漏水了")["id"];
  }

  TempDir dir_;
  ManualClock clock_{1'800'000'000'000};
  std::unique_ptr<TestApp> app_;
  std::unique_ptr<HttpClient> client_;
  std::uint16_t client_port_ = 0;
  std::vector<json> feed_;
  std::size_t seen_ = 0;
  std::int64_t last_ = 0;
};

TEST_F(Playground, HealthAndThePageAreServed) {
  EXPECT_EQ(client().get("/healthz").status, 200);
  auto page = client().get("/playground");
  EXPECT_EQ(page.status, 200);
  EXPECT_THAT(page.header("Content-Type"), HasSubstr("text/html"));
  EXPECT_EQ(client().get("/playground/app.js").status, 200);
  EXPECT_EQ(client().get("/playground/style.css").status, 200);
  json state = json::parse(client().get("/playground/api/state").body);
  EXPECT_EQ(state["community"], "山城花园社区");
  EXPECT_EQ(state["chats"].size(), 2u);
  EXPECT_EQ(state["people"].size(), 20u);
  EXPECT_EQ(client().get("/nothing-here").status, 404);
}

TEST_F(Playground, HelpRequestIsClaimedDoneAndRated) {
  std::string card = help_request_until_card();
  json card_entry = expect_bot("gv", "厨房水管漏水了");
  EXPECT_THAT(card_entry["text"].get<std::string>(), Not(HasSubstr("501")));
  EXPECT_THAT(card_entry["text"].get<std::string>(), HasSubstr("@陈师傅"));

  send("gv", "chen", "接单", card);
  expect_bot("gv", "陈师傅 已接单", "edit");
  expect_bot("chen", "地址：31栋2单元501");
  expect_bot("li", "陈师傅 接了你的求助 #1");
  EXPECT_EQ(ticket(1).status, RequestStatus::claimed);

  send("gv", "chen", "完成 #1");
  json question = expect_bot("li", "满意吗");
  send("li", "li", "5 谢谢陈师傅", question["id"]);
  expect_bot("li", "谢谢你的评价");
  expect_bot("chen", "★★★★★");
  EXPECT_EQ(ticket(1).rating, 5);

  send("g31", "li", "/mine");  // the keyword alone, with nothing to show, is talk in a group
  expect_bot("g31", "我私信发给你了");
  expect_bot("li", "没有进行中的求助或任务");
}

TEST_F(Playground, OfVolunteersClaimingAtOnceExactlyOneGetsTheTicket) {
  std::string card = help_request_until_card();
  settle();
  const std::vector<std::string> volunteers = {"chen", "zhao", "liu"};
  std::vector<std::thread> threads;
  std::atomic<int> ready{0};
  for (const auto& v : volunteers) {
    threads.emplace_back([&, v] {
      HttpClient own(app_->port());
      json body = {{"chat", "gv"}, {"user", v}, {"text", "接单"}, {"reply_to", card}};
      ++ready;
      while (ready < static_cast<int>(volunteers.size())) std::this_thread::yield();
      EXPECT_EQ(own.post("/playground/api/send", body.dump()).status, 200);
    });
  }
  for (auto& t : threads) t.join();
  auto r = ticket(1);
  ASSERT_EQ(r.status, RequestStatus::claimed);
  std::string winner =
      on_io([&] { return app_->app().store().volunteers.get(r.volunteer_id)->name; });
  // Everyone else hears it is taken, by the winner; only the winner gets the address.
  expect_bot("gv", winner + " 接了 #1");
  int told_taken = 0;
  for (int i = 0; i < 50 && told_taken < 2; ++i) {
    pull(200);
    told_taken = 0;
    for (const auto& m : bot_messages_to("gv"))
      told_taken += m["text"].get<std::string>().find("已经由 " + winner) != std::string::npos;
  }
  EXPECT_EQ(told_taken, 2);
  int addresses = 0;
  for (const auto& v : volunteers) addresses += !bot_messages_to(v).empty();
  EXPECT_EQ(addresses, 1);
}

// A coordinator's day in the playground (issue 12): a post for three, filled; its headcount
// lowered to one after a confirmation, the two latest told privately and the cards edited; the
// roster read privately; the menu by role; and leaving one of two posts, each named.
TEST_F(Playground, CoordinatorLowersAHeadcountReadsTheRosterAndTheMenusFollowTheRoles) {
  send("zhou", "zhou", "设岗");
  for (const char* a : {"6", "照看31栋独居的王奶奶", "3", "0", "31栋", "明天 8:00-12:00", "1"}) {
    send("zhou", "zhou", a);
  }
  send("zhou", "zhou", "是");
  expect_bot("zhou", "岗位 1 已保存");
  send("zhou", "zhou", "招募 1");
  std::string card = expect_bot("gv", "已报名 0/3")["id"];
  for (const char* v : {"chen", "zhao", "liu"}) {
    send("gv", v, "报名", card);
    expect_bot(v, "个名额");
  }
  settle();

  // A minute later (one person's burst of messages is limited).
  clock_.advance_ms(60'000);
  send("zhou", "zhou", "设岗 1");
  send("zhou", "zhou", "-");
  send("zhou", "zhou", "-");
  send("zhou", "zhou", "1");
  json ask = expect_bot("zhou", "将有 2 人转入候补");
  press("zhou", "zhou", ask["id"], ask["buttons"][0][0]["data"]);  // yes
  for (const char* a : {"-", "-", "-", "-", "是"}) send("zhou", "zhou", a);
  expect_bot("zhou", "2 人已转入候补（按顺序排在最前面）：赵姐、刘医生");
  expect_bot("zhao", "你转入了候补第 1 位");
  expect_bot("liu", "你转入了候补第 2 位");
  clock_.advance_ms(5'000);
  EXPECT_GE(on_io([&] { return app_->app().scheduler().run_due(); }), 1);
  expect_bot("gv", "已报名 1/1 · 候补 2", "edit");
  send("zhou", "zhou", "统计");
  expect_bot("zhou", "1/1，候补 2");

  // The roster, asked in the volunteers' group: answered privately, said so in the group.
  clock_.advance_ms(60'000);
  settle();
  send("gv", "zhou", "名单 1");
  json roster = expect_bot("zhou", "名额 1/1");
  EXPECT_THAT(roster["text"].get<std::string>(), HasSubstr("1. 陈师傅 — 未确认，未签到"));
  EXPECT_THAT(roster["text"].get<std::string>(), HasSubstr("候补 2 人：\n1. 赵姐\n2. 刘医生"));
  expect_bot("gv", "我私信发给你了");
  send("gv", "chen", "/roster 1");  // the keyword typed in a group would be talk: no answer
  expect_bot("gv", "只有本社区的协调员");

  // The menus by role.
  send("zhou", "zhou", "菜单");
  EXPECT_THAT(expect_bot("zhou", "你可以")["text"].get<std::string>(), HasSubstr("名单 <岗位>"));
  send("chen", "chen", "菜单");
  json menu = expect_bot("chen", "你可以");
  EXPECT_THAT(menu["text"].get<std::string>(), HasSubstr("签到 / 签退"));
  EXPECT_THAT(menu["text"].get<std::string>(), Not(HasSubstr("报名志愿者")));

  // Two posts: /quit names each by title and time.
  clock_.advance_ms(60'000);
  send("zhou", "zhou", "设岗");
  for (const char* a : {"4", "给32栋送菜", "2", "0", "32栋", "后天 9:00-11:00", "1", "是"}) {
    send("zhou", "zhou", a);
  }
  send("zhou", "zhou", "招募 2");
  std::string second = expect_bot("gv", "给32栋送菜")["id"];
  send("gv", "zhao", "报名", second);
  expect_bot("zhao", "个名额");
  send("zhao", "zhao", "/quit");
  json which = expect_bot("zhao", "退出哪一个");
  EXPECT_THAT(which["text"].get<std::string>(), HasSubstr("岗位 1「照看31栋独居的王奶奶」"));
  EXPECT_THAT(which["text"].get<std::string>(), HasSubstr("（候补）"));
  EXPECT_THAT(which["text"].get<std::string>(), HasSubstr("岗位 2「给32栋送菜」"));
}

TEST_F(Playground, VolunteerSignsUpAndIsApproved) {
  send("g31", "wang", "报名志愿者");
  json name = expect_bot("g31", "请问你的姓名");
  send("g31", "wang", "王小明", name["id"]);
  expect_bot("g31", "私信");
  expect_bot("wang", "你的手机号");
  send("wang", "wang", "137 0000 0000");
  expect_bot("wang", "你住哪栋楼");
  send("wang", "wang", "31栋");
  expect_bot("wang", "你能做什么");
  send("wang", "wang", "1 3");
  expect_bot("wang", "什么时候有空");
  send("wang", "wang", "工作日晚上");
  expect_bot("wang", "技能：维修、驾驶");
  send("wang", "wang", "是");
  expect_bot("wang", "已提交");
  json review = expect_bot("zhou", "新志愿者待审核");
  EXPECT_THAT(review["text"].get<std::string>(), HasSubstr("13700000000"));
  // The phone number never reached a group.
  for (const auto& e : feed_) {
    if (e["chat"] == "g31" || e["chat"] == "gv") {
      EXPECT_THAT(e.value("text", ""), Not(HasSubstr("13700000000")));
    }
  }
  json state = json::parse(client().get("/playground/api/state").body);
  for (const auto& p : state["people"]) {
    if (p["id"] == "wang") {
      EXPECT_EQ(p["role"], "pending");
    }
  }
  send("zhou", "zhou", "通过", review["id"]);
  expect_bot("wang", "你已成为 山城花园社区 的志愿者");
  expect_bot("gv", "欢迎新志愿者 王小明（31栋）");
  state = json::parse(client().get("/playground/api/state").body);
  for (const auto& p : state["people"]) {
    if (p["id"] == "wang") {
      EXPECT_EQ(p["role"], "volunteer");
    }
  }
}

// The README's third story, with the example community and the people the README names:
// fifteen volunteers for ten places, then a place given back and taken from the wait-list.
TEST_F(Playground, TheReadmeGrandmaStoryPlaysAsWritten) {
  for (const char* answer :
       {"设岗", "6", "照看31栋独居的王奶奶", "10", "0", "31栋", "明天 8:00-12:00", "1", "是"}) {
    send("zhou", "zhou", answer);
  }
  expect_bot("zhou", "岗位 1 已保存");
  send("zhou", "zhou", "招募 1");
  std::string card = expect_bot("g31", "已报名 0/10 · 候补 0")["id"];
  expect_bot("gv", "已报名 0/10 · 候补 0");
  const std::vector<std::string> first_ten = {"chen",  "liu",  "zhao", "sun", "wu",
                                              "zheng", "feng", "he",   "ma",  "huang"};
  const std::vector<std::string> waiting = {"lin", "guo", "tang", "luo", "tom"};
  for (std::size_t i = 0; i < first_ten.size(); ++i) {
    send("g31", first_ten[i], "+1", card);
    expect_bot(first_ten[i], "（第 " + std::to_string(i + 1) + " 个名额）");
  }
  for (std::size_t i = 0; i < waiting.size(); ++i) {
    send("g31", waiting[i], "+1", card);
    expect_bot(waiting[i], waiting[i] == "tom" ? "number 5 on the wait-list"
                                               : "候补第 " + std::to_string(i + 1) + " 位");
  }
  clock_.advance_ms(app_->app().config().recruitment.card_refresh_s * 1000 + 1);
  on_io([&] { return app_->app().scheduler().run_due(); });
  expect_bot("g31", "已报名 10/10 · 候补 5", "edit");
  expect_bot("gv", "已报名 10/10 · 候补 5", "edit");

  send("g31", "chen", "退出", card);
  expect_bot("lin", "现在是你的了");
  clock_.advance_ms(app_->app().config().recruitment.card_refresh_s * 1000 + 1);
  on_io([&] { return app_->app().scheduler().run_due(); });
  expect_bot("g31", "已报名 10/10 · 候补 4", "edit");
}

// README, "A high-risk post" (issue 11, "Support"): risk → training → equipment → gated sign-up.
TEST_F(Playground, TheReadmeHighRiskStoryPlaysAsWritten) {
  send("zhou", "zhou", "风险 31栋 高");
  expect_bot("zhou", "31栋 现在是高风险区域");
  for (const char* answer : {"设岗", "6", "给31栋居家隔离的住户送药", "2", "0", "31栋",
                             "明天 8:00-12:00", "0", "1", "1 3"}) {
    send("zhou", "zhou", answer);
  }
  expect_bot("zhou", "按所在区域：高风险；培训：防疫知识；装备：口罩、防护服");
  send("zhou", "zhou", "是");
  expect_bot("zhou", "岗位 1 已保存");
  // As fast as a person types: a test that types faster is slowed down by the flood guard.
  clock_.advance_ms(60'000);
  send("zhou", "zhou", "招募 1");
  std::string card = expect_bot("g31", "高风险")["id"];
  send("g31", "chen", "+1", card);
  expect_bot("chen", "你还缺：培训 防疫知识；装备 口罩、防护服");
  send("zhou", "zhou", "培训 防疫知识 陈师傅");
  expect_bot("zhou", "已记录「防疫知识」培训：陈师傅");
  send("zhou", "zhou", "库存 口罩 +50");
  send("zhou", "zhou", "库存 防护服 +5");
  send("zhou", "zhou", "库存 防护服 min 4");
  expect_bot("zhou", "防护服 的警戒线设为 4，现有 5");
  send("zhou", "zhou", "发放 陈师傅 口罩 2");
  expect_bot("chen", "口罩 × 2");
  send("zhou", "zhou", "发放 陈师傅 防护服 1");
  expect_bot("zhou", "库存提醒：防护服 只剩 4（警戒线 4）");
  send("g31", "chen", "+1", card);
  expect_bot("chen", "（第 1 个名额）");
  clock_.advance_ms(60'000);
  send("zhou", "zhou", "保障 1 餐 是");
  expect_bot("zhou", "用餐 已安排（1 人）");
  send("zhou", "zhou", "名单 1");
  expect_bot("zhou", "上岗需要：培训 防疫知识；装备 口罩、防护服");
}

// The README's story "The car fleet", as written there: vehicles, a trip declined by the nearest
// driver and taken by the next, started and finished, and the fleet's figures; then a worry
// that is never posted in a group.
TEST_F(Playground, TheReadmeCarFleetStoryPlaysAsWritten) {
  send("zhou", "zhou", "车辆 添加 赵姐 5 渝A12345");
  expect_bot("zhou", "已登记车辆 渝A12345（5 座），司机 赵姐");
  send("zhou", "zhou", "车辆 添加 郑大哥 7 渝B67890");
  expect_bot("zhou", "已登记车辆 渝B67890（7 座），司机 郑大哥");
  send("zhou", "zhou", "派车 就医 31栋 市人民医院 明天 9:00 2");
  expect_bot("zhou", "正在私下问最近的空闲司机 赵姐");
  json offer = expect_bot("zhao", "【派车】T1 就医：31栋 → 市人民医院");
  send("zhao", "zhao", "不行", offer["id"]);
  json next = expect_bot("zheng", "【派车】T1 就医");
  send("zheng", "zheng", "接单", next["id"]);
  expect_bot("zheng", "T1 是你的了");
  expect_bot("zhou", "郑大哥 接了 T1（渝B67890");
  send("zheng", "zheng", "派车 出发 1");
  expect_bot("zheng", "T1 已出发");
  send("zheng", "zheng", "完成 T1");
  expect_bot("zheng", "T1 已完成");
  send("zhou", "zhou", "车队");
  json fleet = expect_bot("zhou", "车队 · ");
  EXPECT_NE(fleet["text"].get<std::string>().find("共 1 趟"), std::string::npos) << fleet;
  auto t = app_->app().store().trips.get(1);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->status, TripStatus::done);
  EXPECT_GT(t->accepted_at, 0);
  EXPECT_GT(t->finished_at, 0);

  // 张大爷's worry: counselling goes privately to the counsellors, never to a group.
  send("g31", "zhang", "求助");
  json category = expect_bot("g31", "需要哪方面的帮助");
  send("g31", "zhang", "心理", category["id"]);
  expect_bot("zhang", "简单说说");
  send("zhang", "zhang", "老伴住院了，我整夜睡不着");
  send("zhang", "zhang", "3单元402");
  send("zhang", "zhang", "2");
  send("zhang", "zhang", "是");
  expect_bot("zhang", "不会发到群里");
  expect_bot("lin", "整夜睡不着");  // 林阿姨 (32) counsels; offered privately
  settle();
  for (const json& e : feed_) {
    if (!e["from"].value("bot", false) || (e["chat"] != "g31" && e["chat"] != "gv")) continue;
    std::string text = e.value("text", "");
    EXPECT_EQ(text.find("睡不着"), std::string::npos) << text;
    EXPECT_EQ(text.find("住院"), std::string::npos) << text;
  }
}

TEST_F(Playground, DialogContinuesWhereItWasAfterARestart) {
  send("g31", "li", "求助");
  json category = expect_bot("g31", "需要哪方面的帮助");
  send("g31", "li", "代购配送", category["id"]);
  json details = expect_bot("g31", "简单说说");
  app_->restart();
  send("g31", "li", "帮忙买点菜和降压药", details["id"]);
  expect_bot("li", "具体地址");
  send("li", "li", "2单元501");
  send("li", "li", "2");
  send("li", "li", "是");
  expect_bot("gv", "帮忙买点菜和降压药");
  auto r = ticket(1);
  EXPECT_EQ(r.category, "shopping");
  EXPECT_FALSE(r.urgent);
}

TEST_F(Playground, IdleDialogTimesOutAtTheConfiguredTime) {
  send("g31", "li", "报名志愿者");
  expect_bot("g31", "请问你的姓名");
  clock_.advance_ms(31 * 60 * 1000);
  EXPECT_EQ(on_io([&] { return app_->app().scheduler().run_due(); }), 1);
  expect_bot("g31", "30 分钟没有回复");
  send("g31", "li", "李秀英");  // no dialog any more: the group is left alone
  settle();
  pull(300);
  EXPECT_TRUE(bot_messages_to("g31").empty());
}

TEST_F(Playground, ARetriedWebhookIsHandledOnce) {
  json update = {{"update_id", "retry-1"},
                 {"chat", {{"id", "li"}, {"type", "private"}}},
                 {"from", {{"id", "li"}, {"name", "李阿姨"}}},
                 {"message", {{"id", "x1"}, {"text", "/menu"}}}};
  EXPECT_EQ(client().post("/playground/webhook", update.dump()).status, 200);
  EXPECT_EQ(client().post("/playground/webhook", update.dump()).status, 200);
  expect_bot("li", "你可以");
  pull(300);
  EXPECT_EQ(bot_messages_to("li").size(), 1u);
}

TEST_F(Playground, MalformedWebhookIsRefusedWithoutEffect) {
  EXPECT_EQ(client().post("/playground/webhook", "{not json").status, 400);
  EXPECT_EQ(client().post("/playground/webhook", R"({"chat":{"id":"g31"}})").status, 400);
  EXPECT_EQ(on_io([&] { return app_->app().store().outbox.depth(); }), 0);
}

TEST_F(Playground, EnglishSpeakerIsAnsweredInEnglish) {
  send("g31", "emma", "/help");
  expect_bot("g31", "what kind of help do you need");
}

}  // namespace
}  // namespace linli::test

namespace linli::test {
namespace {

TEST_F(Playground, FloodingPersonIsToldOnceAndIgnoredWhileOthersAreServed) {
  const int burst = app_->app().config().flood.burst;
  settle();
  for (int i = 0; i < burst; ++i) send("li", "li", "/menu");
  for (int i = 0; i < 50 && bot_messages_to("li").size() < static_cast<std::size_t>(burst); ++i)
    pull(200);
  ASSERT_EQ(bot_messages_to("li").size(), static_cast<std::size_t>(burst));
  settle();
  send("li", "li", "/menu");  // one too many
  expect_bot("li", "消息发得太快了");
  for (int i = 0; i < 5; ++i) send("li", "li", "/menu");
  send("g31", "zhang", "菜单");  // someone else in the meantime
  expect_bot("g31", "你可以");
  pull(300);
  EXPECT_EQ(bot_messages_to("li").size(), 1u);  // the one "slow down", nothing else
  clock_.advance_ms(app_->app().config().flood.pause_s * 1000 + 1);
  settle();
  send("li", "li", "/menu");
  expect_bot("li", "你可以");
}

TEST_F(Playground, MetricsAreServedInThePrometheusFormat) {
  send("g31", "li", "求助");
  expect_bot("g31", "需要哪方面的帮助");
  client().post("/playground/webhook", "{not json");
  auto r = client().get("/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_THAT(r.header("Content-Type"), HasSubstr("text/plain; version=0.0.4"));
  EXPECT_THAT(r.body, HasSubstr("linli_webhooks_total{adapter=\"playground\",result=\"ok\"} 1\n"));
  EXPECT_THAT(r.body,
              HasSubstr("linli_webhooks_total{adapter=\"playground\",result=\"bad_request\"} 1\n"));
  EXPECT_THAT(r.body, HasSubstr("linli_decision_seconds_count 1\n"));
  EXPECT_THAT(r.body, HasSubstr("linli_dialogs_active 1\n"));
  EXPECT_THAT(r.body, HasSubstr("linli_sends_total{result=\"ok\"}"));
  EXPECT_THAT(r.body, HasSubstr("linli_outbox_depth"));
}

}  // namespace
}  // namespace linli::test

namespace linli::test {
namespace {

TEST_F(Playground, PageRequestsOfTheWrongShapeAreRefusedWith400) {
  EXPECT_EQ(
      client().post("/playground/api/send", R"({"chat": 31, "user": ["li"], "text": {}})").status,
      400);
  EXPECT_EQ(client()
                .post("/playground/api/press",
                      R"({"chat": "g31", "user": "li", "message_id": 1, "data": 2})")
                .status,
            400);
  EXPECT_EQ(client().post("/playground/api/send", "[1, 2]").status, 400);
  for (const char* query : {"after=abc", "after=12abc", "wait=99999999999999999999"}) {
    EXPECT_EQ(client().get(std::string("/playground/api/feed?") + query).status, 400) << query;
  }
}

}  // namespace
}  // namespace linli::test

namespace linli::test {
namespace {

// Issue 12: what is too long is said, with the limit, in the person's language; nothing else.
TEST_F(Playground, AMessagePastThePlatformsLengthIsRefusedInThePersonsLanguage) {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "漏";
  json body = {{"chat", "g31"}, {"user", "li"}, {"text", "求助 " + text}};
  auto r = client().post("/playground/api/send", body.dump());
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body).value("error", ""),
            "消息太长了：一条最多 4096 个字，这条有 5003 个字。请写短一些，或分几条发。");
  body = {{"chat", "g31"}, {"user", "emma"}, {"text", text}};
  r = client().post("/playground/api/send", body.dump());
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(json::parse(r.body).value("error", ""),
              HasSubstr("too long: at most 4096 characters, this one has 5000"));
  EXPECT_EQ(on_io([&] { return app_->app().store().outbox.depth(); }), 0);
  EXPECT_FALSE(on_io([&] {
    auto li = app_->app().store().people.find("playground", "li");
    return li && app_->app().store().dialogs.get(li->id);
  }));
}

// The reproduction: a typo of 求助 while the name question is open is not her name.
TEST_F(Playground, ATypoInTheGroupIsNotTheAnswerToAnOpenQuestion) {
  send("zhou", "zhou", "设岗");  // a post and its call, for 李阿姨 to reply +1 to
  for (const char* answer :
       {"6", "照看31栋独居的王奶奶", "10", "0", "31栋", "明天 8:00-12:00", "1", "是"})
    send("zhou", "zhou", answer);
  send("zhou", "zhou", "招募 1");
  json call = expect_bot("g31", "【招募】岗位 1");
  send("g31", "li", "+1", call["id"]);
  json name = expect_bot("g31", "请问你的姓名");
  send("g31", "li", "求组 水管又漏了");
  expect_bot("li", "你在31栋居民群的志愿者报名还没填完");
  send("g31", "li", "李秀英", name["id"]);
  expect_bot("li", "你的手机号");
}

TEST_F(Playground, AHelpRequestPastItsLengthSaysItsLimitAndStartsNothing) {
  std::string details;
  for (int i = 0; i < 600; ++i) details += "漏";
  send("g31", "li", "求助 " + details);
  expect_bot("g31", "最多 500 个字，你写了 600 个字");
  auto li = on_io([&] { return app_->app().store().people.find("playground", "li"); });
  ASSERT_TRUE(li);
  EXPECT_FALSE(on_io([&] { return app_->app().store().dialogs.get(li->id).has_value(); }));
}

// Step 5 over HTTP (issue 11): a request cancelled by its resident (its card edited, a late
// 接单 refused), another one rated low (the coordinator told at once), a commendation announced
// in both groups, and the coordinator's report with all of it, from the SQLite file.
TEST_F(Playground, ACancelledRequestALowRatingACommendationAndTheReport) {
  std::string card = help_request_until_card();  // #1
  send("li", "li", "撤销 #1");
  expect_bot("li", "求助 #1 已撤销。");
  expect_bot("gv", "#1 维修 · 31栋 — 求助人已撤销，不用接单了", "edit");
  send("gv", "chen", "接单", card);
  expect_bot("gv", "#1 已被求助人撤销，不用接单了");
  EXPECT_EQ(ticket(1).status, RequestStatus::cancelled);

  clock_.advance_ms(60'000);
  settle();
  std::string second = help_request_until_card();  // #2
  send("gv", "chen", "接单", second);
  expect_bot("chen", "地址：31栋2单元501");
  clock_.advance_ms(30 * 60'000);
  send("gv", "chen", "完成 #2");
  json question = expect_bot("li", "满意吗");
  send("li", "li", "2 来得有点晚", question["id"]);
  json alert = expect_bot("zhou", "差评提醒：#2（维修）李阿姨 打了 ★★☆☆☆（2 分）");
  EXPECT_THAT(alert["text"].get<std::string>(), HasSubstr("志愿者：陈师傅\n评价：来得有点晚"));

  send("zhou", "zhou", "表彰 陈师傅 半小时修好了漏水");
  expect_bot("g31", "🏅 表彰 志愿者 陈师傅\n半小时修好了漏水\n—— 周主任");
  expect_bot("gv", "🏅 表彰 志愿者 陈师傅");
  expect_bot("zhou", "已在 2 个群宣布");

  send("g31", "zhou", "报告");
  expect_bot("g31", "周主任，我私信发给你了。");
  std::string report = expect_bot("zhou", "山城花园社区 报告")["text"];
  EXPECT_THAT(report, HasSubstr("求助：2 件 = 已认领 1 + 未满足 0 + 已撤销 1 + 等待中 0（"));
  EXPECT_THAT(report, HasSubstr("维修：2（认领 1，未满足 0）"));
  EXPECT_THAT(report,
              HasSubstr("完成用时（从求助到完成）：中位数 30 分钟，90% 分位 30 分钟（1 件）"));
  EXPECT_THAT(report, HasSubstr("满意度：平均 2.0 分（1 条评价，1 条差评）"));
  EXPECT_THAT(report, HasSubstr("陈师傅：2.0 分（1 条）\n    #2 ★★☆☆☆ 来得有点晚"));
  EXPECT_THAT(report, HasSubstr("陈师傅：半小时修好了漏水（周主任）"));
  // Nothing of it in a group.
  for (const auto& m : bot_messages_to("g31")) {
    EXPECT_THAT(m["text"].get<std::string>(), Not(HasSubstr("满意度")));
  }
}

// Issue 11: a certificate of service, asked for in the playground, verified over HTTP by anyone;
// a code changed by one character fails; revoked by the coordinator, it says "revoked".
TEST_F(Playground, ACertificateVerifiesOverHttpUntilRevokedAndATamperedCodeFails) {
  on_io([&] {
    Store& store = app_->app().store();
    UnitOfWork txn(store);
    auto tom = store.people.find("playground", "tom");
    Shift s;
    s.person_id = tom->id;
    s.community_id = "shancheng";
    s.checkin_at = clock_.now_ms() - 5 * 3'600'000;
    auto id = store.shifts.check_in(s);
    store.shifts.check_out(*id, clock_.now_ms() - 2 * 3'600'000);
    txn.commit();
  });
  settle();
  send("tom", "tom", "/cert");
  json reply = expect_bot("tom", "Verification code");
  const std::string text = reply.value("text", "");
  EXPECT_THAT(text, HasSubstr("Tom"));
  EXPECT_THAT(text, HasSubstr("for 3.0 hours in all"));
  const auto at = text.find("/verify ");
  ASSERT_NE(at, std::string::npos) << text;
  std::string code = text.substr(at + 8);
  code = code.substr(0, code.find_first_not_of("0123456789abcdef-"));
  ASSERT_GT(code.size(), 20u) << text;

  auto page = client().get("/certificates/" + code);
  EXPECT_EQ(page.status, 200);
  EXPECT_THAT(page.body, HasSubstr("Certificate of volunteer service"));
  EXPECT_THAT(page.body, HasSubstr(code));
  auto verified = client().get("/verify/" + code);
  EXPECT_EQ(verified.status, 200);
  EXPECT_THAT(verified.body, HasSubstr("This certificate is valid"));

  std::string tampered = code;
  tampered.back() = tampered.back() == '0' ? '1' : '0';
  auto forged = client().get("/verify/" + tampered);
  EXPECT_EQ(forged.status, 404);
  EXPECT_THAT(forged.body, Not(HasSubstr("Tom")));
  send("emma", "emma", "/verify " + tampered);
  expect_bot("emma", "is not valid");

  send("tom", "tom", "/cert revoke " + code);  // not a coordinator: refused, nothing changes
  expect_bot("tom", "only a coordinator");
  EXPECT_EQ(client().get("/verify/" + code).status, 200);
  send("zhou", "zhou", "证明 撤销 " + code);
  expect_bot("zhou", "已撤销");
  auto revoked = client().get("/verify/" + code);
  EXPECT_EQ(revoked.status, 410);
  EXPECT_THAT(revoked.body, HasSubstr("was revoked"));
  EXPECT_EQ(client().get("/certificates/" + code).status, 410);
  send("emma", "emma", "/verify " + code);
  expect_bot("emma", "was revoked");
}

}  // namespace
}  // namespace linli::test
