// Measures a city written by city_gen (issue 10):
//   1. ranking: Volunteers::nearest as a new request's card names volunteers, and the engine's
//      ranking path (assignments::rank, what each round of offers runs), for requests like the
//      city's own in many communities, in this process on the same database file;
//   2. the real `linli serve` on the city: start-up to the first 200 on /healthz, VmRSS and
//      VmHWM of the process, and help requests walked end to end over the Telegram adapter
//      against the FakeTelegram, in the large community (c0).
//
//   city_bench --dir OUT --linli build/linli [--samples 2000] [--e2e 5]
//
// Prints one line per figure. Exits 1 when a check fails (a rank that finds nobody where the
// community has volunteers, no 200 on /healthz, a help request whose card never arrives, an
// unclean stop); the figures themselves are never pass/fail.

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/registry.hpp"
#include "dialogs/assignments.hpp"
#include "dialogs/directory.hpp"
#include "dialogs/turn.hpp"
#include "dialogs/vocabulary.hpp"
#include "storage/store.hpp"
#include "tests/support/fake_telegram.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/telegram_updates.hpp"

namespace {

using nlohmann::json;
using Steady = std::chrono::steady_clock;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

struct Options {
  std::string dir;
  std::string linli;
  int samples = 2000;
  int e2e = 5;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

double us(Steady::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

struct Summary {
  double median = 0, p99 = 0, max = 0;
};
Summary summarize(std::vector<double> v) {
  if (v.empty()) return {};
  std::sort(v.begin(), v.end());
  auto at = [&](double q) {
    return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))];
  };
  return {at(0.5), at(0.99), v.back()};
}

// A request like the city's own: its community, category and building.
struct Need {
  std::string community;
  std::uint32_t skills = 0;
  std::string building;
};

bool failed = false;
void check(bool ok, const std::string& what) {
  if (!ok) {
    std::cerr << "CHECK FAILED: " << what << "\n";
    failed = true;
  }
}

void ranking(const Options& o, const linli::Config& config) {
  linli::storage::Database db(config.database, config.synchronous);
  std::optional<linli::storage::FieldCipher> cipher;
  if (!config.encryption_key.empty()) cipher.emplace(config.encryption_key);
  linli::storage::SqliteStore sqlite(db, cipher ? &*cipher : nullptr);
  linli::Store& store = sqlite.ports;
  const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  linli::Directory dir(config, store.people, now);

  std::vector<Need> needs;
  {
    SQLite::Statement max(db.sql(), "SELECT MAX(id) FROM help_requests");
    max.executeStep();
    const std::int64_t top = max.getColumn(0).getInt64();
    SQLite::Statement q(db.sql(),
                        "SELECT community_id, category, building FROM help_requests WHERE id = ?");
    std::mt19937_64 rng(7);
    while (static_cast<int>(needs.size()) < o.samples && top > 0) {
      q.reset();
      q.bind(1, std::uniform_int_distribution<std::int64_t>(1, top)(rng));
      if (!q.executeStep()) continue;
      auto skill = linli::skill_from_code(q.getColumn(1).getString());
      needs.push_back(
          {q.getColumn(0).getString(), skill ? linli::bit(*skill) : 0, q.getColumn(2).getString()});
    }
  }
  std::set<std::string> communities;
  for (const auto& n : needs) communities.insert(n.community);

  // Warm the connection's statements and the page cache as a running service has them.
  for (std::size_t i = 0; i < std::min<std::size_t>(needs.size(), 100); ++i)
    store.volunteers.nearest(needs[i].community, needs[i].skills, needs[i].building, 3);

  std::vector<double> nearest_us, rank_us;
  std::size_t empty = 0;
  for (const Need& n : needs) {
    auto t = Steady::now();
    auto pool = store.volunteers.nearest(n.community, n.skills, n.building, 3);
    nearest_us.push_back(us(Steady::now() - t));
    if (pool.empty()) ++empty;
  }
  for (const Need& n : needs) {
    linli::Outcome out;
    linli::Turn turn(config, store, dir, linli::Origin{}, linli::Person{}, now, out);
    auto t = Steady::now();
    auto best = linli::assignments::rank(turn, n.community, n.skills, n.building, {},
                                         static_cast<std::size_t>(config.assignments.batch_size));
    rank_us.push_back(us(Steady::now() - t));
    if (best.empty()) ++empty;
  }
  Summary a = summarize(nearest_us), b = summarize(rank_us);
  std::printf("ranking samples: %zu requests in %zu communities\n", needs.size(),
              communities.size());
  std::printf(
      "Volunteers::nearest (card, 3 of each kind): median %.1f us, p99 %.1f us, max %.1f us\n",
      a.median, a.p99, a.max);
  std::printf("assignments::rank (offers, batch %d): median %.1f us, p99 %.1f us, max %.1f us\n",
              config.assignments.batch_size, b.median, b.p99, b.max);
  check(empty == 0, std::to_string(empty) + " rankings found nobody");
}

// "VmRSS" or "VmHWM" of a process, in MB.
double vm_mb(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(field + ":", 0) == 0) return std::stod(line.substr(field.size() + 1)) / 1024.0;
  }
  return -1;
}

// The CPU time a process has used (user and system), in ms: on a shared machine the wall time
// to ready is mostly waiting for a core.
double cpu_ms(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));  // after "pid (comm) "
  std::string f;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> f; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(f);  // utime, stime
  }
  return ticks * 1000.0 / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

void serve(const Options& o, const json& city) {
  linli::test::FakeTelegram fake("7000000001:AAcity-bench-token");
  json run = city;
  run["adapters"][0]["api_base"] = fake.base_url();
  run["server"]["port"] = 0;  // the "listening" log line says which
  const fs::path run_config = fs::path(o.dir) / "city.run.json";
  std::ofstream(run_config) << run.dump(1) << "\n";

  // The child's stderr is where the port is read: not a previous run's, before it is truncated.
  for (const char* name : {"stdout", "stderr"}) fs::remove(fs::path(o.dir) / name);
  const auto spawned = Steady::now();
  linli::test::Process linli({o.linli, "serve", "--config", run_config.string()}, o.dir);
  // The port is known from the "listening" line (read every 10 ms), which comes when the
  // service is ready; then the first 200 on /healthz.
  const std::uint16_t port = linli.wait_listening(60s);
  std::optional<double> ready_ms;
  if (port != 0) {
    linli::test::HttpClient probe(port, 1s);
    while (Steady::now() - spawned < 60s && linli.running()) {
      if (probe.get("/healthz").status == 200) {
        ready_ms = std::chrono::duration<double, std::milli>(Steady::now() - spawned).count();
        break;
      }
      std::this_thread::sleep_for(1ms);
    }
  }
  check(ready_ms.has_value(), "no 200 on /healthz within 60 s:\n" + linli.err());
  if (!ready_ms) return;
  std::printf("linli serve start-up to the first 200 on /healthz: %.0f ms (%.0f ms of CPU)\n",
              *ready_ms, cpu_ms(linli.pid()));
  std::printf("after start-up: VmRSS %.1f MB, VmHWM %.1f MB\n", vm_mb(linli.pid(), "VmRSS"),
              vm_mb(linli.pid(), "VmHWM"));

  // The large community's residents' and volunteers' groups (city_gen: c0's first groups).
  const json& c0 = city["communities"][0];
  std::int64_t volunteers_chat = 0, residents_chat = 0;
  for (const auto& g : c0["groups"]) {
    std::int64_t chat = std::stoll(g["chat"].get<std::string>().substr(3));
    if (g["kind"] == "volunteers" && !volunteers_chat) volunteers_chat = chat;
    if (g["kind"] == "residents" && !residents_chat) residents_chat = chat;
  }
  linli::test::HttpClient client(port, 30s);
  linli::test::TelegramUpdates ups;
  // New residents and update ids each run: the database keeps those of earlier runs (their
  // requests, and the update ids as handled events, which a platform's retry would repeat).
  const std::int64_t run_no = std::chrono::duration_cast<std::chrono::seconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count() %
                              100'000;
  const std::int64_t first_resident = 90'000'000 + run_no * 100;
  std::int64_t update_id = 900'000'000 + run_no * 1000;
  auto post = [&](json update) {
    update["update_id"] = ++update_id;
    return client
        .post("/telegram/tg", update.dump(),
              {{"X-Telegram-Bot-Api-Secret-Token", "city-bench-secret"}})
        .status;
  };
  // The bot's newest message in `chat` containing `text`, waited for at most 30 s.
  auto expect = [&](std::int64_t chat, const std::string& text, std::size_t after) {
    std::optional<linli::test::TelegramMessage> found;
    fake.wait_until(
        [&](const linli::test::FakeTelegram& f) {
          auto all = f.messages(chat);
          for (std::size_t i = after; i < all.size(); ++i) {
            if (all[i].text.find(text) != std::string::npos) {
              found = all[i];
              return true;
            }
          }
          return false;
        },
        30s);
    check(found.has_value(), "no message in " + std::to_string(chat) + " with " + text);
    return found;
  };
  std::vector<double> total_ms, card_ms;
  for (int i = 0; i < o.e2e; ++i) {
    linli::test::TelegramUser resident{first_resident + i, "居民" + std::to_string(i), "", "",
                                       "zh"};
    const std::string details = "水管漏水 e2e-" + std::to_string(i);
    auto t0 = Steady::now();
    std::size_t in_group = fake.messages(residents_chat).size();
    if (post(ups.message(residents_chat, "supergroup", resident, "求助 " + details)) != 200) {
      check(false, "the help request's webhook was not answered 200");
      break;
    }
    auto ask = expect(residents_chat, "需要哪方面的帮助", in_group);
    if (!ask) break;
    post(ups.callback(
        residents_chat, resident, ask->message_id,
        ask->reply_markup["inline_keyboard"][0][0]["callback_data"].get<std::string>()));
    if (!expect(resident.id, "具体地址", 0)) break;
    post(ups.message(resident.id, "private", resident, "2单元501"));
    if (!expect(resident.id, "急吗", 0)) break;
    post(ups.message(resident.id, "private", resident, "1"));
    if (!expect(resident.id, "请确认你的求助", 0)) break;
    std::size_t cards = fake.messages(volunteers_chat).size();
    auto t1 = Steady::now();
    post(ups.message(resident.id, "private", resident, "是"));
    if (!expect(volunteers_chat, details, cards)) break;
    auto t2 = Steady::now();
    total_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t0).count());
    card_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
  }
  if (!total_ms.empty()) {
    Summary t = summarize(total_ms), c = summarize(card_ms);
    std::printf("help requests in the large community c0, %zu runs:\n", total_ms.size());
    std::printf("  whole dialog, 5 webhooks and 5 answers: median %.1f ms, max %.1f ms\n", t.median,
                t.max);
    std::printf("  confirm -> task card in the volunteers' group: median %.1f ms, max %.1f ms\n",
                c.median, c.max);
  }
  std::printf("after the help requests: VmRSS %.1f MB, VmHWM %.1f MB\n",
              vm_mb(linli.pid(), "VmRSS"), vm_mb(linli.pid(), "VmHWM"));
  linli.signal(SIGTERM);
  auto code = linli.wait_exit(30s);
  check(code && *code == 0, "linli did not stop with 0 on SIGTERM:\n" + linli.err());
}

int usage() {
  std::cerr << "usage: city_bench --dir OUT --linli PATH [--samples N] [--e2e N]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  // Line by line: a fork must not inherit (and print again) what is still buffered.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--dir")
      o.dir = v;
    else if (a == "--linli")
      o.linli = v;
    else if (a == "--samples")
      o.samples = std::stoi(v);
    else if (a == "--e2e")
      o.e2e = std::stoi(v);
    else
      return usage();
  }
  if (o.dir.empty() || o.linli.empty() || argc % 2 == 0) return usage();
  const std::string key = slurp(fs::path(o.dir) / "city.key");
  ::setenv("LINLI_CITY_KEY", key.substr(0, key.find('\n')).c_str(), 1);  // the child's too
  const json city = json::parse(slurp(fs::path(o.dir) / "city.json"));
  const linli::Config config = linli::parse_config(
      city.dump(), [](const char* name) -> const char* { return std::getenv(name); });
  std::printf("database: %.1f MB\n", static_cast<double>(fs::file_size(config.database)) / 1e6);
  ranking(o, config);
  serve(o, city);
  return failed ? 1 : 0;
}
