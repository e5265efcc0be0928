#include "bot/router.hpp"

namespace linli {

void Router::add(std::string method, std::string path, Handler h) {
  routes_[std::move(path)].push_back(Route{std::move(method), std::move(h), nullptr});
}

void Router::add_async(std::string method, std::string path, AsyncHandler h) {
  routes_[std::move(path)].push_back(Route{std::move(method), nullptr, std::move(h)});
}

boost::asio::awaitable<HttpResponse> Router::handle(HttpRequest& request) const {
  auto it = routes_.find(request.path);
  if (it == routes_.end()) co_return HttpResponse::text(404, "not found\n");
  std::string allowed;
  for (const Route& r : it->second) {
    bool match = r.method == request.method || (r.method == "GET" && request.method == "HEAD");
    if (match) {
      if (r.sync) co_return r.sync(request);
      co_return co_await r.async(request);
    }
    allowed += (allowed.empty() ? "" : ", ") + r.method;
  }
  HttpResponse res = HttpResponse::text(405, "method not allowed\n");
  res.headers.emplace_back("Allow", allowed);
  co_return res;
}

}  // namespace linli
