#pragma once
// The PostgreSQL engine's store (issue 13): every PostgreSQL repository over ONE connection, a
// pool worker's (storage/pg/pool.hpp), and its unit of work. Built per unit of work or kept per
// worker: it holds no statement and no state beyond the connection, so building one costs
// nothing. Like SqliteStore (storage/store.hpp), `cipher` (null: nothing is encrypted) must
// outlive it.
//
// The playground's own history (SqliteStore::playground, not a port of the domain) has no
// PostgreSQL repository yet.

#include <vector>

#include "dialogs/ports.hpp"
#include "storage/field_cipher.hpp"
#include "storage/pg/certificates_repo.hpp"
#include "storage/pg/commendations_repo.hpp"
#include "storage/pg/connection.hpp"
#include "storage/pg/dialogs_repo.hpp"
#include "storage/pg/equipment_repo.hpp"
#include "storage/pg/evaluation_repo.hpp"
#include "storage/pg/events_repo.hpp"
#include "storage/pg/help_requests_repo.hpp"
#include "storage/pg/offers_repo.hpp"
#include "storage/pg/outbox_repo.hpp"
#include "storage/pg/people_repo.hpp"
#include "storage/pg/posts_repo.hpp"
#include "storage/pg/rate_slots_repo.hpp"
#include "storage/pg/risks_repo.hpp"
#include "storage/pg/roster_repo.hpp"
#include "storage/pg/service_records_repo.hpp"
#include "storage/pg/shifts_repo.hpp"
#include "storage/pg/timers_repo.hpp"
#include "storage/pg/training_repo.hpp"
#include "storage/pg/trips_repo.hpp"
#include "storage/pg/vehicles_repo.hpp"
#include "storage/pg/volunteers_repo.hpp"

namespace linli::storage::pg {

// The unit of work of one decision on one connection, in a SERIALIZABLE transaction.
//
// Why serializable: on SQLite one writer at a time runs each decision alone, so every rule of
// DESIGN.md §6 that a decision checks by reading and then writing holds. On PostgreSQL several
// instances decide at once. The rules that live in one conditional statement (a ticket claimed
// once, an offer answered once, an event recorded once) would hold at READ COMMITTED too,
// because an UPDATE waits for the row and re-checks its WHERE; but those that count rows
// (a call's last place: "fewer than N taken"), or read a key and insert it (a new identity),
// would not: two transactions each count N - 1 and both insert. SERIALIZABLE makes every
// decision's outcome one that some one-at-a-time order of them could give, which is exactly
// what SQLite's single writer gives; PostgreSQL aborts the transaction that would break that
// order with SQLSTATE 40001 (or 40P01 for a deadlock), having changed nothing, and the Pool runs
// the whole unit of work again on a fresh snapshot (Pool::kAttempts), where the count is N.
//
// Nested units (a unit of work begun while a transaction is open on the connection: the Pool's
// own, or an enclosing unit) are savepoints: released into the enclosing transaction when they
// commit, rolled back alone when they fail, as Database::begin does on SQLite.
class PgTransactions final : public Transactions {
 public:
  explicit PgTransactions(Connection& c) : c_(c) {}
  ~PgTransactions() override;
  PgTransactions(const PgTransactions&) = delete;
  PgTransactions& operator=(const PgTransactions&) = delete;

  void begin() override;
  // Throws PgError: 40001 from the server when the transaction cannot be serialized, or 25P02
  // when an earlier error had aborted it (COMMIT then answers ROLLBACK).
  void commit() override;
  void rollback() noexcept override;

 private:
  Connection& c_;
  std::vector<bool> savepoint_;  // per unit open: whether it is a savepoint
};

class PgStore {
 public:
  explicit PgStore(Connection& c, const FieldCipher* cipher = nullptr)
      : connection(c),
        transactions(c),
        people(c),
        volunteers(c, cipher),
        requests(c, cipher),
        dialogs(c, cipher),
        events(c),
        outbox(c, cipher),
        timers(c),
        posts(c),
        roster(c),
        offers(c),
        shifts(c),
        evaluation(c),
        commendations(c),
        records(c),
        certificates(c),
        training(c),
        equipment(c),
        risks(c),
        vehicles(c),
        trips(c),
        rate_slots(c),
        ports{transactions, people,        volunteers, requests,     dialogs,  events,
              outbox,       timers,        posts,      roster,       offers,   shifts,
              evaluation,   commendations, records,    certificates, training, equipment,
              risks,        vehicles,      trips,      rate_slots} {}
  PgStore(const PgStore&) = delete;
  PgStore& operator=(const PgStore&) = delete;

  Connection& connection;
  PgTransactions transactions;
  PgPeopleRepo people;
  PgVolunteersRepo volunteers;
  PgHelpRequestsRepo requests;
  PgDialogsRepo dialogs;
  PgEventsRepo events;
  PgOutboxRepo outbox;
  PgTimersRepo timers;
  PgPostsRepo posts;
  PgRosterRepo roster;
  PgOffersRepo offers;
  PgShiftsRepo shifts;
  PgEvaluationRepo evaluation;
  PgCommendationsRepo commendations;
  PgServiceRecordsRepo records;
  PgCertificatesRepo certificates;
  PgTrainingRepo training;
  PgEquipmentRepo equipment;
  PgRisksRepo risks;
  PgVehiclesRepo vehicles;
  PgTripsRepo trips;
  PgRateSlotsRepo rate_slots;
  Store ports;  // what the domain and the runtime use
};

}  // namespace linli::storage::pg
