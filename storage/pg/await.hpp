#pragma once
// `co_await pg::transact(pool, f)` from a coroutine on the io_context: `f(Connection&)` runs on a
// worker of the Pool, in one transaction (storage/pg/pool.hpp says why a pool), while the io
// thread goes on serving; the coroutine resumes on its own executor with what `f` returned, or
// with what it threw. Include it only where a coroutine awaits the database: it brings in Asio.

#include <exception>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "storage/pg/pool.hpp"

namespace linli::storage::pg {

// F: Connection& -> R, copyable (it travels in a std::function). `f` may run more than once (see
// Pool::Work). The Pool must be destroyed before the io_context it posts back to.
template <typename F, typename R = std::invoke_result_t<F&, Connection&>>
boost::asio::awaitable<R> transact(Pool& pool, F f, bool transaction = true) {
  namespace net = boost::asio;
  auto executor = co_await net::this_coro::executor;
  // The value travels as an optional: on an exception there is none to give.
  auto value = std::make_shared<std::optional<std::conditional_t<std::is_void_v<R>, int, R>>>();
  auto start = [&pool, executor, transaction, value, f = std::move(f)](auto handler) mutable {
    // Shared: Pool's std::function callbacks must be copyable, the handler is move-only.
    auto h = std::make_shared<decltype(handler)>(std::move(handler));
    // The io_context must not run out of work while the database has it.
    auto guard = std::make_shared<net::executor_work_guard<decltype(executor)>>(executor);
    pool.submit(
        [f = std::move(f), value](Connection& c) mutable {
          if constexpr (std::is_void_v<R>) {
            f(c);
            value->emplace(0);
          } else {
            value->emplace(f(c));
          }
        },
        [h, guard, executor](std::exception_ptr e) {
          net::post(executor, [h, guard, e]() mutable { (*h)(e); });
        },
        transaction);
  };
  co_await net::async_initiate<const net::use_awaitable_t<>&, void(std::exception_ptr)>(
      std::move(start), net::use_awaitable);
  if constexpr (!std::is_void_v<R>) co_return std::move(**value);
}

}  // namespace linli::storage::pg
