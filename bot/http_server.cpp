#include "bot/http_server.hpp"

#include <array>
#include <list>
#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace linli {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

namespace {

// How long a connection whose request body was left unread is drained before it is closed.
constexpr auto kLinger = 1s;

// The request line and headers as the router sees them; the body comes later, if at all.
HttpRequest head_of(const http::request<http::string_body>& msg) {
  HttpRequest req;
  req.method = std::string(msg.method_string());
  req.target = std::string(msg.target());
  auto q = req.target.find('?');
  req.path = req.target.substr(0, q);
  if (q != std::string::npos) req.query = req.target.substr(q + 1);
  req.headers.reserve(16);
  for (const auto& f : msg) {
    std::string name(f.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req.headers.emplace_back(std::move(name), std::string(f.value()));
  }
  return req;
}

}  // namespace

struct HttpServer::Impl {
  Impl(net::io_context& io, const ServerConfig& c, const Router& r, Logger& l)
      : io(io), config(c), router(r), log(l), acceptor(io) {}

  // A connection, as stop() needs to see it.
  struct Conn {
    beast::tcp_stream* stream;
    bool busy;  // between the first byte of a request and the end of its response
  };

  net::awaitable<void> accept_loop();
  net::awaitable<void> session(tcp::socket socket);
  net::awaitable<bool> write(beast::tcp_stream& stream, http::response<http::string_body>& res);
  net::awaitable<void> read_failed(beast::tcp_stream& stream, beast::error_code ec);
  net::awaitable<void> linger(beast::tcp_stream& stream);
  HttpResponse internal_error(const HttpRequest& req, const std::exception& e);
  http::response<http::string_body> to_beast(HttpResponse&& r, unsigned version, bool keep_alive);
  void fail(beast::error_code ec, const char* what);

  net::io_context& io;
  const ServerConfig& config;
  const Router& router;
  Logger& log;
  tcp::acceptor acceptor;
  std::list<Conn> conns;
  bool stopping = false;
  ServerStats stats;
};

// One place for network errors (STYLE, after Beast's fail()): the expected ones are not noise.
void HttpServer::Impl::fail(beast::error_code ec, const char* what) {
  if (ec == net::error::operation_aborted || ec == http::error::end_of_stream ||
      ec == net::error::eof || ec == net::error::connection_reset ||
      ec == net::error::broken_pipe) {
    return;
  }
  log.debug("http_error", {{"op", what}, {"error", ec.message()}});
}

HttpServer::HttpServer(net::io_context& io, const ServerConfig& config, const Router& router,
                       Logger& log)
    : impl_(std::make_unique<Impl>(io, config, router, log)) {}

HttpServer::~HttpServer() = default;

const ServerStats& HttpServer::stats() const {
  return impl_->stats;
}

std::uint16_t HttpServer::listen() {
  auto& a = impl_->acceptor;
  beast::error_code ec;
  auto address = net::ip::make_address(impl_->config.address, ec);
  if (ec)
    throw std::runtime_error("server.address \"" + impl_->config.address + "\": " + ec.message());
  tcp::endpoint ep(address, impl_->config.port);
  a.open(ep.protocol());
  a.set_option(net::socket_base::reuse_address(true));
  a.bind(ep, ec);
  if (ec) {
    throw std::runtime_error("cannot listen on " + impl_->config.address + ":" +
                             std::to_string(impl_->config.port) + ": " + ec.message());
  }
  a.listen(net::socket_base::max_listen_connections);
  net::co_spawn(impl_->io, impl_->accept_loop(), net::detached);
  return a.local_endpoint().port();
}

void HttpServer::stop() {
  auto& s = *impl_;
  if (s.stopping) return;
  s.stopping = true;
  beast::error_code ec;
  s.acceptor.close(ec);
  for (auto& c : s.conns) {
    if (!c.busy) c.stream->cancel();  // a busy one closes after its response
  }
}

net::awaitable<void> HttpServer::Impl::accept_loop() {
  for (;;) {
    beast::error_code ec;
    tcp::socket socket =
        co_await acceptor.async_accept(net::redirect_error(net::use_awaitable, ec));
    if (ec) {
      if (stopping) co_return;
      fail(ec, "accept");
      if (ec == net::error::no_descriptors || ec == net::error::no_buffer_space) {
        // Out of file descriptors: wait a moment instead of spinning.
        net::steady_timer t(io, 100ms);
        co_await t.async_wait(net::redirect_error(net::use_awaitable, ec));
      }
      continue;
    }
    if (static_cast<int>(conns.size()) >= config.max_connections) {
      ++stats.refused;
      socket.close(ec);
      continue;
    }
    ++stats.accepted;
    net::co_spawn(io, session(std::move(socket)), net::detached);
  }
}

http::response<http::string_body> HttpServer::Impl::to_beast(HttpResponse&& r, unsigned version,
                                                             bool keep_alive) {
  http::response<http::string_body> res{static_cast<http::status>(r.status), version};
  res.set(http::field::server, "linli");
  res.set(http::field::content_type, r.content_type);
  for (auto& [k, v] : r.headers) res.set(k, v);
  res.body() = std::move(r.body);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  return res;
}

net::awaitable<bool> HttpServer::Impl::write(beast::tcp_stream& stream,
                                             http::response<http::string_body>& res) {
  beast::error_code ec;
  stream.expires_after(std::chrono::milliseconds(config.body_timeout_ms));
  co_await http::async_write(stream, res, net::redirect_error(net::use_awaitable, ec));
  if (ec) fail(ec, "write");
  co_return !ec;
}

// A request that could not be read: too large (413), malformed (400), too slow or gone.
net::awaitable<void> HttpServer::Impl::read_failed(beast::tcp_stream& stream,
                                                   beast::error_code ec) {
  if (ec == http::error::body_limit) {
    ++stats.too_large;
    auto res = to_beast(HttpResponse::text(413, "request body too large\n"), 11, false);
    if (co_await write(stream, res)) co_await linger(stream);
  } else if (ec == beast::error::timeout) {
    ++stats.timeouts;
  } else if (ec != http::error::end_of_stream && ec != net::error::operation_aborted &&
             ec != net::error::eof && ec != net::error::connection_reset) {
    ++stats.bad_requests;
    auto res = to_beast(HttpResponse::text(400, "bad request\n"), 11, false);
    co_await write(stream, res);
  }
  fail(ec, "read");
}

// After an answer that leaves the request's body unread. Closing at once, with unread bytes,
// makes the kernel send a reset that can destroy the answer before the client reads it (RFC 9112
// §9.6), so the sending side is shut first and what still comes is dropped through a small
// buffer, for a moment at most and never more than a body's worth: nothing of it is kept.
net::awaitable<void> HttpServer::Impl::linger(beast::tcp_stream& stream) {
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream.expires_after(kLinger);
  std::array<char, 4096> scratch;
  std::size_t dropped = 0;
  while (!ec && dropped <= config.body_limit) {
    dropped += co_await stream.async_read_some(net::buffer(scratch),
                                               net::redirect_error(net::use_awaitable, ec));
  }
}

// Where unexpected failures of routes and handlers are caught: the event is not acknowledged,
// so the platform retries it, and nothing of it was committed.
HttpResponse HttpServer::Impl::internal_error(const HttpRequest& req, const std::exception& e) {
  log.error("handler_failed", {{"path", req.path}, {"error", e.what()}});
  return HttpResponse::text(500, "internal error\n");
}

net::awaitable<void> HttpServer::Impl::session(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  auto self = conns.insert(conns.end(), Conn{&stream, false});
  ++stats.open;
  beast::flat_buffer buffer;
  beast::error_code ec;
  bool first = true;
  while (!stopping) {
    // Wait for the first byte of the next request (idle time-out), then give the headers their
    // own deadline from there: a client trickling one byte a second is cut off.
    if (buffer.size() == 0) {
      stream.expires_after(
          std::chrono::milliseconds(first ? config.header_timeout_ms : config.idle_timeout_ms));
      std::size_t n = co_await stream.async_read_some(buffer.prepare(4096),
                                                      net::redirect_error(net::use_awaitable, ec));
      if (ec) {
        if (ec == beast::error::timeout) ++stats.timeouts;
        fail(ec, "read");
        break;
      }
      buffer.commit(n);
    }
    first = false;
    self->busy = true;
    http::request_parser<http::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(config.body_limit);
    stream.expires_after(std::chrono::milliseconds(config.header_timeout_ms));
    co_await http::async_read_header(stream, buffer, parser,
                                     net::redirect_error(net::use_awaitable, ec));
    if (ec) {
      co_await read_failed(stream, ec);
      break;
    }
    ++stats.requests;
    auto& msg = parser.get();
    HttpRequest req = head_of(msg);
    bool keep_alive = msg.keep_alive();
    unsigned version = msg.version();
    // The route decides from the head whether it wants the body: a request it refuses (a wrong
    // secret, an unknown path) is answered before its body is read, and costs no memory for it.
    std::optional<HttpResponse> refusal;
    try {
      refusal = router.admit(req);
    } catch (const std::exception& e) {
      refusal = internal_error(req, e);
    }
    if (refusal) {
      bool body_unread = !parser.is_done();
      if (req.method == "HEAD") refusal->body.clear();
      auto res = to_beast(std::move(*refusal), version, keep_alive && !body_unread && !stopping);
      bool written = co_await write(stream, res);
      self->busy = false;
      if (written && res.keep_alive()) continue;
      if (written && body_unread) co_await linger(stream);
      break;
    }
    if (!parser.is_done()) {
      stream.expires_after(std::chrono::milliseconds(config.body_timeout_ms));
      co_await http::async_read(stream, buffer, parser,
                                net::redirect_error(net::use_awaitable, ec));
      if (ec) {
        co_await read_failed(stream, ec);
        break;
      }
    }
    req.body = std::move(msg.body());

    HttpResponse out;
    try {
      out = co_await router.handle(req);
    } catch (const std::exception& e) {
      out = internal_error(req, e);
    }
    if (req.method == "HEAD") out.body.clear();
    auto res = to_beast(std::move(out), version, keep_alive && !stopping);
    bool written = co_await write(stream, res);
    self->busy = false;
    if (!written || !res.keep_alive()) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream.close();
  conns.erase(self);
  --stats.open;
}

}  // namespace linli
