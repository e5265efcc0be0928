#pragma once
// The outbox sender's book on PostgreSQL (bot/outbox_book.hpp, issue 13): nothing waits for the
// database on the io_context thread. Each call is queued; the queue goes to the pool as one
// unit of work at a time, in call order (the marks of several sends, then a read, in one
// transaction), so that a read sees every mark made before it, and the marks of a chat are
// applied in the order its messages were sent. What a read found comes back to the io thread.
//
// A unit that fails is tried again after a growing pause (the database restarting, a network
// cut): the marks wait for it in memory. After kTries failures its marks are given up (logged
// as outbox_marks_lost): those rows stay pending and are sent again after the next start, the
// window a send on the wire has anyway; its reads are kept for the next try.

#include <deque>
#include <functional>
#include <memory>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "bot/log.hpp"
#include "bot/outbox_book.hpp"
#include "storage/field_cipher.hpp"
#include "storage/pg/pool.hpp"
#include "storage/pg/store.hpp"

namespace linli {

class PgOutboxBook final : public OutboxBook {
 public:
  static constexpr int kTries = 5;

  // `pool`, `io` and `cipher` outlive it; the pool stops before it is destroyed.
  PgOutboxBook(boost::asio::io_context& io, storage::pg::Pool& pool,
               const storage::FieldCipher* cipher, Logger& log);

  void mark_sent(std::int64_t id, const std::string& platform_id, std::int64_t now) override;
  void mark_retry(std::int64_t id, int attempts, const std::string& error) override;
  void mark_dead(std::int64_t id, int attempts, const std::string& error) override;
  void readdress(const std::string& adapter, const std::string& from,
                 const std::string& to) override;
  void pending(std::int64_t after_id, int limit, Rows then) override;
  void pending_in_chat(const std::string& adapter, const std::string& chat, std::int64_t after_id,
                       std::int64_t up_to_id, int limit, Rows then) override;
  boost::asio::awaitable<std::string> platform_id(std::int64_t id) override;
  void depth(std::function<void(std::int64_t)> then) override;
  bool deferred() const override { return true; }

  // Calls queued or on their way to the database (for tests and a graceful stop).
  std::size_t unapplied() const override { return queue_.size() + in_unit_; }

 private:
  // One call: runs on a worker inside the unit's transaction (perhaps more than once, after a
  // conflict) and returns what to do on the io thread once the unit committed (or nothing).
  struct Op {
    std::function<std::function<void()>(storage::pg::PgStore&)> run;
    bool write = true;
  };
  void add(Op op);
  void flush();

  boost::asio::io_context& io_;
  storage::pg::Pool& pool_;
  const storage::FieldCipher* cipher_;
  Logger& log_;
  std::deque<Op> queue_;
  bool busy_ = false;
  std::size_t in_unit_ = 0;  // calls in the unit on its way
  int failures_ = 0;         // of the unit on its way, in a row
  boost::asio::steady_timer pause_;
};

}  // namespace linli
