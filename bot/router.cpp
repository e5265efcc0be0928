#include "bot/router.hpp"

namespace linli {

void Router::add(std::string method, std::string path, Handler h, HeaderCheck check) {
  routes_[std::move(path)].push_back(
      Route{std::move(method), std::move(h), nullptr, std::move(check)});
}

void Router::add_async(std::string method, std::string path, AsyncHandler h, HeaderCheck check) {
  routes_[std::move(path)].push_back(
      Route{std::move(method), nullptr, std::move(h), std::move(check)});
}

void Router::add_prefix(std::string method, std::string prefix, Handler h) {
  prefixes_[std::move(prefix)].push_back(Route{std::move(method), std::move(h), nullptr, nullptr});
}

void Router::add_prefix_async(std::string method, std::string prefix, AsyncHandler h) {
  prefixes_[std::move(prefix)].push_back(Route{std::move(method), nullptr, std::move(h), nullptr});
}

const Router::Route* Router::find(const HttpRequest& request, HttpResponse& refusal) const {
  const std::vector<Route>* routes = nullptr;
  if (auto it = routes_.find(request.path); it != routes_.end()) {
    routes = &it->second;
  } else {
    for (const auto& [prefix, candidates] : prefixes_) {
      if (request.path.size() > prefix.size() && request.path.starts_with(prefix)) {
        routes = &candidates;
        break;
      }
    }
  }
  if (routes == nullptr) {
    refusal = HttpResponse::text(404, "not found\n");
    return nullptr;
  }
  std::string allowed;
  for (const Route& r : *routes) {
    if (r.method == request.method || (r.method == "GET" && request.method == "HEAD")) return &r;
    allowed += (allowed.empty() ? "" : ", ") + r.method;
  }
  refusal = HttpResponse::text(405, "method not allowed\n");
  refusal.headers.emplace_back("Allow", allowed);
  return nullptr;
}

std::optional<HttpResponse> Router::admit(const HttpRequest& head) const {
  HttpResponse refusal;
  const Route* route = find(head, refusal);
  if (!route) return refusal;
  int status = route->check ? route->check(head) : 0;
  if (status == 0) return std::nullopt;
  return HttpResponse::text(status, status == 401 ? "unauthorized\n" : "refused\n");
}

boost::asio::awaitable<HttpResponse> Router::handle(HttpRequest& request) const {
  HttpResponse refusal;
  const Route* route = find(request, refusal);
  if (!route) co_return refusal;
  if (route->sync) co_return route->sync(request);
  co_return co_await route->async(request);
}

}  // namespace linli
