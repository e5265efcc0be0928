// The menus (issue 11): every command the parser knows that a role may use is listed in that
// role's menu, in Chinese and in English, so a command added without a menu line fails here.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "dialogs/command_parser.hpp"
#include "tests/support/engine_fixture.hpp"

namespace linli::test {
namespace {

enum Role : int { kResident = 1, kVolunteer = 2, kCoordinator = 4 };
constexpr int kNobody = 0;  // the menu itself
constexpr int kAnyone = kResident | kVolunteer | kCoordinator;

// Who may use each command (DESIGN.md §3, README "What people type").
const std::map<Command, int>& roles() {
  static const std::map<Command, int> kRoles = {
      {Command::start, kNobody},
      {Command::menu, kNobody},
      {Command::join, kResident},
      {Command::help, kResident | kVolunteer},
      {Command::mine, kResident | kVolunteer},
      {Command::cancel, kAnyone},
      {Command::back, kAnyone},
      {Command::lang, kAnyone},
      {Command::done, kVolunteer},
      {Command::approve, kCoordinator},
      {Command::reject, kCoordinator},
      {Command::post, kCoordinator},
      {Command::recruit, kCoordinator},
      {Command::quit, kVolunteer},
      {Command::assign, kCoordinator},
      {Command::checkin, kVolunteer},
      {Command::checkout, kVolunteer},
      {Command::hours, kVolunteer | kCoordinator},
      {Command::stats, kCoordinator},
      {Command::team, kCoordinator},
      {Command::roster, kCoordinator},
      {Command::take, kVolunteer},
      {Command::enlist, kVolunteer},
      {Command::report, kCoordinator},
      {Command::commend, kCoordinator},
      {Command::hours_fix, kCoordinator},
      {Command::cert, kVolunteer | kCoordinator},  // a coordinator revokes
      {Command::verify, kAnyone},
      {Command::train, kVolunteer | kCoordinator},  // a volunteer sees their own
      {Command::stock, kCoordinator},
      {Command::issue, kCoordinator},
      {Command::risk, kCoordinator},
      {Command::supply, kCoordinator},
      {Command::vehicle, kCoordinator},
      {Command::trip, kVolunteer | kCoordinator},  // a driver sets off and arrives
      {Command::fleet, kCoordinator},
  };
  return kRoles;
}

// The heads of a menu's entries: each line, and each part of a line after "；" or "; ", up to
// its " — "; a head naming several commands ("签到 / 签退", "/approve, /reject [number]",
// "派车 出发 编号、完成 T编号") is split into one head for each.
std::vector<std::string> heads(const std::string& menu) {
  auto split = [](const std::vector<std::string>& in, std::string_view sep) {
    std::vector<std::string> out;
    for (const auto& s : in) {
      std::size_t from = 0;
      for (std::size_t at; (at = s.find(sep, from)) != std::string::npos; from = at + sep.size()) {
        out.push_back(s.substr(from, at - from));
      }
      out.push_back(s.substr(from));
    }
    return out;
  };
  std::vector<std::string> heads;
  for (auto entry : split(split(split({menu}, "\n"), "；"), "; ")) {
    auto dash = entry.find("—");
    if (dash == std::string::npos) continue;  // the header, a note: no command
    for (auto h : split(split(split({entry.substr(0, dash)}, " / "), ", "), "、")) {
      while (!h.empty() && h.front() == ' ') h.erase(0, 1);
      heads.push_back(h);
    }
  }
  return heads;
}

// Whether a menu has an entry of its own for a command called any of `names`: a head that is
// the name or starts with it and a space, or a reply to one of our messages ("回复任务卡「接单」",
// "reply 接单 (or ok) to a task card") that says the name. A name said elsewhere in the menu (名单
// in "查看待审核名单") does not count.
bool listed(const std::string& menu, const std::vector<std::string>& names) {
  for (const auto& h : heads(menu)) {
    for (const auto& n : names) {
      if (h == n || h.rfind(n + " ", 0) == 0) return true;
      bool reply = h.rfind("回复", 0) == 0 || h.rfind("reply ", 0) == 0;
      if (reply && h.find(n) != std::string::npos) return true;
    }
  }
  return false;
}

class Menus : public EngineFixture {
 protected:
  std::string menu(const std::string& user, bool english) {
    say(user, user, english ? "/lang en" : "/lang zh");
    auto texts = texts_to(say(user, user, english ? "/menu" : "菜单"), user);
    return texts.empty() ? "" : texts.at(0);
  }
};

TEST_F(Menus, EveryCommandARoleMayUseIsInThatRolesMenuInBothLanguages) {
  const std::vector<std::pair<std::string, Role>> people = {
      {"li", kResident}, {"chen", kVolunteer}, {"zhou", kCoordinator}};
  for (bool english : {false, true}) {
    for (const auto& [user, role] : people) {
      std::string text = menu(user, english);
      ASSERT_FALSE(text.empty()) << user;
      for (const auto& c : all_commands()) {
        auto it = roles().find(c.command);
        ASSERT_NE(it, roles().end()) << "say which roles may use " << c.names.at(0);
        if ((it->second & role) == 0) continue;
        auto names = c.names;
        // Typed as /hours with "fix" (the parser reads it from /hours' arguments).
        if (c.command == Command::hours_fix) names.push_back("/hours fix");
        EXPECT_TRUE(listed(text, names))
            << user << (english ? " (en)" : " (zh)") << " misses " << c.names.at(0) << " in:\n"
            << text;
      }
    }
  }
}

// A command whose line is gone is missed, though its name is still said elsewhere in the menu:
// the coordinator's 名单 line removed leaves 名单 in "查看待审核名单".
TEST_F(Menus, AMissingLineIsMissedThoughItsNameIsSaidElsewhere) {
  const std::string zh = menu("zhou", false);
  ASSERT_TRUE(listed(zh, {"名单", "/roster"}));
  const auto line = zh.find("\n名单 ");
  ASSERT_NE(line, std::string::npos);
  std::string without = zh;
  without.erase(line, zh.find('\n', line + 1) - line);
  EXPECT_NE(without.find("名单"), std::string::npos);  // what matching anywhere would take
  EXPECT_FALSE(listed(without, {"名单", "/roster"}));
  EXPECT_TRUE(listed(without, {"通过", "/approve"}));
  // A part of a line: /stock after "; " in the support line.
  const std::string en = menu("zhou", true);
  ASSERT_TRUE(listed(en, {"/stock"}));
  std::string no_stock = en;
  const auto part = no_stock.find("; /stock");
  ASSERT_NE(part, std::string::npos);
  no_stock.erase(part, no_stock.find('\n', part) - part);
  EXPECT_FALSE(listed(no_stock, {"/stock"}));
}

TEST_F(Menus, CoordinatorsSeeTheFleetCorrectionsAndRevocation) {
  std::string zh = menu("zhou", false);
  for (const char* line : {"车辆", "派车", "车队", "更正", "证明 撤销", "验证"}) {
    EXPECT_THAT(zh, ::testing::HasSubstr(line));
  }
  std::string en = menu("zhou", true);
  for (const char* line :
       {"/vehicle", "/trip", "/fleet", "/hours fix", "/cert revoke", "/verify"}) {
    EXPECT_THAT(en, ::testing::HasSubstr(line));
  }
  // A resident's menu has none of the coordinators' commands.
  EXPECT_THAT(menu("li", true), ::testing::Not(::testing::HasSubstr("/fleet")));
}

}  // namespace
}  // namespace linli::test
