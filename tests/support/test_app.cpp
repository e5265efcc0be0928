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
  app_ = std::make_unique<App>(config_, clock_, log_);
  port_ = app_->start();
  thread_ = std::thread([this] { app_->io().run(); });
}

void TestApp::stop() {
  if (!app_) return;
  boost::asio::post(app_->io(), [this] { app_->shutdown(std::chrono::seconds(5)); });
  thread_.join();
  app_.reset();
}

void TestApp::restart() {
  stop();
  start();
}

}  // namespace linli::test
