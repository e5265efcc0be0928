// linli-loadgen: the C++ load generator of bench/ (bench/README.md). It plays the same
// workloads as bench/loadgen.js — Linli's own sign-up and help dialogs over the Telegram
// adapter — because the Node driver tops out near 8,000–9,000 updates/s on two cores.
//
// One process, one io_context thread: a fake Telegram Bot API (the methods Linli calls,
// Telegram-shaped answers, 401 for a wrong token) and a webhook client that delivers updates
// like Telegram does (at most --conns keep-alive connections, one update each at a time, the
// secret header). A user sends its next message only once the bot's sendMessage for the
// previous one has arrived AND the webhook POST was answered: a closed loop with N users, or
// paced by --think-ms/--ramp-ms like loadgen.js, or at an offered --rate (updates/s).
//
// Every answer is checked (the text prefix expected at that step, exactly one per update, the
// observer chat's extra message per completed user, the rows stored in the bot's SQLite file),
// so a broken run is reported as broken, not as fast. Figures: updates/s, latency webhook →
// sendMessage (p50/p90/p99/max), the bot's CPU over the measured window from /proc/<pid>/stat
// (user and kernel apart), its peak RSS (VmHWM). One RESULT line on stdout, the same JSON line
// as loadgen.js with --out, exit 0 only if every check held.
//
// It is started by bench/run.sh (LOADGEN=cpp), which starts the bot after the fake API port
// opens and writes the bot's pid to --bot-pid-file.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>
#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using json = nlohmann::json;

constexpr std::int64_t kBotId = 7000000001;
constexpr std::string_view kBotUsername = "bench_volunteer_bot";
constexpr std::int64_t kWarmupIdBase = 200000000;
constexpr std::int64_t kMeasuredIdBase = 300000000;
constexpr std::int64_t kProbeChat = 99000001;

// ------------------------------------------------------------------ options ---

struct Options {
  std::string scenario = "linli-signup-1k";
  std::string label = "linli";
  std::string workload = "linli-signup";  // linli-signup | linli-help
  std::uint16_t api_port = 18081;
  std::uint16_t webhook_port = 18443;
  std::string webhook_path = "/webhook";
  std::string token = "7000000001:bench-AAHfakeTokenForLoopbackOnly";
  std::string secret = "bench-secret-2f6c1e";
  std::string bot_pid_file;
  std::string data_dir;  // the bot's BOT_DATA_DIR: its SQLite file is read for the row count
  std::string stats_db = "linli.db";
  std::string out;
  int users = 1000;
  int warmup = 300;
  int conns = 40;
  int think_ms = 0;
  int ramp_ms = 0;
  double rate = 0;  // offered updates/s; 0: closed loop (with think_ms)
  int reply_timeout_ms = 10000;
  int deadline_s = 240;
  int ready_timeout_s = 30;
  int settle_ms = 300;
  std::int64_t observer_chat = 0;  // set from the workload unless given
};

struct Preset {
  std::string_view name, workload;
  int users, think_ms, ramp_ms;
  double rate;
};
constexpr Preset kPresets[] = {
    {"linli-signup-1k", "linli-signup", 1000, 0, 0, 0},
    {"linli-signup-10k", "linli-signup", 10000, 0, 0, 0},
    {"linli-paced-1k", "linli-signup", 1000, 2000, 2000, 0},
    {"linli-rate-500", "linli-signup", 1000, 0, 0, 500},
    {"linli-help-1k", "linli-help", 1000, 0, 0, 0},
    {"linli-help-10k", "linli-help", 10000, 0, 0, 0},
};

[[noreturn]] void usage(const std::string& why) {
  std::cerr << "linli-loadgen: " << why << "\n"
            << "usage: linli-loadgen --scenario NAME [--users N] [--warmup N] [--conns N]\n"
               "  [--think-ms MS] [--ramp-ms MS] [--rate UPDATES_PER_S] [--workload "
               "linli-signup|linli-help]\n"
               "  [--label L] [--out FILE.jsonl] [--bot-pid-file F] [--api-port P] "
               "[--webhook-port P]\n"
               "  [--webhook-path /p] [--reply-timeout-ms MS] [--deadline-s S]\n"
               "scenarios: linli-signup-1k linli-signup-10k linli-paced-1k linli-rate-500 "
               "linli-help-1k linli-help-10k\n"
               "environment as for loadgen.js: API_PORT WEBHOOK_PORT WEBHOOK_PATH BOT_TOKEN "
               "WEBHOOK_SECRET BOT_DATA_DIR USERS WARMUP_USERS MAX_CONN THINK_MS RAMP_MS RATE "
               "RESULTS_OUT TARGET_LABEL\n";
  std::exit(2);
}

long to_long(const std::string& key, const std::string& v) {
  char* end = nullptr;
  long n = std::strtol(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || n < 0) usage(key + ": not a number: " + v);
  return n;
}

Options parse_options(int argc, char** argv) {
  std::map<std::string, std::string> a;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    if (k.rfind("--", 0) != 0) usage("unexpected argument " + k);
    auto eq = k.find('=');
    if (eq != std::string::npos) {
      a[k.substr(2, eq - 2)] = k.substr(eq + 1);
    } else {
      if (i + 1 >= argc) usage(k + " needs a value");
      a[k.substr(2)] = argv[++i];
    }
  }
  // A flag wins over the environment, which wins over the preset.
  auto get = [&](const std::string& flag, const char* env) -> std::optional<std::string> {
    if (auto it = a.find(flag); it != a.end()) return it->second;
    if (env != nullptr) {
      if (const char* v = std::getenv(env); v != nullptr && *v != '\0') return std::string(v);
    }
    return std::nullopt;
  };
  Options o;
  o.scenario = get("scenario", "SCENARIO").value_or(o.scenario);
  const Preset* preset = nullptr;
  for (const auto& p : kPresets) {
    if (p.name == o.scenario) preset = &p;
  }
  if (preset != nullptr) {
    o.workload = preset->workload;
    o.users = preset->users;
    o.think_ms = preset->think_ms;
    o.ramp_ms = preset->ramp_ms;
    o.rate = preset->rate;
  } else if (!a.count("workload") && std::getenv("WORKLOAD") == nullptr) {
    usage("unknown scenario " + o.scenario + " (give --workload for a scenario of your own)");
  }
  auto num = [&](const std::string& flag, const char* env, auto& field) {
    if (auto v = get(flag, env))
      field = static_cast<std::decay_t<decltype(field)>>(to_long(flag, *v));
  };
  o.workload = get("workload", "WORKLOAD").value_or(o.workload);
  if (o.workload != "linli-signup" && o.workload != "linli-help")
    usage("unknown workload " + o.workload);
  o.label = get("label", "TARGET_LABEL").value_or(o.label);
  num("api-port", "API_PORT", o.api_port);
  num("webhook-port", "WEBHOOK_PORT", o.webhook_port);
  o.webhook_path = get("webhook-path", "WEBHOOK_PATH").value_or(o.webhook_path);
  o.token = get("token", "BOT_TOKEN").value_or(o.token);
  o.secret = get("secret", "WEBHOOK_SECRET").value_or(o.secret);
  o.bot_pid_file = get("bot-pid-file", nullptr).value_or("");
  o.data_dir = get("data-dir", "BOT_DATA_DIR").value_or("");
  o.out = get("out", "RESULTS_OUT").value_or("");
  num("users", "USERS", o.users);
  num("warmup", "WARMUP_USERS", o.warmup);
  num("conns", "MAX_CONN", o.conns);
  num("think-ms", "THINK_MS", o.think_ms);
  num("ramp-ms", "RAMP_MS", o.ramp_ms);
  if (auto v = get("rate", "RATE")) o.rate = static_cast<double>(to_long("rate", *v));
  num("reply-timeout-ms", "REPLY_TIMEOUT_MS", o.reply_timeout_ms);
  num("deadline-s", "SCENARIO_DEADLINE_S", o.deadline_s);
  num("ready-timeout-s", "READY_TIMEOUT_S", o.ready_timeout_s);
  num("settle-ms", "SETTLE_MS", o.settle_ms);
  const bool help = o.workload == "linli-help";
  // The chat that gets one more message per completed user (bench/linli/README.md): the
  // coordinator's review request after a sign-up, the task card after a help request.
  const char* observer_env = help ? "LINLI_VOLUNTEERS_CHAT" : "LINLI_COORDINATOR_ID";
  std::string observer =
      get("observer-chat", observer_env).value_or(help ? "-1009000000002" : "99000777");
  o.observer_chat = std::strtoll(observer.c_str(), nullptr, 10);
  if (o.users < 1 || o.conns < 1) usage("users and conns must be at least 1");
  return o;
}

// ----------------------------------------------------------------- workload ---

// What each step sends and the prefix Linli's English catalogue answers it with
// (dialogs/catalogue.cpp); the users write with language_code "en" in private chats.
struct Step {
  std::string text;
  std::string_view expect;
};

constexpr std::string_view kNames[] = {"Ada",   "Bob",  "Chen", "Dana",  "Emil", "Fatima",
                                       "Goran", "Hana", "Ivan", "Julia", "Kofi", "Lena"};
constexpr std::string_view kFree[] = {"weekday evenings", "weekends", "any time",
                                      "mornings before 9"};
constexpr std::string_view kNeeds[] = {"the kitchen pipe is leaking", "need medicine picked up",
                                       "groceries for two days", "a lift to the clinic",
                                       "someone to talk to"};

// Categories whose requests are posted in a group (2 medical and 4 counselling go privately to
// volunteers with the skill instead, issue 11): the workload's card per request in the group.
constexpr int kPublicCategories[] = {1, 3, 5, 6, 7, 8};

std::vector<Step> steps_for(const std::string& workload, int idx, std::int64_t user_id) {
  const std::string building = std::to_string(1 + idx % 120);
  if (workload == "linli-help") {
    return {
        {"/help", "Help request (1/4)"},
        {std::to_string(kPublicCategories[idx % 6]), "Help request (2/4)"},
        {std::string(kNeeds[idx % 5]), "Help request (3/4)"},
        // A private chat has no group to take the building from: the address names it.
        {building + "-" + std::to_string(1 + idx % 4) + "-" + std::to_string(101 + idx % 30),
         "Help request (4/4)"},
        {std::to_string(1 + idx % 2), "Please check your request"},
        {"yes", "Submitted as #"},
    };
  }
  char phone[32];
  std::snprintf(phone, sizeof phone, "1%d%09lld", 3 + idx % 7,
                static_cast<long long>(user_id % 1000000000));
  return {
      {"/join", "Volunteer sign-up (1/5)"},
      {std::string(kNames[idx % 12]) + " V" + std::to_string(user_id % 100000),
       "Volunteer sign-up (2/5)"},
      {phone, "Volunteer sign-up (3/5)"},
      {building, "Volunteer sign-up (4/5)"},
      {std::to_string(1 + idx % 8) + " " + std::to_string(1 + (idx + 3) % 8),
       "Volunteer sign-up (5/5)"},
      {std::string(kFree[idx % 4]), "Please check your sign-up"},
      {"yes", "Submitted!"},
  };
}

std::string_view observer_prefix(const std::string& workload) {
  return workload == "linli-help" ? "#" : "New volunteer to review";
}

// A JSON string literal (the texts and descriptions here are short; nlohmann escapes them).
void append_json_string(std::string& out, std::string_view s) {
  out += json(s).dump(-1, ' ', false, json::error_handler_t::replace);
}

struct Phase;

struct User {
  Phase* phase = nullptr;  // an answer that comes after its phase counts there, not in the next
  int idx = 0;
  std::int64_t id = 0;
  std::vector<Step> steps;
  std::string from_json, chat_json;
  std::size_t step = 0;
  int message_id = 0;
  bool awaiting_reply = false, awaiting_http = false, done = false, failed = false;
  Clock::time_point sent{};
};

// --------------------------------------------------------------- /proc reads ---

std::string read_file(const std::string& path) {
  std::ifstream f(path);
  if (!f) return {};
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::vector<int> process_tree(int pid) {
  std::vector<int> out, stack{pid};
  while (!stack.empty()) {
    int p = stack.back();
    stack.pop_back();
    if (!std::filesystem::exists("/proc/" + std::to_string(p) + "/stat")) continue;
    out.push_back(p);
    std::error_code ec;
    for (const auto& t :
         std::filesystem::directory_iterator("/proc/" + std::to_string(p) + "/task", ec)) {
      std::istringstream children(read_file(t.path().string() + "/children"));
      int c = 0;
      while (children >> c) stack.push_back(c);
    }
  }
  return out;
}

struct Cpu {
  double user_s = 0, sys_s = 0;
};

// utime and stime of a process tree (fields 14 and 15 of /proc/<pid>/stat, after the
// command name, which may hold spaces and parentheses).
Cpu tree_cpu(int pid) {
  Cpu c;
  if (pid <= 0) return c;
  static const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  for (int p : process_tree(pid)) {
    std::string s = read_file("/proc/" + std::to_string(p) + "/stat");
    auto close = s.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream in(s.substr(close + 2));
    std::string field;
    for (int i = 0; i < 11 && in >> field; ++i) {
    }
    unsigned long long ut = 0, st = 0;
    in >> ut >> st;
    c.user_s += static_cast<double>(ut) / tick;
    c.sys_s += static_cast<double>(st) / tick;
  }
  return c;
}

long status_kb(int pid, std::string_view key) {
  std::istringstream in(read_file("/proc/" + std::to_string(pid) + "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() > key.size() && line.compare(0, key.size(), key) == 0 &&
        line[key.size()] == ':')
      return std::strtol(line.c_str() + key.size() + 1, nullptr, 10);
  }
  return 0;
}

long tree_kb(int pid, std::string_view key) {
  long sum = 0;
  if (pid > 0) {
    for (int p : process_tree(pid)) sum += status_kb(p, key);
  }
  return sum;
}

struct MachineCpu {
  double total = 0, busy = 0, steal = 0;
};
MachineCpu machine_cpu() {
  std::istringstream in(read_file("/proc/stat"));
  std::string cpu;
  double v[8] = {};
  in >> cpu;
  for (double& x : v) in >> x;
  MachineCpu m;
  for (double x : v) m.total += x;
  m.busy = v[0] + v[1] + v[2] + v[5] + v[6];
  m.steal = v[7];
  return m;
}

double own_cpu_s() {
  rusage r{};
  getrusage(RUSAGE_SELF, &r);
  return static_cast<double>(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
         static_cast<double>(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
}

// -------------------------------------------------------------------- phase ---

struct PhaseResult {
  int users = 0, completed = 0;
  long updates = 0, replies = 0, lost = 0, dup = 0, late = 0, wrong = 0, http_errors = 0,
       net_errors = 0, extra = 0, extra_expected = 0, extra_wrong = 0;
  std::map<int, long> http_status;
  double wall_s = 0, p50 = NAN, p90 = NAN, p99 = NAN, max = NAN;
  Cpu cpu;
  double driver_cpu_s = 0, busy_cores = NAN, steal_pct = NAN;
  long rss_peak_kb = 0;
  std::string first_wrong;
};

class LoadGen;

// One phase (warm-up or measured): its users, the queue of users waiting for a connection,
// its counters and its measured window. Lives on the io_context thread.
struct Phase {
  std::string name;
  std::vector<std::unique_ptr<User>> users;
  std::deque<User*> queue;  // ready to send, waiting for a connection (or for a paced slot)
  std::vector<double> latency_ms;
  PhaseResult r;
  int finished = 0;
  bool started = false, ended = false, all_done = false;
  Clock::time_point t_first{}, t_last{}, t_all_done{};
  long extra_at_start = 0, extra_wrong_at_start = 0;
  Cpu cpu0;
  MachineCpu mach0;
  double drv0 = 0;
  int think_ms = 0;
  double rate = 0;
  double paced_sent = 0;
  Clock::time_point pace_t0{};
};

// ---------------------------------------------------------------- the driver ---

class LoadGen {
 public:
  explicit LoadGen(Options o) : o_(std::move(o)), acceptor_(ioc_), tick_(ioc_) {}

  int run();

 private:
  // fake Bot API
  net::awaitable<void> accept_loop();
  net::awaitable<void> api_session(tcp::socket s);
  http::response<http::string_body> api_handle(const http::request<http::string_body>& req);
  void on_send_message(std::int64_t chat, const std::string& text);

  // webhook client
  struct Conn {
    explicit Conn(net::io_context& ioc) : stream(ioc) {}
    beast::tcp_stream stream;
    beast::flat_buffer buf;
    bool open = false;
  };
  net::awaitable<void> post(Conn* c, User* u, std::string body);
  void http_done(User* u, int status);
  void pump();
  void dispatch(User* u, Conn* c);
  std::string update_body(User& u);

  // users and phases
  void make_users(Phase& ph, int n, std::int64_t id_base);
  void on_reply(User* u, const std::string& text);
  void advance(User* u);
  void enqueue(User* u);
  void finish_user(User* u, bool ok);
  void phase_start();
  void maybe_end_phase();
  void end_phase();
  net::awaitable<void> ticker();
  net::awaitable<void> main_flow();
  net::awaitable<bool> wait_port(std::uint16_t port, int timeout_s);
  net::awaitable<void> secret_probe();
  // Linli's counters from GET /metrics on the webhook port (commits, WAL pages); empty when
  // the bot serves none (another bot), so the figures are then left out of the result.
  net::awaitable<std::map<std::string, double>> bot_counters();
  std::optional<long> stored_rows();
  void sleep_ms(int ms, std::function<void()> then);

  Options o_;
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  net::steady_timer tick_;
  std::vector<std::unique_ptr<Conn>> conns_;
  std::vector<Conn*> free_;
  std::unordered_map<std::int64_t, User*> by_chat_;
  std::vector<std::unique_ptr<Phase>> phases_;  // kept to the end: late answers find their user
  Phase* ph_ = nullptr;                         // the current one
  int bot_pid_ = 0;
  long update_id_ = 1000;
  std::int64_t next_message_id_ = 1;
  std::map<std::string, long> api_counts_;
  long api_errors_ = 0, unknown_chat_ = 0, observer_count_ = 0, observer_wrong_ = 0;
  Clock::time_point observer_last_{};
  long rss_peak_kb_ = 0;
  std::string secret_check_ = "skip";
  std::string set_webhook_ = "no";
  int exit_code_ = 1;
  std::optional<PhaseResult> warm_;
};

// ---- fake Bot API

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

http::response<http::string_body> LoadGen::api_handle(const http::request<http::string_body>& req) {
  http::response<http::string_body> res{http::status::ok, req.version()};
  res.set(http::field::content_type, "application/json");
  res.keep_alive(req.keep_alive());
  auto answer = [&](http::status st, std::string body) {
    res.result(st);
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
  };
  auto error = [&](int code, std::string_view description) {
    ++api_errors_;
    std::string b = "{\"ok\":false,\"error_code\":" + std::to_string(code) + ",\"description\":";
    append_json_string(b, description);
    return answer(static_cast<http::status>(code), b + "}");
  };
  std::string_view target = req.target();
  if (auto q = target.find('?'); q != std::string_view::npos) target = target.substr(0, q);
  const std::string prefix = "/bot";
  auto slash = target.rfind('/');
  if (target.rfind(prefix, 0) != 0 || slash == std::string_view::npos || slash < prefix.size())
    return error(404, "Not Found");
  if (target.substr(prefix.size(), slash - prefix.size()) != o_.token)
    return error(401, "Unauthorized");
  const std::string method = lower(std::string(target.substr(slash + 1)));
  ++api_counts_[method];
  json params = json::object();
  if (!req.body().empty()) {
    params = json::parse(req.body(), nullptr, /*allow_exceptions=*/false);
    if (!params.is_object()) return error(400, "Bad Request: the body is not a JSON object");
  }
  auto chat_of = [](const json& p) -> std::optional<std::int64_t> {
    auto it = p.find("chat_id");
    if (it == p.end()) return std::nullopt;
    if (it->is_number_integer()) return it->get<std::int64_t>();
    if (it->is_string()) return std::strtoll(it->get<std::string>().c_str(), nullptr, 10);
    return std::nullopt;
  };
  const std::string bot_from = "{\"id\":" + std::to_string(kBotId) +
                               ",\"is_bot\":true,\"first_name\":\"Bench Volunteer Bot\","
                               "\"username\":\"" +
                               std::string(kBotUsername) + "\"}";
  const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  if (method == "sendmessage" || method == "editmessagetext") {
    auto chat = chat_of(params);
    auto text = params.find("text");
    if (!chat) return error(400, "Bad Request: chat_id is empty");
    if (text == params.end() || !text->is_string() || text->get<std::string>().empty())
      return error(400, "Bad Request: message text is empty");
    std::int64_t id =
        method == "sendmessage" ? next_message_id_++ : params.value("message_id", std::int64_t{0});
    std::string b = "{\"ok\":true,\"result\":{\"message_id\":" + std::to_string(id) +
                    ",\"from\":" + bot_from + ",\"chat\":{\"id\":" + std::to_string(*chat) +
                    ",\"type\":\"" + (*chat < 0 ? "group" : "private") +
                    "\"},\"date\":" + std::to_string(now_s) + ",\"text\":";
    append_json_string(b, text->get<std::string>());
    b += "}}";
    if (method == "sendmessage") on_send_message(*chat, text->get<std::string>());
    return answer(http::status::ok, std::move(b));
  }
  if (method == "getme") {
    return answer(http::status::ok, "{\"ok\":true,\"result\":" + bot_from + "}");
  }
  if (method == "setwebhook") {
    set_webhook_ = "yes";
    return answer(http::status::ok,
                  "{\"ok\":true,\"result\":true,\"description\":\"Webhook was set\"}");
  }
  if (method == "deletewebhook" || method == "answercallbackquery" || method == "sendchataction" ||
      method == "setmycommands" || method == "deletemessage" ||
      method == "editmessagereplymarkup") {
    return answer(http::status::ok, "{\"ok\":true,\"result\":true}");
  }
  if (method == "getwebhookinfo") {
    return answer(http::status::ok,
                  "{\"ok\":true,\"result\":{\"url\":\"\",\"pending_update_count\":0}}");
  }
  --api_counts_[method];
  return error(404, "Not Found: method not found");
}

net::awaitable<void> LoadGen::api_session(tcp::socket s) {
  beast::tcp_stream stream(std::move(s));
  beast::flat_buffer buf;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(1 << 20);
    beast::error_code ec;
    co_await http::async_read(stream, buf, parser, net::redirect_error(net::use_awaitable, ec));
    if (ec) co_return;  // end_of_stream is the normal close
    auto res = api_handle(parser.get());
    co_await http::async_write(stream, res, net::redirect_error(net::use_awaitable, ec));
    if (ec || !res.keep_alive()) co_return;
  }
}

net::awaitable<void> LoadGen::accept_loop() {
  for (;;) {
    beast::error_code ec;
    tcp::socket s = co_await acceptor_.async_accept(net::redirect_error(net::use_awaitable, ec));
    if (ec == net::error::operation_aborted) co_return;
    if (ec) continue;
    s.set_option(tcp::no_delay(true), ec);
    net::co_spawn(ioc_, api_session(std::move(s)), net::detached);
  }
}

void LoadGen::on_send_message(std::int64_t chat, const std::string& text) {
  if (chat == o_.observer_chat) {
    ++observer_count_;
    observer_last_ = Clock::now();
    if (text.rfind(observer_prefix(o_.workload), 0) != 0) {
      if (++observer_wrong_ <= 3)
        std::cerr << "[loadgen] unexpected message to the observer chat: " << text.substr(0, 120)
                  << "\n";
    }
    maybe_end_phase();
    return;
  }
  auto it = by_chat_.find(chat);
  if (it == by_chat_.end() || !ph_) {
    // Also every answer to the forged update of the secret probe (chat kProbeChat).
    ++unknown_chat_;
    return;
  }
  on_reply(it->second, text);
}

// ---- users

void LoadGen::make_users(Phase& ph, int n, std::int64_t id_base) {
  ph.users.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    auto u = std::make_unique<User>();
    u->phase = &ph;
    u->idx = i;
    u->id = id_base + i;
    u->steps = steps_for(o_.workload, i, u->id);
    const std::string first(kNames[i % 12]);
    const std::string last = "V" + std::to_string(u->id % 100000);
    const std::string uname = "vol_" + std::to_string(u->id);
    u->from_json = "{\"id\":" + std::to_string(u->id) + ",\"is_bot\":false,\"first_name\":\"" +
                   first + "\",\"last_name\":\"" + last + "\",\"username\":\"" + uname +
                   "\",\"language_code\":\"en\"}";
    u->chat_json = "{\"id\":" + std::to_string(u->id) + ",\"first_name\":\"" + first +
                   "\",\"last_name\":\"" + last + "\",\"username\":\"" + uname +
                   "\",\"type\":\"private\"}";
    by_chat_[u->id] = u.get();
    ph.users.push_back(std::move(u));
  }
  ph.latency_ms.reserve(static_cast<std::size_t>(n) * ph.users.front()->steps.size());
}

std::string LoadGen::update_body(User& u) {
  const std::string& text = u.steps[u.step].text;
  u.message_id += 2;
  std::string s;
  s.reserve(512);
  s += "{\"update_id\":" + std::to_string(++update_id_) +
       ",\"message\":{\"message_id\":" + std::to_string(u.message_id) + ",\"from\":";
  s += u.from_json;
  s += ",\"chat\":";
  s += u.chat_json;
  s += ",\"date\":" + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                         std::chrono::system_clock::now().time_since_epoch())
                                         .count());
  s += ",\"text\":";
  append_json_string(s, text);
  if (!text.empty() && text[0] == '/') {
    auto sp = text.find(' ');
    s += ",\"entities\":[{\"offset\":0,\"length\":" +
         std::to_string(sp == std::string::npos ? text.size() : sp) + ",\"type\":\"bot_command\"}]";
  }
  s += "}}";
  return s;
}

void LoadGen::enqueue(User* u) {
  if (u->phase != ph_ || ph_->ended || u->failed) return;
  ph_->queue.push_back(u);
  pump();
}

void LoadGen::pump() {
  Phase& ph = *ph_;
  if (ph.rate > 0) {
    // Offered rate: slots come at `rate` per second; a slot with nobody ready is lost (the
    // offered load is then what the users could send), never saved up for a burst.
    auto now = Clock::now();
    double due = std::chrono::duration<double>(now - ph.pace_t0).count() * ph.rate;
    if (ph.queue.empty()) {
      ph.paced_sent = std::max(ph.paced_sent, std::floor(due));
      return;
    }
    while (!ph.queue.empty() && !free_.empty() && ph.paced_sent < due) {
      User* u = ph.queue.front();
      ph.queue.pop_front();
      Conn* c = free_.back();
      free_.pop_back();
      ph.paced_sent += 1;
      dispatch(u, c);
    }
    return;
  }
  while (!ph.queue.empty() && !free_.empty()) {
    User* u = ph.queue.front();
    ph.queue.pop_front();
    Conn* c = free_.back();
    free_.pop_back();
    dispatch(u, c);
  }
}

void LoadGen::dispatch(User* u, Conn* c) {
  Phase& ph = *ph_;
  ++ph.r.updates;
  u->awaiting_reply = true;
  u->awaiting_http = true;
  if (!ph.started) phase_start();
  std::string body = update_body(*u);
  u->sent = Clock::now();
  net::co_spawn(ioc_, post(c, u, std::move(body)), net::detached);
}

net::awaitable<void> LoadGen::post(Conn* c, User* u, std::string body) {
  int status = 0;
  for (int attempt = 0; attempt < 2 && status == 0; ++attempt) {
    beast::error_code ec;
    if (!c->open) {
      c->stream.expires_after(std::chrono::seconds(5));
      co_await c->stream.async_connect(
          tcp::endpoint(net::ip::make_address_v4("127.0.0.1"), o_.webhook_port),
          net::redirect_error(net::use_awaitable, ec));
      if (ec) break;
      c->stream.socket().set_option(tcp::no_delay(true), ec);
      c->open = true;
      c->buf.clear();
    }
    http::request<http::string_body> req{http::verb::post, o_.webhook_path, 11};
    req.set(http::field::host, "127.0.0.1:" + std::to_string(o_.webhook_port));
    req.set(http::field::content_type, "application/json");
    if (!o_.secret.empty()) req.set("X-Telegram-Bot-Api-Secret-Token", o_.secret);
    req.body() = body;
    req.prepare_payload();
    c->stream.expires_after(std::chrono::milliseconds(o_.reply_timeout_ms));
    co_await http::async_write(c->stream, req, net::redirect_error(net::use_awaitable, ec));
    http::response<http::string_body> res;
    if (!ec)
      co_await http::async_read(c->stream, c->buf, res,
                                net::redirect_error(net::use_awaitable, ec));
    if (ec) {
      // The bot closed a kept-alive connection: send again on a new one, once, as Telegram
      // would (its retry is the next delivery of the same update).
      beast::error_code ignored;
      c->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
      c->stream.close();
      c->open = false;
      continue;
    }
    status = static_cast<int>(res.result_int());
    if (!res.keep_alive()) {
      c->stream.close();
      c->open = false;
    }
  }
  c->stream.expires_never();
  free_.push_back(c);
  http_done(u, status);
}

void LoadGen::http_done(User* u, int status) {
  Phase& ph = *u->phase;
  if (status == 0 && ++ph.r.net_errors <= 3)
    std::cerr << "[loadgen] webhook POST failed: no answer\n";
  if (status < 200 || status >= 300) {
    ++ph.r.http_errors;
    ++ph.r.http_status[status];
  }
  if (!ph.ended && !u->failed) {
    u->awaiting_http = false;
    advance(u);
  }
  if (ph_ != nullptr) pump();
}

void LoadGen::on_reply(User* u, const std::string& text) {
  Phase& ph = *u->phase;
  if (u->failed) {
    ++ph.r.late;
    return;
  }
  if (!u->awaiting_reply) {
    ++ph.r.dup;
    return;
  }
  auto now = Clock::now();
  ph.latency_ms.push_back(std::chrono::duration<double, std::milli>(now - u->sent).count());
  ++ph.r.replies;
  u->awaiting_reply = false;
  const Step& st = u->steps[u->step];
  if (text.rfind(st.expect, 0) != 0) {
    if (++ph.r.wrong <= 3) {
      std::cerr << "[loadgen] unexpected reply at step " << u->step << " (\"" << st.text
                << "\"): " << text.substr(0, 120) << "\n";
    }
    if (ph.r.first_wrong.empty()) ph.r.first_wrong = text.substr(0, 120);
  }
  advance(u);
}

void LoadGen::advance(User* u) {
  if (u->awaiting_reply || u->awaiting_http || u->done || u->failed) return;
  ++u->step;
  if (u->step >= u->steps.size()) return finish_user(u, true);
  if (u->phase->think_ms > 0) {
    auto t =
        std::make_shared<net::steady_timer>(ioc_, std::chrono::milliseconds(u->phase->think_ms));
    t->async_wait([this, t, u](beast::error_code) { enqueue(u); });
  } else {
    enqueue(u);
  }
}

void LoadGen::finish_user(User* u, bool ok) {
  if (u->done || u->failed) return;
  Phase& ph = *u->phase;
  if (ok) {
    u->done = true;
    ++ph.r.completed;
  } else {
    u->failed = true;
  }
  ++ph.finished;
  ph.t_last = Clock::now();
  if (ph.finished == static_cast<int>(ph.users.size())) {
    ph.all_done = true;
    ph.t_all_done = ph.t_last;
    maybe_end_phase();
  }
}

void LoadGen::phase_start() {
  Phase& ph = *ph_;
  ph.started = true;
  ph.t_first = Clock::now();
  ph.pace_t0 = ph.t_first;
  ph.cpu0 = tree_cpu(bot_pid_);
  ph.mach0 = machine_cpu();
  ph.drv0 = own_cpu_s();
  rss_peak_kb_ = 0;
}

// With an observer chat, a phase (and its CPU window) ends once its extra messages for the
// completed users have arrived too, or after the reply time-out.
void LoadGen::maybe_end_phase() {
  if (!ph_ || ph_->ended || !ph_->all_done) return;
  Phase& ph = *ph_;
  long expected = ph.r.completed;
  bool late = Clock::now() - ph.t_all_done > std::chrono::milliseconds(o_.reply_timeout_ms);
  if (observer_count_ - ph.extra_at_start >= expected || late) end_phase();
}

void LoadGen::end_phase() {
  Phase& ph = *ph_;
  ph.ended = true;
  if (observer_last_ > ph.t_last && observer_count_ > ph.extra_at_start) ph.t_last = observer_last_;
  Cpu c1 = tree_cpu(bot_pid_);
  MachineCpu m1 = machine_cpu();
  PhaseResult& r = ph.r;
  r.users = static_cast<int>(ph.users.size());
  r.cpu = {c1.user_s - ph.cpu0.user_s, c1.sys_s - ph.cpu0.sys_s};
  r.driver_cpu_s = own_cpu_s() - ph.drv0;
  double total = m1.total - ph.mach0.total;
  if (total > 0) {
    r.busy_cores =
        (m1.busy - ph.mach0.busy) / total * static_cast<double>(sysconf(_SC_NPROCESSORS_ONLN));
    r.steal_pct = 100.0 * (m1.steal - ph.mach0.steal) / total;
  }
  rss_peak_kb_ = std::max(rss_peak_kb_, tree_kb(bot_pid_, "VmRSS"));
  r.rss_peak_kb = rss_peak_kb_;
  r.wall_s = std::chrono::duration<double>(ph.t_last - ph.t_first).count();
  auto& l = ph.latency_ms;
  std::sort(l.begin(), l.end());
  auto pct = [&](double p) {
    return l.empty() ? NAN
                     : l[std::min(l.size() - 1, static_cast<std::size_t>(p / 100 * l.size()))];
  };
  r.p50 = pct(50);
  r.p90 = pct(90);
  r.p99 = pct(99);
  r.max = l.empty() ? NAN : l.back();
  r.extra_expected = r.completed;
}

// Every 50 ms: reply time-outs, the paced slots, RSS samples, the observer wait.
net::awaitable<void> LoadGen::ticker() {
  auto last_rss = Clock::now();
  for (;;) {
    tick_.expires_after(std::chrono::milliseconds(ph_ && ph_->rate > 0 ? 1 : 50));
    beast::error_code ec;
    co_await tick_.async_wait(net::redirect_error(net::use_awaitable, ec));
    if (ec) co_return;
    if (!ph_ || ph_->ended) continue;
    auto now = Clock::now();
    if (ph_->rate > 0) pump();
    if (now - last_rss >= std::chrono::milliseconds(100)) {
      last_rss = now;
      if (ph_->started) rss_peak_kb_ = std::max(rss_peak_kb_, tree_kb(bot_pid_, "VmRSS"));
      for (auto& u : ph_->users) {
        if (u->awaiting_reply && !u->failed &&
            now - u->sent > std::chrono::milliseconds(o_.reply_timeout_ms)) {
          ++ph_->r.lost;
          finish_user(u.get(), false);
        }
      }
    }
    maybe_end_phase();
  }
}

net::awaitable<bool> LoadGen::wait_port(std::uint16_t port, int timeout_s) {
  auto until = Clock::now() + std::chrono::seconds(timeout_s);
  net::steady_timer t(ioc_);
  while (Clock::now() < until) {
    tcp::socket s(ioc_);
    beast::error_code ec;
    co_await s.async_connect(tcp::endpoint(net::ip::make_address_v4("127.0.0.1"), port),
                             net::redirect_error(net::use_awaitable, ec));
    if (!ec) co_return true;
    t.expires_after(std::chrono::milliseconds(100));
    co_await t.async_wait(net::use_awaitable);
  }
  co_return false;
}

// A forged update (wrong secret) must be refused with 4xx; an answer to it would reach chat
// kProbeChat, which no user has, and is counted as unknown_chat for the whole run.
net::awaitable<void> LoadGen::secret_probe() {
  if (o_.secret.empty()) co_return;
  beast::tcp_stream s(ioc_);
  beast::error_code ec;
  s.expires_after(std::chrono::seconds(5));
  co_await s.async_connect(tcp::endpoint(net::ip::make_address_v4("127.0.0.1"), o_.webhook_port),
                           net::redirect_error(net::use_awaitable, ec));
  http::request<http::string_body> req{http::verb::post, o_.webhook_path, 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::content_type, "application/json");
  req.set("X-Telegram-Bot-Api-Secret-Token", "wrong-" + o_.secret);
  req.body() =
      "{\"update_id\":1,\"message\":{\"message_id\":1,\"from\":{\"id\":" +
      std::to_string(kProbeChat) +
      ",\"is_bot\":false,\"first_name\":\"Probe\"},\"chat\":{\"id\":" + std::to_string(kProbeChat) +
      ",\"type\":\"private\"},\"date\":1,\"text\":\"/help forged\",\"entities\":[{"
      "\"offset\":0,\"length\":5,\"type\":\"bot_command\"}]}}";
  req.prepare_payload();
  http::response<http::string_body> res;
  beast::flat_buffer buf;
  if (!ec) co_await http::async_write(s, req, net::redirect_error(net::use_awaitable, ec));
  if (!ec) co_await http::async_read(s, buf, res, net::redirect_error(net::use_awaitable, ec));
  int st = ec ? 0 : static_cast<int>(res.result_int());
  secret_check_ = st >= 400 && st < 500 ? "ok" : "fail-status-" + std::to_string(st);
  s.close();
}

net::awaitable<std::map<std::string, double>> LoadGen::bot_counters() {
  std::map<std::string, double> out;
  beast::tcp_stream s(ioc_);
  beast::error_code ec;
  s.expires_after(std::chrono::seconds(5));
  co_await s.async_connect(tcp::endpoint(net::ip::make_address_v4("127.0.0.1"), o_.webhook_port),
                           net::redirect_error(net::use_awaitable, ec));
  http::request<http::empty_body> req{http::verb::get, "/metrics", 11};
  req.set(http::field::host, "127.0.0.1");
  http::response<http::string_body> res;
  beast::flat_buffer buf;
  if (!ec) co_await http::async_write(s, req, net::redirect_error(net::use_awaitable, ec));
  if (!ec) co_await http::async_read(s, buf, res, net::redirect_error(net::use_awaitable, ec));
  s.close();
  if (ec || res.result_int() != 200) co_return out;
  std::istringstream lines(res.body());
  std::string line;
  while (std::getline(lines, line)) {
    for (std::string name : {"linli_commits_total", "linli_wal_pages_total"}) {
      if (line.rfind(name + " ", 0) == 0)
        out[name] = std::strtod(line.c_str() + name.size(), nullptr);
    }
  }
  co_return out;
}

std::optional<long> LoadGen::stored_rows() {
  if (o_.data_dir.empty()) return std::nullopt;
  std::string file = o_.data_dir + "/" + o_.stats_db;
  if (!std::filesystem::exists(file)) return std::nullopt;
  try {
    SQLite::Database db(file, SQLite::OPEN_READONLY);
    db.setBusyTimeout(15000);
    const char* sql = o_.workload == "linli-help" ? "SELECT count(*) FROM help_requests"
                                                  : "SELECT count(*) FROM volunteers";
    return db.execAndGet(sql).getInt64();
  } catch (const std::exception& e) {
    std::cerr << "[loadgen] stored rows from " << file << ": " << e.what() << "\n";
    return std::nullopt;
  }
}

void LoadGen::sleep_ms(int ms, std::function<void()> then) {
  auto t = std::make_shared<net::steady_timer>(ioc_, std::chrono::milliseconds(ms));
  t->async_wait([t, then = std::move(then)](beast::error_code) { then(); });
}

std::string fmt(double v, int digits) {
  if (!std::isfinite(v)) return "nan";
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", digits, v);
  return b;
}

// A JSON number rounded to `digits`, or null.
json num(double v, int digits) {
  if (!std::isfinite(v)) return nullptr;
  double f = std::pow(10.0, digits);
  return std::round(v * f) / f;
}

net::awaitable<void> LoadGen::main_flow() {
  auto wait_phase = [this]() -> net::awaitable<void> {
    net::steady_timer t(ioc_);
    auto deadline = Clock::now() + std::chrono::seconds(o_.deadline_s);
    while (!ph_->ended) {
      if (Clock::now() > deadline) {
        std::cerr << "[loadgen] " << ph_->name << ": deadline of " << o_.deadline_s
                  << "s reached with " << ph_->users.size() - ph_->finished
                  << " users unfinished\n";
        for (auto& u : ph_->users) {
          if (!u->done && !u->failed) {
            if (u->awaiting_reply) ++ph_->r.lost;
            finish_user(u.get(), false);
          }
        }
        maybe_end_phase();
        if (!ph_->ended) end_phase();
      }
      t.expires_after(std::chrono::milliseconds(5));
      co_await t.async_wait(net::use_awaitable);
    }
    // Late replies and duplicates still arriving are counted for a short while.
    t.expires_after(std::chrono::milliseconds(o_.settle_ms));
    co_await t.async_wait(net::use_awaitable);
  };
  auto run_phase = [&, this](std::string name, int n, std::int64_t base, int think, int ramp,
                             double rate) -> net::awaitable<PhaseResult> {
    phases_.push_back(std::make_unique<Phase>());
    ph_ = phases_.back().get();
    ph_->name = name;
    ph_->think_ms = think;
    ph_->rate = rate;
    ph_->extra_at_start = observer_count_;
    ph_->extra_wrong_at_start = observer_wrong_;
    make_users(*ph_, n, base);
    if (ramp > 0) {
      for (int i = 0; i < n; ++i) {
        User* u = ph_->users[static_cast<std::size_t>(i)].get();
        sleep_ms(static_cast<int>(static_cast<long>(ramp) * i / n), [this, u] { enqueue(u); });
      }
    } else {
      for (auto& u : ph_->users) ph_->queue.push_back(u.get());
      if (rate > 0) phase_start();
      pump();
    }
    co_await wait_phase();
    PhaseResult r = ph_->r;
    r.extra = observer_count_ - ph_->extra_at_start;
    r.extra_wrong = observer_wrong_ - ph_->extra_wrong_at_start;
    for (auto& u : ph_->users) by_chat_.erase(u->id);
    co_return r;
  };

  // ---- the bot
  if (!o_.bot_pid_file.empty()) {
    auto until = Clock::now() + std::chrono::seconds(o_.ready_timeout_s);
    net::steady_timer t(ioc_);
    while (bot_pid_ == 0 && Clock::now() < until) {
      std::string s = read_file(o_.bot_pid_file);
      if (!s.empty()) bot_pid_ = std::atoi(s.c_str());
      if (bot_pid_ == 0) {
        t.expires_after(std::chrono::milliseconds(50));
        co_await t.async_wait(net::use_awaitable);
      }
    }
    if (bot_pid_ == 0) {
      std::cerr << "[loadgen] bot pid file never appeared\n";
      ioc_.stop();
      co_return;
    }
  }
  if (!co_await wait_port(o_.webhook_port, o_.ready_timeout_s)) {
    std::cerr << "[loadgen] bot did not open 127.0.0.1:" << o_.webhook_port << " within "
              << o_.ready_timeout_s << "s\n";
    ioc_.stop();
    co_return;
  }
  std::cerr << "[loadgen] bot ready (pid " << bot_pid_
            << "), webhook http://127.0.0.1:" << o_.webhook_port << o_.webhook_path << "\n";
  for (int i = 0; i < o_.conns; ++i) {
    conns_.push_back(std::make_unique<Conn>(ioc_));
    free_.push_back(conns_.back().get());
  }
  co_await secret_probe();
  const long rss_start_kb = tree_kb(bot_pid_, "VmRSS");
  net::co_spawn(ioc_, ticker(), net::detached);

  if (o_.warmup > 0) {
    std::cerr << "[loadgen] warm-up: " << o_.warmup << " users\n";
    warm_ = co_await run_phase("warmup", o_.warmup, kWarmupIdBase, 0, 0, 0);
    std::cerr << "[loadgen] warm-up done: " << warm_->completed << "/" << o_.warmup
              << " completed, " << warm_->lost << " lost, " << fmt(warm_->wall_s, 2) << "s\n";
  }
  const auto api_mid = api_counts_;
  const long api_err_mid = api_errors_;
  std::cerr << "[loadgen] measured: " << o_.scenario << " workload=" << o_.workload
            << " users=" << o_.users << " think=" << o_.think_ms << "ms ramp=" << o_.ramp_ms
            << "ms rate=" << o_.rate << " conns=" << o_.conns << "\n";
  const auto counters0 = co_await bot_counters();
  PhaseResult r =
      co_await run_phase("measured", o_.users, kMeasuredIdBase, o_.think_ms, o_.ramp_ms, o_.rate);
  const auto counters1 = co_await bot_counters();
  const long hwm_kb = tree_kb(bot_pid_, "VmHWM");
  const auto stored = stored_rows();

  std::map<std::string, long> delta;
  long other_calls = 0;
  for (const auto& [k, v] : api_counts_) {
    long d = v - (api_mid.count(k) ? api_mid.at(k) : 0);
    if (d != 0) delta[k] = d;
    if (k != "sendmessage") other_calls += d;
  }
  const long send_message = delta.count("sendmessage") ? delta["sendmessage"] : 0;
  const long total_users = o_.users + (warm_ ? warm_->users : 0);
  const bool stored_ok = !stored || *stored == total_users;
  const bool warm_ok = !warm_ || (warm_->completed == warm_->users &&
                                  warm_->lost + warm_->dup + warm_->late + warm_->http_errors +
                                          warm_->wrong + warm_->net_errors ==
                                      0 &&
                                  warm_->extra == warm_->extra_expected && warm_->extra_wrong == 0);
  const bool ok = r.completed == r.users && r.lost == 0 && r.dup == 0 && r.late == 0 &&
                  r.wrong == 0 && r.http_errors == 0 && r.net_errors == 0 &&
                  send_message == r.updates + r.extra && stored_ok && warm_ok &&
                  r.extra == r.extra_expected && r.extra_wrong == 0 && unknown_chat_ == 0 &&
                  api_errors_ == api_err_mid && secret_check_.rfind("fail", 0) != 0;

  const double cpu_s = r.cpu.user_s + r.cpu.sys_s;
  const double upd = static_cast<double>(std::max(1L, r.updates));
  const double wall = r.wall_s > 0 ? r.wall_s : NAN;
  json res = {
      {"target", o_.label},
      {"loadgen", "cpp"},
      {"scenario", o_.scenario},
      {"workload", o_.workload},
      {"users", r.users},
      {"conns", o_.conns},
      {"think_ms", o_.think_ms},
      {"offered_rate", o_.rate},
      {"warmup_users", warm_ ? warm_->users : 0},
      {"completed", r.completed},
      {"updates", r.updates},
      {"wall_s", num(r.wall_s, 3)},
      {"dialogs_per_s", num(r.completed / wall, 1)},
      {"updates_per_s", num(static_cast<double>(r.replies) / wall, 1)},
      {"p50_ms", num(r.p50, 2)},
      {"p90_ms", num(r.p90, 2)},
      {"p99_ms", num(r.p99, 2)},
      {"max_ms", num(r.max, 2)},
      {"bot_cpu_s", num(cpu_s, 2)},
      {"bot_user_s", num(r.cpu.user_s, 2)},
      {"bot_sys_s", num(r.cpu.sys_s, 2)},
      {"bot_cpu_pct", num(100 * cpu_s / wall, 0)},
      {"bot_cpu_us_per_update", num(1e6 * cpu_s / upd, 0)},
      {"bot_user_us_per_update", num(1e6 * r.cpu.user_s / upd, 0)},
      {"bot_sys_us_per_update", num(1e6 * r.cpu.sys_s / upd, 0)},
      {"bot_cpu_us_per_send",
       num(1e6 * cpu_s / static_cast<double>(std::max(1L, r.updates + r.extra)), 0)},
      {"bot_rss_start_mb", num(static_cast<double>(rss_start_kb) / 1024, 1)},
      {"bot_rss_peak_mb", num(static_cast<double>(std::max(hwm_kb, r.rss_peak_kb)) / 1024, 1)},
      {"driver_cpu_s", num(r.driver_cpu_s, 2)},
      {"machine_busy_cores", num(r.busy_cores, 2)},
      {"steal_pct", num(r.steal_pct, 1)},
      {"send_message", send_message},
      {"other_api_calls", other_calls},
      {"api_calls", delta},
      {"lost", r.lost},
      {"dup", r.dup},
      {"late", r.late},
      {"wrong_reply", r.wrong},
      {"http_errors", r.http_errors},
      {"net_errors", r.net_errors},
      {"unknown_chat", unknown_chat_},
      {"api_errors", api_errors_ - api_err_mid},
      {"steps_per_user", static_cast<double>(r.updates) / std::max(1, r.users)},
      {"observer_chats", 1},
      {"extra_send_message", r.extra},
      {"extra_expected", r.extra_expected},
      {"extra_wrong", r.extra_wrong},
      {"stored", stored ? json(*stored) : json("n/a")},
      {"stored_expected", total_users},
      {"secret_check", secret_check_},
      {"set_webhook", set_webhook_},
      {"ok", ok},
  };
  // Per update over the measured phase (the bot is idle before it, after the warm-up).
  std::string per_update_text;
  for (const auto& [name, key] : {std::pair{"linli_commits_total", "commits_per_update"},
                                  std::pair{"linli_wal_pages_total", "wal_pages_per_update"}}) {
    if (!counters0.count(name) || !counters1.count(name)) continue;
    double v = (counters1.at(name) - counters0.at(name)) / upd;
    res[key] = num(v, 3);
    per_update_text += std::string(" ") + key + "=" + fmt(v, 3);
  }
  json status = json::object();
  for (const auto& [k, v] : r.http_status) status[std::to_string(k)] = v;
  res["http_status"] = status;

  std::cout << "RESULT target=" << o_.label << " scenario=" << o_.scenario
            << " loadgen=cpp users=" << r.users << " dialogs/s=" << fmt(r.completed / wall, 1)
            << " updates/s=" << fmt(static_cast<double>(r.replies) / wall, 1)
            << " p50_ms=" << fmt(r.p50, 2) << " p99_ms=" << fmt(r.p99, 2)
            << " bot_cpu_s=" << fmt(cpu_s, 2) << " (" << fmt(100 * cpu_s / wall, 0) << "%, user "
            << fmt(r.cpu.user_s, 2) << " sys " << fmt(r.cpu.sys_s, 2)
            << ") cpu_us/update=" << fmt(1e6 * cpu_s / upd, 0) << " (user "
            << fmt(1e6 * r.cpu.user_s / upd, 0) << " sys " << fmt(1e6 * r.cpu.sys_s / upd, 0)
            << ") bot_rss_peak_mb="
            << fmt(static_cast<double>(std::max(hwm_kb, r.rss_peak_kb)) / 1024, 1)
            << " driver_cpu_s=" << fmt(r.driver_cpu_s, 2) << " busy_cores=" << fmt(r.busy_cores, 2)
            << " steal%=" << fmt(r.steal_pct, 1) << " wall_s=" << fmt(r.wall_s, 2)
            << " sendMessage=" << send_message << " other_api=" << other_calls << " lost=" << r.lost
            << " dup=" << r.dup << " late=" << r.late << " wrong=" << r.wrong
            << " http_err=" << r.http_errors
            << " stored=" << (stored ? std::to_string(*stored) : "n/a") << "/" << total_users
            << " secret=" << secret_check_ << " extra_sendMessage=" << r.extra << "/"
            << r.extra_expected << per_update_text << " ok=" << (ok ? 1 : 0) << std::endl;
  if (!ok && !r.first_wrong.empty())
    std::cerr << "[loadgen] first wrong reply: " << r.first_wrong << "\n";
  if (!o_.out.empty()) {
    std::ofstream f(o_.out, std::ios::app);
    f << res.dump() << "\n";
  }
  exit_code_ = ok ? 0 : 3;
  ioc_.stop();
}

int LoadGen::run() {
  beast::error_code ec;
  tcp::endpoint ep(net::ip::make_address_v4("127.0.0.1"), o_.api_port);
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    std::cerr << "[loadgen] fake Bot API: cannot listen on 127.0.0.1:" << o_.api_port << ": "
              << ec.message() << "\n";
    return 2;
  }
  std::cerr << "[loadgen] fake Telegram API on http://127.0.0.1:" << o_.api_port << "\n";
  net::co_spawn(ioc_, accept_loop(), net::detached);
  net::co_spawn(ioc_, main_flow(), [](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      std::cerr << "[loadgen] error: " << x.what() << "\n";
      std::exit(1);
    }
  });
  // A hard limit over everything, like loadgen.js's.
  net::steady_timer hard(ioc_, std::chrono::seconds(o_.ready_timeout_s + 2 * o_.deadline_s + 60));
  hard.async_wait([](beast::error_code e) {
    if (e) return;
    std::cerr << "[loadgen] hard time limit reached\n";
    std::exit(4);
  });
  ioc_.run();
  return exit_code_;
}

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  LoadGen g(parse_options(argc, argv));
  return g.run();
}
