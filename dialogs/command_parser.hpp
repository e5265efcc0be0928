#pragma once
// Reads a command from what a person typed: "/cmd args", "/cmd@ourbot args" (Telegram groups),
// the full-width "／cmd" of Chinese keyboards, and the Chinese keyword at the start of a message
// ("求助 水管漏水", "完成#12").

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace linli {

enum class Command {
  start,
  menu,
  join,
  help,
  mine,
  cancel,
  back,
  lang,
  done,
  approve,
  reject,
  // the five steps: posts, recruitment, assignments, shifts, statistics
  post,
  recruit,
  quit,
  assign,
  checkin,
  checkout,
  hours,
  stats,
  team,
  roster,  // who is on a post
  // Typed instead of replying to a card, where a platform does not say what a message replies
  // to (DingTalk): "接单 #12" takes ticket 12, "报名 1" joins post 1's open call.
  take,
  enlist,
  // evaluation (issue 11): the community's report, a commendation
  report,
  commend,
  // evaluation (issue 11): hours corrected, certificates of service and their verification
  hours_fix,
  cert,
  verify,
  // step 3, ensure support: training, equipment, risk, a shift's meals/transport/insurance
  train,
  stock,
  issue,
  risk,
  supply,
  // the car fleet: vehicles, trips, the fleet's figures
  vehicle,
  trip,
  fleet,
};

enum class ParseKind {
  none,       // not a command: an answer, a reply, or chat
  ours,       // a command for us
  other_bot,  // "/cmd@otherbot": someone else's
  unknown,    // a slash command we do not have
};

struct ParsedCommand {
  ParseKind kind = ParseKind::none;
  Command command = Command::menu;
  std::string args;    // trimmed text after the command
  std::string typed;   // the command as typed, for "no such command" replies
  bool slash = false;  // typed as /cmd rather than as a keyword
};

// `bot_username` without '@'; empty accepts any "@name" suffix.
ParsedCommand parse_command(std::string_view text, std::string_view bot_username);
// For adapters that already split the command (Telegram's bot_command entity): `name` without
// '/' or '@bot'.
ParsedCommand command_from_name(std::string_view name, std::string_view args);

// The slash command closest to a mistyped one ("/hepl" → "/help"): within one edit (a letter
// added, dropped, changed, or two swapped) for names of up to four letters, two for longer
// ones; nullopt when none is that close, as for other bots' commands.
std::optional<std::string> closest_command(std::string_view typed);

// Every command the parser knows, in the order of its tables, with the names it is typed by
// ("/post", "设岗"): what the menus must list (tests/dialogs/menu_test.cpp).
struct CommandNames {
  Command command;
  std::vector<std::string> names;
};
std::vector<CommandNames> all_commands();

// "#12", "12", "＃12" at the start of `args`; nullopt when there is no number.
std::optional<std::int64_t> parse_ticket_number(std::string_view args);
// A number with nothing but punctuation, symbols or emoji after it ("#12", "12。", "#1 ✅"):
// "拒绝 3次了" is talk, not about number 3.
std::optional<std::int64_t> number_alone(std::string_view args);
// Nothing but the punctuation people add to a bare keyword ("", "！", "?").
bool no_words(std::string_view args);
// One sentence-final particle after a bare keyword ("了", "啦！"): "完成了" said to the bot in a
// private chat is the bare word; in a group it is neighbours talking.
bool filler_only(std::string_view args);

}  // namespace linli
