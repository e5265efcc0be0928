#include "bot/pg_outbox_book.hpp"

#include <algorithm>
#include <chrono>

#include <boost/asio/post.hpp>

#include "storage/pg/await.hpp"

namespace linli {

namespace net = boost::asio;
namespace pg = storage::pg;

PgOutboxBook::PgOutboxBook(net::io_context& io, pg::Pool& pool, const storage::FieldCipher* cipher,
                           Logger& log)
    : io_(io), pool_(pool), cipher_(cipher), log_(log), pause_(io) {}

void PgOutboxBook::mark_sent(std::int64_t id, const std::string& platform_id, std::int64_t now) {
  add({[id, platform_id, now](pg::PgStore& s) -> std::function<void()> {
    s.outbox.mark_sent(id, platform_id, now);
    return nullptr;
  }});
}

void PgOutboxBook::mark_retry(std::int64_t id, int attempts, const std::string& error) {
  add({[id, attempts, error](pg::PgStore& s) -> std::function<void()> {
    s.outbox.mark_retry(id, attempts, error);
    return nullptr;
  }});
}

void PgOutboxBook::mark_dead(std::int64_t id, int attempts, const std::string& error) {
  add({[id, attempts, error](pg::PgStore& s) -> std::function<void()> {
    s.outbox.mark_dead(id, attempts, error);
    return nullptr;
  }});
}

void PgOutboxBook::readdress(const std::string& adapter, const std::string& from,
                             const std::string& to) {
  add({[adapter, from, to](pg::PgStore& s) -> std::function<void()> {
    s.outbox.readdress(adapter, from, to);
    return nullptr;
  }});
}

void PgOutboxBook::pending(std::int64_t after_id, int limit, Rows then) {
  add({[after_id, limit, then](pg::PgStore& s) -> std::function<void()> {
         auto rows = std::make_shared<std::vector<OutboxRow>>(s.outbox.pending(after_id, limit));
         return [then, rows] { then(std::move(*rows)); };
       },
       false});
}

void PgOutboxBook::pending_in_chat(const std::string& adapter, const std::string& chat,
                                   std::int64_t after_id, std::int64_t up_to_id, int limit,
                                   Rows then) {
  add({[adapter, chat, after_id, up_to_id, limit, then](pg::PgStore& s) -> std::function<void()> {
         auto rows = std::make_shared<std::vector<OutboxRow>>(
             s.outbox.pending_in_chat(adapter, chat, after_id, up_to_id, limit));
         return [then, rows] { then(std::move(*rows)); };
       },
       false});
}

net::awaitable<std::string> PgOutboxBook::platform_id(std::int64_t id) {
  // Through the queue, behind the marks already made: the edited message's own mark_sent may
  // be one of them.
  auto found = std::make_shared<std::string>();
  co_await net::async_initiate<const net::use_awaitable_t<>&, void()>(
      [this, id, found](auto handler) {
        auto h = std::make_shared<decltype(handler)>(std::move(handler));
        add({[id, found, h](pg::PgStore& s) -> std::function<void()> {
               std::string value = s.outbox.platform_id(id);
               return [found, h, value] {
                 *found = value;
                 (*h)();
               };
             },
             false});
      },
      net::use_awaitable);
  co_return *found;
}

void PgOutboxBook::depth(std::function<void(std::int64_t)> then) {
  add({[then](pg::PgStore& s) -> std::function<void()> {
         std::int64_t n = s.outbox.depth();
         return [then, n] { then(n); };
       },
       false});
}

void PgOutboxBook::add(Op op) {
  queue_.push_back(std::move(op));
  flush();
}

void PgOutboxBook::flush() {
  if (busy_ || queue_.empty()) return;
  busy_ = true;
  auto ops = std::make_shared<std::vector<Op>>(std::make_move_iterator(queue_.begin()),
                                               std::make_move_iterator(queue_.end()));
  queue_.clear();
  in_unit_ = ops->size();
  auto then = std::make_shared<std::vector<std::function<void()>>>();
  const storage::FieldCipher* cipher = cipher_;
  pool_.submit(
      [ops, then, cipher](pg::Connection& c) {
        then->clear();  // a rerun after a conflict starts over
        pg::PgStore store(c, cipher);
        for (auto& op : *ops) {
          if (auto f = op.run(store)) then->push_back(std::move(f));
        }
      },
      [this, ops, then](std::exception_ptr e) {
        net::post(io_, [this, ops, then, e] {
          busy_ = false;
          in_unit_ = 0;
          if (!e) {
            failures_ = 0;
            for (auto& f : *then) f();
            flush();
            return;
          }
          std::string why = "unknown";
          try {
            std::rethrow_exception(e);
          } catch (const std::exception& x) {
            why = x.what();
          } catch (...) {
          }
          ++failures_;
          std::size_t marks = 0;
          std::vector<Op> keep;
          for (auto& op : *ops) {
            if (failures_ >= kTries && op.write) {
              ++marks;
            } else {
              keep.push_back(std::move(op));
            }
          }
          if (marks > 0) {
            failures_ = 0;
            log_.error("outbox_marks_lost", {{"marks", marks}, {"error", why}});
          } else {
            log_.warn("outbox_book_failed", {{"tries", failures_}, {"error", why}});
          }
          // Back at the front, in their order, before what was called meanwhile.
          queue_.insert(queue_.begin(), std::make_move_iterator(keep.begin()),
                        std::make_move_iterator(keep.end()));
          busy_ = true;  // until the pause is over: nothing overtakes them
          pause_.expires_after(std::chrono::milliseconds(100 << std::min(failures_, 8)));
          pause_.async_wait([this](const boost::system::error_code& ec) {
            busy_ = false;
            if (!ec) flush();
          });
        });
      });
}

}  // namespace linli
