#include "bot/outbox_sender.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <queue>
#include <random>
#include <unordered_map>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "bot/group_commit.hpp"

namespace linli {

namespace net = boost::asio;
using Steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

void TokenBucket::init(double rate, double cap, Steady::time_point now) {
  rate_per_s = rate;
  capacity = cap;
  tokens = cap;
  last = now;
}

Steady::duration TokenBucket::wait(Steady::time_point now) {
  double elapsed = std::chrono::duration<double>(now - last).count();
  tokens = std::min(capacity, tokens + elapsed * rate_per_s);
  last = now;
  if (tokens >= 1.0) return Steady::duration::zero();
  return std::chrono::duration_cast<Steady::duration>(
      std::chrono::duration<double>((1.0 - tokens) / rate_per_s));
}

void TokenBucket::take(Steady::time_point now) {
  wait(now);
  tokens -= 1.0;
}

void SlidingWindow::init(std::size_t n, Steady::duration len) {
  limit = std::max<std::size_t>(1, n);
  length = len;
  in_flight = 0;
  answered.clear();
}

Steady::duration SlidingWindow::wait(Steady::time_point now) {
  while (!answered.empty() && answered.front() + length <= now) answered.pop_front();
  if (answered.size() + in_flight < limit) return Steady::duration::zero();
  if (answered.empty()) return Steady::duration::max();
  return answered.front() + length - now;
}

void SlidingWindow::take() {
  ++in_flight;
}

void SlidingWindow::done(Steady::time_point now) {
  if (in_flight > 0) --in_flight;
  answered.push_back(now);
  while (answered.size() > limit) answered.pop_front();
}

std::int64_t backoff_ms(int attempt, std::int64_t base_ms, std::int64_t max_ms, double unit) {
  double full = static_cast<double>(base_ms) * std::pow(2.0, std::max(0, attempt - 1));
  full = std::min(full, static_cast<double>(max_ms));
  return static_cast<std::int64_t>(full / 2 + unit * full / 2);
}

namespace {

// One chat's queue. Messages of a chat go out one at a time, in order.
struct Chat {
  enum class State { idle, runnable, waiting, sending };
  std::string key;
  std::string adapter;
  bool group = false;
  std::deque<OutboxRow> queue;
  TokenBucket per_chat;
  TokenBucket per_group;
  Steady::time_point not_before{};  // paused by a 429 or backing off
  State state = State::idle;
  // The queue reached `chat_batch`: the chat's newer pending rows (ids above `read_after`) are
  // in the database only, and are read in order as the queue drains (refill_chats).
  bool spilled = false;
  std::int64_t read_after = 0;  // the newest id this chat took in from a push or a read
  bool wants_rows = false;      // listed in Impl::to_read
};

// One adapter: its transport, its limits, the bucket for the whole bot, and the chats that may
// send now, oldest first.
struct Lane {
  Adapter* adapter = nullptr;
  Transport* transport = nullptr;
  // An access token is being fetched (Adapter::token_call): the lane's other sends wait on the
  // gate, which the fetch cancels when it is done.
  bool fetching_token = false;
  std::uint64_t token_fetches = 0;  // fetches ended, so that a waiter knows one ended
  std::string token_error;          // of the last fetch; "" when it gave a token
  std::unique_ptr<net::steady_timer> token_gate;
  RateLimits limits;
  // The whole bot: `global` spreads the sends out, `window` keeps any second to the platform's
  // number (see add_adapter).
  TokenBucket global;
  SlidingWindow window;
  std::deque<Chat*> runnable;
};

}  // namespace

// SQLite's book (bot/outbox_book.hpp): the Store at once, each write joining the open batch.
class StoreBook final : public OutboxBook {
 public:
  StoreBook(Store& store, GroupCommit*& group) : store_(store), group_(group) {}
  void mark_sent(std::int64_t id, const std::string& platform_id, std::int64_t now) override {
    join();
    store_.outbox.mark_sent(id, platform_id, now);
  }
  void mark_retry(std::int64_t id, int attempts, const std::string& error) override {
    join();
    store_.outbox.mark_retry(id, attempts, error);
  }
  void mark_dead(std::int64_t id, int attempts, const std::string& error) override {
    join();
    store_.outbox.mark_dead(id, attempts, error);
  }
  void readdress(const std::string& adapter, const std::string& from,
                 const std::string& to) override {
    join();
    store_.outbox.readdress(adapter, from, to);
  }
  void pending(std::int64_t after_id, int limit, Rows then) override {
    then(store_.outbox.pending(after_id, limit));
  }
  void pending_in_chat(const std::string& adapter, const std::string& chat, std::int64_t after_id,
                       std::int64_t up_to_id, int limit, Rows then) override {
    then(store_.outbox.pending_in_chat(adapter, chat, after_id, up_to_id, limit));
  }
  net::awaitable<std::string> platform_id(std::int64_t id) override {
    co_return store_.outbox.platform_id(id);
  }
  void depth(std::function<void(std::int64_t)> then) override { then(store_.outbox.depth()); }
  bool deferred() const override { return false; }

 private:
  void join() {
    if (group_) group_->join();
  }
  Store& store_;
  GroupCommit*& group_;
};

struct OutboxSender::Impl {
  Impl(net::io_context& io, Store& s, const Clock& c, const SenderConfig& cfg, Logger& l)
      : io(io),
        store(s),
        own_book(s, group),
        book(&own_book),
        clock(c),
        config(cfg),
        log(l),
        wake_timer(io),
        rng(std::random_device{}()) {}

  Chat& chat_for(const OutboundMessage& m);
  void enqueue(OutboxRow row);
  void make_ready(Chat& c, Steady::time_point now);
  void poke();
  net::awaitable<void> loop();
  net::awaitable<void> send(Chat* c);
  // Makes sure the lane's adapter has its access token; "" or why it has none.
  net::awaitable<std::string> ensure_token(Lane& lane);
  void settle(Chat& c, const SendResult& r, Steady::time_point now);
  void dead(Chat& c, const SendResult& r);
  void move_chat(Chat& c, const SendResult& r);
  void sweep(Steady::time_point now);
  void refill();
  // Reads on the chats whose queues drained below half of `chat_batch` while they had rows in
  // the database only.
  void refill_chats();
  void want_rows(Chat& c);
  void took_chat_rows(Chat& c, std::vector<OutboxRow> rows, int room);
  // Whether a read now could see rows of a batch not committed yet; if so, calls `then` once
  // that batch is committed and returns true.
  bool wait_for_commit(bool& waiting, void (Impl::*then)());
  // With a book whose reads come back later (PostgreSQL): rows that a push or a read left in
  // the database while a read was on its way, offered again when it is back (see took_in).
  void left_behind(const OutboxRow& row) {
    if (reads > 0) left.push_back(row);
  }
  void took_in(const std::vector<std::int64_t>& read_ids);
  void offer(OutboxRow row);

  net::io_context& io;
  Store& store;
  GroupCommit* group = nullptr;
  StoreBook own_book;
  OutboxBook* book;
  int reads = 0;  // reads of a deferred book on their way
  bool reading_backlog = false;
  std::vector<OutboxRow> left;
  const Clock& clock;
  const SenderConfig& config;
  Logger& log;
  OutboxSender* owner = nullptr;
  std::unordered_map<std::string, Lane> lanes;
  std::unordered_map<std::string, Chat> chats;
  using Wait = std::pair<Steady::time_point, Chat*>;
  std::priority_queue<Wait, std::vector<Wait>, std::greater<>> waiting;
  net::steady_timer wake_timer;
  bool wake_pending = false;
  bool running = false;
  bool stopped = false;
  // Resuming after a restart: pending rows with an id above `backlog_after` are in the database
  // only, and are read in batches as the queue drains.
  bool backlog = false;
  std::int64_t backlog_after = 0;
  bool refill_waits = false;         // for the open batch's commit
  bool chats_wait = false;           // refill_chats, for the same
  std::vector<std::string> to_read;  // keys of chats for refill_chats
  int inflight = 0;
  std::size_t queued = 0;
  SenderStats stats;
  std::mt19937_64 rng;
};

Chat& OutboxSender::Impl::chat_for(const OutboundMessage& m) {
  std::string key = m.adapter;
  key += '\n';
  key += m.chat;
  auto [it, fresh] = chats.try_emplace(key);
  Chat& c = it->second;
  if (fresh) {
    c.key = std::move(key);
    c.adapter = m.adapter;
    c.group = !m.private_chat;
    RateLimits limits = lanes.count(m.adapter) ? lanes[m.adapter].limits : RateLimits{};
    auto now = Steady::now();
    c.per_chat.init(limits.per_chat_per_s, limits.burst, now);
    c.per_group.init(limits.per_group_per_min / 60.0, limits.burst, now);
  }
  return c;
}

void OutboxSender::Impl::enqueue(OutboxRow row) {
  if (!lanes.count(row.msg.adapter)) {
    // An adapter removed from the config: its old messages stay in the outbox, untouched.
    log.warn("outbox_no_adapter", {{"id", row.id}, {"adapter", row.msg.adapter}});
    return;
  }
  Chat& c = chat_for(row.msg);
  // Behind the rows of the chat still in the database: read in its turn. (A held message
  // released again keeps its old id, below `read_after`, and joins the queue at once.)
  if (c.spilled && row.id > c.read_after) return left_behind(row);
  c.read_after = std::max(c.read_after, row.id);
  if (row.msg.kind == OutKind::edit) {
    // A newer edit of a message whose previous edit still waits takes its place: the outbox
    // marked the older one superseded when the newer was enqueued (Outbox::enqueue), so this is
    // memory only, as everything handed on after a commit must be.
    std::size_t first = c.state == Chat::State::sending ? 1 : 0;  // the front is on the wire
    for (std::size_t i = first; i < c.queue.size(); ++i) {
      auto& queued_row = c.queue[i];
      if (queued_row.msg.kind == OutKind::edit && queued_row.msg.edit_of == row.msg.edit_of) {
        queued_row = std::move(row);
        return;
      }
    }
  }
  c.queue.push_back(std::move(row));
  ++queued;
  if (c.queue.size() >= static_cast<std::size_t>(std::max(2, config.chat_batch))) c.spilled = true;
  if (c.state == Chat::State::idle) make_ready(c, Steady::now());
}

void OutboxSender::Impl::make_ready(Chat& c, Steady::time_point now) {
  if (c.not_before > now) {
    c.state = Chat::State::waiting;
    waiting.emplace(c.not_before, &c);
  } else {
    c.state = Chat::State::runnable;
    lanes[c.adapter].runnable.push_back(&c);
  }
  poke();
}

void OutboxSender::Impl::poke() {
  wake_pending = true;
  wake_timer.cancel();
}

net::awaitable<void> OutboxSender::Impl::loop() {
  Steady::time_point last_sweep = Steady::now();
  const auto sweep_every = milliseconds(config.idle_sweep_ms);
  while (!stopped) {
    wake_pending = false;
    refill();
    refill_chats();
    auto now = Steady::now();
    if (now - last_sweep >= sweep_every) {
      sweep(now);
      last_sweep = now;
    }
    while (!waiting.empty() && waiting.top().first <= now) {
      Chat* c = waiting.top().second;
      waiting.pop();
      c->state = Chat::State::runnable;
      lanes[c->adapter].runnable.push_back(c);
    }
    Steady::time_point next = waiting.empty() ? Steady::time_point::max() : waiting.top().first;
    for (auto& [name, lane] : lanes) {
      while (inflight < config.concurrency && !lane.runnable.empty()) {
        Chat* c = lane.runnable.front();
        const OutboundMessage& m = c->queue.front().msg;
        // Answers to button presses are not messages: no chat limits apply to them.
        if (m.kind != OutKind::answer_callback) {
          auto g = std::max(lane.global.wait(now), lane.window.wait(now));
          if (g > Steady::duration::zero()) {  // the whole bot is at its rate: the lane waits
            // (for an answer, poked by send(), when the window holds only calls on the wire)
            if (g != Steady::duration::max()) next = std::min(next, now + g);
            break;
          }
          auto w = c->per_chat.wait(now);
          if (c->group) w = std::max(w, c->per_group.wait(now));
          if (w > Steady::duration::zero()) {
            lane.runnable.pop_front();
            c->state = Chat::State::waiting;
            waiting.emplace(now + w, c);
            next = std::min(next, now + w);
            continue;
          }
          lane.global.take(now);
          lane.window.take();
          c->per_chat.take(now);
          if (c->group) c->per_group.take(now);
        }
        lane.runnable.pop_front();
        c->state = Chat::State::sending;
        ++inflight;
        net::co_spawn(io, send(c), net::detached);
      }
    }
    if (wake_pending) continue;
    // Chats are remembered for their buckets; a sweep forgets the idle ones now and then.
    if (!chats.empty()) next = std::min<Steady::time_point>(next, last_sweep + sweep_every);
    wake_timer.expires_at(next);
    boost::system::error_code ec;
    co_await wake_timer.async_wait(net::redirect_error(net::use_awaitable, ec));
  }
  running = false;
}

net::awaitable<void> OutboxSender::Impl::send(Chat* c) {
  // A reference into the chat's deque stays valid while the chat is sending: rows are only
  // appended (or coalesced behind the front) until this coroutine settles the front one.
  const OutboxRow& row = c->queue.front();
  const std::int64_t id = row.id;
  Lane& lane = lanes[c->adapter];
  const bool counted = row.msg.kind != OutKind::answer_callback;  // took a place in the window
  SendResult result;
  try {
    std::string target;
    if (row.msg.kind == OutKind::edit) target = co_await book->platform_id(row.msg.edit_of);
    if (row.msg.kind == OutKind::edit && target.empty()) {
      result.status = SendStatus::rejected;
      result.error = "the message to edit was never delivered";
    } else if (std::string no_token = co_await ensure_token(lane); !no_token.empty()) {
      result.status = SendStatus::transient;
      result.error = "no access token: " + no_token;
    } else if (ApiCall call = lane.adapter->render(row.msg, target); !call.refused.empty()) {
      result.status = SendStatus::rejected;
      result.error = "refused: " + call.refused;
    } else if (call.nothing) {
      result = SendResult{};
    } else {
      std::string chosen_id = call.platform_id;
      ApiResponse response = co_await lane.transport->perform(std::move(call));
      result = lane.adapter->interpret(row.msg, response);
      if (result.status == SendStatus::ok && result.platform_id.empty()) {
        result.platform_id = std::move(chosen_id);
      }
      if (result.token_rejected) {
        lane.adapter->forget_token();
        if (result.status == SendStatus::ok) result.status = SendStatus::transient;
      }
    }
  } catch (const std::exception& e) {
    result = SendResult{};
    result.status = SendStatus::transient;
    result.error = e.what();
  }
  --inflight;
  if (counted) lane.window.done(Steady::now());
  try {
    settle(*c, result, Steady::now());
  } catch (const std::exception& e) {
    // The store failed to record the outcome: the row stays pending in the database and is
    // sent after a restart. Only that row leaves the queue, if it is still there.
    log.error("outbox_settle_failed", {{"id", id}, {"error", e.what()}});
    if (!c->queue.empty() && c->queue.front().id == id) {
      c->queue.pop_front();
      --queued;
    }
  }
  c->state = Chat::State::idle;
  if (c->spilled) want_rows(*c);
  if (!c->queue.empty()) make_ready(*c, Steady::now());
  poke();
}

net::awaitable<std::string> OutboxSender::Impl::ensure_token(Lane& lane) {
  if (lane.fetching_token) {
    // Another send is fetching it: wait until the fetch cancels the gate, and take its outcome
    // (a failed fetch is not repeated by every send that waited for it).
    const std::uint64_t fetch = lane.token_fetches;
    while (lane.fetching_token && !stopped) {
      boost::system::error_code ec;
      co_await lane.token_gate->async_wait(net::redirect_error(net::use_awaitable, ec));
    }
    if (lane.token_fetches != fetch && !lane.token_error.empty()) co_return lane.token_error;
  }
  if (stopped) co_return std::string("the sender is stopping");
  std::optional<ApiCall> call = lane.adapter->token_call(clock.now_ms());
  if (!call) co_return std::string();
  // Set once, before the fetch: waiters only wait on it, and the fetch's end wakes them all.
  lane.token_gate->expires_at(Steady::time_point::max());
  lane.fetching_token = true;
  struct EndFetch {
    Lane& lane;
    ~EndFetch() {
      lane.fetching_token = false;
      ++lane.token_fetches;
      lane.token_gate->cancel();
    }
  };
  std::string error;
  {
    EndFetch end{lane};
    try {
      ApiResponse r = co_await lane.transport->perform(std::move(*call));
      if (!lane.adapter->on_token(r, clock.now_ms(), error) && error.empty()) error = "refused";
    } catch (const std::exception& e) {
      error = e.what();
    }
    lane.token_error = error;
  }
  if (!error.empty())
    log.warn("access_token_failed", {{"adapter", lane.adapter->name()}, {"error", error}});
  co_return error;
}

void OutboxSender::Impl::settle(Chat& c, const SendResult& r, Steady::time_point now) {
  OutboxRow& row = c.queue.front();
  switch (r.status) {
    case SendStatus::ok: {
      // Marked sent right where the platform's answer is read, committed with the open batch:
      // the window in which a crash could send it twice is the time on the wire and the wait
      // for that batch's commit, nothing more.
      book->mark_sent(row.id, r.platform_id, clock.now_ms());
      ++stats.sent;
      OutboxRow done = std::move(row);
      c.queue.pop_front();
      --queued;
      if (owner->on_sent) owner->on_sent(done, r);
      return;
    }
    case SendStatus::retry_later: {
      ++stats.rate_limited;
      std::int64_t wait = std::max<std::int64_t>(r.retry_after_ms, 1000);
      c.not_before = now + milliseconds(wait);
      log.warn("send_rate_limited",
               {{"adapter", c.adapter}, {"id", row.id}, {"retry_after_ms", wait}});
      return;
    }
    case SendStatus::transient: {
      ++stats.transient;
      row.attempts += 1;
      if (row.attempts >= config.max_attempts) return dead(c, r);
      book->mark_retry(row.id, row.attempts, r.error);
      double unit = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
      std::int64_t wait =
          backoff_ms(row.attempts, config.backoff_initial_ms, config.backoff_max_ms, unit);
      c.not_before = now + milliseconds(wait);
      log.warn("send_failed", {{"adapter", c.adapter},
                               {"id", row.id},
                               {"attempt", row.attempts},
                               {"retry_in_ms", wait},
                               {"error", r.error}});
      return;
    }
    case SendStatus::forbidden:
      ++stats.forbidden;
      row.attempts += 1;
      return dead(c, r);
    case SendStatus::rejected:
      row.attempts += 1;
      // Tries count here too, so that chats moving in a circle cannot go on for ever.
      if (!r.migrated_chat.empty() && r.migrated_chat != row.msg.chat &&
          row.msg.kind == OutKind::send && row.attempts < config.max_attempts) {
        return move_chat(c, r);
      }
      return dead(c, r);
  }
}

// The chat has a new id: what waits for the old one goes there, in its order and without
// quoting messages of the old chat (ids do not carry over). Edits stay behind and fail: the
// messages they would edit are in the old chat.
void OutboxSender::Impl::move_chat(Chat& c, const SendResult& r) {
  const std::string from = c.queue.front().msg.chat;
  const std::string& to = r.migrated_chat;
  book->mark_retry(c.queue.front().id, c.queue.front().attempts, r.error);
  book->readdress(c.adapter, from, to);
  std::vector<OutboxRow> moved;
  for (auto it = c.queue.begin(); it != c.queue.end();) {
    if (it->msg.kind != OutKind::send) {
      ++it;
      continue;
    }
    it->msg.chat = to;
    it->msg.reply_to.clear();
    moved.push_back(std::move(*it));
    it = c.queue.erase(it);
    --queued;
  }
  log.warn("chat_moved", {{"adapter", c.adapter}, {"from", from}, {"to", to}});
  if (owner->on_chat_moved) owner->on_chat_moved(c.adapter, from, to);
  if (moved.empty()) return;
  const bool spilled = c.spilled;
  const std::int64_t read_after = c.read_after;
  Chat& n = chat_for(moved.front().msg);
  for (auto& row : moved) enqueue(std::move(row));
  if (spilled) {
    // The old chat's rows still in the database were readdressed with the others: the new chat
    // reads them from where the old one stopped (refill_chats skips what it holds already).
    n.read_after = n.spilled ? std::min(n.read_after, read_after) : read_after;
    n.spilled = true;
    want_rows(n);
  }
}

// A message the sender gives up on. It is not marked dead here: on_undeliverable records it
// (dead, or held until the person opens the chat) in the transaction that decides whom to tell.
// When that fails, neither happened: the row stays pending in the outbox and is tried again
// after a restart.
void OutboxSender::Impl::dead(Chat& c, const SendResult& r) {
  OutboxRow row = std::move(c.queue.front());
  c.queue.pop_front();
  --queued;
  ++stats.dead;
  log.warn(
      "send_dead",
      {{"adapter", c.adapter}, {"id", row.id}, {"attempts", row.attempts}, {"error", r.error}});
  try {
    if (owner->on_undeliverable) owner->on_undeliverable(row, r);
  } catch (const std::exception& e) {
    log.error("undeliverable_failed", {{"id", row.id}, {"error", e.what()}});
  }
}

// Forgets chats with nothing to send whose buckets have filled up again: they are no different
// from chats never seen, and a city's worth of private chats must not stay in memory.
// Forgetting one earlier would let it burst again.
void OutboxSender::Impl::sweep(Steady::time_point now) {
  for (auto it = chats.begin(); it != chats.end();) {
    Chat& c = it->second;
    bool idle =
        c.state == Chat::State::idle && c.queue.empty() && c.not_before <= now && !c.spilled;
    if (idle) {
      c.per_chat.wait(now);
      c.per_group.wait(now);
    }
    bool full = c.per_chat.tokens >= c.per_chat.capacity &&
                (!c.group || c.per_group.tokens >= c.per_group.capacity);
    it = idle && full ? chats.erase(it) : std::next(it);
  }
}

// Reads the next rows of the backlog once half of those in memory have gone, so that at most
// `resume_batch` rows are held however many the outbox has, and sending does not pause between
// batches. Rows are read in id order, which keeps each chat's order. A batch held up by paused
// chats holds up the rest of the backlog until they go on: the price of the bound.
void OutboxSender::Impl::refill() {
  const std::size_t batch = static_cast<std::size_t>(std::max(1, config.resume_batch));
  if (backlog && wait_for_commit(refill_waits, &Impl::refill)) return;
  while (backlog && !reading_backlog && queued <= batch / 2) {
    const std::size_t room = batch - queued;
    const std::size_t before = queued;
    reading_backlog = true;
    if (book->deferred()) ++reads;
    auto took = [this, room](std::vector<OutboxRow> rows) {
      reading_backlog = false;
      if (rows.size() < room) backlog = false;
      std::vector<std::int64_t> ids;
      for (auto& r : rows) {
        backlog_after = std::max(backlog_after, r.id);
        if (book->deferred()) ids.push_back(r.id);
        enqueue(std::move(r));
      }
      if (book->deferred()) took_in(ids);
    };
    try {
      book->pending(backlog_after, static_cast<int>(room), std::move(took));
    } catch (...) {
      // A read that failed at once (SQLite): the next turn of the loop reads again.
      reading_backlog = false;
      throw;
    }
    // Deferred: read on when the rows are back (took_in pokes the loop).
    if (reading_backlog) break;
    // All of them behind chats that are full (they stay in the database, see enqueue): read on
    // at the next turn of the loop rather than through the whole backlog at once.
    if (queued == before) break;
  }
}

// A deferred read is back. What was left in the database meanwhile may have been committed too
// late for that read's snapshot: it is offered again unless the read brought it.
void OutboxSender::Impl::took_in(const std::vector<std::int64_t>& read_ids) {
  --reads;
  std::vector<OutboxRow> again;
  again.swap(left);
  for (auto& row : again) {
    if (std::find(read_ids.begin(), read_ids.end(), row.id) == read_ids.end())
      offer(std::move(row));
  }
  poke();
}

// A committed row handed on (see OutboxSender::push).
void OutboxSender::Impl::offer(OutboxRow row) {
  // Committed behind a backlog still being read: it is read in its turn, after the older rows
  // of its chat. (A held message released again keeps its old id, before the backlog's end.)
  if (backlog && row.id > backlog_after) return left_behind(row);
  enqueue(std::move(row));
}

bool OutboxSender::Impl::wait_for_commit(bool& waiting, void (Impl::*then)()) {
  if (!group || !group->open()) return false;
  // The open batch's rows are visible to this connection but not durable yet: read on once
  // it is committed (a row it loses must never have been sent).
  if (!waiting) {
    waiting = true;
    group->after_commit_last([this, &waiting, then](bool) {
      // Right after the commit no batch is open: read now, before the next one opens, and
      // after the batch's decisions handed their messages on (those are not read again).
      waiting = false;
      try {
        (this->*then)();
      } catch (const std::exception& e) {
        log.error("outbox_refill_failed", {{"error", e.what()}});
      }
      poke();
    });
  }
  return true;
}

void OutboxSender::Impl::want_rows(Chat& c) {
  const auto half = static_cast<std::size_t>(std::max(2, config.chat_batch) / 2);
  if (c.wants_rows || c.queue.size() > half) return;
  c.wants_rows = true;
  to_read.push_back(c.key);
}

// Reads each listed chat's next rows from the database, up to `chat_batch` in memory. While a
// restart's backlog is still being read, only up to where that read has come: the rows after it
// reach the chat through refill() (and enqueue, which leaves them in the database while the
// chat is spilled). A chat whose read comes back short has nothing more there.
void OutboxSender::Impl::refill_chats() {
  if (to_read.empty() || wait_for_commit(chats_wait, &Impl::refill_chats)) return;
  const auto batch = static_cast<std::size_t>(std::max(2, config.chat_batch));
  std::vector<std::string> keys;
  keys.swap(to_read);
  for (const auto& key : keys) {
    auto it = chats.find(key);
    if (it == chats.end()) continue;
    Chat& c = it->second;
    c.wants_rows = false;
    if (!c.spilled || c.queue.size() >= batch) continue;
    const auto room = static_cast<int>(batch - c.queue.size());
    const std::int64_t up_to = backlog ? backlog_after : std::numeric_limits<std::int64_t>::max();
    const std::size_t split = key.find('\n');
    if (book->deferred()) {
      ++reads;
      c.wants_rows = true;  // until the rows are back: no second read of the same rows
    }
    book->pending_in_chat(c.adapter, key.substr(split + 1), c.read_after, up_to, room,
                          [this, key, room](std::vector<OutboxRow> rows) {
                            std::vector<std::int64_t> ids;
                            if (book->deferred()) {
                              for (const auto& r : rows) ids.push_back(r.id);
                            }
                            auto it = chats.find(key);
                            if (it != chats.end())
                              took_chat_rows(it->second, std::move(rows), room);
                            if (book->deferred()) took_in(ids);
                          });
  }
}

void OutboxSender::Impl::took_chat_rows(Chat& c, std::vector<OutboxRow> rows, int room) {
  if (book->deferred()) c.wants_rows = false;
  const bool more = rows.size() == static_cast<std::size_t>(room);
  c.spilled = false;  // so that enqueue takes these in
  for (auto& r : rows) {
    const std::int64_t id = r.id;
    const bool held = std::any_of(c.queue.begin(), c.queue.end(),
                                  [id](const OutboxRow& q) { return q.id == id; });
    if (held) {
      c.read_after = std::max(c.read_after, id);
    } else {
      enqueue(std::move(r));
    }
  }
  // Full again with more behind, or not: enqueue set `spilled` if the queue filled up.
  if (more) c.spilled = true;
}

OutboxSender::OutboxSender(net::io_context& io, Store& store, const Clock& clock,
                           const SenderConfig& config, Logger& log)
    : impl_(std::make_unique<Impl>(io, store, clock, config, log)) {
  impl_->owner = this;
  on_undeliverable = [&store](const OutboxRow& row, const SendResult& r) {
    UnitOfWork txn(store);
    store.outbox.mark_dead(row.id, row.attempts, r.error);
    txn.commit();
  };
}

OutboxSender::~OutboxSender() = default;

void OutboxSender::use_group_commit(GroupCommit& group) {
  impl_->group = &group;
}

void OutboxSender::use_book(OutboxBook& book) {
  impl_->book = &book;
}

void OutboxSender::add_adapter(Adapter& adapter, Transport& transport) {
  Lane& lane = impl_->lanes[adapter.name()];
  lane.adapter = &adapter;
  lane.transport = &transport;
  lane.token_gate = std::make_unique<net::steady_timer>(impl_->io);
  lane.limits = adapter.config().limits;
  // Measured against a platform that counts any second (bench/broadcast/README.md): a bucket
  // holding a second's worth sent 60 messages in the first second of a call to 1,000 groups,
  // and went on 429-ing wherever two sends a second apart came closer on the wire: 61 429s and
  // 6% over the platform's minimum. Now at most a tenth of a second's worth goes at once, and
  // no second holds more than the platform's number, counted from the answers (SlidingWindow).
  const double rate = lane.limits.global_per_s;
  lane.global.init(rate, std::max(1.0, rate / 10), Steady::now());
  lane.window.init(static_cast<std::size_t>(std::max(1.0, std::floor(rate))),
                   std::chrono::milliseconds(1001));
}

void OutboxSender::start() {
  impl_->book->depth([log = &impl_->log](std::int64_t pending) {
    if (pending > 0) log->info("outbox_resumed", {{"pending", pending}});
  });
  impl_->backlog = true;
  impl_->backlog_after = 0;
  impl_->refill();
  impl_->running = true;
  net::co_spawn(impl_->io, impl_->loop(), net::detached);
}

void OutboxSender::push(std::vector<OutboxRow> rows) {
  for (auto& r : rows) impl_->offer(std::move(r));
}

net::awaitable<bool> OutboxSender::drain(std::chrono::milliseconds limit) {
  auto deadline = Steady::now() + limit;
  net::steady_timer t(impl_->io);
  while (impl_->queued > 0 || impl_->inflight > 0 || impl_->backlog || !impl_->to_read.empty() ||
         impl_->reads > 0) {
    if (Steady::now() >= deadline) co_return false;
    t.expires_after(milliseconds(20));
    boost::system::error_code ec;
    co_await t.async_wait(net::redirect_error(net::use_awaitable, ec));
  }
  co_return true;
}

void OutboxSender::stop() {
  impl_->stopped = true;
  impl_->wake_timer.cancel();
  for (auto& [name, lane] : impl_->lanes) {
    if (lane.fetching_token) lane.token_gate->cancel();  // waiters give up; the fetch ends itself
  }
}

net::awaitable<bool> OutboxSender::settle_in_flight(std::chrono::milliseconds limit) {
  auto deadline = Steady::now() + limit;
  net::steady_timer t(impl_->io);
  while (impl_->inflight > 0) {
    if (Steady::now() >= deadline) co_return false;
    t.expires_after(milliseconds(10));
    boost::system::error_code ec;
    co_await t.async_wait(net::redirect_error(net::use_awaitable, ec));
  }
  co_return true;
}

std::size_t OutboxSender::chats_in_memory() const {
  return impl_->chats.size();
}

std::size_t OutboxSender::queued() const {
  return impl_->queued;
}
std::size_t OutboxSender::in_flight() const {
  return static_cast<std::size_t>(impl_->inflight) + impl_->book->unapplied();
}
const SenderStats& OutboxSender::stats() const {
  return impl_->stats;
}

}  // namespace linli
