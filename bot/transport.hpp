#pragma once
// Performs rendered platform API calls: the HTTPS client for real platforms (and their fakes on
// 127.0.0.1), the playground hub in process.

#include <boost/asio/awaitable.hpp>

#include "adapters/adapter.hpp"

namespace linli {

class Transport {
 public:
  virtual ~Transport() = default;
  virtual boost::asio::awaitable<ApiResponse> perform(ApiCall call) = 0;
};

}  // namespace linli
