#include <gtest/gtest.h>

#include <set>

#include "dialogs/catalogue.hpp"
#include "dialogs/vocabulary.hpp"

namespace linli {
namespace {

TEST(Vocabulary, SkillsByNumberCodeAndNameInBothLanguages) {
  EXPECT_EQ(parse_skill("1"), Skill::repair);
  EXPECT_EQ(parse_skill("8"), Skill::other);
  EXPECT_FALSE(parse_skill("9"));
  EXPECT_FALSE(parse_skill("0"));
  EXPECT_EQ(parse_skill("维修"), Skill::repair);
  EXPECT_EQ(parse_skill("Medical"), Skill::medical);
  EXPECT_EQ(parse_skill("代购配送"), Skill::shopping);
  EXPECT_EQ(parse_skill("买菜"), Skill::shopping);
  EXPECT_EQ(parse_skill("disinfection"), Skill::disinfection);
}

TEST(Vocabulary, NumbersAreWholeAndInRangeOrNothing) {
  EXPECT_EQ(parse_number("42", 1, 1000), 42);
  EXPECT_EQ(parse_number("0042", 1, 1000), 42);
  EXPECT_EQ(parse_number("1001", 1, 1000), std::nullopt);
  EXPECT_EQ(parse_number("-1", 1, 1000), std::nullopt);
  EXPECT_EQ(parse_number("4 2", 1, 1000), std::nullopt);
  EXPECT_EQ(parse_number("42x", 1, 1000), std::nullopt);
  EXPECT_EQ(parse_number("", 1, 1000), std::nullopt);
  EXPECT_EQ(parse_number<std::uint32_t>("99999999999999999999", 0, 4'000'000'000u), std::nullopt);
  EXPECT_EQ(parse_number<std::int64_t>("9223372036854775807", 0, INT64_MAX), INT64_MAX);
}

TEST(Vocabulary, SkillListsWithAnySeparator) {
  EXPECT_EQ(parse_skill_list("1 5"), bit(Skill::repair) | bit(Skill::shopping));
  EXPECT_EQ(parse_skill_list("维修、驾驶，心理"),
            bit(Skill::repair) | bit(Skill::driving) | bit(Skill::counselling));
  EXPECT_EQ(parse_skill_list("repair, driving"), bit(Skill::repair) | bit(Skill::driving));
  EXPECT_EQ(parse_skill_list("shopping and delivery"), bit(Skill::shopping));
  EXPECT_EQ(parse_skill_list("1 juggling"), 0u);
  EXPECT_EQ(parse_skill_list(""), 0u);
  EXPECT_EQ(skill_list_names(bit(Skill::repair) | bit(Skill::driving), Lang::zh), "维修、驾驶");
  EXPECT_EQ(skill_list_names(bit(Skill::repair) | bit(Skill::driving), Lang::en),
            "repair, driving");
}

TEST(Vocabulary, BuildingsAsPeopleWriteThem) {
  EXPECT_EQ(normalize_building("31"), "31");
  EXPECT_EQ(normalize_building("31栋"), "31");
  EXPECT_EQ(normalize_building("31号楼"), "31");
  EXPECT_EQ(normalize_building(" Building 31 "), "31");
  EXPECT_EQ(normalize_building("#31"), "31");
  EXPECT_EQ(normalize_building("A座"), "A座");
  EXPECT_EQ(normalize_building("I live by the park"), "");
  EXPECT_EQ(normalize_building(""), "");
  EXPECT_EQ(leading_building("31栋2单元501"), "31");
  EXPECT_EQ(leading_building("31-2-501"), "31");
  EXPECT_EQ(leading_building("Bldg 7, flat 3"), "7");
  EXPECT_EQ(leading_building("2单元501"), "");
  EXPECT_EQ(leading_building("501"), "");
}

TEST(Vocabulary, PhoneNumbersAreMaskedForGroups) {
  EXPECT_EQ(mask_phone_numbers("请打 13912345678 谢谢"), "请打 *** 谢谢");
  EXPECT_EQ(mask_phone_numbers("call 139-1234-5678"), "call ***");
  // Chinese keyboards type full-width digits and dashes.
  EXPECT_EQ(mask_phone_numbers("电话１３８００１３８０００"), "电话***");
  EXPECT_EQ(mask_phone_numbers("电话：１３８－００１３－８０００，谢谢"), "电话：***，谢谢");
  EXPECT_EQ(mask_phone_numbers("+86 (138) 0013.8000"), "***");
  EXPECT_EQ(mask_phone_numbers("12:00-14:00 见"), "12:00-14:00 见");
}

// Nothing personal in a group (DESIGN.md §6): what a resident types into a request's details
// is posted on the volunteers' card, so an address in it goes, all but the building.
TEST(Vocabulary, AddressesAreMaskedForGroups) {
  EXPECT_EQ(mask_for_group("31栋2单元501"), "31栋***");
  EXPECT_EQ(mask_for_group("我住31栋2单元501室，水管漏了"), "我住31栋***，水管漏了");
  EXPECT_EQ(mask_for_group("3号楼 2单元 501室"), "3号楼***");
  EXPECT_EQ(mask_for_group("2单元501"), "***");
  EXPECT_EQ(mask_for_group("2-501 室"), "***");
  EXPECT_EQ(mask_for_group("５０１室"), "***");
  EXPECT_EQ(mask_for_group("住5楼"), "住***");
  EXPECT_EQ(mask_for_group("31-2-501 漏水"), "*** 漏水");
  EXPECT_EQ(mask_for_group("解放碑路88号"), "解放碑路***");
  EXPECT_EQ(mask_for_group("民生路 88号附2号"), "民生路 ***");
  EXPECT_EQ(mask_for_group("A座2单元501"), "A座***");
  EXPECT_EQ(mask_for_group("Room 501, please"), "***, please");
  EXPECT_EQ(mask_for_group("Unit 2, Flat 5"), "***, ***");
  EXPECT_EQ(mask_for_group("No. 88 Jiefangbei Road"), "*** Jiefangbei Road");
  EXPECT_EQ(mask_for_group("Flat 5, 12 Baker St."), "***, *** Baker St.");
  EXPECT_EQ(mask_for_group("call 139-1234-5678, Rm. 12"), "call ***, ***");
  // A building alone, times, days, counts and dates are not addresses.
  EXPECT_EQ(mask_for_group("31栋"), "31栋");
  EXPECT_EQ(mask_for_group("Building 31"), "Building 31");
  EXPECT_EQ(mask_for_group("12:00-14:00 见"), "12:00-14:00 见");
  EXPECT_EQ(mask_for_group("11月3号 5个人 2次"), "11月3号 5个人 2次");
  EXPECT_EQ(mask_for_group("2 bags from the street"), "2 bags from the street");
  EXPECT_EQ(mask_addresses("2022-11-20"), "2022-11-20");  // (a phone number to the other)
  EXPECT_EQ(mask_for_group("no 2 units"), "no 2 units");
}

TEST(Vocabulary, YesAndNoInBothLanguages) {
  EXPECT_EQ(parse_yes_no("是"), YesNo::yes);
  EXPECT_EQ(parse_yes_no("好的！"), YesNo::yes);
  EXPECT_EQ(parse_yes_no("Yes"), YesNo::yes);
  EXPECT_EQ(parse_yes_no("否"), YesNo::no);
  EXPECT_EQ(parse_yes_no("no"), YesNo::no);
  EXPECT_EQ(parse_yes_no("不对"), YesNo::no);
  EXPECT_EQ(parse_yes_no("nothing"), YesNo::neither);
  EXPECT_EQ(parse_yes_no("嗯……让我想想"), YesNo::neither);
}

TEST(Vocabulary, ReplyWords) {
  EXPECT_EQ(parse_reply_word("接单"), ReplyWord::take);
  EXPECT_EQ(parse_reply_word("OK"), ReplyWord::take);
  EXPECT_EQ(parse_reply_word("收到！"), ReplyWord::take);
  EXPECT_EQ(parse_reply_word("+1"), ReplyWord::join);
  EXPECT_EQ(parse_reply_word("1"), ReplyWord::join);
  EXPECT_EQ(parse_reply_word("报名"), ReplyWord::join);
  EXPECT_EQ(parse_reply_word("不行"), ReplyWord::decline);
  EXPECT_EQ(parse_reply_word("退出"), ReplyWord::withdraw);
  EXPECT_EQ(parse_reply_word("okay then"), ReplyWord::take);
  EXPECT_EQ(parse_reply_word("okra"), ReplyWord::none);
  EXPECT_EQ(parse_reply_word("这个我晚点看看"), ReplyWord::none);
}

TEST(Vocabulary, LanguageCodes) {
  EXPECT_EQ(lang_from_code("zh-hans", Lang::en), Lang::zh);
  EXPECT_EQ(lang_from_code("en-GB", Lang::zh), Lang::en);
  EXPECT_EQ(lang_from_code("ru", Lang::zh), Lang::en);
  EXPECT_EQ(lang_from_code("", Lang::zh), Lang::zh);
}

TEST(Vocabulary, TrimKnowsTheIdeographicSpace) {
  EXPECT_EQ(trim("\xE3\x80\x80 求助 \xE3\x80\x80"), "求助");
  EXPECT_EQ(utf8_length("李阿姨"), 3u);
}

// Both languages of every sentence exist and use the same parameters.
TEST(Catalogue, EveryMessageHasBothLanguagesWithTheSameParameters) {
  auto params = [](std::string_view t) {
    std::set<std::string> out;
    for (std::size_t i = t.find('{'); i != std::string_view::npos; i = t.find('{', i + 1)) {
      out.insert(std::string(t.substr(i, t.find('}', i) - i + 1)));
    }
    return out;
  };
  for (int i = 0; i < static_cast<int>(Msg::kCount); ++i) {
    auto m = static_cast<Msg>(i);
    EXPECT_FALSE(template_of(Lang::zh, m).empty()) << i;
    EXPECT_FALSE(template_of(Lang::en, m).empty()) << i;
    EXPECT_EQ(params(template_of(Lang::zh, m)), params(template_of(Lang::en, m)))
        << "message " << i << ": " << template_of(Lang::en, m);
  }
}

TEST(Catalogue, FillsNamedParameters) {
  EXPECT_EQ(say(Lang::en, Msg::claim_taken, {{"id", "12"}, {"volunteer", "Chen"}}),
            "#12 has already been taken by Chen, thank you!");
  EXPECT_EQ(say(Lang::zh, Msg::claim_taken, {{"id", "12"}, {"volunteer", "陈师傅"}}),
            "#12 已经由 陈师傅 接单了，谢谢你！");
}

}  // namespace
}  // namespace linli
