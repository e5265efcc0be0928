#pragma once
// Dialogs as explicit transition tables, in the shape of Boost.SML (`state + event [guard] /
// action = next`) written as plain data. A row is read in the order a person goes through the
// dialog; the runner picks the first row whose state, input and guard match, runs its action,
// and moves on, asking the next state's question.

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dialogs/turn.hpp"

namespace linli {

// What a person's message means to a dialog, whatever the dialog.
enum class Input { begin, answer, yes, no, back, cancel, timeout };

using Answers = std::map<std::string, std::string>;
// Answers that are not a person's but the dialog's own: which dialog this is (its buttons carry
// it, so a button of an earlier dialog answers nothing in a later one), and whether the person
// was told privately that it waits for a reply in its group.
inline constexpr const char* kDialogToken = "dialog_token";
inline constexpr const char* kRemindedInGroup = "reminded_in_group";
// The values of the current question's buttons. A button carries the index of its value, never
// the value itself: a platform's button data is short (Telegram: 64 bytes), a name may not be.
using Choices = std::vector<std::string>;

class DialogCtx;
using Guard = bool (*)(const DialogCtx&);
using Action = void (*)(DialogCtx&);

// Pseudo-states of the tables.
inline constexpr std::string_view kStart = "start";  // before the first question
inline constexpr std::string_view kAny = "*";        // matches every state
inline constexpr std::string_view kEnd = "end";      // the dialog is over
inline constexpr std::string_view kSame = "same";    // stay, the action has said why
inline constexpr std::string_view kBack = "back";    // return to the previous question

struct Transition {
  std::string_view from;
  Input on;
  Guard guard;    // nullptr: always
  Action action;  // nullptr: nothing to do but move
  std::string_view to;
};

struct StateSpec {
  std::string_view name;
  Action ask;         // says the question
  bool private_only;  // asked in the private chat: phone numbers and addresses
  bool yes_no;        // answers are read as yes / no
};

struct DialogSpec {
  std::string_view kind;     // stored in dialogs.kind
  Msg title;                 // "Volunteer sign-up", for "… cancelled"
  std::string_view restart;  // the command that starts it, for "… timed out, send X"
  std::span<const StateSpec> states;
  std::span<const Transition> table;
  // Called when the dialog ends without finishing (cancelled, timed out, or dropped for another
  // dialog), to undo what it was holding; nullptr when there is nothing to undo.
  void (*abandoned)(Turn& turn, std::int64_t person_id) = nullptr;
};

// Rows every dialog shares, tried after its own: back, cancel, time-out.
std::span<const Transition> common_transitions();

// What an action sees: the turn, the dialog's answers so far, and the input.
class DialogCtx {
 public:
  DialogCtx(Turn& turn, const DialogSpec& spec, DialogRecord& record, Answers& answers,
            std::vector<std::string>& path, Choices& choices, std::string text)
      : turn(turn),
        spec(spec),
        record(record),
        answers(answers),
        path(path),
        choices(choices),
        text(std::move(text)) {}

  Turn& turn;
  const DialogSpec& spec;
  DialogRecord& record;
  Answers& answers;
  std::vector<std::string>& path;  // states answered before the current one
  Choices& choices;                // of the current question's buttons
  std::string text;                // the answer, trimmed
  Lang lang() const { return turn.lang; }
  std::string get(const std::string& key) const {
    auto it = answers.find(key);
    return it == answers.end() ? std::string() : it->second;
  }
  // A message in the dialog's chat; in a group it names the person, and a reply to it is
  // routed back to this dialog.
  void say(std::string text, std::vector<std::vector<Button>> buttons = {});
  void say(Msg m, std::initializer_list<Arg> args = {}) { say(turn.say(m, args)); }
  // A button whose press answers this dialog with `value`, as if typed. Its data is a short
  // route whatever the value's length:
  // "d:<person>:<state>.<index of the value in choices>.<the dialog's token>".
  Button button(std::string label, std::string_view value);
  // "Yes, submit" and `no_label`, for a confirmation question.
  std::vector<std::vector<Button>> yes_no_buttons(Msg no_label);
};

// The action of a confirmation state when the answer is neither yes nor no.
void hint_yes_no(DialogCtx& c);

// Runs dialogs for the engine: starting, feeding inputs, timing out. State lives in the
// dialogs table and survives restarts.
class DialogRunner {
 public:
  explicit DialogRunner(std::span<const DialogSpec* const> specs) : specs_(specs) {}

  const DialogSpec* spec(std::string_view kind) const;
  // Starts `spec` for the turn's person in the turn's chat, dropping any dialog they had.
  void start(Turn& turn, const DialogSpec& spec, Answers initial);
  // Feeds one input to the person's open dialog `record`.
  void feed(Turn& turn, DialogRecord record, Input input, std::string text);

 private:
  void run(Turn& turn, const DialogSpec& spec, DialogRecord& record, Answers& answers,
           std::vector<std::string>& path, Choices& choices, Input input, std::string text);
  void ask(Turn& turn, const DialogSpec& spec, DialogRecord& record, Answers& answers,
           std::vector<std::string>& path, Choices& choices, const StateSpec& state);
  void save(Turn& turn, DialogRecord& record, const Answers& answers,
            const std::vector<std::string>& path, const Choices& choices);
  void finish(Turn& turn, const DialogRecord& record);

  std::span<const DialogSpec* const> specs_;
};

// Dialog data on disk: {"answers": {...}, "path": [...], "choices": [...]}.
std::string encode_dialog_data(const Answers& answers, const std::vector<std::string>& path,
                               const Choices& choices = {});
void decode_dialog_data(const std::string& data, Answers& answers, std::vector<std::string>& path,
                        Choices* choices = nullptr);
// The value a pressed button of dialog `d` stands for (`pressed`: what follows "d:<person>:");
// nullopt for a button of a question that is no longer the current one, or of another dialog.
std::optional<std::string> pressed_choice(const DialogRecord& d, std::string_view pressed);

}  // namespace linli
