#pragma once
// The HTTP server: an acceptor coroutine and one coroutine per connection (STYLE 2), on the one
// io_context thread. Keep-alive; a body limit; a deadline for the headers (from the first byte),
// for the body, and for an idle connection; a cap on open connections. The body is read only
// once the router has admitted the request from its headers. Beast stays in the .cpp.

#include <cstdint>
#include <memory>

#include <boost/asio/io_context.hpp>

#include "bot/log.hpp"
#include "bot/router.hpp"
#include "config/config.hpp"

namespace linli {

struct ServerStats {
  std::uint64_t accepted = 0;
  std::uint64_t refused = 0;  // over max_connections
  std::uint64_t requests = 0;
  std::uint64_t timeouts = 0;
  std::uint64_t too_large = 0;
  std::uint64_t bad_requests = 0;
  std::int64_t open = 0;
};

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, const ServerConfig& config, const Router& router,
             Logger& log);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts accepting; returns the port (the config may say 0). Throws with the
  // address and the reason when it cannot bind.
  std::uint16_t listen();
  // Stops accepting and closes idle connections; requests in progress are answered first.
  void stop();
  const ServerStats& stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace linli
