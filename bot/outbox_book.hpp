#pragma once
// The outbox sender's database work, behind one seam (issue 13): what it marks (sent, to retry,
// readdressed, dead) and what it reads (the backlog, a spilled chat's next rows, the platform id
// an edit needs). On SQLite (OutboxSender's own, over the Store) each call goes to the database
// at once, joining the open group-commit batch, and a read hands its rows over before it
// returns. On PostgreSQL (bot/pg_outbox_book.hpp) nothing blocks the io_context thread: writes
// are queued and applied in order, one unit of work at a time, on the pool; a read is applied
// in that same order, after the writes called before it, and its rows come back later.
// Called on the io_context thread only; `then` runs there too.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "dialogs/ports.hpp"

namespace linli {

class OutboxBook {
 public:
  using Rows = std::function<void(std::vector<OutboxRow>)>;
  virtual ~OutboxBook() = default;

  virtual void mark_sent(std::int64_t id, const std::string& platform_id, std::int64_t now) = 0;
  virtual void mark_retry(std::int64_t id, int attempts, const std::string& error) = 0;
  virtual void mark_dead(std::int64_t id, int attempts, const std::string& error) = 0;
  virtual void readdress(const std::string& adapter, const std::string& from,
                         const std::string& to) = 0;

  // Reads (Outbox::pending, Outbox::pending_in_chat): `then` is called once with the rows, or
  // never when the read failed (logged); the sender asks again at its next turn.
  virtual void pending(std::int64_t after_id, int limit, Rows then) = 0;
  virtual void pending_in_chat(const std::string& adapter, const std::string& chat,
                               std::int64_t after_id, std::int64_t up_to_id, int limit,
                               Rows then) = 0;
  // The platform's id of a sent message ("" while not sent), for an edit of it.
  virtual boost::asio::awaitable<std::string> platform_id(std::int64_t id) = 0;
  // Pending rows, for the log line at a start; `then` as for the reads.
  virtual void depth(std::function<void(std::int64_t)> then) = 0;
  // Whether `then` may run after the read returned (PostgreSQL), not inside it (SQLite).
  virtual bool deferred() const = 0;
  // Calls made and not yet in the database (0 where each is applied at once).
  virtual std::size_t unapplied() const { return 0; }
};

}  // namespace linli
