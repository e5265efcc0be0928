#include "tests/support/fake_http.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <list>
#include <mutex>
#include <thread>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace linli::test {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t kBodyLimit = 4 << 20;
constexpr std::size_t kHeaderLimit = 16 * 1024;
constexpr std::size_t kMaxConnections = 256;
constexpr std::size_t kMaxExchanges = 100'000;
constexpr auto kIdleTimeout = 30s;
constexpr auto kIoTimeout = 10s;
constexpr std::chrono::milliseconds kMaxDelay = 60s;
constexpr std::chrono::milliseconds kMaxWait = 60s;

HttpRequest to_request(const http::request<http::string_body>& req) {
  HttpRequest r;
  r.method = std::string(req.method_string());
  r.target = std::string(req.target());
  auto q = r.target.find('?');
  r.path = r.target.substr(0, q);
  if (q != std::string::npos) r.query = r.target.substr(q + 1);
  for (const auto& f : req) {
    std::string name(f.name_string());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    r.headers.emplace_back(std::move(name), std::string(f.value()));
  }
  r.body = req.body();
  return r;
}

}  // namespace

struct FakeHttpServer::Impl {
  explicit Impl(Handler h) : handler(std::move(h)) {}

  net::awaitable<void> accept_loop();
  net::awaitable<void> session(tcp::socket socket);
  void stop();
  void record(FakeHttpExchange e);

  const Handler handler;
  net::io_context io{1};
  tcp::acceptor acceptor{io};
  std::uint16_t port = 0;
  std::thread thread;

  // The server thread's alone.
  struct Conn {
    beast::tcp_stream* stream;
    net::steady_timer* timer;
  };
  std::list<Conn> conns;
  bool stopping = false;

  // Shared with the tests' threads, under `mu`.
  mutable std::mutex mu;
  mutable std::condition_variable changed;
  std::uint64_t generation = 0;
  std::deque<FakeHttpExchange> exchanges;
};

net::awaitable<void> FakeHttpServer::Impl::accept_loop() {
  for (;;) {
    beast::error_code ec;
    tcp::socket socket =
        co_await acceptor.async_accept(net::redirect_error(net::use_awaitable, ec));
    if (stopping || ec == net::error::operation_aborted) co_return;
    if (ec) {  // out of descriptors, say: wait instead of spinning
      net::steady_timer pause(io, 50ms);
      co_await pause.async_wait(net::redirect_error(net::use_awaitable, ec));
      continue;
    }
    if (conns.size() >= kMaxConnections) {
      socket.close(ec);
      continue;
    }
    net::co_spawn(io, session(std::move(socket)), net::detached);
  }
}

net::awaitable<void> FakeHttpServer::Impl::session(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  net::steady_timer timer(io);
  auto self = conns.insert(conns.end(), Conn{&stream, &timer});
  beast::flat_buffer buffer;
  beast::error_code ec;
  while (!stopping) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(kHeaderLimit);
    parser.body_limit(kBodyLimit);
    stream.expires_after(kIdleTimeout);
    co_await http::async_read(stream, buffer, parser, net::redirect_error(net::use_awaitable, ec));
    if (ec || stopping) break;
    const auto& req = parser.get();
    HttpRequest request = to_request(req);
    FakeHttpAnswer answer = handler(request);
    if (answer.delay > 0ms) {
      timer.expires_after(std::min(answer.delay, kMaxDelay));
      co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
      if (stopping) break;
    }
    record(FakeHttpExchange{request, answer});
    if (answer.status < 0) break;  // dropped without an answer
    http::response<http::string_body> res{static_cast<http::status>(answer.status), req.version()};
    res.set(http::field::content_type, answer.content_type);
    for (const auto& [name, value] : answer.headers) res.set(name, value);
    res.body() = std::move(answer.body);
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    stream.expires_after(kIoTimeout);
    co_await http::async_write(stream, res, net::redirect_error(net::use_awaitable, ec));
    if (ec || !res.keep_alive()) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream.close();
  conns.erase(self);
}

void FakeHttpServer::Impl::stop() {
  stopping = true;
  beast::error_code ec;
  acceptor.close(ec);
  for (auto& c : conns) {
    c.stream->cancel();
    c.timer->cancel();
  }
}

void FakeHttpServer::Impl::record(FakeHttpExchange e) {
  std::lock_guard lock(mu);
  exchanges.push_back(std::move(e));
  if (exchanges.size() > kMaxExchanges) exchanges.pop_front();
  ++generation;
  changed.notify_all();
}

FakeHttpServer::FakeHttpServer(Handler handler)
    : impl_(std::make_unique<Impl>(std::move(handler))) {
  auto& a = impl_->acceptor;
  tcp::endpoint ep(net::ip::make_address("127.0.0.1"), 0);
  a.open(ep.protocol());
  a.bind(ep);
  a.listen(net::socket_base::max_listen_connections);
  impl_->port = a.local_endpoint().port();
  net::co_spawn(impl_->io, impl_->accept_loop(), net::detached);
  impl_->thread = std::thread([impl = impl_.get()] { impl->io.run(); });
}

FakeHttpServer::~FakeHttpServer() {
  net::post(impl_->io, [impl = impl_.get()] { impl->stop(); });
  impl_->thread.join();
}

std::string FakeHttpServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port);
}

std::uint16_t FakeHttpServer::port() const {
  return impl_->port;
}

std::vector<FakeHttpExchange> FakeHttpServer::exchanges() const {
  std::lock_guard lock(impl_->mu);
  return {impl_->exchanges.begin(), impl_->exchanges.end()};
}

std::vector<FakeHttpExchange> FakeHttpServer::exchanges(const std::string& path) const {
  std::vector<FakeHttpExchange> out;
  for (auto& e : exchanges()) {
    if (e.request.path == path) out.push_back(std::move(e));
  }
  return out;
}

bool FakeHttpServer::wait_until(const std::function<bool()>& pred,
                                std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + std::min(timeout, kMaxWait);
  std::unique_lock lock(impl_->mu);
  for (;;) {
    std::uint64_t seen = impl_->generation;
    lock.unlock();  // `pred` takes the lock itself through the accessors
    if (pred()) return true;
    lock.lock();
    if (!impl_->changed.wait_until(lock, deadline, [&] { return impl_->generation != seen; })) {
      lock.unlock();
      return pred();
    }
  }
}

}  // namespace linli::test
