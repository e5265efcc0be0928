#pragma once
// Every repository over one Database, built once by main and passed down by reference.
// `cipher` (null: nothing is encrypted) encrypts phone numbers and addresses at rest; it is
// owned by main and must outlive the Store.

#include "storage/database.hpp"
#include "storage/dialogs_repo.hpp"
#include "storage/events_repo.hpp"
#include "storage/field_cipher.hpp"
#include "storage/help_requests_repo.hpp"
#include "storage/offers_repo.hpp"
#include "storage/outbox_repo.hpp"
#include "storage/people_repo.hpp"
#include "storage/playground_log_repo.hpp"
#include "storage/posts_repo.hpp"
#include "storage/roster_repo.hpp"
#include "storage/timers_repo.hpp"
#include "storage/volunteers_repo.hpp"

namespace linli::storage {

struct Store {
  explicit Store(Database& database, const FieldCipher* cipher = nullptr)
      : db(database),
        people(database),
        volunteers(database, cipher),
        requests(database, cipher),
        dialogs(database),
        events(database),
        outbox(database),
        timers(database),
        playground(database),
        posts(database),
        roster(database),
        offers(database),
        shifts(database) {}

  Database& db;
  PeopleRepo people;
  VolunteersRepo volunteers;
  HelpRequestsRepo requests;
  DialogsRepo dialogs;
  EventsRepo events;
  OutboxRepo outbox;
  TimersRepo timers;
  PlaygroundLogRepo playground;
  PostsRepo posts;
  RosterRepo roster;
  OffersRepo offers;
  ShiftsRepo shifts;
};

}  // namespace linli::storage
