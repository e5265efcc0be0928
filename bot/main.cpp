// linli: the command line. Builds the App from a config file and runs it on one thread.

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <boost/asio/signal_set.hpp>

#include "bot/app.hpp"
#include "config/config.hpp"

namespace {

constexpr const char* kUsage =
    R"(linli — neighbourhood volunteer work in the group chats people already use

Usage:
  linli serve --config FILE          run the service (Ctrl-C or SIGTERM stops it gracefully)
  linli check-config --config FILE   validate a config file, print what it sets up, and exit
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
  if (command != "serve" && command != "check-config")
    return usage_error("unknown command \"" + command + "\"");
  std::string config_path;
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--config" && i + 1 < args.size()) {
      config_path = args[++i];
    } else if (args[i].rfind("--config=", 0) == 0) {
      config_path = args[i].substr(9);
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
  if (command == "check-config") {
    std::cout << "config ok: " << config.adapters.size() << " adapter(s), "
              << config.communities.size() << " communit"
              << (config.communities.size() == 1 ? "y" : "ies") << ", database " << config.database
              << ", listening on " << config.server.address << ":" << config.server.port << "\n";
    return 0;
  }

  linli::Logger log(linli::Logger::parse_level(config.log_level));
  linli::SystemClock clock;
  try {
    linli::App app(std::move(config), clock, log);
    app.start();
    boost::asio::signal_set signals(app.io(), SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int sig) {
      if (ec) return;
      log.info("signal", {{"signal", sig}});
      app.shutdown(std::chrono::seconds(5));
    });
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
