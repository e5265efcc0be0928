#pragma once
// The outbound HTTP(S) client: performs rendered platform API calls (the Telegram Bot API, and
// fake platforms on 127.0.0.1 in tests). Keeps a few kept-alive connections per host, verifies
// certificates and host names, and turns every network failure or time-out into an ApiResponse
// with status 0 — never an exception. Runs on the caller's one io_context thread, without locks;
// destroy it only when no perform() is in flight. Beast and OpenSSL stay in the .cpp.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include "bot/log.hpp"
#include "bot/transport.hpp"

namespace linli {

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{5000};  // DNS + TCP connect + TLS handshake
  std::chrono::milliseconds request_timeout{
      15000};                         // write the request and read the whole response
  std::size_t max_idle_per_host = 8;  // kept-alive connections kept per host
  std::size_t response_body_limit = 8 << 20;
  std::string ca_file;  // extra trusted CA certificates (PEM), on top of the system store; "" none
};

class HttpClient final : public Transport {
 public:
  // Throws when `options.ca_file` is set but cannot be loaded: a config error, found at startup.
  HttpClient(boost::asio::io_context& io, HttpClientOptions options, Logger& log);
  ~HttpClient() override;
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Accepts http://host[:port]/target and https://host[:port]/target. A request that may have
  // reached the server is never sent twice unless it is idempotent (GET, HEAD, ...): the one
  // retry is for a kept-alive connection that the server had closed, when none of the request
  // had left us, or for an idempotent request of which no byte of an answer came back.
  boost::asio::awaitable<ApiResponse> perform(ApiCall call) override;

  struct Stats {
    std::uint64_t requests = 0;            // calls to perform()
    std::uint64_t connections_opened = 0;  // TCP (and TLS) connections established
    std::uint64_t reused = 0;              // requests sent on a kept-alive connection
    std::uint64_t failures = 0;            // calls answered with status 0
  };
  const Stats& stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace linli
