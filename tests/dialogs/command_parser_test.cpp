#include <gtest/gtest.h>

#include "dialogs/command_parser.hpp"

namespace linli {
namespace {

ParsedCommand parse(std::string_view text) {
  return parse_command(text, "linli_bot");
}

TEST(CommandParser, SlashCommandWithArguments) {
  auto p = parse("/help 厨房水管漏水了");
  EXPECT_EQ(p.kind, ParseKind::ours);
  EXPECT_EQ(p.command, Command::help);
  EXPECT_EQ(p.args, "厨房水管漏水了");
  EXPECT_TRUE(p.slash);
}

TEST(CommandParser, EveryEnglishFormIsKnown) {
  const std::pair<const char*, Command> cases[] = {
      {"/start", Command::start},     {"/menu", Command::menu},      {"/join", Command::join},
      {"/help", Command::help},       {"/mine", Command::mine},      {"/cancel", Command::cancel},
      {"/back", Command::back},       {"/lang en", Command::lang},   {"/done #3", Command::done},
      {"/approve", Command::approve}, {"/reject 4", Command::reject}};
  for (const auto& [text, cmd] : cases) {
    auto p = parse(text);
    EXPECT_EQ(p.kind, ParseKind::ours) << text;
    EXPECT_EQ(p.command, cmd) << text;
  }
}

TEST(CommandParser, EveryChineseFormIsKnown) {
  const std::pair<const char*, Command> cases[] = {
      {"菜单", Command::menu},     {"报名志愿者", Command::join}, {"求助", Command::help},
      {"我的", Command::mine},     {"取消", Command::cancel},     {"返回", Command::back},
      {"完成 #12", Command::done}, {"通过", Command::approve},    {"拒绝 5", Command::reject}};
  for (const auto& [text, cmd] : cases) {
    auto p = parse(text);
    EXPECT_EQ(p.kind, ParseKind::ours) << text;
    EXPECT_EQ(p.command, cmd) << text;
    EXPECT_FALSE(p.slash) << text;
  }
}

TEST(CommandParser, ChineseKeywordTakesTheRestWithoutASpace) {
  auto p = parse("求助水管坏了");
  EXPECT_EQ(p.command, Command::help);
  EXPECT_EQ(p.args, "水管坏了");
  EXPECT_EQ(parse("完成#12").args, "#12");
}

TEST(CommandParser, KeywordWithoutArgumentsMustStandAlone) {
  EXPECT_EQ(parse("取消了吗？我还没说完").kind, ParseKind::none);
  EXPECT_EQ(parse("取消！").command, Command::cancel);
  EXPECT_EQ(parse("  菜单  ").command, Command::menu);
  EXPECT_EQ(parse("我的天").kind, ParseKind::none);
}

// Typed where a platform cannot say what a message replies to (DingTalk): a card's number.
TEST(CommandParser, TakeAndEnlistAreCommandsOnlyWithANumber) {
  const std::pair<const char*, Command> cases[] = {
      {"接单 #12", Command::take},   {"接单#12", Command::take}, {"接单 ＃12！", Command::take},
      {"Take #12", Command::take},   {"take 12", Command::take}, {"/take 12", Command::take},
      {"报名 1", Command::enlist},   {"报名1", Command::enlist}, {"join 3", Command::enlist},
      {"/enlist 3", Command::enlist}};
  for (const auto& [text, cmd] : cases) {
    auto p = parse(text);
    EXPECT_EQ(p.kind, ParseKind::ours) << text;
    EXPECT_EQ(p.command, cmd) << text;
  }
  EXPECT_EQ(parse("接单 #12").args, "#12");
  // Alone, or before other words, they stay reply words or talk.
  for (const char* text :
       {"接单", "接单！", "报名", "take 5 minutes", "join us", "报名志愿者了吗"}) {
    EXPECT_EQ(parse(text).kind, ParseKind::none) << text;
  }
  EXPECT_EQ(parse("报名志愿者").command, Command::join);
}

TEST(CommandParser, BotNameSuffixIsOursOnlyWhenItNamesUs) {
  EXPECT_EQ(parse("/join@linli_bot").kind, ParseKind::ours);
  EXPECT_EQ(parse("/join@LINLI_BOT").kind, ParseKind::ours);  // usernames are case-insensitive
  EXPECT_EQ(parse("/join@other_bot").kind, ParseKind::other_bot);
  EXPECT_EQ(parse("/help@linli_bot 买菜").args, "买菜");
}

TEST(CommandParser, FullWidthSlashFromChineseKeyboards) {
  auto p = parse("／join");
  EXPECT_EQ(p.kind, ParseKind::ours);
  EXPECT_EQ(p.command, Command::join);
}

TEST(CommandParser, CaseOfTheCommandDoesNotMatter) {
  EXPECT_EQ(parse("/MENU").command, Command::menu);
}

TEST(CommandParser, UnknownSlashCommand) {
  auto p = parse("/weather today");
  EXPECT_EQ(p.kind, ParseKind::unknown);
  EXPECT_EQ(p.typed, "/weather");
}

TEST(CommandParser, PlainTextIsNoCommand) {
  EXPECT_EQ(parse("李秀英").kind, ParseKind::none);
  EXPECT_EQ(parse("/").kind, ParseKind::none);
  EXPECT_EQ(parse("").kind, ParseKind::none);
  EXPECT_EQ(parse("1/2 cup").kind, ParseKind::none);
}

TEST(CommandParser, CommandFromAnEntityName) {
  auto p = command_from_name("Done", " #7 ");
  EXPECT_EQ(p.command, Command::done);
  EXPECT_EQ(p.args, "#7");
}

TEST(CommandParser, TicketNumbersInTheirUsualForms) {
  EXPECT_EQ(parse_ticket_number("#12"), 12);
  EXPECT_EQ(parse_ticket_number("12"), 12);
  EXPECT_EQ(parse_ticket_number("＃12"), 12);
  EXPECT_EQ(parse_ticket_number("# 12"), 12);
  EXPECT_EQ(parse_ticket_number("No.12"), 12);
  EXPECT_FALSE(parse_ticket_number(""));
  EXPECT_FALSE(parse_ticket_number("#"));
  EXPECT_FALSE(parse_ticket_number("#0"));
  EXPECT_FALSE(parse_ticket_number("abc"));
}

// Issue 11: hours corrected, certificates and their verification, in both languages.
TEST(CommandParser, EvaluationCommandsInBothLanguages) {
  auto fix = parse_command("更正 陈师傅 2026-11-20 4 忘记签退", "");
  EXPECT_EQ(fix.command, Command::hours_fix);
  EXPECT_EQ(fix.args, "陈师傅 2026-11-20 4 忘记签退");
  auto hours = parse_command("/hours fix 陈师傅 2026-11-20 4 forgot", "");
  EXPECT_EQ(hours.command, Command::hours);
  EXPECT_EQ(hours.args, "fix 陈师傅 2026-11-20 4 forgot");
  EXPECT_EQ(parse_command("时长 陈师傅", "").args, "陈师傅");
  EXPECT_EQ(parse_command("证明", "").command, Command::cert);
  EXPECT_EQ(parse_command("/cert revoke 1-ab", "").command, Command::cert);
  EXPECT_EQ(parse_command("/certificate", "").command, Command::cert);
  auto verify = parse_command("验证 12-3f9a", "");
  EXPECT_EQ(verify.command, Command::verify);
  EXPECT_EQ(verify.args, "12-3f9a");
  EXPECT_EQ(parse_command("/verify 12-3f9a", "").command, Command::verify);
}

// The words of steps 3 and 5 start ordinary sentences too. Said to neighbours in a group, these
// are not commands (a refusal or a usage text there would interrupt them); alone or followed
// by a space they are.
TEST(CommandParser, EverydayWordsAreCommandsOnlyAloneOrBeforeASpace) {
  for (const char* talk :
       {"报告一下，31栋停水了", "表彰大会几点开？", "更正：明天8点集合", "证明一下", "验证码收不到",
        "培训班几点开始？", "库存还有吗", "发放口罩了吗", "风险很大，大家小心", "保障物资到了吗",
        "车辆不能进小区", "派车的师傅到了", "时长多少？"}) {
    EXPECT_EQ(parse(talk).kind, ParseKind::none) << talk;
  }
  const std::pair<const char*, Command> commands[] = {
      {"报告", Command::report},
      {"报告 2026-11-01 2026-11-07", Command::report},
      {"表彰 陈师傅 修好了水管", Command::commend},
      {"更正 陈师傅 2026-11-20 4 忘记签退", Command::hours_fix},
      {"证明", Command::cert},
      {"验证 12-3f9a", Command::verify},
      {"培训", Command::train},
      {"培训 防疫知识 陈师傅", Command::train},
      {"库存！", Command::stock},
      {"库存 口罩 +100", Command::stock},
      {"发放 陈师傅 口罩 2", Command::issue},
      {"风险 31栋 高", Command::risk},
      {"保障 1 餐 是", Command::supply},
      {"车辆", Command::vehicle},
      {"派车\u3000物资 仓库 31栋 14:00", Command::trip},
      {"时长？", Command::hours},
      {"时长 陈师傅", Command::hours},
  };
  for (const auto& [text, command] : commands) {
    auto p = parse(text);
    EXPECT_EQ(p.kind, ParseKind::ours) << text;
    EXPECT_EQ(p.command, command) << text;
  }
}

// A number with emoji or punctuation after it is still the number; with words, it is talk.
TEST(NumberAlone, EmojiAndPunctuationAfterTheNumberKeepItWordsMakeItTalk) {
  EXPECT_EQ(number_alone("#1 ✅"), 1);
  EXPECT_EQ(number_alone("#1 ✅👍"), 1);
  EXPECT_EQ(number_alone("＃12！"), 12);
  EXPECT_EQ(number_alone("No.3"), 3);
  EXPECT_EQ(number_alone(" 7 。"), 7);
  EXPECT_FALSE(number_alone("1个了"));
  EXPECT_FALSE(number_alone("1 个了"));
  EXPECT_FALSE(number_alone("3 times"));
  EXPECT_FALSE(number_alone("2号楼"));
  EXPECT_FALSE(number_alone("#"));
  EXPECT_FALSE(number_alone("✅"));
}

}  // namespace
}  // namespace linli
