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
    {Msg::menu_resident, "求助 [内容] — 请邻里志愿者帮忙\n我的 — 我的求助、任务和岗位",
     "/help [text] — ask volunteers for help\n/mine — my requests, tasks and posts"},
    {Msg::menu_volunteer,
     "回复招募「报名」— 报名岗位\n回复任务卡「接单」— 认领任务\n完成 #编号 — 任务完成\n"
     "签到 / 签退 — 开始 / 结束服务，记录时长\n时长 — 我的服务时长\n退出 [岗位] — 退出岗位",
     "reply 报名 (or join) to a call — join a post\nreply 接单 (or ok) to a task card — take "
     "the task\n/done #N — mark a task done\n/checkin, /checkout — start / end a shift; hours "
     "are recorded\n/hours — my service hours\n/quit [post] — leave a post"},
    {Msg::menu_coordinator,
     "设岗 [编号] — 设立岗位，或修改岗位\n招募 <岗位> [楼栋…] — 向各群发布招募\n"
     "名单 <岗位> — 岗位上的人、候补和签到情况（私信）\n派单 #编号 志愿者 — 指派任务\n"
     "通过 / 拒绝 [编号] — 审核志愿者（不带编号：查看待审核名单）\n"
     "队伍 [旧名 新名] — 队伍和岗位\n统计 — 志愿者、求助和岗位统计",
     "/post [n] — set up a post, or edit post n\n/recruit <post> [buildings…] — broadcast a "
     "call to the groups\n/roster <post> — who is on a post, who waits, who checked in "
     "(privately)\n/assign #N <volunteer> — assign a task\n/approve, /reject [number] — review "
     "volunteers (no number: list who is waiting)\n/team [old new] — teams and their posts\n"
     "/stats — volunteers, requests and posts"},
    {Msg::menu_join, "报名志愿者 — 成为志愿者", "/join — become a volunteer"},
    {Msg::menu_pending, "（你的志愿者报名正在等协调员审核。）",
     "(Your volunteer sign-up is waiting for a coordinator's review.)"},
    {Msg::menu_lang, "/lang en — English", "/lang zh — 中文"},
    {Msg::menu_join_hint, "取消 / 返回 — 在对话中退出或回到上一步",
     "/cancel, /back — leave a dialog or go back one step"},
    {Msg::unknown_private, "没听懂。发送「菜单」看看我能做什么。",
     "Sorry, I didn't get that. Send /menu to see what I can do."},
    {Msg::unknown_command, "没有「{command}」这个命令。发送「菜单」看看我能做什么。",
     "There is no command \"{command}\". Send /menu to see what I can do."},
    {Msg::unknown_command_closest, "{name}，没有 {command} 这个命令，你是想发 {closest} 吗？",
     "{name}, there is no {command} command; did you mean {closest}?"},
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
    {Msg::slow_down, "{name}，消息发得太快了。请 {seconds} 秒后再试，这期间的消息我先不处理。",
     "{name}, that's too fast for me. Please try again in {seconds} seconds; I'll skip messages "
     "until then."},
    {Msg::message_too_long,
     "消息太长了：一条最多 {limit} 个字，这条有 {count} 个字。请写短一些，或分几条发。",
     "That message is too long: at most {limit} characters, this one has {count}. Please "
     "shorten it or send it in parts."},
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
    {Msg::question_moved_on, "这个问题已经过去了，请回答最新的问题。",
     "That question has moved on: please answer the latest one."},
    {Msg::continue_private_chat, "我私信你继续，你的回答不会和群里的聊天混在一起。",
     "let's continue in a private chat, where your answers do not mix with the group's talk."},
    {Msg::dialog_open_in_group, "你在{group}的{what}还没填完：回复机器人的问题继续，或发「取消」。",
     "Your {what} in {group} is not finished: reply to the bot's question to go on, or send "
     "/cancel."},
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
    {Msg::help_too_long,
     "求助的情况说明太长了：最多 {limit} 个字，你写了 {count} 个字。请写短一些再发。",
     "The description of your request is too long: at most {limit} characters, yours has "
     "{count}. Please shorten it and send it again."},
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
    {Msg::card_take_button, "接单 #{id}", "Take #{id}"},
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
    {Msg::done_already, "#{id} 已经完成了，谢谢你！", "#{id} is already done, thank you!"},
    {Msg::full_address, "{building}栋{address}", "Building {building}, {address}"},
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
    {Msg::mine_places, "我的岗位：\n{list}", "My posts:\n{list}"},
    {Msg::mine_place_line, "{id} {title}（{time}，{place}）— {status}",
     "{id} {title} ({time}, {place}) — {status}"},
    {Msg::mine_on_duty, "正在值班{post}：{time} 签到。", "On duty{post}: checked in at {time}."},
    {Msg::place_taken, "有名额", "you have a place"},
    {Msg::place_confirmed, "有名额，已确认", "you have a place, confirmed"},
    {Msg::place_held, "名额保留中，等协调员审核你的报名",
     "place held while your sign-up is reviewed"},
    {Msg::place_waiting, "候补", "on the wait-list"},
    {Msg::mine_sent_private, "{name}，我私信发给你了。", "{name}, I've sent it to you privately."},
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
    // posts, recruitment, shifts, assignments, statistics
    {Msg::dialog_post, "设岗", "Post set-up"},
    {Msg::post_ask_team, "设岗（1/7）：哪个队伍？回复编号，或者直接写一个新队伍的名字：\n{list}",
     "New post (1/7): which team? Reply with a number, or write the name of a new team:\n{list}"},
    {Msg::post_hint_team, "队伍名请用 2–20 个字，或回复列表里的编号。",
     "Please reply with a number from the list, or a team name of 2–20 characters."},
    {Msg::post_ask_title, "设岗（2/7）：岗位叫什么？一句话，例如「照看31栋独居老人」。",
     "New post (2/7): what is the post? One line, e.g. \"Look after the elderly living alone in "
     "building 31\"."},
    {Msg::post_hint_title, "岗位名请用 2–40 个字。",
     "Please give the post a name of 2–40 characters."},
    {Msg::post_ask_headcount, "设岗（3/7）：需要几个人？",
     "New post (3/7): how many people does it need?"},
    {Msg::post_hint_headcount, "请回复 1 到 1000 之间的数字。",
     "Please reply with a number from 1 to 1000."},
    {Msg::post_ask_skills, "设岗（4/7）：需要什么技能？回复编号（可多选），不限请回复 0：\n{list}",
     "New post (4/7): which skills does it need? Reply with numbers (several if you like), or 0 "
     "for none:\n{list}"},
    {Msg::post_hint_skills, "请回复列表里的编号，不限请回复 0。",
     "Please reply with numbers from the list, or 0 for none."},
    {Msg::post_ask_place, "设岗（5/7）：在哪里？楼栋号或地址，例如「31栋」或「社区服务站」。",
     "New post (5/7): where? A building or an address, e.g. \"31\" or \"community service "
     "station\"."},
    {Msg::post_hint_place, "地点请用 1–60 个字。", "Please give the place in 1–60 characters."},
    {Msg::post_ask_time,
     "设岗（6/7）：什么时间？例如「明天 8:00-12:00」或「12月3日 14:00-18:00」。",
     "New post (6/7): when? E.g. \"tomorrow 8:00-12:00\" or \"12-03 14:00-18:00\"."},
    {Msg::post_hint_time,
     "没看懂这个时间，或者它已经过去了。请写成「明天 8:00-12:00」这样，最长 24 小时。",
     "I can't read that time, or it is over already. Please write it like \"tomorrow 8:00-12:00\", "
     "at most 24 hours."},
    {Msg::post_ask_risk,
     "设岗（7/7）：风险等级？回复 1 = 低风险，2 = 高风险（需要培训和防护装备），0 = "
     "按所在区域（{area}）。",
     "New post (7/7): risk level? Reply 1 = low, 2 = high (training and protective equipment "
     "needed), 0 = as its place ({area})."},
    {Msg::post_hint_risk, "请回复 1（低风险）、2（高风险）或 0（按所在区域）。",
     "Please reply 1 (low risk), 2 (high risk) or 0 (as its place)."},
    {Msg::keep_hint, "\n（现在：{value}。回复「-」保持不变。）",
     "\n(Now: {value}. Reply \"-\" to keep it.)"},
    {Msg::post_summary,
     "请确认岗位：\n队伍：{team}\n岗位：{title}\n人数：{headcount}\n技能：{skills}\n地点：{place}"
     "\n时间：{time}\n风险：{risk}\n回复「是」保存，「否」放弃。",
     "Please check the post:\nTeam: {team}\nPost: {title}\nPeople: {headcount}\nSkills: "
     "{skills}\nPlace: {place}\nTime: {time}\nRisk: {risk}\nReply yes to save, no to drop it."},
    {Msg::post_created, "岗位 {id} 已保存：{title}。发送「招募 {id}」在各群招募志愿者。",
     "Post {id} saved: {title}. Send /recruit {id} to call for volunteers in the groups."},
    {Msg::post_updated, "岗位 {id} 已更新：{title}。", "Post {id} updated: {title}."},
    {Msg::post_ask_shrink,
     "岗位 {id} 现在有 {taken} 个名额已被报名（含为待审核的人保留的）。人数改成 {headcount} "
     "后，将有 {moved} 人转入候补：最后报名的 {moved} "
     "人，按报名顺序排在候补最前面，并私信通知他们。"
     "确定降低人数吗？回复「是」确定，「否」重新填写人数。",
     "Post {id} has {taken} places taken (held ones for people under review included). With "
     "{headcount} places, {moved} people will move to the wait-list: the {moved} who signed up "
     "last, at the head of the wait-list in sign-up order, each told privately. Lower the "
     "headcount? Reply yes to go ahead, no to enter the number again."},
    {Msg::post_hint_shrink, "请回复「是」降低人数，或「否」重新填写人数。",
     "Please reply yes to lower the headcount, or no to enter the number again."},
    {Msg::shrink_button, "是，转入候补", "Yes, move them"},
    {Msg::reenter_headcount_button, "重新填写人数", "Enter the number again"},
    {Msg::post_shrunk, "{moved} 人已转入候补（按顺序排在最前面）：{names}。",
     "{moved} moved to the head of the wait-list, in this order: {names}."},
    {Msg::post_not_found, "找不到岗位「{id}」。", "There is no post \"{id}\"."},
    {Msg::post_dropped, "好的，岗位没有保存。", "OK, the post was not saved."},
    {Msg::risk_low, "低风险", "low"},
    {Msg::risk_high, "高风险", "high"},
    {Msg::skills_any, "不限", "any"},
    {Msg::save_button, "是，保存", "Yes, save"},
    {Msg::recruit_usage,
     "用法：招募 岗位编号 [楼栋…]，例如「招募 3」或「招募 3 31 32」。现在的岗位：\n{list}",
     "Usage: /recruit <post> [buildings…], e.g. /recruit 3 or /recruit 3 31 32. Current "
     "posts:\n{list}"},
    {Msg::no_posts, "（还没有岗位，发送「设岗」新建一个。）",
     "(No posts yet: send /post to set one up.)"},
    {Msg::recruit_sent,
     "招募已发到 {groups} 个群：岗位 {id}「{title}」，需要 {headcount} 人，{deadline} 截止。",
     "The call is out in {groups} group(s): post {id} \"{title}\", {headcount} people, closing "
     "{deadline}."},
    {Msg::recruit_already, "岗位 {id} 正在招募：已报名 {taken}/{headcount}，候补 {waiting}。",
     "Post {id} is recruiting already: {taken}/{headcount} places taken, {waiting} waiting."},
    {Msg::recruit_no_groups, "没有找到这些楼栋的群。", "No group of those buildings was found."},
    {Msg::recruit_ended, "岗位 {id} 已经结束了。", "Post {id} is over."},
    {Msg::call_card,
     "【招募】岗位 {id}：{title}\n{team} · {place} · {time}\n需要 {headcount} "
     "人{skills}{risk}\n回复这条消息「报名」或「+1」报名，「退出」取消\n已报名 {taken}/{headcount} "
     "· 候补 {waiting}",
     "[Call] Post {id}: {title}\n{team} · {place} · {time}\n{headcount} people "
     "needed{skills}{risk}\nReply 报名 or +1 to this message to join, 退出 to leave\nPlaces taken "
     "{taken}/{headcount} · waiting {waiting}"},
    {Msg::call_card_closed,
     "【招募已截止】岗位 {id}：{title}\n{time} · 已报名 {taken}/{headcount} · 候补 {waiting}",
     "[Call closed] Post {id}: {title}\n{time} · places taken {taken}/{headcount} · waiting "
     "{waiting}"},
    {Msg::call_skills, " · 技能：{skills}", " · skills: {skills}"},
    {Msg::call_high_risk, " · 高风险", " · high risk"},
    {Msg::join_button, "报名 {id}", "Join {id}"},
    {Msg::joined_place,
     "你报上了岗位 {id}「{title}」（第 {n} "
     "个名额）。时间：{time}，地点：{place}。开始前我会提醒你确认。",
     "You have a place on post {id} \"{title}\" (place {n}). Time: {time}, place: {place}. I'll "
     "ask you to confirm before it starts."},
    {Msg::joined_waiting,
     "岗位 {id}「{title}」已经报满了，你在候补第 {n} 位。有人退出会马上告诉你。",
     "Post {id} \"{title}\" is full: you are number {n} on the wait-list. I'll tell you as soon as "
     "a place opens."},
    {Msg::joined_held,
     "岗位 "
     "{id}「{title}"
     "」先给你留一个名额。你还不是审核通过的志愿者：完成报名、协调员通过后名额就确定了。",
     "A place on post {id} \"{title}\" is held for you. You are not an approved volunteer yet: "
     "once you have signed up and a coordinator approves, the place is yours."},
    {Msg::joined_already, "你已经在岗位 {id} 的名单上了。",
     "You are on the list of post {id} already."},
    {Msg::call_closed_reply, "岗位 {id} 的招募已经截止了，谢谢你！",
     "The call for post {id} has closed, thank you!"},
    {Msg::joined_not_accepted, "抱歉，你的志愿者报名没有通过，不能报这个岗位。",
     "Sorry, your volunteer sign-up was not accepted, so you cannot join this post."},
    {Msg::withdrew, "已退出岗位 {id}「{title}」。", "You have left post {id} \"{title}\"."},
    {Msg::withdrew_none, "你不在任何岗位的名单上。", "You are not on any post's list."},
    {Msg::withdrew_which, "你在好几个岗位上，退出哪一个？请发送「退出 岗位编号」：{list}",
     "You are on several posts; which one do you leave? Send /quit <post>:{list}"},
    {Msg::withdrew_line, "岗位 {id}「{title}」{time}", "post {id} \"{title}\", {time}"},
    {Msg::withdrew_line_waiting, "岗位 {id}「{title}」{time}（候补）",
     "post {id} \"{title}\", {time} (wait-list)"},
    {Msg::promoted,
     "好消息：岗位 {id}「{title}」空出一个名额，现在是你的了。时间：{time}，地点：{place}。",
     "Good news: a place opened on post {id} \"{title}\", and it is yours now. Time: {time}, "
     "place: {place}."},
    {Msg::moved_to_waiting,
     "岗位 {id}「{title}」的人数减少到了 {headcount} 人，你转入了候补第 {n} "
     "位（排在最前面）。一有名额空出来就会通知你。时间：{time}，地点：{place}。",
     "Post {id} \"{title}\" now needs only {headcount} people, so you are number {n} on its "
     "wait-list (at its head). You will be told as soon as a place opens. Time: {time}, place: "
     "{place}."},
    {Msg::held_confirmed, "你在岗位 {id}「{title}」的名额已经确定。时间：{time}，地点：{place}。",
     "Your place on post {id} \"{title}\" is confirmed. Time: {time}, place: {place}."},
    {Msg::held_released,
     "岗位 {id}「{title}」为你保留的名额已经取消：报名没有完成，或没有及时审核。欢迎以后再来！",
     "The place held for you on post {id} \"{title}\" is released: the sign-up was not finished, "
     "or not reviewed in time. You are welcome another time!"},
    {Msg::joined_other_community, "你是 {community} 的志愿者；这个招募属于另一个社区，谢谢你！",
     "You are a volunteer of {community}; this call belongs to another community. Thank you!"},
    {Msg::shift_remind,
     "提醒：岗位 {id}「{title}」{time} "
     "开始，地点：{place}。请回复这条消息「确认」；去不了请回复「不行」。{deadline} "
     "前没有确认的话，名额会让给别人。",
     "Reminder: post {id} \"{title}\" starts {time} at {place}. Please reply 确认 (confirm) to "
     "this message, or 不行 if you can't come. Without a confirmation by {deadline} the place goes "
     "to someone else."},
    {Msg::confirm_button, "确认", "Confirm"},
    {Msg::cannot_button, "去不了", "Can't come"},
    {Msg::shift_confirmed, "谢谢，已确认。", "Thank you, confirmed."},
    {Msg::shift_replaced, "你没有确认岗位 {id}「{title}」，名额已经让给其他志愿者。下次再见！",
     "You did not confirm post {id} \"{title}\", so your place went to another volunteer. See you "
     "next time!"},
    {Msg::checkin_ok, "已签到{post}：{time}。结束时发送「签退」。",
     "Checked in{post} at {time}. Send /checkout when you finish."},
    {Msg::checkin_post, "（岗位 {id}「{title}」）", " (post {id} \"{title}\")"},
    {Msg::checkin_already, "你在 {time} 已经签到了。", "You checked in at {time} already."},
    {Msg::checkin_cap, "你今天已经服务了 {hours} 小时，到了每天 {cap} 小时的上限，请好好休息。",
     "You have served {hours} hours today, the daily cap of {cap} hours: please rest."},
    {Msg::checkout_ok,
     "已签退，这次服务 {hours} 小时。今天共 {today} 小时，近 7 天共 {week} 小时。",
     "Checked out: {hours} hours this time; {today} hours today, {week} hours in the last 7 days."},
    {Msg::checkout_none, "你现在没有签到。", "You are not checked in."},
    {Msg::checkout_auto_cap,
     "你今天的服务到了每天 {cap} 小时的上限，已自动为你签退：这次服务 {hours} 小时。请好好休息。",
     "You have reached the daily cap of {cap} hours of service, so you were checked out: {hours} "
     "hours this time. Please rest."},
    {Msg::checkout_auto_post,
     "岗位 {id}「{title}」已在 {time} 结束，已自动为你签退：这次服务 {hours} "
     "小时。下次结束时请发送「签退」。",
     "Post {id} \"{title}\" ended at {time}, so you were checked out: {hours} hours this time. "
     "Next time, send /checkout when you finish."},
    {Msg::hours_report,
     "{name}的服务时长：今天 {today} 小时，近 7 天 {week} 小时，累计 {total} 小时。",
     "{name}'s service hours: {today} today, {week} in the last 7 days, {total} in all."},
    {Msg::assign_usage, "用法：派单 #求助编号 志愿者（名字或编号），或 派单 岗位编号 志愿者。",
     "Usage: /assign #<request> <volunteer name or number>, or /assign <post> <volunteer>."},
    {Msg::assign_offer,
     "{coordinator} 想请你接 "
     "#{id}（{category}，{building}）：{details}\n请回复这条消息「收到」接下，或「不行」。{minutes}"
     " 分钟内没回复会转给别人。",
     "{coordinator} asks you to take #{id} ({category}, {building}): {details}\nReply 收到 (ok) to "
     "this message to take it, or 不行 (no). Without an answer in {minutes} minutes it goes to "
     "someone else."},
    {Msg::assign_offer_post,
     "{coordinator} 想请你参加岗位 "
     "{id}「{title}」：{time}，{place}。请回复这条消息「收到」或「不行」。{minutes} "
     "分钟内没回复会转给别人。",
     "{coordinator} asks you to join post {id} \"{title}\": {time}, {place}. Reply 收到 (ok) or "
     "不行 (no) to this message. Without an answer in {minutes} minutes it goes to someone else."},
    {Msg::auto_offer,
     "#{id}（{category}，{building}）还没有人接：{details}"
     "\n方便的话，回复这条消息「收到」接下；不方便请回复「不行」。",
     "#{id} ({category}, {building}) is still waiting for a volunteer: {details}\nIf you can, "
     "reply 收到 (ok) to this message to take it; if not, reply 不行 (no)."},
    {Msg::reserve_offer,
     "岗位 "
     "{id}「{title}」还差人：{time}，{place}"
     "。方便的话，回复这条消息「收到」参加；不方便请回复「不行」。",
     "Post {id} \"{title}\" needs someone: {time}, {place}. If you can, reply 收到 (ok) to this "
     "message to join; if not, reply 不行 (no)."},
    {Msg::accept_button, "收到", "Accept"},
    {Msg::decline_button, "不行", "Decline"},
    {Msg::assign_sent, "已派给 {volunteer}，等 TA 确认。",
     "Offered to {volunteer}; waiting for their answer."},
    {Msg::offer_accepted_coordinator, "{volunteer} 接下了{what}。", "{volunteer} accepted {what}."},
    {Msg::offer_declined_ok, "好的，谢谢告知，我转给其他人。",
     "OK, thanks for telling me; I'll ask someone else."},
    {Msg::offer_gone, "这件事已经有人接了或已经结束，谢谢你！",
     "Someone else has it already, or it is over. Thank you!"},
    {Msg::escalate_request, "#{id}（{category}，{building}）问了 {n} 轮都没人接，请协调员安排。",
     "#{id} ({category}, {building}) found nobody after {n} round(s) of offers: a coordinator "
     "needs to arrange it."},
    {Msg::escalate_post, "岗位 {id}「{title}」还差 {missing} 人，候补和后备都没有人了。",
     "Post {id} \"{title}\" is {missing} short, and nobody is left on the wait-list or in the "
     "reserve."},
    {Msg::volunteer_unknown, "找不到审核通过的志愿者「{who}」。",
     "No approved volunteer \"{who}\"."},
    {Msg::assign_not_open, "#{id} 已经不是待接单的状态了。",
     "#{id} is not waiting for a volunteer any more."},
    {Msg::what_request, " #{id}", " #{id}"},
    {Msg::what_post, "岗位 {id}", " post {id}"},
    {Msg::stats_report,
     "{community} 统计：\n志愿者：{approved} 人已通过，{pending} 人待审核，{on_duty} "
     "人在岗\n待接单的求助：{open}\n无人能接的需求：{unmet}\n岗位：\n{posts}",
     "{community} statistics:\nVolunteers: {approved} approved, {pending} waiting for review, "
     "{on_duty} on duty\nRequests waiting for a volunteer: {open}\nNeeds nobody could serve: "
     "{unmet}\nPosts:\n{posts}"},
    {Msg::stats_none, "无", "none"},
    {Msg::roster_usage, "用法：名单 岗位编号。现在的岗位：\n{list}",
     "Usage: /roster <post>. The current posts:\n{list}"},
    {Msg::roster_report,
     "岗位 {id}「{title}」名单\n时间：{time}，地点：{place}\n名额 {taken}/{headcount}：\n{places}\n"
     "留位（报名待审核）：\n{held}\n候补 {waiting} 人：\n{wait_list}",
     "Roster of post {id} \"{title}\"\nTime: {time}, place: {place}\nPlaces "
     "{taken}/{headcount}:\n{places}\nHeld during a sign-up review:\n{held}\nWait-list "
     "({waiting}):\n{wait_list}"},
    {Msg::roster_place_line, "{n}. {name} — {confirmed}，{duty}",
     "{n}. {name} — {confirmed}, {duty}"},
    {Msg::roster_held_line, "{n}. {name} — {review}", "{n}. {name} — {review}"},
    {Msg::roster_wait_line, "{n}. {name}", "{n}. {name}"},
    {Msg::roster_confirmed, "已确认", "confirmed"},
    {Msg::roster_unconfirmed, "未确认", "not confirmed"},
    {Msg::roster_not_in, "未签到", "not checked in"},
    {Msg::roster_on_duty, "{time} 已签到，在岗", "on duty, checked in at {time}"},
    {Msg::roster_checked_out, "已签到签退（{from}–{to}）", "checked in and out ({from}–{to})"},
    {Msg::roster_held_pending, "报名待审核", "sign-up waiting for review"},
    {Msg::roster_held_signing, "还在填写报名", "still filling in the sign-up"},
    {Msg::teams_list,
     "队伍（岗位数）：\n{list}\n新队伍：设岗时直接写它的名字。改名：「队伍 旧名 新名」。",
     "Teams (posts):\n{list}\nA new team: write its name when setting up a post. To rename one: "
     "/team <old name> <new name>."},
    {Msg::team_line, "{team}（{posts}）", "{team} ({posts})"},
    {Msg::team_renamed, "队伍「{from}」已改名为「{to}」（{posts} 个岗位）。",
     "Team \"{from}\" is now \"{to}\" ({posts} post(s))."},
    {Msg::team_not_found, "没有岗位属于队伍「{team}」。", "No post belongs to a team \"{team}\"."},
    {Msg::team_standard, "「{team}」是五步工作法的标准队伍，不能改名。",
     "\"{team}\" is one of the five-step method's teams; it cannot be renamed."},
    {Msg::stats_post_line, "{id} {title}：{taken}/{headcount}，候补 {waiting}（{time}）",
     "{id} {title}: {taken}/{headcount}, waiting {waiting} ({time})"},
    // evaluation (issue 11, part C2)
    {Msg::low_rating_alert,
     "差评提醒：#{id}（{category}）{resident} 打了 {stars}（{rating} "
     "分）\n志愿者：{volunteer}\n评价：{comment}",
     "Low rating: #{id} ({category}) {resident} gave {stars} ({rating}/5)\nVolunteer: "
     "{volunteer}\nComment: {comment}"},
    {Msg::no_comment, "（没有留言）", "(no comment)"},
    {Msg::stats_feedback, "满意度：平均 {average} 分（{count} 条评价，{low} 条差评）",
     "Satisfaction: {average} on average ({count} ratings, {low} low)"},
    {Msg::stats_feedback_none, "满意度：还没有评价", "Satisfaction: no ratings yet"},
    {Msg::mine_feedback, "我收到的评价：平均 {average} 分（{count} 条）{comments}",
     "My ratings: {average} on average ({count}){comments}"},
    {Msg::feedback_comment_line, "\n#{id} {stars} {comment}", "\n#{id} {stars} {comment}"},
    {Msg::cancel_request_ok, "求助 #{id} 已撤销。", "Request #{id} is cancelled."},
    {Msg::cancel_not_yours, "#{id} 不是你的求助，只有提出求助的人可以撤销。",
     "#{id} is not your request; only the person who asked can cancel it."},
    {Msg::cancel_claimed, "#{id} 已经由 {volunteer} 接单，不能撤销了。如有变化，请联系协调员。",
     "#{id} has already been taken by {volunteer} and can no longer be cancelled. If something "
     "changed, please tell a coordinator."},
    {Msg::cancel_done, "#{id} 已经完成，不能撤销。",
     "#{id} is done already; it cannot be cancelled."},
    {Msg::cancel_already, "#{id} 已经撤销了。", "#{id} is already cancelled."},
    {Msg::card_cancelled, "#{id} {category} · {building}栋 — 求助人已撤销，不用接单了",
     "#{id} {category} · building {building} — cancelled by the resident; no need to take it"},
    {Msg::claim_cancelled, "#{id} 已被求助人撤销，不用接单了，谢谢！",
     "#{id} was cancelled by the resident; no need to take it. Thank you!"},
    {Msg::offer_cancelled, "#{id} 已被求助人撤销，不用再回复了，谢谢！",
     "#{id} was cancelled by the resident; no need to answer. Thank you!"},
    {Msg::menu_resident_cancel, "撤销 #编号 — 撤销我还没人接的求助",
     "/cancel #N — cancel my request while nobody has taken it"},
    {Msg::report_usage,
     "用法：报告 [开始日期 结束日期]，日期写成 2027-01-09，最长 {days} 天；不写日期就是最近 7 天。",
     "Usage: /report [FROM TO], dates as 2027-01-09, at most {days} days; without dates, the last "
     "7 days."},
    {Msg::report_header, "{community} 报告：{from} 至 {to}", "{community} report: {from} to {to}"},
    {Msg::report_requests,
     "求助：{total} 件 = 已认领 {claimed} + 未满足 {unmet} + 已撤销 {cancelled} + 等待中 "
     "{open}（每件只算一类；未满足：找不到人、此后也没人接的，求助人后来撤销的也算）",
     "Requests: {total} = claimed {claimed} + unmet {unmet} + cancelled {cancelled} + waiting "
     "{open} (each counted once; unmet: nobody could be found nor took it since, even if the "
     "resident cancelled it then)"},
    {Msg::report_category_line, "  {category}：{total}（认领 {claimed}，未满足 {unmet}）",
     "  {category}: {total} (claimed {claimed}, unmet {unmet})"},
    {Msg::report_times,
     "认领用时：中位数 {claim_median}，90% 分位 {claim_p90}（{claim_n} "
     "件）\n完成用时（从求助到完成）：中位数 {finish_median}，90% 分位 {finish_p90}（{finish_n} "
     "件）",
     "Time to claim: median {claim_median}, 90th percentile {claim_p90} ({claim_n})\nTime to "
     "finish (from request to done): median {finish_median}, 90th percentile {finish_p90} "
     "({finish_n})"},
    {Msg::report_feedback_header, "评价（期间完成的求助）：",
     "Feedback (requests finished in the period):"},
    {Msg::report_feedback_team, "  队伍 {team}：{average} 分（{count} 条）",
     "  Team {team}: {average} ({count})"},
    {Msg::report_feedback_post, "  岗位 {post}：{average} 分（{count} 条）",
     "  Post {post}: {average} ({count})"},
    {Msg::report_feedback_volunteer, "  {name}：{average} 分（{count} 条）{comments}",
     "  {name}: {average} ({count}){comments}"},
    {Msg::report_hours_header, "服务时长（按队伍）：", "Hours by team:"},
    {Msg::report_hours_line, "  {team}：{hours} 小时", "  {team}: {hours} h"},
    {Msg::report_top_header, "服务时长最多：", "Most hours:"},
    {Msg::report_top_line, "  {n}. {name}：{hours} 小时", "  {n}. {name}: {hours} h"},
    {Msg::report_commend_header, "表彰：", "Commendations:"},
    {Msg::report_commend_line, "  {time} {who}：{text}（{by}）", "  {time} {who}: {text} ({by})"},
    {Msg::report_trips, "车队出行：{trips} 次", "Car trips: {trips}"},
    {Msg::no_team, "未分队伍", "no team"},
    {Msg::no_post, "不在岗位上", "not on a post"},
    {Msg::duration_min, "{m} 分钟", "{m} min"},
    {Msg::duration_hm, "{h} 小时 {m} 分钟", "{h} h {m} min"},
    {Msg::menu_coordinator_evaluation,
     "报告 [开始 结束] — 社区报告（私信）\n表彰 志愿者或队伍 内容 — 在各群宣布表彰",
     "/report [FROM TO] — the community's report (privately)\n/commend <volunteer or team> <text> "
     "— announce a commendation in the groups"},
    {Msg::commend_usage,
     "用法：表彰 志愿者或队伍 表彰内容，例如「表彰 陈师傅 连续三天为独居老人送药」。",
     "Usage: /commend <volunteer or team> <text>, e.g. \"/commend Chen three days of medicine runs "
     "for elderly neighbours\"."},
    {Msg::commend_unknown,
     "找不到志愿者或队伍「{who}」。志愿者写审核通过时的名字，队伍写队伍的名字。",
     "No volunteer or team \"{who}\". Write a volunteer's name as approved, or a team's name."},
    {Msg::commend_too_long, "表彰内容最多 {limit} 个字（现在 {count} 个字）。",
     "A commendation has at most {limit} characters (this one has {count})."},
    {Msg::commend_announce, "🏅 表彰 {who}\n{text}\n—— {coordinator}",
     "🏅 Commendation: {who}\n{text}\n— {coordinator}"},
    {Msg::commend_who_volunteer, "志愿者 {name}", "volunteer {name}"},
    {Msg::commend_who_team, "{team} 队伍", "the {team} team"},
    {Msg::commend_sent, "已在 {groups} 个群宣布对{who}的表彰，并记入报告。",
     "The commendation of {who} was announced in {groups} group(s) and recorded for the report."},
    {Msg::commend_you, "你受到了表彰：{text}（{coordinator}）谢谢你的付出！",
     "You were commended: {text} ({coordinator}). Thank you for all you do!"},
    {Msg::commend_no_groups, "本社区没有配置群，表彰没有发出。",
     "This community has no groups configured; the commendation was not announced."},
    // evaluation: hours, certificates (issue 11)
    {Msg::hours_by_month, "按月：", "By month:"},
    {Msg::hours_month_line, "{month}：{hours} 小时", "{month}: {hours} hours"},
    {Msg::hours_by_team, "按队伍：", "By team:"},
    {Msg::hours_team_line, "{team}：{hours} 小时", "{team}: {hours} hours"},
    {Msg::hours_no_team, "不在岗位上", "not on a post"},
    {Msg::hours_cap_note, "（每天最多计 {cap} 小时。）", "(At most {cap} hours count in a day.)"},
    {Msg::hours_corrections, "协调员的更正：", "Corrections by coordinators:"},
    {Msg::hours_correction_line, "{date}：{before} → {after} 小时（{by}，{at}，原因：{reason}）",
     "{date}: {before} → {after} hours ({by}, {at}; reason: {reason})"},
    {Msg::hours_fix_usage,
     "用法：更正 志愿者 日期 小时数 原因，例如「更正 陈师傅 2026-11-20 4 忘记签退」。",
     "Usage: /hours fix <volunteer> <date> <hours> <reason>, e.g. /hours fix Chen 2026-11-20 4 "
     "forgot to check out."},
    {Msg::hours_fix_bad_date, "「{date}」不是一个日期，请写成 2026-11-20 这样。",
     "\"{date}\" is not a date; write it as 2026-11-20."},
    {Msg::hours_fix_future, "{date} 还没到，不能更正。",
     "{date} has not come yet: it cannot be corrected."},
    {Msg::hours_fix_bad_hours, "「{hours}」不是 0 到 {cap} 之间的小时数（每天最多计 {cap} 小时）。",
     "\"{hours}\" is not a number of hours from 0 to {cap} (at most {cap} hours count in a day)."},
    {Msg::hours_fix_reason_long, "原因最多 {limit} 个字。",
     "The reason can have at most {limit} characters."},
    {Msg::hours_fixed,
     "已更正：{name} {date} 的服务时长 {before} → {after} "
     "小时（原因：{reason}）。签到签退记录不变，已记入更正记录。",
     "Corrected: {name}'s hours on {date}, {before} → {after} (reason: {reason}). The check-in "
     "records stay as they were; the correction is in the log."},
    {Msg::hours_fixed_you,
     "{by} 更正了你 {date} 的服务时长：{before} → {after} 小时（原因：{reason}）。",
     "{by} corrected your hours on {date}: {before} → {after} (reason: {reason})."},
    {Msg::cert_title, "志愿服务证明", "Certificate of volunteer service"},
    {Msg::cert_statement,
     "兹证明 {name} 于 {from} 至 {to} 在 {organisation} 参加志愿服务，累计服务 {hours} 小时。",
     "This certifies that {name} served as a volunteer with {organisation} from {from} to {to}, "
     "for {hours} hours in all."},
    {Msg::cert_teams, "服务队伍", "Teams"},
    {Msg::cert_posts, "服务岗位", "Posts"},
    {Msg::cert_tasks, "完成求助", "Requests served"},
    {Msg::cert_task_item, "{category} {n} 件", "{category}: {n}"},
    {Msg::cert_none, "无", "none"},
    {Msg::cert_issued_on, "签发日期", "Issued on"},
    {Msg::cert_code, "验证码", "Verification code"},
    {Msg::cert_how_to_verify, "任何人都可以发送「验证 {code}」核对这份证明。",
     "Anyone can check it by sending /verify {code}."},
    {Msg::cert_link, "在线查看和打印：{url}", "To view and print it: {url}"},
    {Msg::cert_not_volunteer, "只有审核通过的志愿者可以开具服务证明。",
     "Only approved volunteers can get a certificate of service."},
    {Msg::cert_no_hours, "{from} 至 {to} 没有记录到服务时长，无法开具证明。",
     "No hours of service are recorded from {from} to {to}: there is nothing to certify."},
    {Msg::cert_usage,
     "用法：证明（全部服务），或 证明 2026-11-01 2026-11-30（一段时间）；协调员：证明 撤销 "
     "验证码。",
     "Usage: /cert (all your service), or /cert 2026-11-01 2026-11-30 (a period); coordinators: "
     "/cert revoke <code>."},
    {Msg::verify_usage, "用法：验证 验证码，例如「验证 12-3f9a0c…」。",
     "Usage: /verify <code>, e.g. /verify 12-3f9a0c…"},
    {Msg::verify_valid, "✅ 证明有效（验证码 {code}）：\n{certificate}",
     "✅ Valid certificate (code {code}):\n{certificate}"},
    {Msg::verify_revoked, "❌ 这份证明（验证码 {code}）已于 {date} 被撤销，不再有效。",
     "❌ This certificate (code {code}) was revoked on {date}; it is no longer valid."},
    {Msg::verify_invalid, "❌ 验证码「{code}」无效：没有这份证明，或证明被改动过。",
     "❌ The code \"{code}\" is not valid: there is no such certificate, or it was altered."},
    {Msg::cert_revoked_ok, "已撤销 {name} 的证明（验证码 {code}）。",
     "Revoked {name}'s certificate (code {code})."},
    {Msg::cert_already_revoked, "这份证明（验证码 {code}）已经撤销了。",
     "That certificate (code {code}) is revoked already."},
    {Msg::cert_revoked_you, "{by} 撤销了你的服务证明（验证码 {code}）。如有疑问请联系协调员。",
     "{by} revoked your certificate of service (code {code}). Ask a coordinator if you have "
     "questions."},
    {Msg::cert_revoked_banner, "已撤销", "REVOKED"},
    {Msg::cert_invalid_page, "无效的验证码：没有这份证明，或证明被改动过。",
     "Invalid code: there is no such certificate, or it was altered."},
    {Msg::verify_valid_page, "✅ 这份证明有效。", "✅ This certificate is valid."},
    // step 3, ensure support (issue 11)
    {Msg::menu_support,
     "培训 课程 志愿者… — 记录培训；库存 [物品 +数量|物品 min 数量] — 装备库存\n发放 志愿者 物品 "
     "数量 — 发放装备；风险 楼栋 高|低 — 区域风险\n保障 岗位 餐|交通|保险 是|否 — "
     "班次的用餐、交通和保险",
     "/train <course> <volunteer…> — record training; /stock [item +n | item min n] — "
     "equipment\n/issue <volunteer> <item> <qty> — hand out equipment; /risk <building> high|low — "
     "area risk\n/supply <post> meals|transport|insurance yes|no — a shift's meals, transport, "
     "insurance"},
    {Msg::menu_support_volunteer, "培训 — 我完成的培训和领到的装备",
     "/train — my training and the equipment I was given"},
    {Msg::train_usage,
     "用法：培训 课程 志愿者…（可以一次写几个人），或「培训 课程 岗位 "
     "编号」记录整个岗位的名单；「培训 添加 课程名」添加本社区的课程。课程：",
     "Usage: /train <course> <volunteer…> (several at once), or /train <course> post <N> for a "
     "whole post's roster; /train add <name> adds a course of your own. Courses:"},
    {Msg::train_not_volunteer, "审核通过的志愿者才有培训记录。想成为志愿者，请发送「报名志愿者」。",
     "Only approved volunteers have training records. To become one, send /join."},
    {Msg::train_course_unknown,
     "没有「{course}」这门课程。现有课程：\n{list}\n可以用「培训 添加 {course}」添加。",
     "There is no course \"{course}\". The courses:\n{list}\nSend /train add {course} to add it."},
    {Msg::train_course_added, "已添加课程「{course}」。", "Course \"{course}\" added."},
    {Msg::train_course_exists, "已经有「{course}」这门课程了。",
     "There is a course \"{course}\" already."},
    {Msg::train_post_empty, "岗位 {id} 上还没有志愿者。", "Nobody is on post {id} yet."},
    {Msg::train_recorded, "已记录「{course}」培训：{names}。",
     "Recorded \"{course}\" for: {names}."},
    {Msg::train_before, "之前已记录过「{course}」：{names}。",
     "\"{course}\" was recorded before for: {names}."},
    {Msg::train_told, "协调员已记录：你完成了「{course}」培训。",
     "A coordinator recorded that you completed \"{course}\"."},
    {Msg::train_mine, "{name} 的保障记录\n完成的培训：{courses}\n领到的装备：{items}",
     "{name}'s support records\nTraining completed: {courses}\nEquipment received: {items}"},
    {Msg::stock_report, "{community} 装备库存：\n{list}",
     "{community} equipment in stock:\n{list}"},
    {Msg::stock_line, "{item}：{qty}{min}", "{item}: {qty}{min}"},
    {Msg::stock_min, "（警戒线 {min}）", " (warning at {min})"},
    {Msg::stock_low_mark, " ⚠ 需要补充", " ⚠ running low"},
    {Msg::stock_usage,
     "用法：库存（查看）；库存 物品 +数量（入库，例如「库存 口罩 +100」）；库存 物品 min "
     "数量（警戒线）。",
     "Usage: /stock (to see it); /stock <item> +<n> to add (e.g. /stock masks +100); /stock <item> "
     "min <n> for the warning threshold."},
    {Msg::stock_added, "{item} 入库 {n}，现有 {qty}。", "{item}: {n} added, {qty} in stock."},
    {Msg::stock_min_set, "{item} 的警戒线设为 {min}，现有 {qty}。",
     "{item}: warning threshold set to {min}, {qty} in stock."},
    {Msg::stock_low_warning, "⚠ 库存提醒：{item} 只剩 {qty}（警戒线 {min}），请尽快补充。",
     "⚠ Stock warning: only {qty} {item} left (threshold {min}). Please restock soon."},
    {Msg::issue_usage, "用法：发放 志愿者 物品 数量，例如「发放 陈师傅 口罩 2」。",
     "Usage: /issue <volunteer> <item> <qty>, e.g. /issue Tom masks 2."},
    {Msg::issue_not_enough, "{item} 库存只有 {qty}，不够发放 {n}。没有发放，库存没有变。",
     "Only {qty} {item} in stock, not enough to hand out {n}. Nothing was handed out."},
    {Msg::issue_done, "已发放给 {volunteer}：{item} × {n}，库存还剩 {qty}。",
     "Handed to {volunteer}: {item} × {n}; {qty} left in stock."},
    {Msg::issue_told, "协调员发给你：{item} × {n}。请做好个人防护。",
     "A coordinator handed you {item} × {n}. Stay protected."},
    {Msg::risk_usage,
     "用法：风险 楼栋或区域 高|低，例如「风险 31栋 高」。现在设了风险的区域：\n{list}",
     "Usage: /risk <building or area> high|low, e.g. /risk 31 high. Areas with a level "
     "now:\n{list}"},
    {Msg::risk_line, "{area}：{level}", "{area}: {level}"},
    {Msg::risk_set, "{area} 现在是{level}区域。按所在区域定风险的岗位随之改变。",
     "{area} is now a {level}-risk area. Posts whose risk follows their place change with it."},
    {Msg::risk_recheck, "风险变化：{area} 改为{level}。受影响的岗位：",
     "Risk change: {area} is now {level} risk. Posts affected:"},
    {Msg::risk_post_low, "岗位 {id}「{title}」（{time}）现在是低风险，不再需要培训和装备。",
     "Post {id} \"{title}\" ({time}) is low risk now: no training or equipment needed."},
    {Msg::risk_post_no_needs,
     "岗位 {id}「{title}」（{time}）现在是高风险，但还没有设所需的培训和装备：发送「设岗 "
     "{id}」设置。",
     "Post {id} \"{title}\" ({time}) is high risk now, but needs no training or equipment yet: "
     "send /post {id} to set them."},
    {Msg::risk_post_ok,
     "岗位 {id}「{title}」（{time}）现在是高风险：名单上的人都已培训并领到装备。",
     "Post {id} \"{title}\" ({time}) is high risk now: everyone on it is trained and equipped."},
    {Msg::risk_post_lacking,
     "岗位 {id}「{title}」（{time}）现在是高风险，这些人不再符合要求：{people}",
     "Post {id} \"{title}\" ({time}) is high risk now; these people no longer qualify:{people}"},
    {Msg::risk_person_line, "· {name}：缺 {missing}", "· {name}: lacks {missing}"},
    {Msg::missing_courses, "培训 {list}", "training {list}"},
    {Msg::missing_items, "装备 {list}", "equipment {list}"},
    {Msg::missing_separator, "；", "; "},
    {Msg::gate_join,
     "岗位 "
     "{id}「{title}」是高风险岗位，你还缺：{missing}。请联系协调员完成培训、领取装备后再报名。",
     "Post {id} \"{title}\" is high risk, and you still lack: {missing}. Ask a coordinator for the "
     "training and equipment, then sign up again."},
    {Msg::gate_assign, "{volunteer} 还不能上岗位 {id}（高风险）：缺 {missing}。没有发出邀请。",
     "{volunteer} cannot take post {id} yet (high risk): lacks {missing}. No offer was sent."},
    {Msg::gate_checkin,
     "岗位 {id}「{title}」是高风险岗位，你还缺：{missing}，不能签到。请先联系协调员。",
     "Post {id} \"{title}\" is high risk, and you still lack: {missing}. You cannot check in yet; "
     "please see a coordinator."},
    {Msg::post_ask_courses,
     "这个岗位是高风险，需要哪些培训？回复编号（可以多个，如「1 2」），0 = 不需要。\n{list}",
     "This post is high risk: which training does it need? Reply with numbers (several, e.g. \"1 "
     "2\"), 0 = none.\n{list}"},
    {Msg::post_hint_courses, "请回复课程编号，例如「1 2」，或 0（不需要）。",
     "Please reply with course numbers, e.g. \"1 2\", or 0 (none)."},
    {Msg::post_ask_items, "需要哪些防护装备？回复编号（可以多个，如「1 3」），0 = 不需要。\n{list}",
     "Which protective equipment does it need? Reply with numbers (several, e.g. \"1 3\"), 0 = "
     "none.\n{list}"},
    {Msg::post_hint_items, "请回复装备编号，例如「1 3」，或 0（不需要）。",
     "Please reply with item numbers, e.g. \"1 3\", or 0 (none)."},
    {Msg::risk_as_place, "按所在区域：{level}", "as its place: {level}"},
    {Msg::risk_needs_summary, "{risk}；培训：{courses}；装备：{items}",
     "{risk}; training: {courses}; equipment: {items}"},
    {Msg::roster_needs, "\n上岗需要：培训 {courses}；装备 {items}",
     "\nNeeded to serve: training {courses}; equipment {items}"},
    {Msg::roster_support,
     "风险：{risk}{needs}\n本班保障：用餐 {meals} · 交通 {transport} · 保险 {insurance}",
     "Risk: {risk}{needs}\nThis shift: meals {meals} · transport {transport} · insurance "
     "{insurance}"},
    {Msg::roster_reserve,
     "\n在岗 = 上面的名额；候补 = 排队等名额的人；储备 = 本社区 {reserve} "
     "名还没有任何岗位名额的审核通过志愿者（与「统计」同一口径），缺人时替补。",
     "\nActive = the places above; wait-list = who waits for a place; reserve = the {reserve} "
     "approved volunteers of the community with no place on any post (as /stats counts them), "
     "asked when someone must be replaced."},
    {Msg::supply_yes, "已安排（{n} 人）", "arranged ({n} people)"},
    {Msg::supply_no, "未安排", "not arranged"},
    {Msg::supply_usage,
     "用法：保障 岗位 餐|交通|保险 是|否，例如「保障 1 餐 是」；「保障 1」查看。",
     "Usage: /supply <post> meals|transport|insurance yes|no, e.g. /supply 1 meals yes; /supply 1 "
     "to see it."},
    {Msg::supply_post, "岗位 {id}「{title}」", "Post {id} \"{title}\""},
    {Msg::stats_support,
     "志愿者队伍：在岗 {active} 人（有岗位名额），储备 {reserve} "
     "人（可替补）\n今日班次保障：{shifts}",
     "The pool: {active} active (with a place on a post), {reserve} in reserve (for "
     "replacements)\nToday's shifts:{shifts}"},
    {Msg::stats_shift_line,
     "{time} 岗位 {id}「{title}」：{people} 人 · 用餐：{meals} · 交通：{transport} · "
     "保险：{insurance}",
     "{time} shift, post {id} \"{title}\": {people} people · meals: {meals} · transport: "
     "{transport} · insurance: {insurance}"},
    {Msg::stats_meals, "{n} 份", "{n} meals"},
    {Msg::stats_people, "{n} 人", "{n} people"},
    // the car fleet and sensitive requests
    {Msg::vehicle_usage,
     "用法：车辆 添加 <司机> <座位数> <车牌>（司机须是有驾驶技能的志愿者）；车辆 停用 "
     "<车牌>；只发「车辆」查看车队的车。",
     "Usage: /vehicle add <driver> <seats> <plate> (the driver an approved volunteer who drives); "
     "/vehicle retire <plate>; /vehicle alone lists the fleet's vehicles."},
    {Msg::vehicle_not_volunteer, "「{who}」不是本社区已通过审核的志愿者，不能登记为司机。",
     "\"{who}\" is not an approved volunteer of this community, so cannot be a driver."},
    {Msg::vehicle_no_driving,
     "{who} 的技能里没有「驾驶」，不能登记为司机。请先让 TA 在报名信息里加上驾驶（3）。",
     "{who} has not got the driving skill, so cannot be a driver. Add driving (3) to their skills "
     "first."},
    {Msg::vehicle_bad_seats, "座位数「{seats}」不对：请写 1 到 60 之间的数字。",
     "\"{seats}\" is not a number of seats: give a number from 1 to 60."},
    {Msg::vehicle_plate_taken, "车牌 {plate} 已经在车队里了。",
     "The plate {plate} is in the fleet already."},
    {Msg::vehicle_added, "已登记车辆 {plate}（{seats} 座），司机 {driver}。",
     "Vehicle {plate} ({seats} seats) added, driven by {driver}."},
    {Msg::vehicle_retired, "车辆 {plate} 已停用，之后不会再派它出车。",
     "Vehicle {plate} is retired: no more trips go to it."},
    {Msg::vehicle_not_found, "车队里没有在用的车辆 {plate}。",
     "There is no active vehicle {plate} in the fleet."},
    {Msg::vehicle_line, "{plate} · {seats} 座 · {driver}{retired}",
     "{plate} · {seats} seats · {driver}{retired}"},
    {Msg::vehicle_retired_mark, "（已停用）", " (retired)"},
    {Msg::vehicle_none, "车队里还没有车辆。登记：车辆 添加 <司机> <座位数> <车牌>",
     "The fleet has no vehicles yet. Add one: /vehicle add <driver> <seats> <plate>"},
    {Msg::vehicle_list, "车队的车辆：\n{list}", "The fleet's vehicles:\n{list}"},
    {Msg::trip_usage,
     "用法：派车 <类型> <出发地> <目的地> <时间> [人数]，类型：就医、物资、接送、隔离；例如：派车 "
     "就医 31栋 市人民医院 明天 9:00 2。居民的用车求助：派车 #编号 [类型] [时间]。司机：派车 出发 "
     "<编号>，完成 T<编号>。取消行程：派车 取消 <编号>。",
     "Usage: /trip <kind> <from> <to> <time> [seats], kinds: hospital, supplies, staff, "
     "quarantine; e.g. /trip hospital 31 CityHospital tomorrow 9:00 2. A resident's request for a "
     "ride: /trip #N [kind] [time]. Drivers: /trip start <N>, /trip done <N>. Cancel a trip: "
     "/trip cancel <N>."},
    {Msg::trip_bad_kind, "没有「{kind}」这种派车类型。类型：就医、物资、接送、隔离。",
     "There is no trip kind \"{kind}\". Kinds: hospital, supplies, staff, quarantine."},
    {Msg::trip_bad_time, "没看懂时间「{time}」，或者它已经过去了。例如：明天 9:00、14:30、现在。",
     "I could not read the time \"{time}\", or it has passed. For example: tomorrow 9:00, 14:30, "
     "now."},
    {Msg::trip_bad_seats, "人数「{seats}」不对：请写 1 到 60 之间的数字。",
     "\"{seats}\" is not a number of people: give a number from 1 to 60."},
    {Msg::trip_created,
     "T{id} {kind}：{from} → {to}，{time}，{seats} 人。正在私下问最近的空闲司机 {driver}。",
     "T{id} {kind}: {from} → {to}, {time}, {seats} people. Asking the nearest free driver, "
     "{driver}, privately."},
    {Msg::trip_offer,
     "【派车】T{id} {kind}：{from} → {to}，{time}，{seats} "
     "人。{coordinator}请你出车（{plate}）。回复「接单」接受，「不行」换人；{minutes} "
     "分钟内没回复会问下一位司机。",
     "[Trip] T{id} {kind}: {from} → {to}, {time}, {seats} people. {coordinator}asks you to drive "
     "({plate}). Reply ok to accept or no to pass; after {minutes} minutes the next driver is "
     "asked."},
    {Msg::trip_accepted_driver,
     "好的，T{id} 是你的了：{from} → {to}，{time}，车辆 {plate}。出发时发「派车 出发 "
     "{id}」，送到后发「完成 T{id}」。",
     "Thank you, T{id} is yours: {from} → {to}, {time}, vehicle {plate}. Send /trip start {id} "
     "when you set off and /trip done {id} when you arrive."},
    {Msg::trip_accepted_coordinator, "{driver} 接了 T{id}（{plate}，{time}）。",
     "{driver} took T{id} ({plate}, {time})."},
    {Msg::trip_unserved, "T{id}（{kind}，{from} → {to}，{time}）没有空闲的司机了，请协调员安排。",
     "T{id} ({kind}, {from} → {to}, {time}): no free driver is left; please arrange it."},
    {Msg::trip_not_found, "没有行程 T{id}。", "There is no trip T{id}."},
    {Msg::trip_not_yours, "T{id} 不是你正在开的行程。", "T{id} is not a trip you are driving."},
    {Msg::trip_started, "T{id} 已出发，路上注意安全。", "T{id} is on its way. Drive safely."},
    {Msg::trip_done, "谢谢你！T{id} 已完成。", "Thank you! T{id} is done."},
    {Msg::trip_request_not_driving, "#{id} 不是一条开放的用车求助（类别：驾驶），不能派车。",
     "#{id} is not an open request for a ride (category: driving), so it cannot become a trip."},
    {Msg::fleet_report, "车队 · {community}\n{vehicles}\n今天的行程：\n{trips}\n{total}",
     "Fleet · {community}\n{vehicles}\nToday's trips:\n{trips}\n{total}"},
    {Msg::fleet_trip_line, "T{id} {time} {kind} {from} → {to} · {status}",
     "T{id} {time} {kind} {from} → {to} · {status}"},
    {Msg::fleet_no_trips, "（没有）", "(none)"},
    {Msg::fleet_total, "共 {n} 趟，自 {since} 起", "{n} trips since {since}"},
    {Msg::fleet_total_none, "还没有出过车。", "No trips yet."},
    {Msg::trip_kind_hospital, "就医", "to hospital"},
    {Msg::trip_kind_supplies, "物资", "supplies"},
    {Msg::trip_kind_staff, "接送", "staff"},
    {Msg::trip_kind_quarantine, "隔离", "to quarantine site"},
    {Msg::trip_status_offered, "等司机回复", "waiting for a driver"},
    {Msg::trip_status_accepted, "{driver} 已接单", "taken by {driver}"},
    {Msg::trip_status_started, "{driver} 在路上", "{driver} on the way"},
    {Msg::trip_status_done, "{driver} 已完成", "done by {driver}"},
    {Msg::trip_status_unserved, "没有司机", "no driver"},
    {Msg::trip_status_cancelled, "已取消", "cancelled"},
    {Msg::help_created_private,
     "已提交，编号 "
     "#{id}。这条求助不会发到群里：我们正在私下为你安排有相应技能的志愿者，有人接下会马上告诉你。",
     "Submitted as #{id}. It will not be posted in any group: help is being arranged privately "
     "with a volunteer who has the skill, and I'll tell you as soon as someone takes it."},
    {Msg::help_private_hint, "如果不想让群里看到，回复「私密」提交：只私下交给有相应技能的志愿者。",
     "To keep it out of the groups, reply private: it goes only privately to volunteers with the "
     "skill."},
    {Msg::train_course_one_word,
     "课程名要是一个词，不能有空格、换行或逗号（「{course}」不行），例如「培训 添加 心肺复苏」。",
     "A course's name is one word, without spaces, line breaks or commas (not \"{course}\"), "
     "e.g. /train add CPR."},
    {Msg::risk_recheck_post, "岗位 {id} 的风险或上岗要求改了：",
     "Post {id}'s risk or needs changed:"},
    {Msg::menu_coordinator_fleet,
     "车辆 [添加 司机 座位 车牌|停用 车牌] — 车队的车\n派车 类别 起点 终点 时间 [座位] — "
     "派车（就医、物资、接送、隔离）\n车队 — 车辆、今天的出车和总数",
     "/vehicle [add <driver> <seats> <plate> | retire <plate>] — the fleet's cars\n/trip <kind> "
     "<from> <to> <time> [seats] — a trip (hospital, supplies, staff, quarantine)\n/fleet — "
     "vehicles, today's trips and the total"},
    {Msg::menu_coordinator_records,
     "时长 志愿者 — 志愿者的服务时长\n更正 志愿者 日期 小时 原因 — 更正一天的时长（留审计记录）\n"
     "证明 撤销 验证码 — 撤销一份服务证明",
     "/hours <volunteer> — a volunteer's hours\n/hours fix <volunteer> <date> <hours> <reason> — "
     "correct a day's hours (kept in the audit log)\n/cert revoke <code> — revoke a certificate"},
    {Msg::menu_volunteer_records,
     "证明 [起 止] — 我的服务证明（带验证码）\n派车 出发 编号、完成 T编号 — "
     "开车的志愿者：出发、送达",
     "/cert [FROM TO] — my certificate of service (with a verification code)\n/trip start N, "
     "/trip done N — drivers: set off, arrive"},
    {Msg::menu_verify, "验证 验证码 — 查验一份服务证明", "/verify <code> — check a certificate"},
    {Msg::trip_cancelled_ok, "T{id} 已取消{told}。", "T{id} is cancelled{told}."},
    {Msg::trip_cancel_done, "T{id} 已经完成，不能取消。",
     "T{id} is done already; it cannot be cancelled."},
    {Msg::trip_cancel_already, "T{id} 已经取消了。", "T{id} is cancelled already."},
    {Msg::trip_cancelled_driver,
     "T{id}（{kind}：{from} → {to}，{time}）已被 {coordinator} 取消，不用出车了，谢谢！",
     "T{id} ({kind}: {from} → {to}, {time}) was cancelled by {coordinator}; no need to drive. "
     "Thank you!"},
    {Msg::trip_offer_withdrawn, "T{id} 已取消，不用再回复了，谢谢！",
     "T{id} was cancelled; no need to answer. Thank you!"},
    {Msg::trip_cancelled_resident,
     "你的求助 #{request} 的用车 T{id} 已被协调员取消，求助重新开放，我们会另找人帮你。",
     "The ride T{id} for your request #{request} was cancelled by a coordinator; the request is "
     "open again and we are finding someone else."},
    {Msg::trip_cancelled_by_resident, "{resident} 撤销了求助 #{request}，T{id} 也随之取消{told}。",
     "{resident} cancelled request #{request}, so T{id} is cancelled too{told}."},
    {Msg::cancel_assign_coordinator,
     "{resident} 撤销了求助 #{id}，你派给 {volunteer} 的单已收回，已告诉 {volunteer}。",
     "{resident} cancelled request #{id}: your assignment to {volunteer} is withdrawn, and "
     "{volunteer} was told."},
    {Msg::volunteer_ambiguous,
     "有 {n} "
     "位审核通过的志愿者都叫「{who}」，我没有选其中任何一位：\n{list}\n请用编号指明，例如把「{who}"
     "」换成「{example}」。",
     "{n} approved volunteers are called \"{who}\", so I picked none of them:\n{list}\nName one by "
     "their number: write \"{example}\" instead of \"{who}\"."},
    {Msg::volunteer_ambiguous_line, "  编号 {id} · {name} · {building}{phone}",
     "  number {id} · {name} · {building}{phone}"},
    {Msg::volunteer_ambiguous_phone, " · 手机尾号 {tail}", " · phone ending {tail}"},
    {Msg::trip_cancel_told, "，已告诉 {names}", "; {names} told"},
    {Msg::trip_request_has_trip,
     "求助 #{id} 已经有行程 T{trip} 在安排，不再另派；要换时间，先「派车 取消 {trip}」。",
     "Request #{id} already has trip T{trip} under way; no second one is sent. To change it, "
     "first \"/trip cancel {trip}\"."},
    {Msg::pending_ambiguous,
     "有 {n} "
     "位待审核的志愿者都叫「{who}」，我没有选其中任何一位：\n{list}\n请用编号指明，例如把「{who}"
     "」换成「{example}」。",
     "{n} people waiting for review are called \"{who}\", so I picked none of them:\n{list}\nName "
     "one by their number: write \"{example}\" instead of \"{who}\"."},
    {Msg::done_usage, "用法：完成 #编号；只有一个任务时，发送「完成」就可以。",
     "Usage: /done #N; with one task in hand, /done alone is enough."},
    {Msg::train_course_reserved,
     "「{course}」不能做课程名：数字和「0、无、不需要、none、添加、新增、add、岗位、post」是回答或"
     "命令里的词，用作课程名就再也选不到它。请换一个名字，例如「培训 添加 心肺复苏」。",
     "\"{course}\" cannot name a course: numbers and 0, none, add, post (and 无, 不需要, 添加, "
     "新增, "
     "岗位) are words of answers and commands, so a course so named could never be chosen. Choose "
     "another name, e.g. /train add CPR."},
    {Msg::trip_accept_clash,
     "T{id} 接不了：它和你已接的 T{clash}（{time}）时间太近。已转给下一位司机，谢谢你！",
     "You cannot take T{id}: it is too close to T{clash} ({time}), which you have already taken. "
     "It goes to the next driver. Thank you!"},
    {Msg::card_fleet, "#{id} {category} · {building}栋 — 🚗 车队安排中（T{trip}），不用接单",
     "#{id} {category} · building {building} — 🚗 the fleet is arranging it (trip T{trip}); no "
     "need to take it"},
    {Msg::claim_fleet, "#{id} 由车队安排（T{trip}），不用接单了，谢谢你！",
     "#{id} is being arranged by the fleet (trip T{trip}), so it cannot be taken. Thank you!"},
    {Msg::trip_was_cancelled, "T{id} 已经取消了，不用出车。",
     "T{id} was cancelled; no need to drive."},
    {Msg::trip_done_already, "T{id} 已经完成了。", "T{id} is done already."},
    {Msg::trip_cancel_started,
     "T{id} 已出发，{driver} 正在路上，不能取消。有变化请直接联系 {driver}；送到后由司机发「完成 "
     "T{id}」。",
     "T{id} is already on the road with {driver}, so it cannot be cancelled. If plans change, "
     "contact {driver} directly; the driver sends \"/trip done {id}\" on arrival."},
    {Msg::trip_private_destination, "（接单后私信告知）", "(told privately once accepted)"},
    {Msg::fleet_trip_line_private, "T{id} {time} 私密行程 · {status}",
     "T{id} {time} private trip · {status}"},
    {Msg::trip_some_driver, "司机", "a driver"},
    {Msg::trip_unserved_request,
     "T{id}（{kind}，{from} → {to}，{time}）没有空闲的司机了，请协调员安排。发「派车 取消 "
     "T{id}」可把这条求助交还志愿者接单。",
     "T{id} ({kind}, {from} → {to}, {time}): no free driver is left; please arrange it. Send "
     "\"/trip cancel {id}\" to give the request back to the volunteers."},
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

std::string say(Lang l, Msg m, std::span<const Arg> args) {
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
