#include "bot/http_client.hpp"

#include <poll.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace linli {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using Steady = std::chrono::steady_clock;

namespace {

constexpr const char* kUserAgent = "linli/0.1";

// Where a call goes. `key` names the idle pool its connections share.
struct Url {
  bool tls = false;
  std::string host;  // lower case; an IPv6 address without its brackets
  std::uint16_t port = 0;
  std::string target;
  std::string host_header;
  std::string key;
};

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

std::optional<Url> parse_url(std::string_view s) {
  Url u;
  auto has_scheme = [&](std::string_view scheme) {
    return s.size() >= scheme.size() &&
           std::equal(scheme.begin(), scheme.end(), s.begin(), [](char a, char b) {
             return a == std::tolower(static_cast<unsigned char>(b));
           });
  };
  if (has_scheme("https://")) {
    u.tls = true;
    s.remove_prefix(8);
  } else if (has_scheme("http://")) {
    s.remove_prefix(7);
  } else {
    return std::nullopt;
  }
  std::size_t end = s.find_first_of("/?#");
  std::string_view authority = s.substr(0, end);
  std::string_view rest = end == std::string_view::npos ? std::string_view() : s.substr(end);

  std::string_view host;
  std::string_view port;
  bool bracketed = !authority.empty() && authority.front() == '[';
  if (bracketed) {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port = after.substr(1);
    }
    beast::error_code ec;
    net::ip::make_address_v6(std::string(host), ec);
    if (ec) return std::nullopt;
  } else {
    std::size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
    // Also refuses user info ("user:pass@host"): credentials do not belong in our URLs.
    if (!std::all_of(host.begin(), host.end(), is_name_char)) return std::nullopt;
  }
  if (host.empty()) return std::nullopt;

  u.port = u.tls ? 443 : 80;
  if (!port.empty()) {
    unsigned value = 0;
    auto [p, err] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (err != std::errc() || p != port.data() + port.size() || value == 0 || value > 65535) {
      return std::nullopt;
    }
    u.port = static_cast<std::uint16_t>(value);
  }

  rest = rest.substr(0, rest.find('#'));
  if (rest.empty() || rest.front() == '?') u.target = "/";
  u.target += rest;
  // A space or a control character would break the request line.
  for (char c : u.target) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return std::nullopt;
  }

  u.host.reserve(host.size());
  for (char c : host) u.host += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  u.host_header = bracketed ? "[" + u.host + "]" : u.host;
  if (u.port != (u.tls ? 443 : 80)) u.host_header += ":" + std::to_string(u.port);
  u.key = (u.tls ? "https://" : "http://") + u.host_header;
  return u;
}

bool is_ip_literal(const std::string& host) {
  beast::error_code ec;
  net::ip::make_address(host, ec);
  return !ec;
}

// Ways a connection ends that mean "the server closed it", as opposed to a time-out or a
// malformed answer.
bool closed_by_peer(beast::error_code ec) {
  return ec == http::error::end_of_stream || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::connection_aborted ||
         ec == net::error::broken_pipe || ec == ssl::error::stream_truncated;
}

// Methods that may be sent again after a failure without changing the outcome (RFC 9110
// §9.2.2). POST is not one: Bot API calls send messages.
bool idempotent(http::verb v) {
  return v == http::verb::get || v == http::verb::head || v == http::verb::options ||
         v == http::verb::put || v == http::verb::delete_ || v == http::verb::trace;
}

// Asio's host_name_verification only says no; setting the reason makes the handshake's error
// say "hostname mismatch" rather than nothing in particular.
struct HostNameCheck {
  ssl::host_name_verification check;
  bool operator()(bool preverified, ssl::verify_context& ctx) {
    bool ok = check(preverified, ctx);
    if (preverified && !ok) {
      X509_STORE_CTX_set_error(ctx.native_handle(), X509_V_ERR_HOSTNAME_MISMATCH);
    }
    return ok;
  }
};

// True when an idle connection can no longer carry a request: the server closed it, reset it or
// sent something unasked. Checked without blocking before the request is written: a close
// seen here costs nothing, while one that crosses our request on the wire fails a POST.
bool idle_connection_broken(tcp::socket& socket) {
  pollfd p{socket.native_handle(), POLLIN | POLLRDHUP, 0};
  return ::poll(&p, 1, 0) != 0;
}

}  // namespace

struct HttpClient::Impl {
  using Request = http::request<http::string_body>;

  // One connection to one (scheme, host, port), owned by one request at a time or by the pool.
  struct Connection {
    std::optional<beast::tcp_stream> plain;
    std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
    beast::tcp_stream& base() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
  };

  Impl(net::io_context& io, HttpClientOptions o, Logger& l)
      : io(io), options(std::move(o)), log(l), tls(ssl::context::tls_client) {}

  struct Connected {
    std::unique_ptr<Connection> conn;
    std::string error;
  };
  struct Resolved {
    beast::error_code ec;
    std::vector<tcp::endpoint> endpoints;
  };
  struct Attempt {
    beast::error_code ec;
    const char* op = "";
    bool unsent = false;     // the write failed before the kernel took any byte of it
    bool got_bytes = false;  // of the response: after that, the request was surely processed
    bool reusable = false;
    http::response<http::string_body> response;
  };

  net::awaitable<Resolved> resolve(std::string host, std::uint16_t port, Steady::time_point until);
  net::awaitable<Connected> connect(Url url);
  template <class Stream>
  net::awaitable<Attempt> exchange(Stream& stream, const Request& req);
  std::unique_ptr<Connection> take_idle(const std::string& key);
  void put_idle(const std::string& key, std::unique_ptr<Connection> conn);
  ApiResponse failed(const Url* url, std::string error);

  net::io_context& io;
  HttpClientOptions options;
  Logger& log;
  ssl::context tls;
  std::unordered_map<std::string, std::vector<std::unique_ptr<Connection>>> idle;
  Stats stats;
};

HttpClient::HttpClient(net::io_context& io, HttpClientOptions options, Logger& log)
    : impl_(std::make_unique<Impl>(io, std::move(options), log)) {
  auto& tls = impl_->tls;
  SSL_CTX_set_min_proto_version(tls.native_handle(), TLS1_2_VERSION);
  tls.set_options(ssl::context::default_workarounds | ssl::context::no_compression);
  tls.set_default_verify_paths();
  if (!impl_->options.ca_file.empty()) {
    beast::error_code ec;
    tls.load_verify_file(impl_->options.ca_file, ec);
    if (ec) {
      throw std::runtime_error("cannot load CA certificates from " + impl_->options.ca_file + ": " +
                               ec.message());
    }
  }
  tls.set_verify_mode(ssl::verify_peer);
}

HttpClient::~HttpClient() = default;

const HttpClient::Stats& HttpClient::stats() const {
  return impl_->stats;
}

ApiResponse HttpClient::Impl::failed(const Url* url, std::string error) {
  ++stats.failures;
  if (url) {
    log.debug("http_client_failed", {{"host", url->host}, {"port", url->port}, {"error", error}});
  }
  ApiResponse r;
  r.error = std::move(error);
  return r;
}

// Asio runs getaddrinfo on a thread of its own, where cancel() cannot interrupt it: a hanging
// DNS server would hold the request past its connect time-out. So the answer is awaited through
// a timer that either the answer or the deadline ends; a late answer lands in the shared state
// and is dropped.
net::awaitable<HttpClient::Impl::Resolved> HttpClient::Impl::resolve(std::string host,
                                                                     std::uint16_t port,
                                                                     Steady::time_point until) {
  Resolved out;
  beast::error_code ec;
  auto address = net::ip::make_address(host, ec);
  if (!ec) {
    out.endpoints.emplace_back(address, port);
    co_return out;
  }
  struct Pending {
    explicit Pending(net::io_context& io) : resolver(io), wake(io) {}
    tcp::resolver resolver;
    net::steady_timer wake;
    bool done = false;
    Resolved result;
  };
  auto pending = std::make_shared<Pending>(io);
  pending->wake.expires_at(until);
  pending->resolver.async_resolve(
      host, std::to_string(port),
      [pending](beast::error_code ec, tcp::resolver::results_type results) {
        pending->done = true;
        pending->result.ec = ec;
        for (const auto& r : results) pending->result.endpoints.push_back(r.endpoint());
        pending->wake.cancel();
      });
  co_await pending->wake.async_wait(net::redirect_error(net::use_awaitable, ec));
  if (!pending->done) {
    pending->resolver.cancel();
    out.ec = beast::error::timeout;
    co_return out;
  }
  co_return std::move(pending->result);
}

net::awaitable<HttpClient::Impl::Connected> HttpClient::Impl::connect(Url url) {
  Connected out;
  auto until = Steady::now() + options.connect_timeout;
  log.debug("http_client_connect", {{"host", url.host}, {"port", url.port}, {"tls", url.tls}});

  Resolved where = co_await resolve(url.host, url.port, until);
  if (where.ec) {
    out.error = where.ec == beast::error::timeout ? "timeout" : "resolve: " + where.ec.message();
    co_return out;
  }
  if (where.endpoints.empty()) {
    out.error = "resolve: no addresses";
    co_return out;
  }

  auto conn = std::make_unique<Connection>();
  if (url.tls) {
    conn->tls.emplace(io, tls);
  } else {
    conn->plain.emplace(io);
  }
  beast::tcp_stream& base = conn->base();
  beast::error_code ec;
  base.expires_at(until);
  co_await base.async_connect(where.endpoints, net::redirect_error(net::use_awaitable, ec));
  if (ec) {
    out.error = ec == beast::error::timeout ? "timeout" : "connect: " + ec.message();
    co_return out;
  }
  base.socket().set_option(tcp::no_delay(true), ec);

  if (url.tls) {
    auto& stream = *conn->tls;
    // SNI carries host names only (RFC 6066 §3), never address literals.
    if (!is_ip_literal(url.host) &&
        !SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str())) {
      out.error = "TLS: cannot set the server name";
      co_return out;
    }
    stream.set_verify_callback(HostNameCheck{ssl::host_name_verification(url.host)});
    co_await stream.async_handshake(ssl::stream_base::client,
                                    net::redirect_error(net::use_awaitable, ec));
    if (ec) {
      long verify = SSL_get_verify_result(stream.native_handle());
      if (verify != X509_V_OK) {
        out.error = std::string("TLS certificate verification failed: ") +
                    X509_verify_cert_error_string(verify);
      } else {
        out.error = ec == beast::error::timeout ? "timeout" : "TLS handshake: " + ec.message();
      }
      co_return out;
    }
  }
  ++stats.connections_opened;
  out.conn = std::move(conn);
  co_return out;
}

// One request and its whole response under one deadline.
template <class Stream>
net::awaitable<HttpClient::Impl::Attempt> HttpClient::Impl::exchange(Stream& stream,
                                                                     const Request& req) {
  Attempt a;
  beast::tcp_stream& base = beast::get_lowest_layer(stream);
  base.expires_after(options.request_timeout);
  std::size_t written =
      co_await http::async_write(stream, req, net::redirect_error(net::use_awaitable, a.ec));
  if (a.ec) {
    a.op = "write";
    a.unsent = written == 0;
    co_return a;
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(static_cast<std::uint64_t>(options.response_body_limit));
  if (req.method() == http::verb::head) parser.skip(true);
  // The header first: Beast 1.74's eager parse (what async_read does) skips the Content-Length
  // check against body_limit when the header and the body arrive in one read.
  co_await http::async_read_header(stream, buffer, parser,
                                   net::redirect_error(net::use_awaitable, a.ec));
  if (!a.ec && !parser.is_done()) {
    co_await http::async_read(stream, buffer, parser,
                              net::redirect_error(net::use_awaitable, a.ec));
  }
  a.got_bytes = parser.got_some() || buffer.size() > 0;
  if (a.ec) {
    a.op = "read";
    co_return a;
  }
  // Bytes past the response would be read as the start of the next one.
  a.reusable = parser.get().keep_alive() && buffer.size() == 0;
  a.response = parser.release();
  base.expires_never();
  co_return a;
}

std::unique_ptr<HttpClient::Impl::Connection> HttpClient::Impl::take_idle(const std::string& key) {
  auto it = idle.find(key);
  if (it == idle.end()) return nullptr;
  auto& conns = it->second;
  while (!conns.empty()) {
    // The most recently used one is the least likely to have met the server's idle time-out.
    std::unique_ptr<Connection> conn = std::move(conns.back());
    conns.pop_back();
    if (!idle_connection_broken(conn->base().socket())) return conn;
  }
  return nullptr;
}

void HttpClient::Impl::put_idle(const std::string& key, std::unique_ptr<Connection> conn) {
  auto& conns = idle[key];
  if (conns.size() < options.max_idle_per_host) conns.push_back(std::move(conn));
}

net::awaitable<ApiResponse> HttpClient::perform(ApiCall call) {
  Impl& s = *impl_;
  ++s.stats.requests;
  std::optional<Url> url = parse_url(call.url);
  if (!url) co_return s.failed(nullptr, "unsupported URL");
  http::verb verb = http::string_to_verb(call.method);
  if (verb == http::verb::unknown) co_return s.failed(nullptr, "unsupported method");

  Impl::Request req{verb, url->target, 11};
  req.set(http::field::host, url->host_header);
  req.set(http::field::user_agent, kUserAgent);
  if (!call.content_type.empty() && !call.body.empty()) {
    req.set(http::field::content_type, call.content_type);
  }
  for (auto& [name, value] : call.headers) req.set(name, value);
  req.body() = std::move(call.body);
  req.keep_alive(s.options.max_idle_per_host > 0);
  req.prepare_payload();

  std::unique_ptr<Impl::Connection> conn = s.take_idle(url->key);
  bool reused = conn != nullptr;
  if (reused) ++s.stats.reused;
  for (;;) {
    if (!conn) {
      Impl::Connected c = co_await s.connect(*url);
      if (!c.conn) co_return s.failed(&*url, std::move(c.error));
      conn = std::move(c.conn);
    }
    Impl::Attempt a;
    if (conn->tls) {
      a = co_await s.exchange(*conn->tls, req);
    } else {
      a = co_await s.exchange(*conn->plain, req);
    }
    if (!a.ec) {
      ApiResponse r;
      r.status = static_cast<int>(a.response.result_int());
      r.body = std::move(a.response.body());
      r.retry_after = std::string(a.response[http::field::retry_after]);
      if (a.reusable) s.put_idle(url->key, std::move(conn));
      co_return r;
    }
    // A kept-alive connection that the server closed while our request was on its way. When
    // none of the request left us, resending it is safe. Otherwise the server may have read it
    // and acted on it (a server that reads a request and then dies does exactly that): only an
    // idempotent request may go again (RFC 9110 §9.2.2), and a message sent twice is a message
    // posted twice, so a POST is the caller's to judge. So is anything on a fresh connection or
    // after any byte of an answer.
    bool may_resend = a.unsent || (idempotent(verb) && !a.got_bytes);
    if (reused && may_resend && closed_by_peer(a.ec)) {
      s.log.debug("http_client_retry", {{"host", url->host}, {"port", url->port}});
      reused = false;
      conn.reset();
      continue;
    }
    if (a.ec == beast::error::timeout) co_return s.failed(&*url, "timeout");
    if (a.ec == http::error::body_limit) co_return s.failed(&*url, "response body too large");
    co_return s.failed(&*url, std::string(a.op) + ": " + a.ec.message());
  }
}

}  // namespace linli
