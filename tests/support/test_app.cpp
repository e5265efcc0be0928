#include "tests/support/test_app.hpp"

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

void TestApp::restart() {
  stop();
  start();
}

}  // namespace linli::test
