// linli: the command line. Builds the App from a config file and runs it on one thread.

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>
#include <nlohmann/json.hpp>

#include "adapters/registry.hpp"
#include "adapters/telegram/telegram_config.hpp"
#include "bot/app.hpp"
#include "bot/clock.hpp"
#include "bot/export_command.hpp"
#include "bot/http_client.hpp"
#include "bot/migrate_command.hpp"
#include "config/config.hpp"

namespace {

constexpr const char* kUsage =
    R"(linli — neighbourhood volunteer work in the group chats people already use

Usage:
  linli serve --config FILE          run the service (Ctrl-C or SIGTERM stops it gracefully)
  linli check-config --config FILE   validate a config file, print what it sets up, and exit
  linli migrate --config FILE        apply the database's schema migrations (SQLite or
                                     PostgreSQL) without serving; prints the version before
                                     and after
  linli set-webhook --config FILE --url URL [--adapter NAME]
                                     tell Telegram where to deliver updates (the public HTTPS
                                     URL of the adapter's webhook_path), with its secret_token
  linli export hours|requests|volunteers|trips --config FILE --from YYYY-MM-DD --to YYYY-MM-DD
               [--out FILE]          CSV for spreadsheets (UTF-8 with a BOM), to standard
                                     output or FILE; both days included, in each community's zone
  linli version                      print the version
  linli --help                       this text

The config file is JSON; config/example.json is a complete, runnable example (the playground
at http://127.0.0.1:8080/playground). Secrets may be given as {"env": "VARIABLE"}.
Exit codes: 0 ok, 1 runtime error, 2 bad usage or bad config.
)";

int usage_error(const std::string& why) {
  std::cerr << "linli: " << why << "\n\n" << kUsage;
  return 2;
}

const char* env_lookup(const char* name) {
  return std::getenv(name);
}

// setWebhook for one Telegram adapter of the config: its URL, its secret token, the updates
// Linli reads. Prints what Telegram answered.
int set_webhook(const linli::Config& config, const std::string& adapter_name,
                const std::string& url) {
  const linli::AdapterConfig* a = nullptr;
  for (const auto& candidate : config.adapters) {
    if (candidate.type == "telegram" && (adapter_name.empty() || candidate.name == adapter_name)) {
      a = &candidate;
      break;
    }
  }
  if (a == nullptr) {
    std::cerr << "linli: no telegram adapter"
              << (adapter_name.empty() ? "" : " named \"" + adapter_name + "\"")
              << " in the config\n";
    return 2;
  }
  if (url.rfind("https://", 0) != 0 && url.rfind("http://127.", 0) != 0) {
    std::cerr << "linli: --url must be the public https:// address of " << a->webhook_path << "\n";
    return 2;
  }
  const auto* telegram = a->settings_as<linli::TelegramConfig>();
  nlohmann::json body = {{"url", url},
                         {"secret_token", telegram->secret_token},
                         {"allowed_updates", {"message", "callback_query"}},
                         {"max_connections", 40}};
  linli::ApiCall call;
  call.url = telegram->api_base + "/bot" + telegram->token + "/setWebhook";
  call.body = body.dump();
  boost::asio::io_context io;
  linli::Logger log(linli::LogLevel::warn);
  linli::HttpClientOptions options;
  options.ca_file = config.http_client.ca_file;
  linli::HttpClient client(io, options, log);
  linli::ApiResponse response;
  boost::asio::co_spawn(
      io, [&]() -> boost::asio::awaitable<void> { response = co_await client.perform(call); },
      boost::asio::detached);
  io.run();
  auto j = nlohmann::json::parse(response.body, nullptr, false);
  bool ok = response.status == 200 && !j.is_discarded() && j.value("ok", false);
  std::string said = j.is_discarded() ? response.error : j.value("description", "");
  std::cout << (ok ? "webhook set: " : "setWebhook failed: ") << said << "\n";
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "version" || args[0] == "--version") {
    std::cout << "linli 0.1.0\n";
    return 0;
  }
  const std::string& command = args[0];
  if (command == "export") {
    return linli::export_command(std::vector<std::string>(args.begin() + 1, args.end()), std::cout,
                                 std::cerr, env_lookup, linli::SystemClock().now_ms());
  }
  if (command != "serve" && command != "check-config" && command != "set-webhook" &&
      command != "migrate") {
    return usage_error("unknown command \"" + command + "\"");
  }
  std::string config_path, url, adapter;
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--config" && i + 1 < args.size()) {
      config_path = args[++i];
    } else if (args[i].rfind("--config=", 0) == 0) {
      config_path = args[i].substr(9);
    } else if (command == "set-webhook" && args[i] == "--url" && i + 1 < args.size()) {
      url = args[++i];
    } else if (command == "set-webhook" && args[i] == "--adapter" && i + 1 < args.size()) {
      adapter = args[++i];
    } else {
      return usage_error("unexpected argument \"" + args[i] + "\"");
    }
  }
  if (config_path.empty()) return usage_error(command + " needs --config FILE");

  linli::Config config;
  try {
    config = linli::load_config(config_path, env_lookup);
  } catch (const linli::ConfigError& e) {
    std::cerr << "linli: config error: " << e.what() << "\n";
    return 2;
  }
  // What the database is, for people: the SQLite file, or PostgreSQL's options with the
  // password masked; a connection string libpq cannot read is a config error like any other.
  std::string conninfo_error;
  auto database = linli::describe_database(config, conninfo_error);
  if (!database) {
    std::cerr << "linli: config error: " << config_path << ": database.postgres: " << conninfo_error
              << "\n";
    return 2;
  }
  if (command == "migrate") return linli::migrate_command(config, std::cout, std::cerr);
  if (command == "set-webhook") {
    if (url.empty()) return usage_error("set-webhook needs --url URL");
    return set_webhook(config, adapter, url);
  }
  if (command == "check-config") {
    std::cout << "config ok: " << config.adapters.size() << " adapter(s), "
              << config.communities.size() << " communit"
              << (config.communities.size() == 1 ? "y" : "ies") << ", database " << *database
              << ", listening on " << config.server.address << ":" << config.server.port << "\n";
    return 0;
  }

  linli::Logger log(linli::Logger::parse_level(config.log_level));
  linli::SystemClock clock;
  try {
    linli::App app(std::move(config), clock, log);
    // Caught before start() says "listening": a supervisor (or a test) that stops the service
    // as soon as it listens gets a graceful shutdown, not the default action of SIGTERM.
    boost::asio::signal_set signals(app.io(), SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int sig) {
      if (ec) return;
      log.info("signal", {{"signal", sig}});
      app.shutdown(std::chrono::seconds(5));
    });
    app.start();
    app.io().run();
  } catch (const linli::ConfigError& e) {
    std::cerr << "linli: config error: " << config_path << ": " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    log.error("fatal", {{"error", e.what()}});
    std::cerr << "linli: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
