// Linli on XMPP, end to end over real HTTP on 127.0.0.1: stanzas POSTed to the callback as
// Prosody's mod_rest sends them, and what the bot says arriving at a fake mod_rest that answers
// as mod_rest documents. Rooms of residents and volunteers, people known by their occupant JIDs,
// private messages through the room; Chinese and English; no buttons (they are text lines).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "storage/store.hpp"
#include "tests/support/xmpp_fixture.hpp"

namespace linli::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::Each;
using ::testing::HasSubstr;
using ::testing::Not;

TEST_F(Xmpp, HelpRequestFromTheRoomToTheRating) {
  say(kLiJid, "求助 厨房水管漏水了😭");
  // Not every XMPP client says what a message replies to, and in a room only a reply answers a
  // question: the dialog goes on privately at once.
  expect(kResidentsRoom, "我私信你继续");
  // Private messages go to her occupant JID: a private message through the room.
  XmppMessage ask = expect(kLiJid, "需要哪方面的帮助");
  EXPECT_EQ(ask.type, "chat");
  EXPECT_THAT(ask.body, HasSubstr("[维修]"));  // the buttons, as text people can type
  pm(kLiJid, "维修");
  XmppMessage address = expect(kLiJid, "具体地址");
  EXPECT_EQ(address.type, "chat");
  pm(kLiJid, "2单元501");
  expect(kLiJid, "急吗");
  pm(kLiJid, "1");
  expect(kLiJid, "请确认你的求助");
  pm(kLiJid, "是");
  expect(kLiJid, "已提交，编号 #1");
  XmppMessage card = expect(kVolunteersRoom, "厨房水管漏水了😭");
  EXPECT_THAT(card.body, HasSubstr("#1 维修 · 31栋 · 急"));
  EXPECT_THAT(card.body, HasSubstr("[接单 #1]"));
  EXPECT_THAT(card.body, Not(HasSubstr("501")));

  // The room (with its archive) echoes the card with the id it gave it; clients reply by that.
  json echo = {{"kind", "message"},
               {"type", "groupchat"},
               {"from", occupant(kVolunteersRoom, kNick)},
               {"to", kBotJid},
               {"id", card.id},
               {"body", card.body},
               {"stanza_ids", {{{"id", "mam-card-1"}, {"by", kVolunteersRoom}}}}};
  EXPECT_EQ(post(echo), 204);
  say(kChenJid, "接单💪", "mam-card-1");
  expect(kChenJid, "地址：31栋2单元501");
  expect(kLiJid, "陈师傅 接了你的求助 #1");
  // The card is corrected in place (XEP-0308).
  ASSERT_TRUE(fake_.wait_until(
      [&](const FakeModRest& f) {
        for (const auto& m : f.messages(kVolunteersRoom)) {
          if (m.id == card.id) return m.body.find("陈师傅 已接单") != std::string::npos;
        }
        return false;
      },
      10s));
  // A second volunteer, too late, replying by the card's own id: told, nothing changes.
  say(kZhaoJid, "接单", card.id);
  EXPECT_TRUE(fake_.wait_until(
      [&](const FakeModRest& f) {
        for (const std::string& to : {kZhaoJid, std::string(kVolunteersRoom)}) {
          for (const auto& m : f.messages(to)) {
            if (m.body.find("已经由 陈师傅 接单") != std::string::npos) return true;
          }
        }
        return false;
      },
      10s));

  say(kChenJid, "完成 #1 ✅");
  XmppMessage question = expect(kLiJid, "满意吗");
  pm(kLiJid, "5 谢谢陈师傅👍", question.id);
  expect(kLiJid, "谢谢你的评价");
  expect(kChenJid, "★★★★★");
  EXPECT_EQ(on_io([&] { return app_->app().store().requests.get(1)->rating; }), 5);
  // Phone numbers and the address stayed out of the rooms.
  for (const char* room : {kResidentsRoom, kVolunteersRoom}) {
    for (const auto& m : fake_.messages(room)) {
      EXPECT_THAT(m.body, Not(HasSubstr("2单元501")));
      EXPECT_THAT(m.body, Not(HasSubstr("138000")));
    }
  }
  // mod_rest got nothing it refused.
  EXPECT_THAT(fake_.statuses(), Each(202));
}

TEST_F(Xmpp, EnglishSpeakerIsAnsweredInEnglish) {
  say(kEmmaJid, "/menu", "", "en-GB");
  expect(kResidentsRoom, "You can:");
}

TEST_F(Xmpp, CoordinatorInAOneToOneChatIsAnsweredThere) {
  // A one-to-one chat from one of his clients: the answer goes to his bare JID.
  pm(kZhouJid + "/phone", "菜单");
  XmppMessage m = expect(kZhouJid, "你可以");
  EXPECT_EQ(m.type, "chat");
}

TEST_F(Xmpp, EchoesHistoryAndWhatIsNoMessageDecideNothing) {
  say(kLiJid, "/menu");  // a marker, answered once
  expect(kResidentsRoom, "你可以");
  json history = stanza("groupchat", kLiJid, "/menu");
  history["delay"] = "2024-01-01T08:00:00Z";
  json echo = stanza("groupchat", occupant(kResidentsRoom, kNick), "/menu");
  json subject = {{"kind", "message"},
                  {"type", "groupchat"},
                  {"from", kResidentsRoom},
                  {"to", kBotJid},
                  {"subject", ""}};
  json presence = {{"kind", "presence"}, {"type", "available"}, {"from", kLiJid}, {"to", kBotJid}};
  for (const json& st : {history, echo, subject, presence}) EXPECT_EQ(post(st), 204) << st;
  EXPECT_EQ(post_raw("{not json"), 204);
  EXPECT_EQ(post_raw("<message/>"), 204);
  // The same stanza twice (a retry): handled once.
  json twice = stanza("groupchat", kLiJid, "/mine");
  EXPECT_EQ(post(twice), 204);
  EXPECT_EQ(post(twice), 204);
  say(kLiJid, "菜单");  // a marker: everything before it has been decided
  ASSERT_TRUE(fake_.wait_until(
      [](const FakeModRest& f) { return f.messages(kResidentsRoom).size() >= 3; }, 10s));
  ASSERT_TRUE(app_->wait_nothing_in_flight());
  EXPECT_EQ(count(kResidentsRoom, "你可以"), 2);
  EXPECT_EQ(fake_.messages(kResidentsRoom).size(), 3u);
}

TEST_F(Xmpp, KickedBotRejoinsAndMessagesWaitingForTheRoomArrive) {
  fake_.kick(kResidentsRoom);
  say(kLiJid, "/menu");  // the answer bounces: not in the room
  ASSERT_TRUE(fake_.wait_until(
      [](const FakeModRest& f) {
        for (int s : f.statuses()) {
          if (s == 200) return true;
        }
        return false;
      },
      10s));
  // The room tells us our occupant is gone (mod_rest carries no status codes): join again.
  json gone = {{"kind", "presence"},
               {"type", "unavailable"},
               {"from", occupant(kResidentsRoom, kNick)},
               {"to", kBotJid},
               {"status", "Kicked: internal server error"}};
  EXPECT_EQ(post(gone), 204);
  EXPECT_TRUE(fake_.wait_until([](const FakeModRest& f) { return f.joins(kResidentsRoom) == 2; }));
  expect(kResidentsRoom, "你可以");  // retried after the rejoin
  // mod_rest's start-up probe: every room is joined again.
  EXPECT_EQ(client().request("OPTIONS", kWebhook, "", {}).status, 200);
  EXPECT_TRUE(fake_.wait_until([](const FakeModRest& f) {
    return f.joins(kResidentsRoom) == 3 && f.joins(kVolunteersRoom) == 2;
  }));
}

TEST_F(Xmpp, SendsCarryTheTokenAndTheStanzaShapeModRestMaps) {
  say(kLiJid, "/menu");
  expect(kResidentsRoom, "你可以");
  auto stanzas = fake_.stanzas();
  ASSERT_GE(stanzas.size(), 3u);
  EXPECT_EQ(stanzas[0]["kind"], "presence");
  EXPECT_EQ(stanzas[0]["muc"]["history"]["maxstanzas"], 0);
  const json& menu = stanzas.back();
  EXPECT_EQ(menu["kind"], "message");
  EXPECT_EQ(menu["type"], "groupchat");
  EXPECT_EQ(menu["to"], kResidentsRoom);
  EXPECT_THAT(menu["id"].get<std::string>(), ::testing::StartsWith("linli-"));
}

TEST_F(Xmpp, PrivateMessageToSomeoneOfflineIsUndeliverableNotRetriedForever) {
  fake_.set_offline(kZhouJid);
  pm(kZhouJid + "/phone", "菜单");
  ASSERT_TRUE(fake_.wait_until(
      [](const FakeModRest& f) {
        for (int s : f.statuses()) {
          if (s == 200) return true;
        }
        return false;
      },
      10s));
  ASSERT_TRUE(app_->wait_nothing_in_flight());
  EXPECT_EQ(on_io([&] { return app_->app().store().outbox.depth(); }), 0);
}

}  // namespace
}  // namespace linli::test
