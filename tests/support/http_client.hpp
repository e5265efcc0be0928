#pragma once
// A small blocking HTTP/1.1 client for tests: one keep-alive connection to 127.0.0.1:port,
// reconnecting when the server closed it. Every call has a deadline.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace linli::test {

struct HttpReply {
  int status = 0;  // 0: no answer (connection closed or timed out)
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string header(const std::string& name) const;
};

class HttpClient {
 public:
  explicit HttpClient(std::uint16_t port,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~HttpClient();
  HttpReply get(const std::string& target);
  HttpReply post(const std::string& target, const std::string& body,
                 std::vector<std::pair<std::string, std::string>> headers = {});
  HttpReply request(const std::string& method, const std::string& target, const std::string& body,
                    const std::vector<std::pair<std::string, std::string>>& headers);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace linli::test
