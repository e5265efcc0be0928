#pragma once
// Requests that arrive at the same moment: each on a connection of its own, all threads let go
// together, as a crowd answering one message would send them.

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/support/http_client.hpp"

namespace linli::test {

struct PostAtOnce {
  std::string target;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// POSTs them all at once to 127.0.0.1:port; each must be answered 200.
inline void post_at_once(std::uint16_t port, const std::vector<PostAtOnce>& posts) {
  const int n = static_cast<int>(posts.size());
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      HttpClient own(port);
      ++ready;
      while (ready < n) std::this_thread::yield();
      EXPECT_EQ(own.post(posts[i].target, posts[i].body, posts[i].headers).status, 200);
    });
  }
  for (auto& t : threads) t.join();
}

}  // namespace linli::test
