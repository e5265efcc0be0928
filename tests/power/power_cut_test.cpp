// The power-cut test of issue 10: "acknowledged means durable", shown without pulling a plug.
//
// Each round runs build/linli under the power-cut shim (powercut_shim.cpp, LD_PRELOAD), which
// records every write and every fsync to the database's folder. Several connections deliver
// Telegram updates as the platform does (each user's next update only after the previous one
// was answered 2xx; one not answered is sent again, same update_id, later): volunteers signing
// up, residents asking for help, approved volunteers claiming the tasks whose cards reach the
// volunteers' group, people switching their language. At a random moment, with updates in
// flight, the process is killed with SIGKILL: the power cut. The folder is rebuilt from the
// shim's log as the disk would hold it (powercut_log.cpp: strict, or torn with a seed), a fresh
// linli (no shim) is started on it and stopped, and then every update acknowledged so far, in
// this round or an earlier one, must have survived:
//   - its update_id is recorded as handled (processed_events);
//   - its effect is there: a completed sign-up → the volunteer's row with the name and phone
//     given; a confirmed help request → its row with the details given; a claim of task #N →
//     task N claimed (by whoever won it); "/lang xx" → the person's language is the last one
//     acknowledged, or the one that was in flight at the cut (committed, never answered);
// and the database passes PRAGMA integrity_check. The next round starts from that folder.
//
//   power_cut_test [--synchronous full|normal] [--expect durable|loss] [--rounds R] [--seed S]
//                  [--cut strict|torn|both] [--joiners J] [--residents N] [--volunteers V]
//                  [--concurrency C] [--timeout-s T] [--keep DIR]
//
// --expect loss turns the verdict round: the test passes only when some acknowledged decision
// was lost within the rounds (with "synchronous": "normal" the WAL is synced only at
// checkpoints, so a cut between two loses the commits since). It is the proof that this test
// can fail. Exit code 0 pass, 1 fail, 2 bad command line.

#include <signal.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/power/powercut_log.hpp"
#include "tests/support/fake_telegram.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/telegram_updates.hpp"
#include "tests/support/temp_dir.hpp"

namespace linli::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Steady = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr const char* kToken = "7000000002:AApower-cut-token";
constexpr const char* kSecret = "power-cut_secret-token";
constexpr const char* kWebhookPath = "/telegram/tg";
constexpr std::int64_t kResidents = -1001000000031;
constexpr std::int64_t kVolunteers = -1001000000099;
constexpr std::int64_t kCoordinator = 3001;
constexpr std::int64_t kFirstJoiner = 510001;
constexpr std::int64_t kFirstResident = 520001;
constexpr std::int64_t kFirstVolunteer = 530001;
constexpr int kClaimsPerTask = 2;  // volunteers who try each task; one wins

// ---- Options ----

struct Options {
  std::string synchronous = "full";
  bool expect_loss = false;
  int rounds = 6;
  std::uint64_t seed = std::random_device{}();
  std::string cut = "both";
  int joiners = 12;
  int residents = 12;
  int volunteers = 8;
  int concurrency = 6;
  int timeout_s = 200;
  std::string keep_dir;
};

std::optional<Options> parse_options(int argc, char** argv) {
  Options o;
  std::vector<std::string> a(argv + 1, argv + argc);
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string& k = a[i];
    std::optional<std::string> v;
    if (i + 1 < a.size()) v = a[i + 1];
    auto number = [&](long long lo, long long hi) -> std::optional<long long> {
      if (!v) return std::nullopt;
      try {
        std::size_t used = 0;
        long long n = std::stoll(*v, &used);
        if (used != v->size() || n < lo || n > hi) return std::nullopt;
        ++i;
        return n;
      } catch (const std::exception&) {
        return std::nullopt;
      }
    };
    std::optional<long long> n;
    if (k == "--synchronous" && v && (*v == "full" || *v == "normal")) {
      o.synchronous = *v, ++i;
    } else if (k == "--expect" && v && (*v == "durable" || *v == "loss")) {
      o.expect_loss = *v == "loss", ++i;
    } else if (k == "--cut" && v && (*v == "strict" || *v == "torn" || *v == "both")) {
      o.cut = *v, ++i;
    } else if (k == "--keep" && v) {
      o.keep_dir = *v, ++i;
    } else if (k == "--rounds" && (n = number(1, 1000))) {
      o.rounds = static_cast<int>(*n);
    } else if (k == "--seed" && (n = number(0, std::numeric_limits<long long>::max()))) {
      o.seed = static_cast<std::uint64_t>(*n);
    } else if (k == "--joiners" && (n = number(0, 10'000))) {
      o.joiners = static_cast<int>(*n);
    } else if (k == "--residents" && (n = number(0, 10'000))) {
      o.residents = static_cast<int>(*n);
    } else if (k == "--volunteers" && (n = number(0, 10'000))) {
      o.volunteers = static_cast<int>(*n);
    } else if (k == "--concurrency" && (n = number(1, 256))) {
      o.concurrency = static_cast<int>(*n);
    } else if (k == "--timeout-s" && (n = number(1, 3600))) {
      o.timeout_s = static_cast<int>(*n);
    } else {
      std::cerr << "power_cut_test: bad or unknown argument \"" << k << "\"\n"
                << "usage: power_cut_test [--synchronous full|normal] [--expect durable|loss]\n"
                   "         [--rounds R] [--seed S] [--cut strict|torn|both] [--joiners J]\n"
                   "         [--residents N] [--volunteers V] [--concurrency C]\n"
                   "         [--timeout-s T] [--keep DIR]\n";
      return std::nullopt;
    }
  }
  if (o.joiners + o.residents + o.volunteers == 0) {
    std::cerr << "power_cut_test: nobody to send anything\n";
    return std::nullopt;
  }
  return o;
}

// ---- The workload ----

// What an acknowledged update must have left in the database.
struct Effect {
  enum Kind { step, volunteer, help_request, claim, lang } kind = step;
  std::string text;       // the volunteer's name, the request's details, the language
  std::int64_t task = 0;  // the claimed task's number
};

struct Update {
  std::int64_t update_id = 0;
  std::string body;
  Effect effect;
};

struct Acked {
  std::int64_t update_id = 0;
  std::size_t user = 0;
  Effect effect;
  int round = 0;
};

enum class Kind { joiner, resident, volunteer };

struct User {
  Kind kind = Kind::joiner;
  std::int64_t id = 0;
  bool zh = true;
  int step = 0;                           // updates acknowledged
  std::int64_t asked_with = 0;            // message id of the resident's last "/help" in the group
  bool unasked = false;                   // that "/help" got no question in time (see below)
  std::optional<Update> current;          // being delivered until acknowledged
  std::optional<std::string> lang_acked;  // the last "/lang" acknowledged
};

std::string name_of(std::int64_t id) {
  return "邻居" + std::to_string(id) + "号";
}
std::string phone_of(std::int64_t id) {
  std::string d = std::to_string(id % 100'000'000);
  return "139" + std::string(8 - d.size(), '0') + d;
}

// The users' scripts, and the tasks the volunteers may claim: those whose card reached the
// volunteers' group at the fake. Not thread-safe: Traffic calls it under its mutex.
class Script {
 public:
  Script(const Options& o, const FakeTelegram& fake) : fake_(fake) {
    auto add = [&](Kind k, std::int64_t first, int n) {
      for (int i = 0; i < n; ++i) {
        User u;
        u.kind = k;
        u.id = first + i;
        u.zh = i % 2 == 0;
        users.push_back(u);
      }
    };
    add(Kind::joiner, kFirstJoiner, o.joiners);
    add(Kind::resident, kFirstResident, o.residents);
    add(Kind::volunteer, kFirstVolunteer, o.volunteers);
  }

  // The next update of user `u`, whose previous one was acknowledged.
  Update next(std::size_t u) {
    User& user = users[u];
    TelegramUser who{user.id, "邻居", std::to_string(user.id), "", user.zh ? "zh-hans" : "en"};
    Update up;
    auto send = [&](std::int64_t chat, const std::string& text, Effect e = {},
                    TelegramMessageOptions options = {}) {
      auto m = ups_.message(chat, chat == user.id ? "private" : "supergroup", who, text, options);
      up.body = m.dump();
      if (text.rfind("/help", 0) == 0) user.asked_with = m["message"]["message_id"];
      up.update_id = ups_.last_update_id();
      up.effect = std::move(e);
    };
    auto toggle_lang = [&] {
      std::string l = user.step % 2 == 0 ? "en" : "zh";
      send(user.id, "/lang " + l, {Effect::lang, l, 0});
    };
    const std::string yes = user.zh ? "是" : "yes";
    switch (user.kind) {
      case Kind::joiner:
        switch (user.step) {
          case 0:
            send(user.id, "/join");
            break;
          case 1:
            send(user.id, name_of(user.id));
            break;
          case 2:
            send(user.id, phone_of(user.id));
            break;
          case 3:
            send(user.id, "31");
            break;
          case 4:
            send(user.id, "1 5");
            break;
          case 5:
            send(user.id, "周末 " + std::to_string(user.id));
            break;
          case 6:
            send(user.id, yes, {Effect::volunteer, name_of(user.id), 0});
            break;
          default:
            toggle_lang();
        }
        break;
      case Kind::resident: {
        // One request after another: ask in the group, the category in the group, the rest
        // privately.
        const int k = user.step / 5;
        const std::string details = "水管漏了 " + std::to_string(user.id) + "-" + std::to_string(k);
        switch (user.step % 5) {
          case 0:
            send(kResidents, "/help " + details);
            break;
          case 1: {
            // In a group only a reply or a press answers the bot's question: press the first
            // category of the question the bot asked in answer to this resident's "/help". A
            // press names the dialog, not the message, so it answers whichever copy of the
            // question was pressed (a send on the wire at a cut is sent again).
            auto [question, data] = question_for(user.asked_with);
            user.unasked = question == 0;
            if (user.unasked) {
              // Not asked within the bound (a slow machine): a plain message, handled but no
              // answer, and this request is not expected to exist. Durability is still
              // checked on every update's record.
              send(kResidents, "1");
              break;
            }
            up.body = ups_.callback(kResidents, who, question, data).dump();
            up.update_id = ups_.last_update_id();
            up.effect = {};
            break;
          }
          case 2:
            send(user.id, std::to_string(k + 1) + "单元" + std::to_string(user.id % 1000));
            break;
          case 3:
            send(user.id, "1");
            break;
          default:
            if (user.unasked) {
              send(user.id, yes);
            } else {
              send(user.id, yes, {Effect::help_request, details, 0});
            }
        }
        break;
      }
      case Kind::volunteer:
        if (auto task = task_for(user.id)) {
          send(kVolunteers, "接单 #" + std::to_string(*task), {Effect::claim, "", *task});
        } else {
          toggle_lang();
        }
        break;
    }
    return up;
  }

  std::vector<User> users;

 private:
  // The bot's message in the residents' group that replies to message `asked_with` (the
  // category question) and the data of its first button. Its decision is acknowledged, so it
  // is on its way; waited for, bounded.
  std::pair<std::int64_t, std::string> question_for(std::int64_t asked_with) {
    for (int i = 0; i < 2000; ++i) {
      for (const auto& m : fake_.messages(kResidents)) {
        if (m.reply_to != asked_with || !m.reply_markup.is_object()) continue;
        const auto& first = m.reply_markup.value("inline_keyboard", nlohmann::json::array());
        if (first.empty() || first[0].empty()) continue;
        return {m.message_id, first[0][0].value("callback_data", "")};
      }
      std::this_thread::sleep_for(5ms);
    }
    std::fprintf(stderr, "power_cut_test: no question in reply to message %lld\n",
                 static_cast<long long>(asked_with));
    return {0, ""};  // not asked: the press answers nothing, and the request is reported lost
  }

  // A task this volunteer has not tried yet and fewer than kClaimsPerTask have.
  std::optional<std::int64_t> task_for(std::int64_t volunteer) {
    if (Steady::now() - scanned_ > 20ms) {
      scanned_ = Steady::now();
      for (const auto& m : fake_.messages(kVolunteers)) {
        // A task card begins "#N <category> · ...".
        if (m.text.size() < 2 || m.text[0] != '#') continue;
        std::size_t end = 1;
        while (end < m.text.size() && std::isdigit(static_cast<unsigned char>(m.text[end]))) ++end;
        if (end == 1 || end >= m.text.size() || m.text[end] != ' ') continue;
        tasks_.emplace(std::stoll(m.text.substr(1, end - 1)), std::set<std::int64_t>());
      }
    }
    for (auto& [task, tried] : tasks_) {
      if (static_cast<int>(tried.size()) < kClaimsPerTask && !tried.count(volunteer)) {
        tried.insert(volunteer);
        return task;
      }
    }
    return std::nullopt;
  }

  const FakeTelegram& fake_;
  TelegramUpdates ups_{"linli_bot", 7000000002};
  std::map<std::int64_t, std::set<std::int64_t>> tasks_;  // task → volunteers who tried it
  Steady::time_point scanned_{};
};

// ---- The platform's side ----

// Delivers the users' updates over `concurrency` keep-alive connections, each user's next one
// only after the previous was answered 2xx; one not answered is sent again once the service is
// back. Records exactly which were acknowledged. Threads: one per connection, plus the caller's.
class Traffic {
 public:
  Traffic(Script& script, int concurrency) : script_(script) {
    for (std::size_t i = 0; i < script_.users.size(); ++i) ready_.push_back(i);
    for (int i = 0; i < concurrency; ++i) threads_.emplace_back([this] { run(); });
  }
  ~Traffic() { stop(); }

  void set_round(int round) {
    std::lock_guard lock(mu_);
    round_ = round;
  }
  // The port of the running service, or 0 while it is down.
  void set_port(std::uint16_t port) {
    {
      std::lock_guard lock(mu_);
      port_ = port;
      ++epoch_;
    }
    cv_.notify_all();
  }
  // After set_port(0): waits until no request is on its way (the answers of a dead service
  // fail at once), so that acked() is final.
  bool wait_idle(Steady::time_point deadline) {
    std::unique_lock lock(mu_);
    return cv_.wait_until(lock, deadline, [&] { return busy_ == 0; });
  }
  bool wait_acked(std::size_t n, Steady::time_point deadline) {
    std::unique_lock lock(mu_);
    return cv_.wait_until(lock, deadline, [&] { return acked_.size() >= n; });
  }
  std::size_t in_flight() const {
    std::lock_guard lock(mu_);
    return busy_;
  }
  void stop() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
    threads_.clear();
  }
  std::vector<Acked> acked() const {
    std::lock_guard lock(mu_);
    return acked_;
  }
  // The updates sent and not acknowledged (their users' current ones).
  std::map<std::size_t, Update> unacknowledged() const {
    std::lock_guard lock(mu_);
    std::map<std::size_t, Update> out;
    for (std::size_t i = 0; i < script_.users.size(); ++i) {
      if (script_.users[i].current && sent_.count(script_.users[i].current->update_id)) {
        out.emplace(i, *script_.users[i].current);
      }
    }
    return out;
  }
  std::size_t sent() const {
    std::lock_guard lock(mu_);
    return posts_;
  }

 private:
  void run() {
    std::unique_ptr<HttpClient> client;
    std::uint64_t client_epoch = 0;
    for (;;) {
      std::size_t u = 0;
      std::uint16_t port = 0;
      std::uint64_t epoch = 0;
      Update up;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stopping_ || (port_ != 0 && !ready_.empty()); });
        if (stopping_) return;
        u = ready_.front();
        ready_.pop_front();
        port = port_;
        epoch = epoch_;
        User& user = script_.users[u];
        if (!user.current) user.current = script_.next(u);
        up = *user.current;
        sent_.insert(up.update_id);
        ++busy_;
        ++posts_;
      }
      if (!client || client_epoch != epoch) {
        client = std::make_unique<HttpClient>(port, 10s);
        client_epoch = epoch;
      }
      HttpReply r =
          client->post(kWebhookPath, up.body, {{"X-Telegram-Bot-Api-Secret-Token", kSecret}});
      const bool ok = r.status == 200;
      {
        std::unique_lock lock(mu_);
        --busy_;
        User& user = script_.users[u];
        if (ok) {
          acked_.push_back({up.update_id, u, up.effect, round_});
          if (up.effect.kind == Effect::lang) user.lang_acked = up.effect.text;
          user.current.reset();
          ++user.step;
        } else {
          client.reset();
        }
        ready_.push_back(u);
        if (!ok) cv_.wait_for(lock, 50ms, [&] { return stopping_ || epoch_ != epoch; });
      }
      cv_.notify_all();
    }
  }

  Script& script_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::size_t> ready_;
  std::uint16_t port_ = 0;
  std::uint64_t epoch_ = 0;
  int round_ = 0;
  bool stopping_ = false;
  std::size_t busy_ = 0;
  std::size_t posts_ = 0;
  std::set<std::int64_t> sent_;
  std::vector<Acked> acked_;
  std::vector<std::thread> threads_;
};

// ---- The service's side ----

json service_config(const std::string& db, const std::string& api_base, const Options& o) {
  json volunteers = json::array();
  for (int i = 0; i < o.volunteers; ++i) {
    std::int64_t id = kFirstVolunteer + i;
    volunteers.push_back({{"person", "tg:" + std::to_string(id)},
                          {"name", "师傅" + std::to_string(id)},
                          {"phone", phone_of(id)},
                          {"building", "31"},
                          {"skills", {"repair", "shopping"}},
                          {"availability", "每天"}});
  }
  return {{"server", {{"address", "127.0.0.1"}, {"port", 0}}},
          {"database", db},
          {"synchronous", o.synchronous},
          {"log_level", "info"},
          {"flood", {{"messages_per_minute", 100'000}, {"burst", 10'000}}},
          {"sender", {{"backoff_initial_ms", 20}, {"backoff_max_ms", 200}, {"max_attempts", 50}}},
          {"adapters",
           {{{"type", "telegram"},
             {"name", "tg"},
             {"token", kToken},
             {"secret_token", kSecret},
             {"username", "linli_bot"},
             {"api_base", api_base},
             {"rate_limits",
              {{"per_chat_per_s", 10'000},
               {"per_group_per_min", 600'000},
               {"global_per_s", 100'000},
               {"burst", 1'000}}}}}},
          {"communities",
           {{{"id", "sc"},
             {"name", "山城花园社区"},
             {"coordinators", {"tg:" + std::to_string(kCoordinator)}},
             {"groups",
              {{{"chat", "tg:" + std::to_string(kResidents)},
                {"kind", "residents"},
                {"building", "31"},
                {"title", "31栋居民群"}},
               {{"chat", "tg:" + std::to_string(kVolunteers)},
                {"kind", "volunteers"},
                {"title", "志愿者群"}}}},
             {"volunteers", volunteers}}}}};
}

std::string tail(const std::string& s, std::size_t n = 1500) {
  return s.size() > n ? s.substr(s.size() - n) : s;
}

void copy_folder(const std::string& from, const std::string& to) {
  fs::remove_all(to);
  fs::create_directories(to);
  for (const auto& e : fs::directory_iterator(from)) {
    if (e.is_regular_file()) fs::copy_file(e.path(), fs::path(to) / e.path().filename());
  }
}

// What survived, read from the database after a fresh linli has opened and closed it.
struct Survivors {
  std::string integrity;
  std::set<std::string> events;
  std::set<std::string> volunteers;  // "name|phone"
  std::set<std::string> requests;    // details
  std::map<std::int64_t, std::string> task_status;
  std::map<std::int64_t, std::string> lang;  // Telegram user id → language
};

Survivors read_survivors(const std::string& db_path) {
  Survivors s;
  SQLite::Database db(db_path, SQLite::OPEN_READONLY);
  {
    SQLite::Statement q(db, "PRAGMA integrity_check");
    while (q.executeStep())
      s.integrity += (s.integrity.empty() ? "" : "; ") + q.getColumn(0).getString();
  }
  SQLite::Statement e(db, "SELECT event_id FROM processed_events WHERE adapter = 'tg'");
  while (e.executeStep()) s.events.insert(e.getColumn(0).getString());
  SQLite::Statement v(db, "SELECT name, phone FROM volunteers");
  while (v.executeStep())
    s.volunteers.insert(v.getColumn(0).getString() + "|" + v.getColumn(1).getString());
  SQLite::Statement h(db, "SELECT id, details, status FROM help_requests");
  while (h.executeStep()) {
    s.requests.insert(h.getColumn(1).getString());
    s.task_status[h.getColumn(0).getInt64()] = h.getColumn(2).getString();
  }
  SQLite::Statement l(db,
                      "SELECT i.user_id, p.lang FROM identities i JOIN people p ON p.id = "
                      "i.person_id WHERE i.adapter = 'tg'");
  while (l.executeStep())
    s.lang[std::stoll(l.getColumn(0).getString())] = l.getColumn(1).getString();
  return s;
}

// Every acknowledged update's decision, checked against what survived; one line per loss.
std::vector<std::string> losses(const Script& script, const std::vector<Acked>& acked,
                                const std::map<std::size_t, Update>& unacked, const Survivors& s) {
  std::vector<std::string> lost;
  auto say = [&](const Acked& a, const std::string& what) {
    lost.push_back("update " + std::to_string(a.update_id) + " (round " + std::to_string(a.round) +
                   ", user " + std::to_string(script.users[a.user].id) + "): " + what);
  };
  for (const Acked& a : acked) {
    const User& u = script.users[a.user];
    if (!s.events.count(std::to_string(a.update_id))) say(a, "not recorded as handled");
    switch (a.effect.kind) {
      case Effect::step:
        break;
      case Effect::volunteer:
        if (!s.volunteers.count(a.effect.text + "|" + phone_of(u.id)))
          say(a, "the sign-up is gone");
        break;
      case Effect::help_request:
        if (!s.requests.count(a.effect.text)) say(a, "the help request is gone");
        break;
      case Effect::claim: {
        auto it = s.task_status.find(a.effect.task);
        if (it == s.task_status.end() || (it->second != "claimed" && it->second != "done")) {
          say(a, "task #" + std::to_string(a.effect.task) + " is " +
                     (it == s.task_status.end() ? std::string("gone") : it->second) +
                     " although its claim was acknowledged");
        }
        break;
      }
      case Effect::lang:
        break;  // below, once per person: only the last one acknowledged must hold
    }
  }
  for (std::size_t i = 0; i < script.users.size(); ++i) {
    const User& u = script.users[i];
    if (!u.lang_acked) continue;
    auto it = s.lang.find(u.id);
    std::string now = it == s.lang.end() ? "(no person)" : it->second;
    auto in_flight = unacked.find(i);
    bool ok = now == *u.lang_acked ||
              (in_flight != unacked.end() && in_flight->second.effect.kind == Effect::lang &&
               in_flight->second.effect.text == now);
    if (!ok) {
      lost.push_back("user " + std::to_string(u.id) + ": language " + now + ", but \"/lang " +
                     *u.lang_acked + "\" was acknowledged");
    }
  }
  return lost;
}

// ---- The test ----

int run_test(const Options& o) {
  const auto t0 = Steady::now();
  const auto deadline = t0 + std::chrono::seconds(o.timeout_s);
  TempDir tmp;
  const std::string root = o.keep_dir.empty() ? tmp.path() : o.keep_dir;
  const std::string data = root + "/data";  // the database's folder, the one the shim watches
  fs::remove_all(data);
  fs::create_directories(data);
  const std::string db_path = data + "/linli.db";

  FakeTelegram fake(kToken, "linli_bot", 7000000002);
  const std::string config_path = root + "/config.json";
  std::ofstream(config_path) << service_config(db_path, fake.base_url(), o).dump(2);

  Script script(o, fake);
  Traffic traffic(script, o.concurrency);
  std::mt19937_64 rng(o.seed);
  std::vector<std::string> errors;
  std::vector<std::string> lost;
  std::size_t total_acked_before = 0;
  int rounds_done = 0;
  json rounds = json::array();

  for (int round = 0; round < o.rounds && errors.empty() && lost.empty(); ++round) {
    if (Steady::now() > deadline) break;
    const std::string rdir = root + "/round-" + std::to_string(round);
    fs::create_directories(rdir);
    const std::string baseline = rdir + "/baseline";
    const std::string log = rdir + "/powercut.log";
    copy_folder(data, baseline);
    const power::Cut cut = o.cut == "strict" ? power::Cut::strict
                           : o.cut == "torn" ? power::Cut::torn
                           : round % 2 == 0  ? power::Cut::strict
                                             : power::Cut::torn;
    const std::uint64_t cut_seed = rng();
    // A few dozen to a few hundred acknowledgements in, then 0-20 ms more.
    const std::size_t target =
        total_acked_before + std::uniform_int_distribution<std::size_t>(40, 300)(rng);
    const int delay_ms = std::uniform_int_distribution<int>(0, 20)(rng);

    traffic.set_round(round);
    Process server({LINLI_BINARY, "serve", "--config", config_path}, rdir,
                   {std::string("LD_PRELOAD=") + POWERCUT_SHIM, "POWERCUT_DIR=" + data,
                    "POWERCUT_LOG=" + log});
    std::uint16_t port = server.wait_listening(20s);
    if (port == 0) {
      errors.push_back("round " + std::to_string(round) +
                       ": linli did not start under the shim: " + tail(server.err()));
      break;
    }
    traffic.set_port(port);
    if (!traffic.wait_acked(target, deadline)) {
      errors.push_back("round " + std::to_string(round) + ": time-out before the cut");
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    const std::size_t in_flight = traffic.in_flight();
    server.signal(SIGKILL);  // the power cut
    if (!server.wait_exit(10s)) {
      errors.push_back("the process did not die of SIGKILL within 10 s");
      break;
    }
    traffic.set_port(0);
    if (!traffic.wait_idle(Steady::now() + 20s)) {
      errors.push_back("requests still on their way 20 s after the cut");
      break;
    }
    const std::vector<Acked> acked = traffic.acked();
    const auto unacked = traffic.unacknowledged();

    power::Replay replay;
    try {
      replay = power::rebuild_after_power_cut(baseline, log, data, cut, cut_seed);
    } catch (const std::exception& e) {
      errors.push_back(std::string("rebuilding the folder: ") + e.what());
      break;
    }
    for (const auto& u : replay.unsupported)
      errors.push_back("the shim saw what it cannot replay: " + u);

    // A fresh linli, without the shim, recovers the database; stopped cleanly, then read.
    const std::string vdir = rdir + "/after";
    fs::create_directories(vdir);
    Process fresh({LINLI_BINARY, "serve", "--config", config_path}, vdir);
    if (fresh.wait_listening(20s) == 0) {
      errors.push_back("round " + std::to_string(round) +
                       ": linli did not start on the rebuilt "
                       "folder: " +
                       tail(fresh.err()));
      break;
    }
    fresh.signal(SIGTERM);
    std::optional<int> code = fresh.wait_exit(20s);
    if (code != 0) {
      errors.push_back("round " + std::to_string(round) + ": the fresh linli's SIGTERM: exit " +
                       (code ? std::to_string(*code) : "none") + ": " + tail(fresh.err()));
      break;
    }
    Survivors s;
    try {
      s = read_survivors(db_path);
    } catch (const std::exception& e) {
      errors.push_back(std::string("reading the database: ") + e.what());
      break;
    }
    if (s.integrity != "ok")
      errors.push_back("integrity after round " + std::to_string(round) + ": " + s.integrity);
    lost = losses(script, acked, unacked, s);

    std::size_t this_round = acked.size() - total_acked_before;
    total_acked_before = acked.size();
    ++rounds_done;
    std::size_t volunteers = 0, requests = 0, claims = 0;
    for (const Acked& a : acked) {
      volunteers += a.effect.kind == Effect::volunteer;
      requests += a.effect.kind == Effect::help_request;
      claims += a.effect.kind == Effect::claim;
    }
    std::ostringstream line;
    line << "power_cut_test: round " << round
         << " cut=" << (cut == power::Cut::strict ? "strict" : "torn") << " cut_seed=" << cut_seed
         << " acked_this_round=" << this_round << " in_flight_at_cut=" << in_flight
         << " unacked=" << unacked.size() << " acked_total=" << acked.size() << " (sign-ups "
         << volunteers << ", requests " << requests << ", claims " << claims
         << ") handled_in_db=" << s.events.size() << " log_records=" << replay.records
         << " syncs=" << replay.syncs << " unsynced_writes=" << replay.unsynced_writes
         << " unsynced_bytes=" << replay.unsynced_bytes
         << " torn_kept/dropped_sectors=" << replay.kept_sectors << "/" << replay.dropped_sectors
         << " lost=" << lost.size() << " integrity=" << s.integrity;
    std::cout << line.str() << std::endl;
    rounds.push_back(line.str());
    if (o.keep_dir.empty()) fs::remove_all(baseline);
  }
  traffic.stop();

  for (const auto& e : errors) std::cerr << "power_cut_test: error: " << e << "\n";
  for (std::size_t i = 0; i < lost.size() && i < 12; ++i)
    std::cerr << "power_cut_test: lost: " << lost[i] << "\n";
  const bool ran = errors.empty() && rounds_done > 0;
  const bool pass =
      ran && (o.expect_loss ? !lost.empty() : lost.empty() && rounds_done == o.rounds);
  std::cout << "power_cut_test: " << (pass ? "PASS" : "FAIL") << " synchronous=" << o.synchronous
            << " expect=" << (o.expect_loss ? "loss" : "durable") << " seed=" << o.seed
            << " rounds=" << rounds_done << "/" << o.rounds << " posts=" << traffic.sent()
            << " lost=" << lost.size()
            << " wall=" << std::chrono::duration<double>(Steady::now() - t0).count() << "s"
            << std::endl;
  if (!pass) {
    if (o.expect_loss && ran && lost.empty()) {
      std::cerr << "power_cut_test: nothing acknowledged was lost: the cut cannot tell durable "
                   "from not\n";
    }
    if (!o.expect_loss && rounds_done < o.rounds && errors.empty() && lost.empty()) {
      std::cerr << "power_cut_test: time-out after " << rounds_done << " rounds\n";
    }
    std::cerr << "power_cut_test: replay with --seed " << o.seed << " (and --keep DIR)\n";
  }
  return pass ? 0 : 1;
}

}  // namespace
}  // namespace linli::test

int main(int argc, char** argv) {
  auto options = linli::test::parse_options(argc, argv);
  if (!options) return 2;
  ::signal(SIGPIPE, SIG_IGN);
  try {
    return linli::test::run_test(*options);
  } catch (const std::exception& e) {
    std::cerr << "power_cut_test: " << e.what() << "\n";
    return 1;
  }
}
