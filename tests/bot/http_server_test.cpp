// The server's limits, each with its config key: body size, header and idle time-outs, open
// connections; and plain HTTP behaviour: keep-alive, 404, 405, 400.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "bot/http_server.hpp"
#include "bot/router.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/raw_socket.hpp"

namespace linli::test {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class HttpServerTest : public ::testing::Test {
 protected:
  void start(ServerConfig config) {
    config_ = config;
    config_.port = 0;
    router_.add("POST", "/echo", [](HttpRequest& r) {
      return HttpResponse::text(200, std::to_string(r.body.size()));
    });
    router_.add("GET", "/hello", [](HttpRequest& r) {
      return HttpResponse::text(200, "hello " + r.query_param("name"));
    });
    server_ = std::make_unique<HttpServer>(io_, config_, router_, log_);
    port_ = server_->listen();
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    if (!server_) return;
    boost::asio::post(io_, [this] { server_->stop(); });
    // Connections the test left open close on their idle time-out at the latest.
    io_.stop();
    thread_.join();
  }
  static std::string post_echo(std::size_t body) {
    return "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body) +
           "\r\n\r\n" + std::string(body, 'a');
  }

  boost::asio::io_context io_{1};
  ServerConfig config_;
  Router router_;
  Logger log_{LogLevel::error};
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  std::uint16_t port_ = 0;
};

TEST_F(HttpServerTest, ServesSeveralRequestsOnOneKeptAliveConnection) {
  start({});
  RawSocket s(port_);
  ASSERT_TRUE(
      s.send("GET /hello?name=%E6%9D%8E HTTP/1.1\r\nHost: x\r\n\r\nGET /hello?name=b "
             "HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string got;
  for (int i = 0; i < 20 && got.find("hello b") == std::string::npos; ++i) got += s.read(100ms);
  EXPECT_THAT(got, HasSubstr("hello 李"));
  EXPECT_THAT(got, HasSubstr("hello b"));
}

TEST_F(HttpServerTest, BodyOverTheLimitIsRefusedWith413) {
  ServerConfig c;
  c.body_limit = 1024;
  start(c);
  HttpClient client(port_);
  EXPECT_EQ(client.post("/echo", std::string(1024, 'x')).status, 200);
  EXPECT_EQ(client.post("/echo", std::string(1025, 'x')).status, 413);
}

TEST_F(HttpServerTest, ClientTricklingHeadersIsCutOff) {
  ServerConfig c;
  c.header_timeout_ms = 300;
  start(c);
  RawSocket s(port_);
  std::string request = "GET /hello HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
  bool closed = false;
  // One byte every 100 ms would take 7 s; the server must hang up long before the end.
  for (std::size_t i = 0; i < request.size() && !closed; ++i) {
    if (!s.send(request.substr(i, 1))) break;
    s.read(100ms, &closed);
  }
  EXPECT_TRUE(closed);
  EXPECT_EQ(server_->stats().requests, 0u);
}

TEST_F(HttpServerTest, ClientSendingTooLittleBodyIsCutOff) {
  ServerConfig c;
  c.body_timeout_ms = 300;
  start(c);
  RawSocket s(port_);
  s.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly a little");
  bool closed = false;
  s.read(5s, &closed);
  EXPECT_TRUE(closed);
}

TEST_F(HttpServerTest, IdleKeptAliveConnectionIsClosed) {
  ServerConfig c;
  c.idle_timeout_ms = 200;
  start(c);
  RawSocket s(port_);
  s.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  bool closed = false;
  std::string got = s.read(5s, &closed);
  EXPECT_THAT(got, StartsWith("HTTP/1.1 200"));
  EXPECT_TRUE(closed);
}

TEST_F(HttpServerTest, ConnectionsOverTheCapAreClosedAtOnce) {
  ServerConfig c;
  c.max_connections = 2;
  start(c);
  RawSocket a(port_), b(port_);
  a.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  b.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_THAT(a.read(300ms), StartsWith("HTTP/1.1 200"));
  EXPECT_THAT(b.read(300ms), StartsWith("HTTP/1.1 200"));
  RawSocket third(port_);
  third.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  bool closed = false;
  EXPECT_EQ(third.read(5s, &closed), "");
  EXPECT_TRUE(closed);
  EXPECT_EQ(server_->stats().refused, 1u);
}

TEST_F(HttpServerTest, UnknownPathIs404AndWrongMethodIs405) {
  start({});
  HttpClient client(port_);
  EXPECT_EQ(client.get("/nope").status, 404);
  auto r = client.get("/echo");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("Allow"), "POST");
}

// A route that wants its body only from whoever knows the secret.
void add_secret_route(Router& router) {
  router.add(
      "POST", "/hook", [](HttpRequest& r) { return HttpResponse::text(200, r.body); },
      [](const HttpRequest& head) { return head.header("x-secret") == "open sesame" ? 0 : 401; });
}

TEST_F(HttpServerTest, ARequestItsRouteRefusesOnTheHeadersIsAnsweredBeforeTheBodyComes) {
  add_secret_route(router_);
  ServerConfig c;
  c.body_timeout_ms = 60'000;  // a server waiting for the body would wait this long
  start(c);
  RawSocket s(port_);
  // The headers of a body of almost a megabyte, which never comes.
  ASSERT_TRUE(s.send(
      "POST /hook HTTP/1.1\r\nHost: x\r\nX-Secret: wrong\r\nContent-Length: 1000000\r\n\r\n"));
  bool closed = false;
  std::string got = s.read(5s, &closed);
  EXPECT_THAT(got, StartsWith("HTTP/1.1 401"));
  EXPECT_TRUE(closed);  // the body was never read, so the connection cannot carry another request

  HttpClient client(port_);
  HttpReply ok = client.post("/hook", "the body", {{"X-Secret", "open sesame"}});
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "the body");
}

TEST_F(HttpServerTest, AnUnknownPathIsAnsweredBeforeTheBodyComes) {
  ServerConfig c;
  c.body_timeout_ms = 60'000;
  start(c);
  RawSocket s(port_);
  ASSERT_TRUE(s.send("POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n"));
  EXPECT_THAT(s.read(5s), StartsWith("HTTP/1.1 404"));
}

TEST_F(HttpServerTest, ARefusalWithItsBodyAlreadyOnTheWayReachesTheClient) {
  add_secret_route(router_);
  ServerConfig c;
  c.body_limit = 16 << 20;
  start(c);
  // The whole request at once, more than the sockets' buffers hold: the server answers before
  // reading the body and must not reset the connection under its own answer.
  HttpClient client(port_);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(client.post("/hook", std::string(8 << 20, 'x'), {{"X-Secret", "no"}}).status, 401);
  }
}

TEST_F(HttpServerTest, GarbageIsABadRequest) {
  start({});
  RawSocket s(port_);
  s.send("HELLO THERE\r\n\r\n");
  EXPECT_THAT(s.read(2s), StartsWith("HTTP/1.1 400"));
}

TEST_F(HttpServerTest, StopClosesIdleConnectionsAndRefusesNewOnes) {
  start({});
  RawSocket idle(port_);
  idle.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_THAT(idle.read(300ms), StartsWith("HTTP/1.1 200"));
  boost::asio::post(io_, [this] { server_->stop(); });
  bool closed = false;
  idle.read(5s, &closed);
  EXPECT_TRUE(closed);
  RawSocket late(port_);
  EXPECT_FALSE(late.connected() && late.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n") &&
               !late.read(500ms).empty());
}

}  // namespace
}  // namespace linli::test
