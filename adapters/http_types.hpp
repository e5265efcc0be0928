#pragma once
// HTTP requests and responses as the router, the adapters and the playground see them: plain
// values, so that only the server and client .cpp files include Beast.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace linli {

struct HttpRequest {
  std::string method;                                        // "GET", "POST", ...
  std::string target;                                        // path and query as sent
  std::string path;                                          // target without the query
  std::string query;                                         // after '?', not decoded
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;

  // The first header of that name (case-insensitive), "" when absent.
  std::string_view header(std::string_view name) const;
  // A query parameter, percent-decoded; "" when absent.
  std::string query_param(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static HttpResponse json(int status, std::string body) {
    return HttpResponse{status, "application/json", std::move(body), {}};
  }
  static HttpResponse text(int status, std::string body) {
    return HttpResponse{status, "text/plain; charset=utf-8", std::move(body), {}};
  }
};

std::string percent_decode(std::string_view s);

}  // namespace linli
