#pragma once
// Linli running in process for integration tests: the real App (server, dispatcher, sender,
// scheduler, SQLite file) on 127.0.0.1 and a port of its choosing, on its own thread, with a
// manual clock the test moves.

#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include <boost/asio/post.hpp>

#include "bot/app.hpp"
#include "bot/clock.hpp"
#include "bot/log.hpp"
#include "config/config.hpp"

namespace linli::test {

class TestApp {
 public:
  // `config` is used as given, except that the server listens on port 0.
  TestApp(Config config, ManualClock& clock);
  ~TestApp();
  TestApp(const TestApp&) = delete;
  TestApp& operator=(const TestApp&) = delete;

  std::uint16_t port() const { return port_; }
  App& app() { return *app_; }

  // Runs `f` on the App's thread and waits for its result.
  template <typename F>
  auto on_io(F f) -> decltype(f()) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    boost::asio::post(app_->io(), [&task] { task(); });
    return result.get();
  }
  // Waits (at most `limit`) until no platform call is on the wire, so that the service has
  // recorded every answer it got; false when the limit runs out first.
  bool wait_nothing_in_flight(std::chrono::milliseconds limit = std::chrono::seconds(5));
  // Stops the App gracefully and starts a new one on the same database and config.
  void restart();
  // Stops the App gracefully, giving the outbox `flush` to drain; start() brings it back.
  void stop(std::chrono::milliseconds flush = std::chrono::seconds(5));
  void start();

 private:
  Config config_;
  ManualClock& clock_;
  Logger log_{LogLevel::warn};
  std::unique_ptr<App> app_;
  std::thread thread_;
  std::uint16_t port_ = 0;
};

}  // namespace linli::test
