#pragma once
// The SQLite engine: every repository over one Database, and the domain's Store of ports over
// them. Built once by the composition root and passed down by reference. `cipher` (null:
// nothing is encrypted) encrypts phone numbers and addresses at rest, and what may quote them:
// open dialogs' answers and the outbox's texts. It is owned by the composition root and must
// outlive the store.

#include "dialogs/ports.hpp"
#include "storage/certificates_repo.hpp"
#include "storage/commendations_repo.hpp"
#include "storage/database.hpp"
#include "storage/dialogs_repo.hpp"
#include "storage/equipment_repo.hpp"
#include "storage/evaluation_repo.hpp"
#include "storage/events_repo.hpp"
#include "storage/field_cipher.hpp"
#include "storage/help_requests_repo.hpp"
#include "storage/offers_repo.hpp"
#include "storage/outbox_repo.hpp"
#include "storage/people_repo.hpp"
#include "storage/playground_log_repo.hpp"
#include "storage/posts_repo.hpp"
#include "storage/rate_slots_repo.hpp"
#include "storage/risks_repo.hpp"
#include "storage/roster_repo.hpp"
#include "storage/service_records_repo.hpp"
#include "storage/timers_repo.hpp"
#include "storage/training_repo.hpp"
#include "storage/trips_repo.hpp"
#include "storage/vehicles_repo.hpp"
#include "storage/volunteers_repo.hpp"

namespace linli::storage {

class SqliteStore {
 public:
  explicit SqliteStore(Database& database, const FieldCipher* cipher = nullptr)
      : db(database),
        people(database),
        volunteers(database, cipher),
        requests(database, cipher),
        dialogs(database, cipher),
        events(database),
        outbox(database, cipher),
        timers(database),
        playground(database),
        posts(database),
        roster(database),
        offers(database),
        shifts(database),
        evaluation(database),
        commendations(database),
        records(database),
        certificates(database),
        training(database),
        equipment(database),
        risks(database),
        vehicles(database),
        trips(database),
        rate_slots(database),
        ports{database,   people,        volunteers, requests,     dialogs,  events,
              outbox,     timers,        posts,      roster,       offers,   shifts,
              evaluation, commendations, records,    certificates, training, equipment,
              risks,      vehicles,      trips,      rate_slots} {}
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  Database& db;
  PeopleRepo people;
  VolunteersRepo volunteers;
  HelpRequestsRepo requests;
  DialogsRepo dialogs;
  EventsRepo events;
  OutboxRepo outbox;
  TimersRepo timers;
  PlaygroundLogRepo playground;  // the playground's own history, not a port of the domain
  PostsRepo posts;
  RosterRepo roster;
  OffersRepo offers;
  ShiftsRepo shifts;
  EvaluationRepo evaluation;
  CommendationsRepo commendations;
  ServiceRecordsRepo records;
  CertificatesRepo certificates;
  TrainingRepo training;
  EquipmentRepo equipment;
  RisksRepo risks;
  VehiclesRepo vehicles;
  TripsRepo trips;
  RateSlotsRepo rate_slots;
  Store ports;  // what the domain and the runtime use
};

}  // namespace linli::storage
