#include "tests/support/test_app.hpp"

#include "bot/outbox_sender.hpp"

namespace linli::test {

TestApp::TestApp(Config config, ManualClock& clock) : config_(std::move(config)), clock_(clock) {
  config_.server.port = 0;
  start();
}

TestApp::~TestApp() {
  stop();
}

void TestApp::start() {
  if (app_) return;
  app_ = std::make_unique<App>(config_, clock_, log_);
  port_ = app_->start();
  thread_ = std::thread([this] { app_->io().run(); });
}

void TestApp::stop(std::chrono::milliseconds flush) {
  if (!app_) return;
  boost::asio::post(app_->io(), [this, flush] { app_->shutdown(flush); });
  thread_.join();
  app_.reset();
}

bool TestApp::wait_nothing_in_flight(std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (on_io([this] { return app_->sender().in_flight(); }) > 0) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

void TestApp::restart() {
  stop();
  start();
}

}  // namespace linli::test
