#pragma once
// Maps method + path to a handler. Handlers may be plain functions or coroutines (webhooks,
// which wait for the commit of their decisions; the playground's long poll). A route may also check
// a request's headers before its body is read, so that a request it refuses costs no body's worth
// of memory.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "adapters/http_types.hpp"

namespace linli {

class Router {
 public:
  using AsyncHandler = std::function<boost::asio::awaitable<HttpResponse>(HttpRequest&)>;
  using Handler = std::function<HttpResponse(HttpRequest&)>;
  // Looks at the method, path and headers of a request whose body is not read yet: 0 to read it
  // and go on, or the HTTP status to refuse the request with (401 for a wrong secret, say).
  using HeaderCheck = std::function<int(const HttpRequest&)>;

  void add(std::string method, std::string path, Handler h, HeaderCheck check = nullptr);
  void add_async(std::string method, std::string path, AsyncHandler h, HeaderCheck check = nullptr);
  // Every path that starts with `prefix` (which ends with '/') and has more after it, such as
  // /certificates/<code>, unless an exact route has it.
  void add_prefix(std::string method, std::string prefix, Handler h);
  void add_prefix_async(std::string method, std::string prefix, AsyncHandler h);
  // Called with the request's head (an empty body): the answer that refuses it (404, 405, or
  // its route's header check), or nothing when the route wants the body.
  std::optional<HttpResponse> admit(const HttpRequest& head) const;
  // The whole request, once admitted.
  boost::asio::awaitable<HttpResponse> handle(HttpRequest& request) const;

 private:
  struct Route {
    std::string method;
    Handler sync;
    AsyncHandler async;
    HeaderCheck check;
  };
  // The route for the request's method and path; otherwise `refusal` says 404 or 405.
  const Route* find(const HttpRequest& request, HttpResponse& refusal) const;

  std::map<std::string, std::vector<Route>, std::less<>> routes_;
  std::map<std::string, std::vector<Route>, std::less<>> prefixes_;
};

}  // namespace linli
