#pragma once
// Maps method + path to a handler. Handlers may be plain functions (webhooks decide
// synchronously) or coroutines (the playground's long poll).

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "adapters/http_types.hpp"

namespace linli {

class Router {
 public:
  using AsyncHandler = std::function<boost::asio::awaitable<HttpResponse>(HttpRequest&)>;
  using Handler = std::function<HttpResponse(HttpRequest&)>;

  void add(std::string method, std::string path, Handler h);
  void add_async(std::string method, std::string path, AsyncHandler h);
  boost::asio::awaitable<HttpResponse> handle(HttpRequest& request) const;

 private:
  struct Route {
    std::string method;
    Handler sync;
    AsyncHandler async;
  };
  std::map<std::string, std::vector<Route>, std::less<>> routes_;
};

}  // namespace linli
