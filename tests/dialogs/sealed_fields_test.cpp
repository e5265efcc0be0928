// Phone numbers and addresses at rest (the config's encryption_key), through the real dialogs, on
// the engine the run chose (SQLite or PostgreSQL): with a key no table holds them in the plain,
// in what the dialogs write on the way too (open dialogs' answers, the outbox's texts), and
// everything reads back. The file-level check of SQLite's bytes is in tests/storage.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/engine_fixture.hpp"

namespace linli::test {
namespace {

using ::testing::HasSubstr;

constexpr const char* kSignUpPhone = "13912345678";
constexpr const char* kHalfwayPhone = "13611112222";
constexpr const char* kHelpAddress = "31栋2单元501";
constexpr const char* kHalfwayAddress = "解放碑路88号7楼";

Config with_key(const std::string& key) {
  Config c = community_config();
  c.encryption_key = key;
  return c;
}

class SealedFields : public EngineFixture {
 protected:
  explicit SealedFields(const std::string& key = std::string(32, '\x5a'))
      : EngineFixture(with_key(key)) {}

  // A sign-up with a phone, which the coordinator reviews; a help request with an address,
  // which the volunteer who takes it gets; and, half way, a sign-up after its phone and a help
  // request after its address. Returns every row of every table.
  std::string write_through_the_dialogs() {
    auto wang_asked = say("wang", "g31", "报名志愿者");
    say("wang", "g31", "王小明", find_to(wang_asked, "g31")->platform_id);
    say("wang", "wang", kSignUpPhone);
    say("wang", "wang", "31栋");
    say("wang", "wang", "1");
    say("wang", "wang", "周末");
    EXPECT_THAT(texts_to(say("wang", "wang", "是"), "zhou").at(0), HasSubstr(kSignUpPhone));
    auto li_asked = say("li", "g31", "求助 厨房漏水");
    say("li", "g31", "维修", find_to(li_asked, "g31")->platform_id);
    say("li", "li", kHelpAddress);
    say("li", "li", "急");
    auto card = say("li", "li", "是");
    auto taken = say("chen", "gv", "接单", find_to(card, "gv")->platform_id);
    EXPECT_THAT(texts_to(taken, "chen").at(0), HasSubstr(kHelpAddress));

    auto name_question = say("zhang", "g31", "报名志愿者");
    say("zhang", "g31", "张三", find_to(name_question, "g31")->platform_id);
    say("zhang", "zhang", kHalfwayPhone);
    auto category_question = say("wu", "g31", "求助 买菜");
    say("wu", "g31", "5", find_to(category_question, "g31")->platform_id);
    say("wu", "wu", kHalfwayAddress);
    EXPECT_EQ(dialog_of("zhang")->state, "building");
    EXPECT_EQ(dialog_of("wu")->state, "urgency");
    return db_->snapshot({});
  }

  // The phone numbers and addresses, and the telling part of each.
  static std::vector<std::string> private_details() {
    return {kSignUpPhone,    kHalfwayPhone, kHelpAddress, "2单元501",
            kHalfwayAddress, "88号7楼",     "13800000001" /* chen's, from the config */};
  }
};

class PlainFields : public SealedFields {
 protected:
  PlainFields() : SealedFields("") {}
};

TEST_F(PlainFields, WithoutAKeyThePhonesAndAddressesAreInTheTables) {
  // The control for the test below: the search finds them when they are there.
  const std::string rows = write_through_the_dialogs();
  for (const std::string& detail : private_details()) {
    EXPECT_NE(rows.find(detail), std::string::npos) << detail;
  }
}

TEST_F(SealedFields, WithAKeyNoTableHoldsAPhoneOrAnAddressAndAllReadsBack) {
  const std::string rows = write_through_the_dialogs();
  EXPECT_NE(rows.find("enc1:"), std::string::npos);
  EXPECT_NE(rows.find("王小明"), std::string::npos);  // other columns are not sealed
  for (const std::string& detail : private_details()) {
    EXPECT_EQ(rows.find(detail), std::string::npos) << detail;
  }
  EXPECT_EQ(store_.volunteers.get(person("wang"))->phone, kSignUpPhone);
  EXPECT_EQ(store_.volunteers.get(person("chen"))->phone, "13800000001");
  EXPECT_EQ(store_.requests.get(1)->address, kHelpAddress);
  EXPECT_THAT(dialog_of("zhang")->data, HasSubstr(kHalfwayPhone));
  EXPECT_THAT(dialog_of("wu")->data, HasSubstr(kHalfwayAddress));
  // The dialogs go on from the sealed answers.
  say("zhang", "zhang", "31栋");
  EXPECT_EQ(dialog_of("zhang")->state, "skills");
  auto card = say("wu", "wu", "急");
  EXPECT_THAT(texts_to(card, "wu").at(0), HasSubstr(kHalfwayAddress));
}

}  // namespace
}  // namespace linli::test
