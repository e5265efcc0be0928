#include "bot/group_commit.hpp"

#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace linli {

namespace net = boost::asio;

namespace {

// One open batch, shared by whoever waits for its commit: its waiters wait on `signal`, which
// the commit cancels.
struct Batch {
  explicit Batch(net::io_context& io) : signal(io, net::steady_timer::time_point::max()) {}
  net::steady_timer signal;
  std::vector<std::function<void(bool)>> after;
  std::vector<std::function<void(bool)>> last;  // after every `after`
  bool done = false;
  bool durable = false;
};

}  // namespace

struct GroupCommit::Impl {
  Impl(net::io_context& io, storage::Batches& s, Logger& l) : io(io), store(s), log(l) {}

  void post_flush() {
    net::post(io, [this] { owner->flush(); });
  }

  net::io_context& io;
  storage::Batches& store;
  Logger& log;
  GroupCommit* owner = nullptr;
  std::shared_ptr<Batch> open;
  bool held = false;
  std::uint64_t batches = 0;
  std::uint64_t failed = 0;
};

GroupCommit::GroupCommit(net::io_context& io, storage::Batches& store, Logger& log)
    : impl_(std::make_unique<Impl>(io, store, log)) {
  impl_->owner = this;
}

GroupCommit::~GroupCommit() {
  // A batch still open at destruction (the loop stopped without a flush) was never committed:
  // nobody was told it was.
  if (impl_->open) impl_->store.abandon_batch();
}

void GroupCommit::join() {
  Impl& s = *impl_;
  if (s.open) return;
  s.store.open_batch();
  s.open = std::make_shared<Batch>(s.io);
  if (!s.held) s.post_flush();
}

void GroupCommit::after_commit(std::function<void(bool)> f) {
  if (!impl_->open) return f(true);
  impl_->open->after.push_back(std::move(f));
}

void GroupCommit::after_commit_last(std::function<void(bool)> f) {
  if (!impl_->open) return f(true);
  impl_->open->last.push_back(std::move(f));
}

net::awaitable<bool> GroupCommit::durable() {
  std::shared_ptr<Batch> b = impl_->open;
  if (!b) co_return true;
  while (!b->done) {
    boost::system::error_code ec;
    co_await b->signal.async_wait(net::redirect_error(net::use_awaitable, ec));
  }
  co_return b->durable;
}

void GroupCommit::flush() {
  Impl& s = *impl_;
  if (!s.open || s.held) return;
  std::shared_ptr<Batch> b = std::move(s.open);
  s.open.reset();
  try {
    s.store.commit_batch();
    b->durable = true;
    ++s.batches;
  } catch (const std::exception& e) {
    // Nothing of the batch was kept: its webhooks are answered 500 (the platforms retry them),
    // its outcomes are dropped, its timers are still armed.
    ++s.failed;
    s.log.error("batch_commit_failed", {{"waiting", b->after.size()}, {"error", e.what()}});
  }
  b->done = true;
  for (auto& f : b->after) f(b->durable);
  for (auto& f : b->last) f(b->durable);
  b->signal.cancel();
}

void GroupCommit::hold() {
  impl_->held = true;
}

void GroupCommit::release() {
  impl_->held = false;
  if (impl_->open) impl_->post_flush();
}

bool GroupCommit::open() const {
  return impl_->open != nullptr;
}

std::uint64_t GroupCommit::batches() const {
  return impl_->batches;
}

std::uint64_t GroupCommit::failed() const {
  return impl_->failed;
}

}  // namespace linli
