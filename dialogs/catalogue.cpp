#include "dialogs/catalogue.hpp"

#include <array>

namespace linli {
namespace {

struct Entry {
  Msg msg;
  std::string_view zh;
  std::string_view en;
};

// In the order of the enum; a static_assert below keeps them in step.
constexpr Entry kEntries[] = {
    // general
    {Msg::menu_header, "邻里 · {community}\n你可以：", "Linli · {community}\nYou can:"},
    {Msg::menu_resident,
     "求助 [内容] — 请邻里志愿者帮忙\n我的 — 我的求助和任务\n报名志愿者 — 成为志愿者\n"
     "/lang en — English",
     "/help [text] — ask volunteers for help\n/mine — my requests and tasks\n"
     "/join — become a volunteer\n/lang zh — 中文"},
    {Msg::menu_volunteer, "回复任务卡「接单」— 认领任务\n完成 #编号 — 任务完成",
     "reply 接单 (or ok) to a task card — take the task\n/done #N — mark a task done"},
    {Msg::menu_coordinator, "通过 / 拒绝 [编号] — 审核志愿者（不带编号：查看待审核名单）",
     "/approve, /reject [number] — review volunteers (no number: list who is waiting)"},
    {Msg::menu_join_hint, "取消 / 返回 — 在对话中退出或回到上一步",
     "/cancel, /back — leave a dialog or go back one step"},
    {Msg::unknown_private, "没听懂。发送「菜单」看看我能做什么。",
     "Sorry, I didn't get that. Send /menu to see what I can do."},
    {Msg::unknown_command, "没有「{command}」这个命令。发送「菜单」看看我能做什么。",
     "There is no command \"{command}\". Send /menu to see what I can do."},
    {Msg::no_community,
     "请先在你所在小区的群里和我打个招呼（发送「菜单」），我才知道你是哪个社区的。",
     "Please say hello in your neighbourhood's group first (send /menu there), so I know which "
     "community you belong to."},
    {Msg::lang_set, "好的，我会用中文和你说话。", "OK, I'll speak English with you."},
    {Msg::lang_usage, "用法：/lang zh（中文）或 /lang en（English）",
     "Usage: /lang en (English) or /lang zh (中文)"},
    {Msg::not_coordinator, "抱歉，只有本社区的协调员可以这样做。",
     "Sorry, only a coordinator of this community can do that."},
    {Msg::start_private_ok, "你好，{name}！私信已经连通，之后的提醒会发到这里。",
     "Hello {name}! We're connected now; reminders will come here."},
    {Msg::open_private_chat,
     "{name}，我还没法私信你。请点开这个链接，再点「开始」，我就能把消息发给你：{link}",
     "{name}, I can't message you privately yet. Open this link and press Start, and I'll send "
     "you the messages: {link}"},
    {Msg::dead_letter, "一条发给「{to}」的消息没有送达（试了 {tries} 次：{error}）。",
     "A message to \"{to}\" could not be delivered ({tries} tries: {error})."},
    // dialog control
    {Msg::dialog_signup, "志愿者报名", "Volunteer sign-up"},
    {Msg::dialog_help, "求助", "Help request"},
    {Msg::cancelled, "{what}已取消。", "{what} cancelled."},
    {Msg::nothing_to_cancel, "现在没有进行中的对话。", "There is nothing to cancel."},
    {Msg::first_step, "已经是第一步了。", "This is already the first step."},
    {Msg::timed_out, "{what}已结束：{minutes} 分钟没有回复。需要时请重新发送「{command}」。",
     "{what} ended: no answer for {minutes} minutes. Send {command} to start again."},
    {Msg::abandoned, "（未完成的{what}已放弃。）", "(The unfinished {what} was dropped.)"},
    {Msg::continue_private, "我私信你继续（电话和地址不会发在群里）。",
     "let's continue in a private chat (phone numbers and addresses stay out of the group)."},
    {Msg::yes_no_hint, "请回复「是」或「否」，也可以发送「返回」修改上一步。",
     "Please answer yes or no, or send /back to change the previous answer."},
    {Msg::question_for_other, "这个问题是问 {name} 的。", "That question was for {name}."},
    // sign-up
    {Msg::signup_ask_name, "报名志愿者（1/5）：请问你的姓名？",
     "Volunteer sign-up (1/5): what is your name?"},
    {Msg::signup_hint_name, "姓名请用 1–30 个字，例如「王小明」。",
     "Please give a name of 1–30 characters, e.g. \"Wang Xiaoming\"."},
    {Msg::signup_ask_phone, "报名志愿者（2/5）：你的手机号？只有协调员和你服务的居民能看到。",
     "Volunteer sign-up (2/5): your phone number? Only coordinators and the residents you "
     "help will see it."},
    {Msg::signup_hint_phone, "这个号码不太对。请输入 11 位手机号，例如 13800138000。",
     "That number doesn't look right. Please send a mobile number, e.g. 13800138000 or "
     "+44 7700 900123."},
    {Msg::signup_ask_building, "报名志愿者（3/5）：你住哪栋楼？例如「31」。",
     "Volunteer sign-up (3/5): which building do you live in? E.g. \"31\"."},
    {Msg::signup_hint_building, "请告诉我楼栋号，例如「31」或「31栋」。",
     "Please give your building, e.g. \"31\"."},
    {Msg::signup_ask_skills,
     "报名志愿者（4/5）：你能做什么？回复编号或名称，可多选，例如「1 5」：\n{list}",
     "Volunteer sign-up (4/5): what can you do? Reply with numbers or names, several if you "
     "like, e.g. \"1 5\":\n{list}"},
    {Msg::signup_hint_skills,
     "没认出来。请回复列表里的编号或名称，例如「1 5」或「维修 代购配送」：\n{list}",
     "I didn't recognise that. Reply with numbers or names from the list, e.g. \"1 5\" or "
     "\"repair, driving\":\n{list}"},
    {Msg::signup_ask_availability,
     "报名志愿者（5/5）：你通常什么时候有空？例如「工作日晚上」「周末全天」「随时」。",
     "Volunteer sign-up (5/5): when are you usually free? E.g. \"weekday evenings\", "
     "\"weekends\", \"any time\"."},
    {Msg::signup_hint_availability, "请用一句话说说你什么时候有空（100 字以内）。",
     "Please say in a few words when you are usually free (up to 100 characters)."},
    {Msg::signup_summary,
     "请确认你的报名信息：\n姓名：{name}\n电话：{phone}\n楼栋：{building}\n技能：{skills}\n"
     "空闲：{availability}\n回复「是」提交，「否」重新填写，或「返回」修改上一步。",
     "Please check your sign-up:\nName: {name}\nPhone: {phone}\nBuilding: {building}\n"
     "Skills: {skills}\nFree: {availability}\nReply yes to submit, no to start over, or /back to "
     "change the last answer."},
    {Msg::signup_submitted, "已提交！协调员审核后会通知你。谢谢你愿意帮助邻里！",
     "Submitted! A coordinator will review it and let you know. Thank you for helping your "
     "neighbours!"},
    {Msg::signup_restart, "好的，我们重新来。", "OK, let's start over."},
    {Msg::signup_already_volunteer, "你已经是 {community} 的志愿者了，谢谢！",
     "You are already a volunteer of {community}, thank you!"},
    {Msg::signup_already_pending, "你的报名正在等待协调员审核，请耐心等一下。",
     "Your sign-up is waiting for a coordinator's review."},
    // review
    {Msg::review_request,
     "新志愿者待审核（编号 {id}）：{name}，{building}栋\n电话：{phone}\n技能：{skills}\n"
     "空闲：{availability}\n回复这条消息「通过」或「拒绝」，或发送「通过 {id}」。",
     "New volunteer to review (number {id}): {name}, building {building}\nPhone: {phone}\n"
     "Skills: {skills}\nFree: {availability}\nReply to this message with approve or reject, or "
     "send /approve {id}."},
    {Msg::review_approve_button, "通过", "Approve"},
    {Msg::review_reject_button, "拒绝", "Reject"},
    {Msg::approved_you,
     "恭喜！你已成为 {community} 的志愿者。求助会发到志愿者群，回复任务卡「接单」就能认领。",
     "Welcome aboard! You are now a volunteer of {community}. Requests are posted in the "
     "volunteers' group: reply 接单 (or ok) to a task card to take it."},
    {Msg::rejected_you, "抱歉，你的志愿者报名这次没有通过。有疑问可以联系社区协调员。",
     "Sorry, your volunteer sign-up was not accepted this time. Please ask a coordinator if you "
     "have questions."},
    {Msg::approved_ok, "已通过：{name}。", "Approved: {name}."},
    {Msg::rejected_ok, "已拒绝：{name}。", "Rejected: {name}."},
    {Msg::already_reviewed, "{name} 已经审核过了。", "{name} has already been reviewed."},
    {Msg::pending_list, "待审核的志愿者：\n{list}\n发送「通过 编号」或「拒绝 编号」。",
     "Volunteers waiting for review:\n{list}\nSend /approve <number> or /reject <number>."},
    {Msg::pending_none, "没有待审核的志愿者。", "Nobody is waiting for review."},
    {Msg::volunteer_not_found, "找不到待审核的志愿者「{id}」。发送「通过」查看名单。",
     "No volunteer \"{id}\" is waiting for review. Send /approve to see the list."},
    {Msg::welcome_volunteer, "欢迎新志愿者 {name}（{building}栋）加入！",
     "Welcome to our new volunteer {name} (building {building})!"},
    // help requests
    {Msg::help_ask_category,
     "求助（1/"
     "4）：需要哪方面的帮助？回复编号或名称：\n{list}\n（想了解怎么用我，请发送「菜单」。）",
     "Help request (1/4): what kind of help do you need? Reply with a number or name:\n"
     "{list}\n(To see how to use this bot, send /menu.)"},
    {Msg::help_hint_category, "请回复列表里的一个编号或名称：\n{list}",
     "Please reply with one number or name from the list:\n{list}"},
    {Msg::help_ask_details, "求助（2/4）：请简单说说需要什么帮助。",
     "Help request (2/4): please describe briefly what you need."},
    {Msg::help_hint_details, "请用 2–500 个字说明情况。",
     "Please describe it in 2–500 characters."},
    {Msg::help_ask_address,
     "求助（3/4）：具体地址（楼栋、单元、门牌）？只有接单的志愿者能看到。{building}",
     "Help request (3/4): your address (building, entrance, flat)? Only the volunteer who takes "
     "it will see it.{building}"},
    {Msg::help_address_building, "\n（{building}栋的话，写单元和门牌就行，例如「2单元501」。）",
     "\n(If it's building {building}, the entrance and flat are enough, e.g. \"2-501\".)"},
    {Msg::help_hint_address, "请写清楚楼栋和门牌，例如「31栋2单元501」。",
     "Please give the building and flat, e.g. \"31-2-501\"."},
    {Msg::help_ask_urgency, "求助（4/4）：急吗？回复 1 = 急（今天内），2 = 不急。",
     "Help request (4/4): is it urgent? Reply 1 = urgent (today), 2 = not urgent."},
    {Msg::help_hint_urgency, "请回复 1（急）或 2（不急）。",
     "Please reply 1 (urgent) or 2 (not urgent)."},
    {Msg::urgent_button, "急", "Urgent"},
    {Msg::not_urgent_button, "不急", "Not urgent"},
    {Msg::urgent_word, "急", "urgent"},
    {Msg::not_urgent_word, "不急", "not urgent"},
    {Msg::help_summary,
     "请确认你的求助：\n类别：{category}\n情况：{details}\n地址：{address}\n紧急：{urgency}\n"
     "回复「是」提交，「否」不提交，或「返回」修改上一步。",
     "Please check your request:\nKind: {category}\nWhat: {details}\nAddress: {address}\n"
     "Urgency: {urgency}\nReply yes to submit, no to drop it, or /back to change the last "
     "answer."},
    {Msg::help_created, "已提交，编号 #{id}。已经转给志愿者，有人接单会马上告诉你。",
     "Submitted as #{id}. The volunteers have it; I'll tell you as soon as someone takes it."},
    {Msg::help_not_submitted, "好的，这次不提交。需要时再发送「求助」。",
     "OK, nothing was submitted. Send /help whenever you need."},
    {Msg::card,
     "#{id} {category} · {building}栋{urgent}\n{details}\n{suggest}回复这条消息「接单」认领",
     "#{id} {category} · building {building}{urgent}\n{details}\n{suggest}Reply 接单 (or ok) to "
     "this message to take it"},
    {Msg::card_suggest, "推荐：{names}\n", "Suggested: {names}\n"},
    {Msg::card_take_button, "接单", "Take it"},
    {Msg::card_taken, "#{id} {category} · {building}栋 — {volunteer} 已接单",
     "#{id} {category} · building {building} — taken by {volunteer}"},
    {Msg::card_done, "#{id} {category} · {building}栋 — ✅ {volunteer} 已完成",
     "#{id} {category} · building {building} — ✅ done by {volunteer}"},
    {Msg::claim_ok_group, "{volunteer} 接了 #{id}，谢谢！", "{volunteer} took #{id}, thank you!"},
    {Msg::claim_taken, "#{id} 已经由 {volunteer} 接单了，谢谢你！",
     "#{id} has already been taken by {volunteer}, thank you!"},
    {Msg::claim_closed, "#{id} 已经结束了。", "#{id} is already closed."},
    {Msg::claim_not_volunteer, "审核通过的志愿者才能接单。想成为志愿者，请发送「报名志愿者」。",
     "Only approved volunteers can take tasks. To become one, send /join."},
    {Msg::claim_pending, "你的志愿者报名还在审核中，通过后就能接单。",
     "Your volunteer sign-up is still waiting for review; you can take tasks once approved."},
    {Msg::claim_other_community, "#{id} 属于另一个社区。", "#{id} belongs to another community."},
    {Msg::task_assigned,
     "你接了 #{id}（{category}）。\n地址：{address}\n居民：{resident}\n情况：{details}\n"
     "完成后发送「完成 #{id}」。",
     "You took #{id} ({category}).\nAddress: {address}\nResident: {resident}\nWhat: {details}\n"
     "When it's done, send /done #{id}."},
    {Msg::resident_volunteer_coming,
     "好消息：志愿者 {volunteer} 接了你的求助 #{id}，会尽快来帮你。",
     "Good news: volunteer {volunteer} took your request #{id} and will come to help soon."},
    {Msg::done_ok, "谢谢你！#{id} 已完成，居民会收到评价邀请。",
     "Thank you! #{id} is done; the resident has been asked for feedback."},
    {Msg::done_not_yours, "#{id} 不是你接的任务。", "#{id} is not one of your tasks."},
    {Msg::done_which, "你有几个任务，完成了哪一个？请发送「完成 #编号」：{list}",
     "You have several tasks; which one is done? Send /done #N: {list}"},
    {Msg::done_none, "你现在没有进行中的任务。", "You have no task in progress."},
    {Msg::ticket_not_found, "找不到求助 #{id}。", "There is no request #{id}."},
    {Msg::rate_ask,
     "#{id} 已由 {volunteer} 完成。满意吗？请回复这条消息：1–5 分，可以加一句评价，例如「5 "
     "谢谢」。",
     "#{id} was completed by {volunteer}. How was it? Reply to this message with 1–5, and a "
     "comment if you like, e.g. \"5 thank you\"."},
    {Msg::rate_thanks, "谢谢你的评价！", "Thank you for your feedback!"},
    {Msg::rate_hint, "请回复 1 到 5 的数字，可以加一句评价，例如「5 很及时」。",
     "Please reply with a number from 1 to 5, and a comment if you like, e.g. \"5 very quick\"."},
    {Msg::rate_already, "#{id} 已经评价过了，谢谢！", "#{id} has already been rated, thank you!"},
    {Msg::rate_volunteer, "{resident} 给 #{id} 打了 {stars}{comment}",
     "{resident} rated #{id}: {stars}{comment}"},
    // /mine
    {Msg::mine_header, "{name}：", "{name}:"},
    {Msg::mine_requests, "我的求助：\n{list}", "My requests:\n{list}"},
    {Msg::mine_tasks, "我的任务：\n{list}", "My tasks:\n{list}"},
    {Msg::mine_none, "没有进行中的求助或任务。", "No open requests or tasks."},
    {Msg::mine_pending_volunteer, "志愿者报名：等待审核", "Volunteer sign-up: waiting for review"},
    {Msg::status_open, "等待接单", "waiting for a volunteer"},
    {Msg::status_claimed, "{volunteer} 已接单", "taken by {volunteer}"},
    {Msg::status_done_unrated, "已完成，等你评价", "done, waiting for your rating"},
    // small pieces of other sentences
    {Msg::addressed, "{name}：{text}", "{name}: {text}"},
    {Msg::submit_button, "是，提交", "Yes, submit"},
    {Msg::restart_button, "否，重填", "No, start over"},
    {Msg::drop_button, "否", "No"},
    {Msg::list_separator, "、", ", "},
    {Msg::building_label, "{building}栋", "bldg {building}"},
    {Msg::suggestion, "@{name}（{detail}）", "@{name} ({detail})"},
    {Msg::suggestion_plain, "@{name}", "@{name}"},
    {Msg::with_comment, "：{comment}", ": {comment}"},
};

static_assert(std::size(kEntries) == static_cast<std::size_t>(Msg::kCount),
              "every Msg needs its entry in kEntries");

constexpr bool in_order() {
  for (std::size_t i = 0; i < std::size(kEntries); ++i) {
    if (static_cast<std::size_t>(kEntries[i].msg) != i) return false;
  }
  return true;
}
static_assert(in_order(), "kEntries must follow the order of enum Msg");

}  // namespace

std::string_view template_of(Lang l, Msg m) {
  const Entry& e = kEntries[static_cast<std::size_t>(m)];
  return l == Lang::zh ? e.zh : e.en;
}

std::string say(Lang l, Msg m, std::initializer_list<Arg> args) {
  std::string_view t = template_of(l, m);
  std::string out;
  out.reserve(t.size() + 32);
  std::size_t i = 0;
  while (i < t.size()) {
    if (t[i] == '{') {
      std::size_t close = t.find('}', i);
      if (close != std::string_view::npos) {
        std::string_view name = t.substr(i + 1, close - i - 1);
        const Arg* found = nullptr;
        for (const Arg& a : args) {
          if (a.name == name) found = &a;
        }
        if (found) {
          out += found->value;
          i = close + 1;
          continue;
        }
      }
    }
    out += t[i++];
  }
  return out;
}

}  // namespace linli
