#pragma once
// The runtime's side of the PostgreSQL engine (issue 13): the Pool of connections and worker
// threads (storage/pg/pool.hpp says why a pool), and on each worker its own Store and Engine
// over that worker's connection, built the first time the worker runs a decision. The Dispatcher
// decides on the workers (Dispatcher::*_in); the io_context thread only hands work over and
// takes the outcome back (storage/pg/await.hpp).
//
// What the workers share, and how it stays safe: the Config and the vocabulary are read only;
// an Engine and its DialogRunner keep no state beyond their references, and each worker has its
// own; the Dispatcher's FloodGuard is behind its mutex and its stats are counted on the io
// thread (Dispatcher::committed); the Directory is read by every decision and changed only when
// a platform moves a chat: a decision reads it under `directory()`'s shared lock, a move writes
// it under the exclusive one, on a worker, never on the io thread.
//
// No group commit on this engine: PostgreSQL's COMMIT is durable when it returns (fsync of its
// WAL, synchronous_commit on), and concurrent commits share the server's WAL flushes by
// themselves. A webhook is answered once its own transaction committed.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>

#include "bot/log.hpp"
#include "config/config.hpp"
#include "dialogs/directory.hpp"
#include "dialogs/engine.hpp"
#include "storage/field_cipher.hpp"
#include "storage/pg/pool.hpp"
#include "storage/pg/store.hpp"

namespace linli {

class PgRuntime {
 public:
  // Connects the pool (config.postgres), then migrates the schema under its advisory lock.
  // Throws storage::pg::PgError when the database cannot be reached, SchemaTooNew when a newer
  // Linli migrated it. Blocking: at start-up, before the io_context runs.
  PgRuntime(const Config& config, const storage::FieldCipher* cipher, Logger& log);
  ~PgRuntime();
  PgRuntime(const PgRuntime&) = delete;
  PgRuntime& operator=(const PgRuntime&) = delete;

  storage::pg::Pool& pool() { return *pool_; }
  // Stops the pool and waits for the units of work running: before what they use is destroyed.
  void close() { pool_.reset(); }
  // A store over a connection of its own, for the io_context thread's parts that still call the
  // store synchronously (see README, PostgreSQL): blocking, used only where that is said.
  Store& io_store() { return io_store_->ports; }

  // Runs `f(store)` in one transaction on a worker and waits for it: for start-up only.
  void run_now(const std::function<void(storage::pg::PgStore&)>& f);
  // The directory of the config, with the chats platforms moved, written to the database: built
  // once, at start-up; the workers' Engines read it from then on.
  Directory make_directory(std::int64_t now);
  void use_directory(const Directory& dir) { dir_ = &dir; }

  // One worker's own store and engine, over `c` (the worker's connection). Call on that worker.
  struct Worker {
    Worker(storage::pg::Connection& c, const storage::FieldCipher* cipher, const Config& config,
           const Directory& dir)
        : store(c, cipher), engine(config, store.ports, dir) {}
    storage::pg::PgStore store;
    Engine engine;
  };
  Worker& worker(storage::pg::Connection& c);

  // Decisions read the directory under the shared lock, a chat's move writes it under the
  // exclusive one (see the class comment).
  std::shared_mutex& directory() { return directory_mutex_; }

 private:
  const Config& config_;
  const storage::FieldCipher* cipher_;
  Logger& log_;
  const Directory* dir_ = nullptr;
  std::unique_ptr<storage::pg::Pool> pool_;
  std::unique_ptr<storage::pg::Connection> io_connection_;
  std::unique_ptr<storage::pg::PgStore> io_store_;
  std::mutex workers_mutex_;  // only while a worker's entry is found or made
  std::map<storage::pg::Connection*, std::unique_ptr<Worker>> workers_;
  std::shared_mutex directory_mutex_;
};

}  // namespace linli
