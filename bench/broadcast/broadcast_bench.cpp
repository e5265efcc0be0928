// The broadcast measurement (issue 10): a coordinator's recruitment call (招募) to every group
// of a community of `--groups` groups, through the outbox and the Telegram adapter, against the
// FakeTelegram enforcing Telegram's limits (about 30 messages a second per bot, 20 a minute per
// group; beyond them 429 with retry_after). Linli runs in this process (the App, its SQLite
// file, its sender), with the adapter's rate_limits set to the same limits, as an operator
// would leave them.
//
//   broadcast_bench [--groups 16000] [--global 30] [--per-group 20]
//
// Prints the total time from the coordinator's webhook to the last card accepted, against the
// theoretical minimum (messages / global rate), and the 429s answered. Exits 1 when a check
// fails: a group without its card or with two, or the run not finishing within twice the
// minimum plus a minute. The figures themselves are not pass/fail.

#include <chrono>
#include <cstdio>
#include <iostream>
#include <set>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "adapters/registry.hpp"
#include "bot/outbox_sender.hpp"
#include "dialogs/ports.hpp"
#include "tests/support/fake_telegram.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/telegram_updates.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_app.hpp"

namespace {

using nlohmann::json;
using Steady = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr const char* kToken = "7000000001:AAbroadcast-bench";
constexpr const char* kSecret = "broadcast-bench-secret";
constexpr std::int64_t kCoordinator = 3001;

std::int64_t group_chat(int g) {
  return -1002000000000LL - g;
}

double seconds(Steady::duration d) {
  return std::chrono::duration<double>(d).count();
}

int usage() {
  std::cerr << "usage: broadcast_bench [--groups N] [--global PER_S] [--per-group PER_MIN]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  int groups = 16000;
  int global = 30;
  int per_group = 20;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    int v = std::stoi(argv[i + 1]);
    if (a == "--groups")
      groups = v;
    else if (a == "--global")
      global = v;
    else if (a == "--per-group")
      per_group = v;
    else
      return usage();
  }
  if (argc % 2 == 0 || groups < 2 || global < 1 || per_group < 1) return usage();

  linli::test::TempDir dir;
  linli::test::FakeTelegram fake(kToken);
  fake.enforce_limits(
      {.global_per_s = global, .per_group_per_min = per_group, .global_window = 1s});

  json group_list = json::array();
  group_list.push_back({{"chat", "tg:" + std::to_string(group_chat(0))},
                        {"kind", "volunteers"},
                        {"title", "志愿者群"}});
  for (int g = 1; g < groups; ++g) {
    group_list.push_back({{"chat", "tg:" + std::to_string(group_chat(g))},
                          {"kind", "residents"},
                          {"building", std::to_string(g)},
                          {"title", std::to_string(g) + "栋居民群"}});
  }
  json config = {{"database", dir.path() + "/broadcast.db"},
                 {"adapters",
                  {{{"type", "telegram"},
                    {"name", "tg"},
                    {"token", kToken},
                    {"secret_token", kSecret},
                    {"username", "linli_bot"},
                    {"api_base", fake.base_url()},
                    {"rate_limits",
                     {{"per_chat_per_s", 1},
                      {"per_group_per_min", per_group},
                      {"global_per_s", global},
                      {"burst", 3}}}}}},
                 {"communities",
                  {{{"id", "city"},
                    {"name", "全市"},
                    {"coordinators", {"tg:" + std::to_string(kCoordinator)}},
                    {"groups", group_list}}}}};
  const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  linli::ManualClock clock(now);
  linli::test::TestApp app(
      linli::parse_config(config.dump(), [](const char*) -> const char* { return nullptr; }),
      clock);
  // The post, as the coordinator's /post dialog leaves it: tomorrow morning, ten people.
  app.on_io([&] {
    linli::Post p;
    p.community_id = "city";
    p.team = "care";
    p.title = "照看独居老人";
    p.headcount = 10;
    p.place = "全市";
    p.starts_at = now + 24 * 3'600'000LL;
    p.ends_at = p.starts_at + 4 * 3'600'000LL;
    p.created_by = 1;
    p.created_at = now;
    return app.app().store().posts.create(p);
  });

  linli::test::HttpClient client(app.port(), 120s);
  linli::test::TelegramUpdates ups;
  linli::test::TelegramUser zhou{kCoordinator, "主任", "周", "", "zh"};
  const auto started = Steady::now();
  int status =
      client
          .post("/telegram/tg", ups.message(kCoordinator, "private", zhou, "招募 1").dump(),
                {{"X-Telegram-Bot-Api-Secret-Token", kSecret}})
          .status;
  const auto answered = Steady::now();
  bool ok = status == 200;
  if (!ok) std::cerr << "CHECK FAILED: the coordinator's webhook was answered " << status << "\n";

  // Every card and the coordinator's confirmation, waited for with a bound.
  const std::size_t expected = static_cast<std::size_t>(groups) + 1;
  const double minimum_s = static_cast<double>(expected) / global;
  const auto limit = std::chrono::duration<double>(2 * minimum_s + 60);
  std::size_t sent = 0;
  while (ok && Steady::now() - started < limit) {
    sent = app.on_io([&] { return app.app().sender().stats().sent; });
    if (sent >= expected) break;
    std::this_thread::sleep_for(50ms);
  }
  const linli::SenderStats stats = app.on_io([&] { return app.app().sender().stats(); });

  Steady::time_point first = Steady::time_point::max(), last{};
  std::size_t cards = 0;
  for (const auto& c : fake.calls("sendMessage")) {
    if (c.status != 200 || !c.params.contains("chat_id") ||
        c.params["chat_id"].get<std::int64_t>() >= 0)
      continue;
    ++cards;
    first = std::min(first, c.at);
    last = std::max(last, c.at);
  }
  std::size_t missing = 0, doubled = 0;
  for (int g = 0; g < groups; ++g) {
    std::size_t n = fake.messages(group_chat(g)).size();
    missing += n == 0;
    doubled += n > 1;
  }
  if (missing || doubled || sent < expected) {
    std::cerr << "CHECK FAILED: " << missing << " groups without the card, " << doubled
              << " with more than one, " << sent << " of " << expected << " messages sent\n";
    ok = false;
  }
  std::printf(
      "broadcast to %d groups (+1 reply to the coordinator), limits %d/s per bot and "
      "%d/min per group\n",
      groups, global, per_group);
  std::printf("decision committed (webhook answered): %.1f ms\n",
              seconds(answered - started) * 1000);
  if (cards > 0) {
    const double total = seconds(last - started);
    std::printf("first card accepted after %.3f s, last after %.3f s\n", seconds(first - started),
                total);
    std::printf("total %.2f s; theoretical minimum %zu / %d = %.2f s; %+.2f%%\n", total, expected,
                global, minimum_s, (total / minimum_s - 1) * 100);
  }
  std::printf("429 answers: %zu at the fake, %llu seen by the sender\n", fake.rate_limited(),
              static_cast<unsigned long long>(stats.rate_limited));
  return ok ? 0 : 1;
}
