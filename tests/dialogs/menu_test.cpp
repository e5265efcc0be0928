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
        bool listed = false;
        for (const auto& n : names) listed = listed || text.find(n) != std::string::npos;
        EXPECT_TRUE(listed) << user << (english ? " (en)" : " (zh)") << " misses " << c.names.at(0)
                            << " in:\n"
                            << text;
      }
    }
  }
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
