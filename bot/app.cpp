#include "bot/app.hpp"

#include <deque>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <unordered_map>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "adapters/registry.hpp"
#include "bot/certificate_pages.hpp"
#include "bot/dispatcher.hpp"
#include "bot/group_commit.hpp"
#include "bot/http_client.hpp"
#include "bot/http_server.hpp"
#include "bot/metrics.hpp"
#include "bot/outbox_sender.hpp"
#include "bot/pg_outbox_book.hpp"
#include "bot/pg_runtime.hpp"
#include "bot/playground_hub.hpp"
#include "bot/router.hpp"
#include "bot/scheduler.hpp"
#include "dialogs/directory.hpp"
#include "dialogs/engine.hpp"
#include "dialogs/vocabulary.hpp"
#include "storage/directory_rows.hpp"
#include "storage/pg/await.hpp"
#include "storage/pg/directory_rows.hpp"
#include "storage/store.hpp"

namespace linli {

namespace net = boost::asio;

namespace {

// Volunteers on a community's roster in the config are imported once, as approved.
void import_rosters(const Config& config, Store& store, std::int64_t now) {
  UnitOfWork txn(store);
  for (std::size_t ci = 0; ci < config.communities.size(); ++ci) {
    const auto& c = config.communities[ci];
    for (std::size_t vi = 0; vi < c.volunteers.size(); ++vi) {
      const VolunteerSeed& seed = c.volunteers[vi];
      std::string where =
          "communities[" + std::to_string(ci) + "].volunteers[" + std::to_string(vi) + "]";
      std::uint32_t skills = 0;
      for (std::size_t si = 0; si < seed.skills.size(); ++si) {
        auto s = parse_skill(seed.skills[si]);
        if (!s) {
          throw ConfigError(where + ".skills[" + std::to_string(si) + "]: unknown skill \"" +
                            seed.skills[si] +
                            "\" (known: repair, medical, driving, counselling, shopping, tutoring, "
                            "disinfection, other)");
        }
        skills |= bit(*s);
      }
      Person p = store.people.resolve(seed.adapter, seed.user, seed.name, now);
      if (store.volunteers.get(p.id)) continue;  // already known: the database has the truth now
      if (p.community_id.empty()) store.people.set_community(p.id, c.id);
      Volunteer v;
      v.person_id = p.id;
      v.community_id = c.id;
      v.name = seed.name;
      v.phone = seed.phone;
      v.building = normalize_building(seed.building);
      v.skills = skills;
      v.availability = seed.availability;
      v.status = VolunteerStatus::approved;
      v.created_at = now;
      store.volunteers.upsert(v);
    }
  }
  txn.commit();
}

// The directory of the config, with its coordinators resolved to people and written to the
// database for joins and reports.
Directory make_directory(const Config& config, Store& store, storage::Database& db,
                         std::int64_t now) {
  UnitOfWork txn(store);
  Directory dir(config, store.people, now, storage::load_chat_moves(db));
  txn.commit();
  storage::save_directory(db, dir);
  return dir;
}

// Refuses, before anything is written to the database, a playground with PostgreSQL.
bool on_postgres(const Config& config) {
  if (config.engine != DatabaseEngine::postgres) return false;
  for (const auto& a : config.adapters) {
    if (a.type == "playground") {
      throw ConfigError(
          "adapters: a \"playground\" adapter needs a SQLite \"database\": its history "
          "has no PostgreSQL table (README, PostgreSQL)");
    }
  }
  return true;
}

// Whether a failure is PostgreSQL's conflict between concurrent transactions, which the pool
// resolves by running the unit of work again (Dispatcher::conflict).
// Rounds of Pool::kAttempts runs a webhook's decision gets before it is answered 500.
constexpr int kConflictRounds = 3;

// One person's events decided one after the other, in the order their webhooks arrived
// (DESIGN.md §4, "one queue per user"). On SQLite the io thread decides them in that order by
// itself; on PostgreSQL each decision goes to a pool worker, and two webhooks of one person
// arriving together (a quick answer in a dialog, a button and a text) could otherwise be decided
// on two workers in either order. Other people's events do not wait. Used on the io thread.
class PersonTurns {
 public:
  explicit PersonTurns(net::io_context& io) : io_(io) {}

  // Resolves when the person's earlier events are decided; then it is this one's turn, until
  // leave(key).
  net::awaitable<void> enter(const std::string& key) {
    auto [it, first] = waiting_.try_emplace(key);
    if (first) co_return;  // nobody before: the entry marks the turn as taken
    auto gate = std::make_shared<net::steady_timer>(io_, net::steady_timer::time_point::max());
    it->second.push_back(gate);
    boost::system::error_code ec;
    co_await gate->async_wait(net::redirect_error(net::use_awaitable, ec));
  }
  // Hands the turn to the next event of the person, or frees it.
  void leave(const std::string& key) {
    auto it = waiting_.find(key);
    if (it == waiting_.end()) return;
    if (it->second.empty()) {
      waiting_.erase(it);
      return;
    }
    std::shared_ptr<net::steady_timer> next = std::move(it->second.front());
    it->second.pop_front();
    next->cancel();  // its enter() resolves; the turn stays taken, now by it
  }

 private:
  net::io_context& io_;
  // Per person with an event being decided: the events waiting behind it, oldest first.
  std::unordered_map<std::string, std::deque<std::shared_ptr<net::steady_timer>>> waiting_;
};

bool pg_conflict(const std::exception& e) {
  auto* pg = dynamic_cast<const storage::pg::PgError*>(&e);
  return pg != nullptr && pg->retryable();
}

}  // namespace

struct App::Impl {
  Impl(Config cfg, const Clock& c, Logger& l)
      : config(std::move(cfg)),
        clock(c),
        log(l),
        io(1),
        cipher(config.encryption_key.empty()
                   ? std::nullopt
                   : std::make_optional<storage::FieldCipher>(config.encryption_key)),
        db(on_postgres(config)
               ? nullptr
               : std::make_unique<storage::Database>(config.database, config.synchronous)),
        sqlite(db ? std::make_unique<storage::SqliteStore>(*db, cipher ? &*cipher : nullptr)
                  : nullptr),
        pg(db ? nullptr : std::make_unique<PgRuntime>(config, cipher ? &*cipher : nullptr, log)),
        store(sqlite ? sqlite->ports : pg->io_store()),
        dir(db ? make_directory(config, store, *db, clock.now_ms())
               : pg->make_directory(clock.now_ms())),
        engine(config, store, dir),
        group(db ? std::make_unique<GroupCommit>(io, *db, log) : nullptr),
        sender(io, store, clock, config.sender, log),
        dispatcher(store, engine, clock, sender, config.flood, config.dispatcher, log),
        scheduler(io, store, clock, dispatcher, log),
        server(io, config.server, router, log),
        certificate_pages(store.certificates, dir, config) {
    if (sqlite) {
      import_rosters(config, store, clock.now_ms());
    } else {
      std::int64_t now = clock.now_ms();
      pg->run_now([this, now](storage::pg::PgStore& s) { import_rosters(config, s.ports, now); });
    }
    {
      // The key of certificates' codes: the operator's, or the database's, made on first start.
      if (sqlite) {
        UnitOfWork txn(store);
        sqlite->certificates.use_secret(config.certificates.secret);
        txn.commit();
      } else {
        pg->run_now([this](storage::pg::PgStore& s) {
          s.certificates.use_secret(config.certificates.secret);
        });
      }
    }
    for (const auto& m : dir.moved()) warn_group_moved(m.adapter, m.configured_chat, m.chat);
    if (pg) {
      use_postgres();
    } else {
      use_sqlite();
    }
    for (const auto& a : config.adapters) {
      std::unique_ptr<Adapter> adapter = make_adapter(a);
      if (adapter->in_process()) {
        auto hub = std::make_unique<PlaygroundHub>(io, adapter->config(), store, sqlite->playground,
                                                   dir, clock);
        sender.add_adapter(*adapter, *hub);
        Adapter* raw = adapter.get();
        hub->mount(router, [this, raw](HttpRequest& r) { return webhook(*raw, r); });
        hubs.push_back(std::move(hub));
      } else {
        sender.add_adapter(*adapter, http_client());
      }
      adapters.push_back(std::move(adapter));
    }
    for (const auto& a : adapters) {
      Adapter* raw = a.get();
      for (const std::string& method : raw->webhook_methods()) {
        router.add_async(
            method, a->config().webhook_path,
            [this, raw](HttpRequest& r) { return webhook(*raw, r); },
            [this, raw](const HttpRequest& head) { return check_headers(*raw, head); });
      }
    }
    router.add("GET", "/healthz", [this](HttpRequest&) {
      return HttpResponse::json(ready ? 200 : 503,
                                ready ? R"({"status":"ok"})" : R"({"status":"starting"})");
    });
    router.add("GET", "/metrics", [this](HttpRequest&) { return render_metrics(); });
    if (pg) {
      certificate_pages.mount_async(
          router,
          [this](std::function<HttpResponse(Certificates&)> page) -> net::awaitable<HttpResponse> {
            auto read = [this, page](storage::pg::Connection& c) {
              PgRuntime::Worker& w = pg->worker(c);
              std::shared_lock lock(pg->directory());
              return page(w.store.ports.certificates);
            };
            HttpResponse r = co_await storage::pg::transact(pg->pool(), read);
            co_return r;
          });
    } else {
      certificate_pages.mount(router);
    }
    router.add("GET", "/", [](HttpRequest&) {
      HttpResponse r = HttpResponse::text(302, "");
      r.headers.emplace_back("Location", "/playground");
      return r;
    });
  }

  void use_sqlite() {
    // From here on every write joins the open batch (bot/group_commit.hpp).
    dispatcher.use_group_commit(*group);
    sender.use_group_commit(*group);
    sender.on_chat_moved = [this](const std::string& adapter, const std::string& from,
                                  const std::string& to) {
      try {
        group->join();
        UnitOfWork txn(store);
        storage::record_chat_move(*db, adapter, from, to, clock.now_ms());
        txn.commit();
        const Group* g = dir.move_chat(adapter, from, to);
        if (g) warn_group_moved(adapter, from, to);
      } catch (const std::exception& e) {
        log.error("chat_move_failed", {{"adapter", adapter}, {"from", from}, {"error", e.what()}});
      }
    };
    sender.on_undeliverable = [this](const OutboxRow& row, const SendResult& r) {
      dispatcher.undeliverable(row, r.status == SendStatus::forbidden, r.error);
    };
  }

  // Decisions on the pool's workers (bot/pg_runtime.hpp); what they decided comes back here.
  void use_postgres() {
    pg->use_directory(dir);
    dispatcher.conflict = pg_conflict;
    book = std::make_unique<PgOutboxBook>(io, pg->pool(), cipher ? &*cipher : nullptr, log);
    sender.use_book(*book);
    scheduler.use_pool(*pg);
    sender.on_chat_moved = [this](const std::string& adapter, const std::string& from,
                                  const std::string& to) {
      // Recorded, then the directory follows, under its exclusive lock, on the worker: the
      // io thread never waits for the decisions that read it.
      std::int64_t now = clock.now_ms();
      pg->pool().submit(
          [adapter, from, to, now](storage::pg::Connection& c) {
            storage::pg::record_chat_move(c, adapter, from, to, now);
          },
          [this, adapter, from, to](std::exception_ptr e) {
            if (e) {
              net::post(io, [this, adapter, from, e] {
                try {
                  std::rethrow_exception(e);
                } catch (const std::exception& x) {
                  log.error("chat_move_failed",
                            {{"adapter", adapter}, {"from", from}, {"error", x.what()}});
                }
              });
              return;
            }
            const Group* g = nullptr;
            {
              std::unique_lock lock(pg->directory());
              g = dir.move_chat(adapter, from, to);
            }
            if (g)
              net::post(io, [this, adapter, from, to] { warn_group_moved(adapter, from, to); });
          });
    };
    sender.on_undeliverable = [this](const OutboxRow& row, const SendResult& r) {
      bool forbidden = r.status == SendStatus::forbidden;
      std::int64_t now = clock.now_ms();
      net::co_spawn(
          io,
          [this, row, forbidden, error = r.error, now]() -> net::awaitable<void> {
            try {
              Dispatcher::Decided d;
              d.kind = Dispatcher::Decided::Kind::undeliverable;
              auto decide = [this, row, forbidden, error, now](storage::pg::Connection& c) {
                PgRuntime::Worker& w = pg->worker(c);
                std::shared_lock lock(pg->directory());
                return dispatcher.undeliverable_in(w.store.ports, w.engine, row, forbidden, error,
                                                   now);
              };
              d.out = co_await storage::pg::transact(pg->pool(), decide);
              dispatcher.committed(d);
            } catch (const std::exception& e) {
              // The row stays pending in the database: the next start sends it again.
              log.error("undeliverable_not_recorded", {{"outbox", row.id}, {"error", e.what()}});
            }
          },
          net::detached);
    };
  }

  // One event, decided on a worker in the pool's transaction, which has committed when this
  // returns (or thrown: nothing of it was committed).
  net::awaitable<Dispatcher::Decided> decide_on_pool(InboundEvent ev) {
    std::int64_t now = clock.now_ms();
    // A conflict's rerun keeps the first run's flood verdict (Dispatcher::dispatch_in).
    auto verdict = std::make_shared<std::optional<FloodGuard::Verdict>>();
    const std::string ev_adapter = ev.adapter;
    // A named local, not a temporary in the co_await: GCC 12 destroys those twice.
    auto decide = [this, ev = std::move(ev), now, verdict](storage::pg::Connection& c) {
      PgRuntime::Worker& w = pg->worker(c);
      std::shared_lock lock(pg->directory());
      return dispatcher.dispatch_in(w.store.ports, w.engine, ev, now, *verdict);
    };
    // The pool ran it again after each conflict (Pool::kAttempts); a decision that met one
    // every time under a burst is tried afresh a few more times here rather than answered 500:
    // nothing of it was committed, and the platform's own retry would only come later.
    for (int round = 1;; ++round) {
      try {
        Dispatcher::Decided d = co_await storage::pg::transact(pg->pool(), decide);
        co_return d;
      } catch (const std::exception& e) {
        if (!pg_conflict(e) || round == kConflictRounds) throw;
        log.warn("decision_conflicts", {{"adapter", ev_adapter}, {"round", round}});
      }
    }
  }

  // Before a webhook's body is read: a request without the platform's secret goes no further.
  int check_headers(const Adapter& adapter, const HttpRequest& head) {
    int status = adapter.check_headers(head);
    if (status != 0) refused(adapter, status);
    return status;
  }

  void refused(const Adapter& adapter, int status) {
    metrics.webhook(adapter.name(),
                    status == 401 || status == 403 ? "unauthorized" : "bad_request");
    log.info("webhook_refused", {{"adapter", adapter.name()}, {"status", status}});
  }

  // Every platform's webhook: verify and decode, decide each event in the open batch, and
  // answer once that batch is durable. Every answer that says "taken" waits for it, a duplicate
  // too: the first delivery of the same event may be in that very batch.
  net::awaitable<HttpResponse> webhook(Adapter& adapter, HttpRequest& req) {
    auto started = std::chrono::steady_clock::now();
    WebhookResult result = adapter.on_webhook(req, clock.now_ms());
    if (result.status < 200 || result.status > 299) {
      refused(adapter, result.status);
      co_return HttpResponse{result.status, result.content_type, std::move(result.body), {}};
    }
    std::string error;
    if (pg) {
      // Each event in its own transaction, in order; the webhook is answered once they all
      // committed. No group commit on this engine (bot/pg_runtime.hpp).
      for (const auto& ev : result.events) {
        const std::string person = ev.adapter + '\n' + (ev.user.empty() ? ev.chat : ev.user);
        co_await turns.enter(person);
        try {
          Dispatcher::Decided d = co_await decide_on_pool(ev);
          dispatcher.committed(d);
          if (d.kind == Dispatcher::Decided::Kind::failed) error = d.error;
        } catch (const std::exception& e) {
          error = e.what();
        }
        turns.leave(person);
        if (!error.empty()) break;
      }
    } else {
      try {
        for (const auto& ev : result.events) dispatcher.dispatch(ev);
      } catch (const std::exception& e) {
        error = e.what();
      }
      if (!co_await group->durable() && error.empty()) error = "the batch's commit failed";
    }
    if (!error.empty()) {
      metrics.webhook(adapter.name(), "error");
      if (result.failure_status < 200 || result.failure_status > 299) {
        // Answered 500 at the session boundary: the platform will retry.
        throw std::runtime_error(error);
      }
      // This platform would not retry: the event is lost.
      log.error("webhook_event_dropped", {{"adapter", adapter.name()}, {"error", error}});
      co_return HttpResponse{
          result.failure_status, result.content_type, std::move(result.body), {}};
    }
    metrics.webhook(adapter.name(), "ok");
    metrics.decision(std::chrono::steady_clock::now() - started);
    housekeeping(adapter, std::move(result.calls));
    co_return HttpResponse{result.status, result.content_type, std::move(result.body), {}};
  }

  // The platform's own calls an adapter asks for (joining rooms), outside the outbox: made in
  // order, after the answer; a failure is logged, and the platform's next event asks again.
  void housekeeping(const Adapter& adapter, std::vector<ApiCall> calls) {
    if (calls.empty() || adapter.in_process()) return;
    net::co_spawn(
        io,
        [this, name = adapter.name(), calls = std::move(calls)]() -> net::awaitable<void> {
          for (const ApiCall& call : calls) {
            ApiResponse r = co_await http_client().perform(call);
            if (r.status < 200 || r.status > 299) {
              log.warn("platform_call_failed",
                       {{"adapter", name}, {"status", r.status}, {"error", r.error}});
            }
          }
        },
        net::detached);
  }

  // The config is the source of truth for groups: until it names the new chat, every start
  // says so.
  void warn_group_moved(const std::string& adapter, const std::string& from,
                        const std::string& to) {
    log.warn("group_moved", {{"adapter", adapter},
                             {"config_chat", from},
                             {"chat", to},
                             {"fix", "set this group's \"chat\" to \"" + adapter + ":" + to +
                                         "\" in the config"}});
  }

  // One client for every platform reached over HTTP(S), made when the first one needs it.
  HttpClient& http_client() {
    if (!client) {
      HttpClientOptions o;
      o.connect_timeout = std::chrono::milliseconds(config.http_client.connect_timeout_ms);
      o.request_timeout = std::chrono::milliseconds(config.http_client.request_timeout_ms);
      o.max_idle_per_host = static_cast<std::size_t>(config.http_client.max_idle_per_host);
      o.ca_file = config.http_client.ca_file;
      try {
        client = std::make_unique<HttpClient>(io, o, log);
      } catch (const std::exception& e) {
        throw ConfigError(std::string("http_client.ca_file: ") + e.what());
      }
    }
    return *client;
  }

  HttpResponse render_metrics() {
    std::string out;
    out.reserve(4096);
    metrics.render(out);
    const DispatchStats& d = dispatcher.stats();
    append_family(out, "linli_events_total", "counter", "Inbound events by outcome.", "result",
                  {{"handled", d.handled},
                   {"duplicate", d.duplicates},
                   {"flooded", d.flooded},
                   {"parked", d.parked},
                   {"failed", d.failed}});
    append_metric(out, "linli_timers_fired_total", "counter", "Stored timers fired.", d.timers);
    if (db) {
      append_metric(out, "linli_commits_total", "counter",
                    "Transactions committed to the database (one per batch of decisions).",
                    db->commits());
      append_metric(out, "linli_wal_pages_total", "counter",
                    "Database pages written to the write-ahead log.", db->wal_pages());
      append_metric(out, "linli_batch_commits_failed_total", "counter",
                    "Batches whose commit failed: their webhooks were answered 500.",
                    group->failed());
    } else {
      append_metric(out, "linli_pg_retries_total", "counter",
                    "Units of work run again after a serialization failure or a deadlock.",
                    pg->pool().retries());
    }
    append_metric(out, "linli_timers_parked_total", "counter",
                  "Timers given up on after their last failed try.", d.timers_parked);
    const SenderStats& s = sender.stats();
    append_family(out, "linli_sends_total", "counter", "Platform API calls by result.", "result",
                  {{"ok", s.sent},
                   {"429", s.rate_limited},
                   {"5xx", s.transient},
                   {"dead", s.dead},
                   {"forbidden", s.forbidden}});
    append_metric(out, "linli_outbox_depth", "gauge", "Messages decided and not yet delivered.",
                  sender.queued());
    // A query: on PostgreSQL it would block the io thread, so the gauge is SQLite's only.
    if (sqlite) {
      append_metric(out, "linli_dialogs_active", "gauge", "Open dialogs.", store.dialogs.count());
    }
    const ServerStats& h = server.stats();
    append_metric(out, "linli_http_connections", "gauge", "Open HTTP connections.", h.open);
    append_metric(out, "linli_http_requests_total", "counter", "HTTP requests read.", h.requests);
    append_family(out, "linli_http_refused_total", "counter",
                  "Connections and requests cut off by a limit.", "limit",
                  {{"max_connections", h.refused},
                   {"timeout", h.timeouts},
                   {"body_limit", h.too_large},
                   {"bad_request", h.bad_requests}});
    return HttpResponse{200, "text/plain; version=0.0.4; charset=utf-8", std::move(out), {}};
  }

  Config config;
  const Clock& clock;
  Logger& log;
  net::io_context io;
  std::optional<storage::FieldCipher> cipher;  // phone numbers and addresses; none without a key
  std::unique_ptr<storage::Database> db;       // SQLite only
  std::unique_ptr<storage::SqliteStore> sqlite;
  std::unique_ptr<PgRuntime> pg;  // PostgreSQL only
  PersonTurns turns{io};          // PostgreSQL only: one person's events in order
  Store& store;                   // the domain's ports over `sqlite`, or pg's io_store
  Directory dir;
  Engine engine;
  std::unique_ptr<GroupCommit> group;  // SQLite only
  OutboxSender sender;
  Dispatcher dispatcher;
  Scheduler scheduler;
  Router router;
  HttpServer server;
  CertificatePages certificate_pages;
  Metrics metrics;
  std::vector<std::unique_ptr<Adapter>> adapters;
  std::vector<std::unique_ptr<PlaygroundHub>> hubs;
  std::unique_ptr<HttpClient> client;
  std::unique_ptr<PgOutboxBook> book;  // PostgreSQL only: the sender's database work
  bool ready = false;

  // The pool's workers use the directory, the dispatcher and the engines: they end first.
  ~Impl() {
    if (pg) pg->close();
  }
};

App::App(Config config, const Clock& clock, Logger& log)
    : impl_(std::make_unique<Impl>(std::move(config), clock, log)) {}

App::~App() = default;

std::uint16_t App::start() {
  std::uint16_t port = impl_->server.listen();
  // The daily purge of what must not be kept (addresses of closed requests, old event ids).
  std::int64_t now = impl_->clock.now_ms();
  if (impl_->pg) {
    impl_->pg->run_now(
        [now](storage::pg::PgStore& s) { s.timers.arm_once(Timer{TimerKind::purge}, now); });
  } else {
    impl_->store.timers.arm_once(Timer{TimerKind::purge}, now);
  }
  impl_->sender.start();
  impl_->scheduler.start();
  for (const auto& a : impl_->adapters) impl_->housekeeping(*a, a->start_calls());
  impl_->ready = true;
  impl_->log.info("listening", {{"address", impl_->config.server.address},
                                {"port", port},
                                {"database", impl_->config.database},
                                {"encrypted_fields", impl_->cipher ? 1 : 0}});
  return port;
}

void App::shutdown(std::chrono::milliseconds flush) {
  Impl* s = impl_.get();
  s->ready = false;
  s->server.stop();
  s->scheduler.stop();
  for (auto& h : s->hubs) h->stop();
  net::co_spawn(
      s->io,
      [s, flush]() -> net::awaitable<void> {
        bool flushed = co_await s->sender.drain(flush);
        s->sender.stop();
        // What is on the wire is answered and recorded before the loop stops: otherwise it
        // would be sent again after the next start.
        co_await s->sender.settle_in_flight(
            std::chrono::milliseconds(s->config.http_client.request_timeout_ms + 1000));
        if (s->book) {
          // PostgreSQL: the marks of those answers are on their way to the database.
          net::steady_timer t(s->io);
          auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
          while (s->book->unapplied() > 0 && std::chrono::steady_clock::now() < deadline) {
            t.expires_after(std::chrono::milliseconds(10));
            boost::system::error_code ec;
            co_await t.async_wait(net::redirect_error(net::use_awaitable, ec));
          }
        }
        // The last batch (the answers just recorded) is committed before the loop stops.
        if (s->group) {
          s->group->release();
          s->group->flush();
        }
        s->log.info("stopped",
                    {{"outbox_flushed", flushed ? 1 : 0}, {"outbox_left", s->sender.queued()}});
        s->io.stop();
      },
      net::detached);
}

net::io_context& App::io() {
  return impl_->io;
}
const Config& App::config() const {
  return impl_->config;
}
Store& App::store() {
  return impl_->store;
}
Dispatcher& App::dispatcher() {
  return impl_->dispatcher;
}
OutboxSender& App::sender() {
  return impl_->sender;
}
Scheduler& App::scheduler() {
  return impl_->scheduler;
}
GroupCommit& App::group_commit() {
  if (!impl_->group) throw std::logic_error("App::group_commit: no group commit on PostgreSQL");
  return *impl_->group;
}
std::uint64_t App::commits() const {
  return impl_->db ? impl_->db->commits() : 0;
}
const HttpServer& App::server() const {
  return impl_->server;
}

}  // namespace linli
