#include "dialogs/dialog.hpp"

#include "dialogs/route.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>

#include <nlohmann/json.hpp>

namespace linli {
namespace {

bool has_previous(const DialogCtx& c) {
  return !c.path.empty();
}
void say_first_step(DialogCtx& c) {
  c.say(Msg::first_step);
}
void say_cancelled(DialogCtx& c) {
  c.say(Msg::cancelled, {{"what", c.turn.say(c.spec.title)}});
}
void say_timed_out(DialogCtx& c) {
  c.say(Msg::timed_out, {{"what", c.turn.say(c.spec.title)},
                         {"minutes", std::to_string(c.turn.config.dialogs.timeout_s / 60)},
                         {"command", std::string(c.spec.restart)}});
}

// state    input          guard         action          next
constexpr std::array<Transition, 5> kCommon = {{
    {kAny, Input::back, has_previous, nullptr, kBack},
    {kAny, Input::back, nullptr, say_first_step, kSame},
    {kAny, Input::cancel, nullptr, say_cancelled, kEnd},
    {kAny, Input::timeout, nullptr, say_timed_out, kEnd},
    // An answer no row takes (a dialog's table should not let this happen): ask again.
    {kAny, Input::answer, nullptr, nullptr, kSame},
}};

// Names one dialog among a person's dialogs: from the event that began it (platforms name each
// event once) and the time, so that dialogs begun one after another never share it.
std::string dialog_token(const Turn& turn) {
  std::uint32_t h = 2166136261u;  // FNV-1a, 32 bits: short enough for a button's data
  auto mix = [&h](std::string_view s) {
    for (unsigned char ch : s) h = (h ^ ch) * 16777619u;
  };
  if (const InboundEvent* ev = turn.origin.event) {
    mix(ev->adapter);
    mix(":");
    mix(ev->event_id);
  }
  mix(":");
  mix(std::to_string(turn.now));
  std::string out;
  do {
    out += "0123456789abcdefghijklmnopqrstuvwxyz"[h % 36];
    h /= 36;
  } while (h != 0);
  return out;
}

// Whether a question may be asked in the group the dialog is in: only where the platform says
// what a message replies to, since in a group only a reply (or a button) answers it.
bool answerable_in_group(const Turn& turn, const std::string& adapter) {
  const AdapterConfig* platform = turn.config.adapter(adapter);
  return platform == nullptr || platform->capabilities.replies;
}

const StateSpec* find_state(const DialogSpec& spec, std::string_view name) {
  for (const auto& s : spec.states) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

}  // namespace

void hint_yes_no(DialogCtx& c) {
  c.say(Msg::yes_no_hint);
}

std::vector<std::vector<Button>> DialogCtx::yes_no_buttons(Msg no_label) {
  return {{button(turn.say(Msg::submit_button), "yes"), button(turn.say(no_label), "no")}};
}

std::span<const Transition> common_transitions() {
  return kCommon;
}

std::string encode_dialog_data(const Answers& answers, const std::vector<std::string>& path,
                               const Choices& choices) {
  nlohmann::json j = {{"answers", answers}, {"path", path}};
  if (!choices.empty()) j["choices"] = choices;
  return j.dump();
}

namespace {

// Reads a dialog's data as a stream of SAX events into its three parts, with no tree in between
// (issue 10: ~20 nodes and strings per update). Only what encode_dialog_data writes counts: an
// answer or a step that is not a string is skipped, a choice that is not one is "".
class DialogDataReader final : public nlohmann::json_sax<nlohmann::json> {
 public:
  Answers answers;
  std::vector<std::string> path;
  Choices choices;

  bool null() override { return scalar(nullptr); }
  bool boolean(bool) override { return scalar(nullptr); }
  bool number_integer(number_integer_t) override { return scalar(nullptr); }
  bool number_unsigned(number_unsigned_t) override { return scalar(nullptr); }
  bool number_float(number_float_t, const string_t&) override { return scalar(nullptr); }
  bool string(string_t& v) override { return scalar(&v); }
  bool binary(binary_t&) override { return scalar(nullptr); }
  bool start_object(std::size_t) override {
    if (depth_ == 0) object_ = true;
    if (depth_ == 1 && key_ == "answers") in_ = In::answers;
    if (depth_ == 2) scalar(nullptr);
    ++depth_;
    return true;
  }
  bool key(string_t& k) override {
    if (depth_ == 1) {  // a key given twice: the last one counts, as in a JSON tree
      key_ = k;
      if (key_ == "answers") answers.clear();
      if (key_ == "path") path.clear();
      if (key_ == "choices") choices.clear();
    }
    if (depth_ == 2) answer_key_ = k;
    return true;
  }
  bool end_object() override { return end(); }
  bool start_array(std::size_t) override {
    if (depth_ == 1 && key_ == "path") in_ = In::path;
    if (depth_ == 1 && key_ == "choices") in_ = In::choices;
    if (depth_ == 2) scalar(nullptr);
    ++depth_;
    return true;
  }
  bool end_array() override { return end(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }
  bool is_object() const { return object_; }

 private:
  enum class In { none, answers, path, choices };

  bool scalar(std::string* v) {
    if (depth_ != 2) return true;
    switch (in_) {
      case In::answers:
        if (v) {
          answers[answer_key_] = std::move(*v);
        } else {
          answers.erase(answer_key_);
        }
        break;
      case In::path:
        if (v) path.push_back(std::move(*v));
        break;
      case In::choices:
        choices.push_back(v ? std::move(*v) : std::string());
        break;
      case In::none:
        break;
    }
    return true;
  }
  bool end() {
    if (--depth_ == 1) in_ = In::none;
    return true;
  }

  int depth_ = 0;
  bool object_ = false;
  In in_ = In::none;
  std::string key_;
  std::string answer_key_;
};

}  // namespace

void decode_dialog_data(const std::string& data, Answers& answers, std::vector<std::string>& path,
                        Choices* choices) {
  DialogDataReader r;
  if (!nlohmann::json::sax_parse(data, &r, nlohmann::json::input_format_t::json, true) ||
      !r.is_object()) {
    return;
  }
  if (answers.empty()) {
    answers = std::move(r.answers);
  } else {
    for (auto& [k, v] : r.answers) answers[k] = std::move(v);
  }
  path.insert(path.end(), std::make_move_iterator(r.path.begin()),
              std::make_move_iterator(r.path.end()));
  if (choices) {
    choices->insert(choices->end(), std::make_move_iterator(r.choices.begin()),
                    std::make_move_iterator(r.choices.end()));
  }
}

std::optional<std::string> pressed_choice(const DialogRecord& d, std::string_view pressed) {
  // "<state>.<index>.<token>"; buttons sent before dialogs had tokens lack the last part.
  auto dot = pressed.find('.');
  if (dot == std::string_view::npos || pressed.substr(0, dot) != d.state) return std::nullopt;
  std::string_view rest = pressed.substr(dot + 1);
  std::string_view token;
  if (auto second = rest.find('.'); second != std::string_view::npos) {
    token = rest.substr(second + 1);
    rest = rest.substr(0, second);
  }
  std::size_t index = 0;
  auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), index);
  if (ec != std::errc() || end != rest.data() + rest.size()) return std::nullopt;
  Answers answers;
  std::vector<std::string> path;
  Choices choices;
  decode_dialog_data(d.data, answers, path, &choices);
  auto own = answers.find(kDialogToken);
  if (token != (own == answers.end() ? std::string() : own->second)) return std::nullopt;
  if (index >= choices.size()) return std::nullopt;
  return choices[index];
}

void DialogCtx::say(std::string body, std::vector<std::vector<Button>> buttons) {
  OutboundMessage m;
  m.adapter = record.adapter;
  m.chat = record.chat;
  m.thread = record.thread;
  m.private_chat = record.private_chat;
  if (record.private_chat) {
    // Where private chats are not named by the user id, the adapter may have to open one.
    if (auto who = turn.store.people.identity(record.person_id, record.adapter)) m.user = who->user;
  } else {
    // Several people may be in dialogs in one group: every question names whom it asks and
    // answers the message it follows.
    body = turn.say(Msg::addressed, {{"name", turn.person.name}, {"text", body}});
    const InboundEvent* ev = turn.origin.event;
    if (ev && ev->adapter == record.adapter && ev->chat == record.chat) m.reply_to = ev->message_id;
  }
  m.text = std::move(body);
  m.route = Route{RouteKind::dialog, record.person_id}.str();
  // In a group the answer must come back as a reply (privacy-mode bots see nothing else).
  m.force_reply = !record.private_chat && buttons.empty() && !m.reply_to.empty();
  m.buttons = std::move(buttons);
  turn.send(std::move(m));
}

Button DialogCtx::button(std::string label, std::string_view value) {
  // The question's state names the question, so a press on an older question's button is not
  // read as an answer to the current one; a value offered twice keeps its index.
  auto it = std::find(choices.begin(), choices.end(), value);
  auto index = static_cast<std::size_t>(it - choices.begin());
  if (it == choices.end()) choices.emplace_back(value);
  std::string data = record.state + "." + std::to_string(index);
  if (auto token = answers.find(kDialogToken); token != answers.end()) data += "." + token->second;
  return Button{std::move(label), Route{RouteKind::dialog, record.person_id, data}.str()};
}

const DialogSpec* DialogRunner::spec(std::string_view kind) const {
  for (const DialogSpec* s : specs_) {
    if (s->kind == kind) return s;
  }
  return nullptr;
}

void DialogRunner::start(Turn& turn, const DialogSpec& spec, Answers initial) {
  if (auto old = turn.store.dialogs.get(turn.person.id)) {
    if (const DialogSpec* old_spec = this->spec(old->kind)) {
      turn.reply(turn.say(Msg::abandoned, {{"what", turn.say(old_spec->title)}}));
      if (old_spec->abandoned) old_spec->abandoned(turn, turn.person.id);
    }
  }
  DialogRecord record;
  record.person_id = turn.person.id;
  record.kind = std::string(spec.kind);
  record.state = std::string(kStart);
  record.adapter = turn.origin.chat.adapter;
  record.chat = turn.origin.chat.chat;
  record.thread = turn.origin.chat.thread;
  record.private_chat = !turn.in_group();
  record.community_id = turn.community ? turn.community->id : "";
  initial[kDialogToken] = dialog_token(turn);
  std::vector<std::string> path;
  Choices choices;
  run(turn, spec, record, initial, path, choices, Input::begin, "");
}

void DialogRunner::feed(Turn& turn, DialogRecord record, Input input, std::string text) {
  const DialogSpec* s = spec(record.kind);
  if (s == nullptr) {  // a dialog kind this version no longer has
    finish(turn, record);
    return;
  }
  Answers answers;
  std::vector<std::string> path;
  Choices choices;
  decode_dialog_data(record.data, answers, path, &choices);
  run(turn, *s, record, answers, path, choices, input, std::move(text));
}

void DialogRunner::run(Turn& turn, const DialogSpec& spec, DialogRecord& record, Answers& answers,
                       std::vector<std::string>& path, Choices& choices, Input input,
                       std::string text) {
  DialogCtx ctx(turn, spec, record, answers, path, choices, std::move(text));
  const Transition* row = nullptr;
  for (auto table : {spec.table, common_transitions()}) {
    for (const Transition& t : table) {
      if ((t.from == record.state || t.from == kAny) && t.on == input &&
          (!t.guard || t.guard(ctx))) {
        row = &t;
        break;
      }
    }
    if (row) break;
  }
  if (row == nullptr) return;  // unreachable: the common rows take every input but begin
  if (row->action) row->action(ctx);

  if (row->to == kEnd) {
    auto common = common_transitions();
    bool abandoned = row >= common.data() && row < common.data() + common.size();
    if (abandoned && spec.abandoned) spec.abandoned(turn, record.person_id);
    finish(turn, record);
    return;
  }
  if (row->to == kSame) {
    save(turn, record, answers, path, choices);
    return;
  }
  std::string next;
  if (row->to == kBack) {
    next = path.back();
    path.pop_back();
  } else {
    next = std::string(row->to);
    auto earlier = std::find(path.begin(), path.end(), next);
    if (earlier != path.end()) {
      path.erase(earlier, path.end());  // going back to a question answered before
    } else if (record.state != kStart) {
      path.push_back(record.state);
    }
  }
  record.state = next;
  choices.clear();  // the buttons of the question answered: its state no longer matches theirs
  if (const StateSpec* s = find_state(spec, next)) {
    ask(turn, spec, record, answers, path, choices, *s);
  }
  save(turn, record, answers, path, choices);
}

void DialogRunner::ask(Turn& turn, const DialogSpec& spec, DialogRecord& record, Answers& answers,
                       std::vector<std::string>& path, Choices& choices, const StateSpec& state) {
  bool in_group_ok = answerable_in_group(turn, record.adapter);
  if ((state.private_only || !in_group_ok) && !record.private_chat) {
    auto who = turn.store.people.identity(record.person_id, record.adapter);
    if (who) {
      DialogCtx notice(turn, spec, record, answers, path, choices, "");
      notice.say(state.private_only ? Msg::continue_private : Msg::continue_private_chat);
      record.chat = turn.private_address(*who).chat;
      record.thread.clear();
      record.private_chat = true;
    }
  }
  DialogCtx ctx(turn, spec, record, answers, path, choices, "");
  state.ask(ctx);
}

void DialogRunner::save(Turn& turn, DialogRecord& record, const Answers& answers,
                        const std::vector<std::string>& path, const Choices& choices) {
  record.data = encode_dialog_data(answers, path, choices);
  record.updated_at = turn.now;
  turn.store.dialogs.put(record);
  // The deadline is the row's updated_at plus the time-out: the timer is only made to fall due
  // by then, not rewritten at every step; when it fires early, dialog_timeout arms it again.
  turn.arm_by(Timer{TimerKind::dialog, record.person_id},
              turn.now + turn.config.dialogs.timeout_s * 1000);
}

void DialogRunner::finish(Turn& turn, const DialogRecord& record) {
  turn.store.dialogs.erase(record.person_id);
  turn.disarm(Timer{TimerKind::dialog, record.person_id});
}

}  // namespace linli
