#pragma once
// Delivers the outbox: in order within a chat, at the platform's documented rates (token
// buckets per chat, per group and per bot), pausing only the chat a 429 names, backing off
// with jitter on network errors and 5xx, dead-lettering after a configurable number of tries.
// A message is marked sent in the same step that reads the platform's answer, so that a crash
// can send again only the messages that were on the wire. With group commit that mark goes into
// the open batch, committed with the decisions around it: a crash before that commit sends the
// message again after the restart, the same window a send on the wire has.

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include "adapters/adapter.hpp"
#include "bot/clock.hpp"
#include "bot/log.hpp"
#include "bot/outbox_book.hpp"
#include "bot/transport.hpp"
#include "config/config.hpp"
#include "dialogs/ports.hpp"

namespace linli {

struct SenderStats {
  std::uint64_t sent = 0;
  std::uint64_t rate_limited = 0;  // 429 answers
  std::uint64_t transient = 0;     // network errors and 5xx
  std::uint64_t dead = 0;
  std::uint64_t forbidden = 0;
};

class GroupCommit;

class OutboxSender {
 public:
  OutboxSender(boost::asio::io_context& io, Store& store, const Clock& clock,
               const SenderConfig& config, Logger& log);
  ~OutboxSender();
  OutboxSender(const OutboxSender&) = delete;
  OutboxSender& operator=(const OutboxSender&) = delete;

  // Its bookkeeping (marked sent, to retry, readdressed) joins `group`'s batches instead of
  // committing each write on its own. Set once, before start().
  void use_group_commit(GroupCommit& group);
  // Its database work goes to `book` instead of the Store given to the constructor (the
  // PostgreSQL engine's, bot/pg_outbox_book.hpp). Set once, before start(); `book` outlives it.
  void use_book(OutboxBook& book);
  // The adapter's access token (Adapter::token_call) is fetched through its transport too.
  void add_adapter(Adapter& adapter, Transport& transport);
  // Queues the rows still pending in the outbox (after a restart) and starts delivering.
  void start();
  // Messages a decision just committed. Memory only: it writes nothing to the database, since
  // it runs after the commit (Dispatcher::hand_on).
  void push(std::vector<OutboxRow> rows);
  // Resolves when nothing is queued or in flight, or after `limit`.
  boost::asio::awaitable<bool> drain(std::chrono::milliseconds limit);
  // Starts no new call.
  void stop();
  // After stop(): resolves when the calls on the wire have been answered and recorded (or after
  // `limit`), so a graceful stop leaves nothing to be sent twice.
  boost::asio::awaitable<bool> settle_in_flight(std::chrono::milliseconds limit);

  std::size_t queued() const;
  std::size_t chats_in_memory() const;
  // Calls on the wire, and answers not yet recorded in the database (OutboxBook::unapplied).
  std::size_t in_flight() const;
  const SenderStats& stats() const;
  // A message that will not be delivered (dead-lettered, or a private chat the platform
  // refuses): records it as dead (or held) together with whom to tell, in one transaction. If
  // it throws, neither happened and the row stays pending. By default, with nobody to tell, it
  // only marks the row dead. Called on the io_context thread.
  std::function<void(const OutboxRow&, const SendResult&)> on_undeliverable;
  // A message delivered: the playground and tests watch this.
  std::function<void(const OutboxRow&, const SendResult&)> on_sent;
  // The platform moved a chat to a new id (a Telegram group upgraded to a supergroup): its
  // messages have been re-sent there; the caller points the group there too.
  std::function<void(const std::string& adapter, const std::string& from, const std::string& to)>
      on_chat_moved;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Pure helpers, tested on their own.
struct TokenBucket {
  double rate_per_s = 1;
  double capacity = 1;
  double tokens = 1;
  std::chrono::steady_clock::time_point last{};

  void init(double rate, double cap, std::chrono::steady_clock::time_point now);
  // How long until one token is there (zero when there is one now).
  std::chrono::steady_clock::duration wait(std::chrono::steady_clock::time_point now);
  void take(std::chrono::steady_clock::time_point now);
};

// At most `limit` sends in any window of `length`: the platform's own rule for the whole bot
// ("about 30 messages a second"). A token bucket alone keeps to it only below the rate: it
// sends its capacity at once and then the rate, so one second can hold both. The platform counts
// when a call arrives, which is somewhere between our sending it and its answer: a send holds
// its place from take() until done(), and counts from its answer, so that however unevenly calls
// travel, two sends a window apart also arrive a window apart.
struct SlidingWindow {
  std::size_t limit = 1;
  std::chrono::steady_clock::duration length{};
  std::size_t in_flight = 0;
  std::deque<std::chrono::steady_clock::time_point> answered;  // oldest first

  void init(std::size_t limit, std::chrono::steady_clock::duration length);
  // How long until the window has room for one more: zero when it has now, duration::max()
  // when only an answer can make room.
  std::chrono::steady_clock::duration wait(std::chrono::steady_clock::time_point now);
  void take();
  void done(std::chrono::steady_clock::time_point now);
};

// Exponential backoff with "full jitter": a uniform time in [base·2^(n-1) / 2, base·2^(n-1)],
// capped. `unit` is a uniform random number in [0, 1).
std::int64_t backoff_ms(int attempt, std::int64_t base_ms, std::int64_t max_ms, double unit);

}  // namespace linli
