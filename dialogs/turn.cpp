#include "dialogs/turn.hpp"

namespace linli {

Turn::Turn(const Config& cfg, Store& st, const Directory& d, Origin o, Person p, std::int64_t n,
           Outcome& out)
    : config(cfg),
      store(st),
      dir(d),
      origin(std::move(o)),
      person(std::move(p)),
      now(n),
      out_(out) {
  if (in_group()) group = dir.group(origin.chat.adapter, origin.chat.chat);
  std::string community_id = group ? group->community_id : person.community_id;
  if (community_id.empty()) {
    auto coordinated = dir.coordinated_by(person.id);
    if (!coordinated.empty()) community_id = coordinated.front()->id;
  }
  if (community_id.empty() && dir.communities().size() == 1) {
    community_id = dir.communities().front()->id;
  }
  community = dir.community(community_id);
  lang = lang_of(person);
}

Lang Turn::lang_of(const Person& p) const {
  Lang fallback = lang_from_code(config.lang, Lang::zh);
  if (community) fallback = lang_from_code(community->lang, fallback);
  return lang_from_code(p.lang, fallback);
}

Lang Turn::lang_of(std::int64_t person_id) {
  if (person_id == person.id) return lang;
  auto p = store.people.get(person_id);
  return p ? lang_of(*p) : group_lang();
}

Lang Turn::group_lang() const {
  Lang fallback = lang_from_code(config.lang, Lang::zh);
  return community ? lang_from_code(community->lang, fallback) : fallback;
}

int Turn::utc_offset_min() const {
  return community ? community->utc_offset_min : config.utc_offset_min;
}

int Turn::utc_offset_min(const std::string& community_id) const {
  const Community* c = dir.community(community_id);
  return c ? c->utc_offset_min : utc_offset_min();
}

std::string Turn::name_of(std::int64_t person_id) {
  if (auto v = store.volunteers.get(person_id); v && !v->name.empty()) return v->name;
  if (person_id == person.id && !person.name.empty()) return person.name;
  auto p = store.people.get(person_id);
  return p && !p->name.empty() ? p->name : "#" + std::to_string(person_id);
}

std::int64_t Turn::reply(std::string text, SendOptions opt) {
  if (origin.chat.adapter.empty() || origin.chat.chat.empty()) return 0;
  OutboundMessage m;
  m.adapter = origin.chat.adapter;
  m.chat = origin.chat.chat;
  m.thread = origin.chat.thread;
  m.private_chat = !in_group();
  m.text = std::move(text);
  m.reply_to = opt.reply_to;
  if (m.reply_to.empty() && in_group() && origin.event) m.reply_to = origin.event->message_id;
  m.route = std::move(opt.route);
  m.buttons = std::move(opt.buttons);
  m.mentions = std::move(opt.mentions);
  return send(std::move(m));
}

void Turn::reply_privately(std::string text) {
  if (!in_group()) return reply(std::move(text)), void();
  tell(person.id, std::move(text));
  reply(say(Msg::mine_sent_private, {{"name", person.name}}));
}

bool Turn::is_volunteer() {
  auto v = store.volunteers.get(person.id);
  return v && v->status == VolunteerStatus::approved;
}

Address Turn::private_address(const Identity& who) const {
  const AdapterConfig* platform = config.adapter(who.adapter);
  Recipient to{who.adapter, who.user, who.private_chat};
  return to.address(platform == nullptr || platform->capabilities.private_chat_is_user_id);
}

std::int64_t Turn::tell(std::int64_t person_id, std::string text, SendOptions opt) {
  auto who = store.people.identity(person_id, adapter());
  if (!who) return 0;  // a person always has an identity; nothing to do if the row is gone
  Address at = private_address(*who);
  OutboundMessage m;
  m.adapter = at.adapter;
  m.chat = at.chat;
  m.user = who->user;
  m.private_chat = true;
  m.text = std::move(text);
  m.reply_to = std::move(opt.reply_to);
  m.route = std::move(opt.route);
  m.buttons = std::move(opt.buttons);
  return send(std::move(m));
}

std::int64_t Turn::post(const Group& g, std::string text, SendOptions opt) {
  OutboundMessage m;
  m.adapter = g.adapter;
  m.chat = g.chat;
  m.text = std::move(text);
  m.reply_to = std::move(opt.reply_to);
  m.route = std::move(opt.route);
  m.buttons = std::move(opt.buttons);
  m.mentions = std::move(opt.mentions);
  return send(std::move(m));
}

void Turn::edit(std::int64_t outbox_id, std::string text,
                std::vector<std::vector<Button>> buttons) {
  auto original = store.outbox.get(outbox_id);
  if (!original) return;
  OutboundMessage m;
  m.kind = OutKind::edit;
  m.adapter = original->msg.adapter;
  m.chat = original->msg.chat;
  m.thread = original->msg.thread;
  m.private_chat = original->msg.private_chat;
  m.edit_of = outbox_id;
  m.text = std::move(text);
  m.buttons = std::move(buttons);
  m.route = original->msg.route;
  send(std::move(m));
}

void Turn::answer_press(std::string text) {
  if (!pressed() || press_answered_) return;
  press_answered_ = true;
  OutboundMessage m;
  m.kind = OutKind::answer_callback;
  m.adapter = origin.chat.adapter;
  m.chat = origin.chat.chat;
  m.private_chat = !in_group();
  m.callback_id = origin.event->callback_id;
  m.text = std::move(text);
  send(std::move(m));
}

std::int64_t Turn::send(OutboundMessage m) {
  std::int64_t id = store.outbox.enqueue(m, now);
  out_.messages.push_back(OutboxRow{id, std::move(m), 0});
  return id;
}

bool Turn::arm_once(const Timer& timer, std::int64_t due_at) {
  if (!store.timers.arm_once(timer, due_at)) return false;
  if (!out_.earliest_timer || due_at < *out_.earliest_timer) out_.earliest_timer = due_at;
  return true;
}

void Turn::arm_by(const Timer& timer, std::int64_t due_at) {
  if (!store.timers.arm_by(timer, due_at)) return;
  if (!out_.earliest_timer || due_at < *out_.earliest_timer) out_.earliest_timer = due_at;
}

const Community* Turn::coordinated() const {
  if (community && dir.is_coordinator(community->id, person.id)) return community;
  if (group) return nullptr;  // in a group, only that group's community counts
  auto mine = dir.coordinated_by(person.id);
  return mine.empty() ? nullptr : mine.front();
}

void Turn::requeue(OutboxRow row) {
  out_.messages.push_back(std::move(row));
}

void Turn::arm(const Timer& timer, std::int64_t due_at) {
  store.timers.arm(timer, due_at);
  if (!out_.earliest_timer || due_at < *out_.earliest_timer) out_.earliest_timer = due_at;
}

}  // namespace linli
