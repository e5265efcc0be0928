#include "tests/support/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace linli::test {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

std::string HttpReply::header(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (beast::iequals(k, name)) return v;
  }
  return {};
}

struct HttpClient::Impl {
  net::io_context io;
  std::uint16_t port;
  std::chrono::milliseconds timeout;
  std::unique_ptr<beast::tcp_stream> stream;
  beast::flat_buffer buffer;

  bool connect() {
    stream = std::make_unique<beast::tcp_stream>(io);
    stream->expires_after(timeout);
    beast::error_code ec;
    stream->connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
    buffer.clear();
    return !ec;
  }

  // Runs one asynchronous operation to completion with the stream's deadline.
  template <typename Op>
  beast::error_code run(Op op) {
    beast::error_code result = net::error::would_block;
    op([&](beast::error_code ec, std::size_t) { result = ec; });
    io.restart();
    io.run();
    return result;
  }

  HttpReply once(const http::request<http::string_body>& req) {
    HttpReply reply;
    if (!stream && !connect()) return reply;
    stream->expires_after(timeout);
    if (run([&](auto h) { http::async_write(*stream, req, h); })) {
      stream.reset();
      return reply;
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    if (run([&](auto h) { http::async_read(*stream, buffer, parser, h); })) {
      stream.reset();
      return reply;
    }
    auto& res = parser.get();
    reply.status = static_cast<int>(res.result_int());
    reply.body = std::move(res.body());
    for (const auto& f : res)
      reply.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    if (!res.keep_alive()) stream.reset();
    return reply;
  }
};

HttpClient::HttpClient(std::uint16_t port, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
  impl_->port = port;
  impl_->timeout = timeout;
}

HttpClient::~HttpClient() = default;

HttpReply HttpClient::get(const std::string& target) {
  return request("GET", target, "", {});
}

HttpReply HttpClient::post(const std::string& target, const std::string& body,
                           std::vector<std::pair<std::string, std::string>> headers) {
  headers.emplace_back("Content-Type", "application/json");
  return request("POST", target, body, headers);
}

HttpReply HttpClient::request(const std::string& method, const std::string& target,
                              const std::string& body,
                              const std::vector<std::pair<std::string, std::string>>& headers) {
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.keep_alive(true);
  req.prepare_payload();
  bool fresh = !impl_->stream;
  HttpReply r = impl_->once(req);
  // A kept-alive connection the server has closed meanwhile: try once on a new one.
  if (r.status == 0 && !fresh) r = impl_->once(req);
  return r;
}

}  // namespace linli::test
