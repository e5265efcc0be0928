#pragma once
// The decisions: what Linli does with each event. Pure of I/O: it reads and writes the store
// inside the transaction the dispatcher opened, and every message it sends is an outbox row.

#include <cstdint>

#include "config/config.hpp"
#include "dialogs/command_parser.hpp"
#include "dialogs/dialog.hpp"
#include "dialogs/directory.hpp"
#include "dialogs/message.hpp"
#include "dialogs/ports.hpp"
#include "dialogs/turn.hpp"

namespace linli {

class Engine {
 public:
  Engine(const Config& config, Store& store, const Directory& dir);

  void handle(const InboundEvent& ev, std::int64_t now, Outcome& out);
  // The one polite answer to someone who sends too much too fast, instead of handling `ev`.
  void slow_down(const InboundEvent& ev, std::int64_t now, Outcome& out);
  // A stored timer fell due (the dispatcher has taken it from the timers table). Throws for a
  // timer this version does not know, which the dispatcher parks after its last try.
  void fire(const TimerRecord& timer, std::int64_t now, Outcome& out);
  // A message the sender gave up on: `forbidden` is a private chat the person has not opened
  // yet (held until they do); anything else is a dead letter the coordinators hear about. The
  // row is held or marked dead here, with the decision, in the caller's unit of work.
  void undeliverable(const OutboxRow& row, bool forbidden, const std::string& error,
                     std::int64_t now, Outcome& out);

 private:
  void on_button(Turn& turn);
  bool on_reply(Turn& turn, const std::string& route, const ParsedCommand& cmd);
  void on_command(Turn& turn, const ParsedCommand& cmd);
  void on_dialog_input(Turn& turn, DialogRecord dialog, const ParsedCommand& cmd,
                       const std::string& text);
  void remind_open_dialog(Turn& turn, DialogRecord dialog);
  void unknown_command(Turn& turn, const ParsedCommand& cmd);
  void menu(Turn& turn);
  void start(Turn& turn);
  void start_signup(Turn& turn);
  void start_help(Turn& turn, const std::string& inline_text);
  void start_post(Turn& turn, const std::string& args);
  void set_lang(Turn& turn, const std::string& args);
  Person identify(const InboundEvent& ev, std::int64_t now);
  void purge(std::int64_t now, Outcome& out);
  void dialog_timeout(std::int64_t person_id, std::int64_t now, Outcome& out);

  const Config& config_;
  Store& store_;
  const Directory& dir_;
  DialogRunner dialogs_;
};

}  // namespace linli
