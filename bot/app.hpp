#pragma once
// The composition root (STYLE 11): builds the database, the repositories, the adapters, the
// engine, the dispatcher, the sender, the scheduler and the server from one Config, and owns
// them. main() runs it; integration tests run it in process on 127.0.0.1 with a manual clock.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include <boost/asio/io_context.hpp>

#include "bot/clock.hpp"
#include "bot/log.hpp"
#include "config/config.hpp"

namespace linli {

class Dispatcher;
class GroupCommit;
class HttpServer;
class OutboxSender;
class Scheduler;
struct Store;

class App {
 public:
  // Opens (and migrates) the database and builds everything; throws ConfigError for config
  // values that only make sense against the code (e.g. an unknown skill in a roster).
  App(Config config, const Clock& clock, Logger& log);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Binds the server, resumes the outbox and the timers; returns the port it listens on.
  std::uint16_t start();
  // Stops accepting, answers the requests in progress, delivers what the outbox holds (for up to
  // `flush`), then stops the io_context. Call on the io_context thread (e.g. from a signal).
  void shutdown(std::chrono::milliseconds flush);

  boost::asio::io_context& io();
  const Config& config() const;
  Store& store();
  Dispatcher& dispatcher();
  OutboxSender& sender();
  Scheduler& scheduler();
  GroupCommit& group_commit();
  // Transactions the database has committed: one per batch of decisions (group commit).
  std::uint64_t commits() const;
  const HttpServer& server() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace linli
