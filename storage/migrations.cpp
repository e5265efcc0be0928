#include "storage/migrations.hpp"

#include <array>

namespace linli::storage {
namespace {

// Times are milliseconds since the Unix epoch. People and chats are (adapter, platform id).
constexpr std::string_view kM1 = R"sql(
CREATE TABLE communities (
  id   TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  lang TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE chat_groups (
  adapter      TEXT NOT NULL,
  chat         TEXT NOT NULL,
  community_id TEXT NOT NULL REFERENCES communities(id),
  kind         TEXT NOT NULL CHECK (kind IN ('residents', 'volunteers')),
  building     TEXT NOT NULL DEFAULT '',
  title        TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (adapter, chat)
) WITHOUT ROWID;

CREATE TABLE people (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL DEFAULT '',
  lang         TEXT NOT NULL DEFAULT '',
  lang_chosen  INTEGER NOT NULL DEFAULT 0,
  community_id TEXT REFERENCES communities(id),
  created_at   INTEGER NOT NULL
);

CREATE TABLE identities (
  adapter   TEXT NOT NULL,
  user_id   TEXT NOT NULL,
  person_id INTEGER NOT NULL REFERENCES people(id),
  PRIMARY KEY (adapter, user_id)
) WITHOUT ROWID;
CREATE INDEX identities_person ON identities(person_id);

CREATE TABLE coordinators (
  community_id TEXT NOT NULL REFERENCES communities(id),
  person_id    INTEGER NOT NULL REFERENCES people(id),
  PRIMARY KEY (community_id, person_id)
) WITHOUT ROWID;

CREATE TABLE volunteers (
  person_id    INTEGER PRIMARY KEY REFERENCES people(id),
  community_id TEXT NOT NULL REFERENCES communities(id),
  name         TEXT NOT NULL,
  phone        TEXT NOT NULL DEFAULT '',
  building     TEXT NOT NULL DEFAULT '',
  skills       INTEGER NOT NULL DEFAULT 0,
  availability TEXT NOT NULL DEFAULT '',
  status       TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
  reviewed_by  INTEGER REFERENCES people(id),
  created_at   INTEGER NOT NULL,
  reviewed_at  INTEGER
);
CREATE INDEX volunteers_by_status ON volunteers(community_id, status, building);

CREATE TABLE help_requests (
  id             INTEGER PRIMARY KEY,
  community_id   TEXT NOT NULL REFERENCES communities(id),
  resident_id    INTEGER NOT NULL REFERENCES people(id),
  category       TEXT NOT NULL,
  details        TEXT NOT NULL,
  building       TEXT NOT NULL DEFAULT '',
  address        TEXT NOT NULL DEFAULT '',
  urgent         INTEGER NOT NULL DEFAULT 0,
  status         TEXT NOT NULL CHECK (status IN ('open', 'claimed', 'done', 'cancelled')),
  volunteer_id   INTEGER REFERENCES people(id),
  card_outbox_id INTEGER,
  created_at     INTEGER NOT NULL,
  claimed_at     INTEGER,
  done_at        INTEGER,
  rating         INTEGER CHECK (rating BETWEEN 1 AND 5),
  comment        TEXT
);
CREATE INDEX help_requests_by_resident ON help_requests(resident_id, status);
CREATE INDEX help_requests_by_volunteer ON help_requests(volunteer_id, status);
CREATE INDEX help_requests_open ON help_requests(community_id, status, category);

-- One open dialog per person; `chat` is where its answers are expected.
CREATE TABLE dialogs (
  person_id    INTEGER PRIMARY KEY REFERENCES people(id),
  kind         TEXT NOT NULL,
  state        TEXT NOT NULL,
  adapter      TEXT NOT NULL,
  chat         TEXT NOT NULL,
  thread       TEXT NOT NULL DEFAULT '',
  private_chat INTEGER NOT NULL,
  community_id TEXT NOT NULL,
  data         TEXT NOT NULL,
  updated_at   INTEGER NOT NULL
);

-- Inbound event ids, recorded in the transaction of their effects: a retry changes nothing.
CREATE TABLE processed_events (
  adapter  TEXT NOT NULL,
  event_id TEXT NOT NULL,
  at       INTEGER NOT NULL,
  PRIMARY KEY (adapter, event_id)
) WITHOUT ROWID;
CREATE INDEX processed_events_at ON processed_events(at);

-- Messages decided but maybe not yet delivered. status: 0 pending, 1 sent, 2 dead (3 held: M2).
CREATE TABLE outbox (
  id          INTEGER PRIMARY KEY,
  adapter     TEXT NOT NULL,
  chat        TEXT NOT NULL,
  kind        INTEGER NOT NULL,
  payload     TEXT NOT NULL,
  route       TEXT NOT NULL DEFAULT '',
  status      INTEGER NOT NULL DEFAULT 0,
  attempts    INTEGER NOT NULL DEFAULT 0,
  platform_id TEXT,
  created_at  INTEGER NOT NULL,
  sent_at     INTEGER,
  last_error  TEXT
);
CREATE INDEX outbox_pending ON outbox(id) WHERE status = 0;
CREATE INDEX outbox_by_platform_id ON outbox(adapter, chat, platform_id) WHERE platform_id IS NOT NULL;

-- Timers fire as synthetic events; `key` makes re-arming one timer an upsert.
CREATE TABLE timers (
  id      INTEGER PRIMARY KEY,
  key     TEXT NOT NULL UNIQUE,
  due_at  INTEGER NOT NULL,
  kind    TEXT NOT NULL,
  payload TEXT NOT NULL DEFAULT ''
);
CREATE INDEX timers_due ON timers(due_at);

-- The playground's own "platform" history, so the page survives a restart of the service.
CREATE TABLE playground_log (
  seq        INTEGER PRIMARY KEY,
  adapter    TEXT NOT NULL,
  chat       TEXT NOT NULL,
  message_id TEXT NOT NULL,
  json       TEXT NOT NULL
);
CREATE INDEX playground_log_message ON playground_log(adapter, message_id);
)sql";

// Where each person was last seen in a group (to reach them there when a platform will not let
// the bot write to them privately), and messages held until they open a private chat
// (outbox status 3).
constexpr std::string_view kM2 = R"sql(
ALTER TABLE people ADD COLUMN last_group_adapter TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN last_group_chat TEXT NOT NULL DEFAULT '';
CREATE INDEX outbox_held ON outbox(adapter, chat) WHERE status = 3;
)sql";

// The five-step method's steps 1, 2 and 4: posts set up by need, recruitment calls and their
// rosters, offers confirmed by reply, and the hours served.
constexpr std::string_view kM3 = R"sql(
CREATE TABLE posts (
  id           INTEGER PRIMARY KEY,
  community_id TEXT NOT NULL REFERENCES communities(id),
  team         TEXT NOT NULL,
  title        TEXT NOT NULL,
  headcount    INTEGER NOT NULL CHECK (headcount BETWEEN 1 AND 1000),
  skills       INTEGER NOT NULL DEFAULT 0,
  building     TEXT NOT NULL DEFAULT '',
  place        TEXT NOT NULL DEFAULT '',
  starts_at    INTEGER NOT NULL,
  ends_at      INTEGER NOT NULL,
  risk         TEXT NOT NULL CHECK (risk IN ('low', 'high')),
  created_by   INTEGER NOT NULL REFERENCES people(id),
  created_at   INTEGER NOT NULL
);
CREATE INDEX posts_by_community ON posts(community_id, starts_at);

-- A recruitment call for a post; its places are the post's roster.
CREATE TABLE calls (
  id           INTEGER PRIMARY KEY,
  post_id      INTEGER NOT NULL REFERENCES posts(id),
  community_id TEXT NOT NULL REFERENCES communities(id),
  status       TEXT NOT NULL CHECK (status IN ('open', 'closed')),
  deadline_at  INTEGER NOT NULL,
  created_by   INTEGER NOT NULL REFERENCES people(id),
  created_at   INTEGER NOT NULL
);
CREATE INDEX calls_by_post ON calls(post_id, status);

-- The call's message in each group: the live roster card edited in place.
CREATE TABLE call_cards (
  call_id   INTEGER NOT NULL REFERENCES calls(id),
  adapter   TEXT NOT NULL,
  chat      TEXT NOT NULL,
  outbox_id INTEGER NOT NULL,
  PRIMARY KEY (call_id, adapter, chat)
) WITHOUT ROWID;

-- Who is on a post: taken (has a place), held (a place kept while their sign-up is reviewed),
-- waiting (wait-list, in joined order), gone (withdrew, or was replaced).
CREATE TABLE roster (
  post_id   INTEGER NOT NULL REFERENCES posts(id),
  person_id INTEGER NOT NULL REFERENCES people(id),
  status    TEXT NOT NULL CHECK (status IN ('taken', 'held', 'waiting', 'gone')),
  confirmed INTEGER NOT NULL DEFAULT 0,
  joined_at INTEGER NOT NULL,
  seq       INTEGER NOT NULL,
  PRIMARY KEY (post_id, person_id)
) WITHOUT ROWID;
CREATE INDEX roster_by_status ON roster(post_id, status, seq);
CREATE INDEX roster_by_person ON roster(person_id, status);

-- A task or a post offered to one volunteer, who confirms or declines by reply.
CREATE TABLE offers (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('request', 'post')),
  target_id   INTEGER NOT NULL,
  person_id   INTEGER NOT NULL REFERENCES people(id),
  status      TEXT NOT NULL CHECK (status IN ('offered', 'accepted', 'declined', 'expired', 'withdrawn')),
  round       INTEGER NOT NULL,
  offered_by  INTEGER REFERENCES people(id),
  offered_at  INTEGER NOT NULL,
  answered_at INTEGER
);
CREATE INDEX offers_by_target ON offers(kind, target_id, status);
CREATE INDEX offers_by_person ON offers(person_id, status);

-- Hours served, from check-in to check-out.
CREATE TABLE shifts (
  id           INTEGER PRIMARY KEY,
  person_id    INTEGER NOT NULL REFERENCES people(id),
  community_id TEXT NOT NULL REFERENCES communities(id),
  post_id      INTEGER REFERENCES posts(id),
  checkin_at   INTEGER NOT NULL,
  checkout_at  INTEGER
);
CREATE INDEX shifts_by_person ON shifts(person_id, checkin_at);

-- Requests nobody could serve are the unmet needs coordinators set up posts for.
ALTER TABLE help_requests ADD COLUMN unmet INTEGER NOT NULL DEFAULT 0;
)sql";

// When each person on a post was asked to confirm: nobody is replaced without having had the
// time to answer (after downtime the reminder and the replacement may fall due together).
constexpr std::string_view kM4 = R"sql(
ALTER TABLE roster ADD COLUMN reminded_at INTEGER NOT NULL DEFAULT 0;
)sql";

// A group that a platform moved to a new chat id (Telegram: upgraded to a supergroup). The config
// names the old id until the operator updates it; the directory applies these at start-up.
constexpr std::string_view kM5 = R"sql(
CREATE TABLE chat_migrations (
  adapter  TEXT NOT NULL,
  old_chat TEXT NOT NULL,
  new_chat TEXT NOT NULL,
  at       INTEGER NOT NULL,
  PRIMARY KEY (adapter, old_chat)
) WITHOUT ROWID;
)sql";

// A person's private chat on each platform, learned when they write there: on Slack, Feishu and
// WeCom it is not their user id ('' until then; Telegram's is the user id).
constexpr std::string_view kM6 = R"sql(
ALTER TABLE identities ADD COLUMN private_chat TEXT NOT NULL DEFAULT '';
)sql";

// The message an edit replaces, as a column: a newer edit supersedes the older ones still pending
// in the statement that enqueues it, inside the decision's transaction, instead of the sender
// writing it after the commit. Edits already waiting are given it, and only their newest stays.
constexpr std::string_view kM7 = R"sql(
ALTER TABLE outbox ADD COLUMN edit_of INTEGER;
UPDATE outbox SET edit_of = json_extract(payload, '$.edit_of') WHERE kind = 1;
CREATE INDEX outbox_pending_edits ON outbox(edit_of) WHERE status = 0 AND edit_of IS NOT NULL;
UPDATE outbox SET status = 1, last_error = 'superseded',
  payload = json_remove(payload, '$.text', '$.buttons', '$.mentions')
WHERE status = 0 AND edit_of IS NOT NULL
  AND id < (SELECT MAX(o.id) FROM outbox o WHERE o.status = 0 AND o.edit_of = outbox.edit_of);
)sql";

// Events and timers whose decision keeps failing (a bug, damaged data) are parked after
// dispatcher.max_event_attempts tries instead of being retried for ever. An event's failures are
// counted per (adapter, event id) in a transaction of their own, after the rollback; a parked
// one keeps its row here for the operator (parked_at) and is recorded in processed_events, so
// that the platform's retries are answered as duplicates. Never the message's text. A timer
// counts its failures itself (reset when it is armed again) and moves to parked_timers.
constexpr std::string_view kM8 = R"sql(
CREATE TABLE event_failures (
  adapter   TEXT NOT NULL,
  event_id  TEXT NOT NULL,
  attempts  INTEGER NOT NULL,
  error     TEXT NOT NULL,
  at        INTEGER NOT NULL,
  parked_at INTEGER,
  PRIMARY KEY (adapter, event_id)
) WITHOUT ROWID;

ALTER TABLE timers ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
CREATE TABLE parked_timers (
  id        INTEGER PRIMARY KEY,
  key       TEXT NOT NULL,
  kind      TEXT NOT NULL,
  payload   TEXT NOT NULL,
  attempts  INTEGER NOT NULL,
  error     TEXT NOT NULL,
  parked_at INTEGER NOT NULL
);
)sql";

// Ranking candidates for a need by indexed queries instead of reading the whole pool (a city
// has 549,000 volunteers): the building's number, to find the nearest buildings by a range; the
// person, so that a building's volunteers come in order without a sort; and the skills, so that
// the skill filter reads index entries only.
constexpr std::string_view kM9 = R"sql(
ALTER TABLE volunteers ADD COLUMN building_no INTEGER GENERATED ALWAYS AS (
  CASE WHEN length(building) BETWEEN 1 AND 6 AND building NOT GLOB '*[^0-9]*'
       THEN CAST(building AS INTEGER) END) VIRTUAL;
CREATE INDEX volunteers_nearest
  ON volunteers(community_id, status, building_no, building, person_id, skills);
)sql";

// One open shift per person, kept by the database as well as by the check-in's statement. Until
// check-in was one conditional statement it read "off duty" and then inserted, so two instances
// (or two quick /checkin from two chats) could leave a person with two open shifts; the index
// cannot be built over those. The oldest open one is kept: it is the shift the person is on, and
// its timer ends it at the cap. The others are checked out at their own check-in, so they count
// no hours: the time they covered is the oldest one's already, and counting it twice would only
// be taken back by the daily cap. Their rows stay, and their timers find them closed.
constexpr std::string_view kM10 = R"sql(
UPDATE shifts SET checkout_at = checkin_at
WHERE checkout_at IS NULL AND EXISTS (
  SELECT 1 FROM shifts o
  WHERE o.person_id = shifts.person_id AND o.checkout_at IS NULL
    AND (o.checkin_at < shifts.checkin_at OR (o.checkin_at = shifts.checkin_at AND o.id < shifts.id)));
CREATE UNIQUE INDEX shifts_one_open ON shifts(person_id) WHERE checkout_at IS NULL;
)sql";

// Evaluation (issue 11, feedback, report, commend): commendations kept for the reports, with who
// made them; a person or a team, never both. The report reads a community's requests and shifts
// by period: indexed by when they began.
constexpr std::string_view kM11 = R"sql(
CREATE TABLE commendations (
  id           INTEGER PRIMARY KEY,
  community_id TEXT NOT NULL REFERENCES communities(id),
  person_id    INTEGER REFERENCES people(id),
  team         TEXT NOT NULL DEFAULT '',
  text         TEXT NOT NULL,
  by_person    INTEGER NOT NULL REFERENCES people(id),
  at           INTEGER NOT NULL,
  CHECK ((person_id IS NULL) <> (team = ''))
);
CREATE INDEX commendations_by_community ON commendations(community_id, at);
CREATE INDEX help_requests_by_created ON help_requests(community_id, created_at);
CREATE INDEX shifts_by_community ON shifts(community_id, checkin_at);
)sql";

// Evaluation (issue 11, step 5): corrections of hours, an audit log that is only ever added to
// (the shifts stay as recorded); certificates of service with what they said when issued, signed
// by their code; and the secret that signs them when the config gives none, made at first use.
constexpr std::string_view kM12 = R"sql(
CREATE TABLE hours_corrections (
  id           INTEGER PRIMARY KEY,
  person_id    INTEGER NOT NULL REFERENCES people(id),
  community_id TEXT NOT NULL,
  day          INTEGER NOT NULL,
  date         TEXT NOT NULL,
  hours_ms     INTEGER NOT NULL CHECK (hours_ms >= 0),
  previous_ms  INTEGER NOT NULL,
  reason       TEXT NOT NULL,
  by_person    INTEGER NOT NULL REFERENCES people(id),
  at           INTEGER NOT NULL
);
CREATE INDEX hours_corrections_by_person ON hours_corrections(person_id, day, id);

CREATE TABLE certificates (
  id           INTEGER PRIMARY KEY,
  person_id    INTEGER NOT NULL REFERENCES people(id),
  community_id TEXT NOT NULL,
  name         TEXT NOT NULL,
  organisation TEXT NOT NULL,
  lang         TEXT NOT NULL,
  from_date    TEXT NOT NULL,
  to_date      TEXT NOT NULL,
  hours_ms     INTEGER NOT NULL,
  teams        TEXT NOT NULL,
  posts        TEXT NOT NULL,
  tasks        TEXT NOT NULL,
  issued_at    INTEGER NOT NULL,
  issued_by    INTEGER NOT NULL,
  signature    TEXT NOT NULL,
  revoked_at   INTEGER,
  revoked_by   INTEGER
);

CREATE TABLE service_secrets (
  name  TEXT PRIMARY KEY,
  value BLOB NOT NULL
) WITHOUT ROWID;

CREATE INDEX help_requests_done_by ON help_requests(volunteer_id, done_at) WHERE status = 'done';
)sql";

// Step 3, ensure support (issue 11): a community's own courses (the method's three are built
// in) and who completed which; equipment in stock, never below zero, with the threshold under
// which the coordinators are warned once (`low` until it is above again); hand-outs; risk
// levels of buildings and areas; and per post: its risk as its place's, the courses and
// equipment a high-risk post needs, its shift's meals, transport and insurance.
constexpr std::string_view kM13 = R"sql(
CREATE TABLE courses (
  community_id TEXT NOT NULL,
  name         TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (community_id, name)
) WITHOUT ROWID;

CREATE TABLE trainings (
  community_id TEXT NOT NULL,
  person_id    INTEGER NOT NULL REFERENCES people(id),
  course       TEXT NOT NULL,
  recorded_by  INTEGER NOT NULL,
  recorded_at  INTEGER NOT NULL,
  PRIMARY KEY (community_id, person_id, course)
) WITHOUT ROWID;

CREATE TABLE stock (
  community_id TEXT NOT NULL,
  item         TEXT NOT NULL,
  qty          INTEGER NOT NULL DEFAULT 0 CHECK (qty >= 0),
  min_qty      INTEGER NOT NULL DEFAULT 0 CHECK (min_qty >= 0),
  low          INTEGER NOT NULL DEFAULT 0,
  created_at   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (community_id, item)
) WITHOUT ROWID;

CREATE TABLE handouts (
  id           INTEGER PRIMARY KEY,
  community_id TEXT NOT NULL,
  person_id    INTEGER NOT NULL REFERENCES people(id),
  item         TEXT NOT NULL,
  qty          INTEGER NOT NULL CHECK (qty > 0),
  issued_by    INTEGER NOT NULL,
  issued_at    INTEGER NOT NULL
);
CREATE INDEX handouts_by_person ON handouts(person_id, community_id, item);

CREATE TABLE risk_areas (
  community_id TEXT NOT NULL,
  area         TEXT NOT NULL,
  level        TEXT NOT NULL CHECK (level IN ('low', 'high')),
  set_by       INTEGER NOT NULL,
  set_at       INTEGER NOT NULL,
  PRIMARY KEY (community_id, area)
) WITHOUT ROWID;

CREATE TABLE post_support (
  post_id       INTEGER PRIMARY KEY REFERENCES posts(id),
  risk_as_place INTEGER NOT NULL DEFAULT 0,
  courses       TEXT NOT NULL DEFAULT '',
  items         TEXT NOT NULL DEFAULT '',
  meals         INTEGER NOT NULL DEFAULT 0,
  transport     INTEGER NOT NULL DEFAULT 0,
  insurance     INTEGER NOT NULL DEFAULT 0
);
)sql";

// The car fleet and sensitive requests (issue 11): vehicles with their drivers, trips with
// every time they went through (one table, one column per time, for the export), offers of a
// trip to a driver (the offers' kinds are a CHECK, which SQLite changes only by copying the
// table), and requests that are never posted in a group.
constexpr std::string_view kM14 = R"sql(
CREATE TABLE vehicles (
  id           INTEGER PRIMARY KEY,
  community_id TEXT NOT NULL,
  driver_id    INTEGER NOT NULL REFERENCES people(id),
  seats        INTEGER NOT NULL CHECK (seats > 0),
  plate        TEXT NOT NULL,
  active       INTEGER NOT NULL DEFAULT 1,
  created_at   INTEGER NOT NULL,
  retired_at   INTEGER
);
CREATE UNIQUE INDEX vehicles_active_plate ON vehicles(community_id, plate) WHERE active = 1;

CREATE TABLE trips (
  id           INTEGER PRIMARY KEY,
  community_id TEXT NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('hospital', 'supplies', 'staff', 'quarantine')),
  origin       TEXT NOT NULL,
  destination  TEXT NOT NULL,
  scheduled_at INTEGER NOT NULL,
  seats        INTEGER NOT NULL,
  request_id   INTEGER REFERENCES help_requests(id),
  status       TEXT NOT NULL CHECK (status IN ('offered', 'accepted', 'started', 'done', 'unserved', 'cancelled')),
  driver_id    INTEGER REFERENCES people(id),
  vehicle_id   INTEGER REFERENCES vehicles(id),
  requested_by INTEGER NOT NULL REFERENCES people(id),
  requested_at INTEGER NOT NULL,
  offered_at   INTEGER,
  accepted_at  INTEGER,
  started_at   INTEGER,
  finished_at  INTEGER
);
CREATE INDEX trips_by_time ON trips(community_id, scheduled_at);

CREATE TABLE offers_new (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('request', 'post', 'trip')),
  target_id   INTEGER NOT NULL,
  person_id   INTEGER NOT NULL REFERENCES people(id),
  status      TEXT NOT NULL CHECK (status IN ('offered', 'accepted', 'declined', 'expired', 'withdrawn')),
  round       INTEGER NOT NULL,
  offered_by  INTEGER REFERENCES people(id),
  offered_at  INTEGER NOT NULL,
  answered_at INTEGER
);
INSERT INTO offers_new SELECT id, kind, target_id, person_id, status, round, offered_by, offered_at,
  answered_at FROM offers;
DROP TABLE offers;
ALTER TABLE offers_new RENAME TO offers;
CREATE INDEX offers_by_target ON offers(kind, target_id, status);
CREATE INDEX offers_by_person ON offers(person_id, status);

ALTER TABLE help_requests ADD COLUMN private INTEGER NOT NULL DEFAULT 0;
)sql";

// Issue 11's review: a trip keeps when it was cancelled, as it keeps every other time (the
// trips export); the ratings of a community and of one volunteer are read through indexes that
// hold them, not by reading every request the community ever had.
constexpr std::string_view kM15 = R"sql(
ALTER TABLE trips ADD COLUMN cancelled_at INTEGER;
CREATE INDEX trips_by_request ON trips(request_id) WHERE request_id IS NOT NULL;
CREATE INDEX help_requests_rated ON help_requests(community_id, done_at, rating)
  WHERE status = 'done' AND rating IS NOT NULL;
)sql";

// A chat's pending messages in order: the sender keeps at most a batch of one chat's messages
// in memory and reads the rest from here (bot/outbox_sender.cpp).
constexpr std::string_view kM16 = R"sql(
CREATE INDEX outbox_pending_by_chat ON outbox(adapter, chat, id) WHERE status = 0;
)sql";

// Issue 11's review: a coordinator's name for a volunteer is found through an index on the name
// (names are not encrypted; phones are), not by reading the community's whole pool; the active
// part of the pool is counted over the posts that have not ended, however many there are.
constexpr std::string_view kM17 = R"sql(
CREATE INDEX volunteers_by_name ON volunteers(community_id, status, name, person_id);
CREATE INDEX posts_current ON posts(community_id, ends_at);
)sql";

// Issue 11's last fleet findings: the offers of a request before it was reopened (its trip
// cancelled) are past: kept, but no longer who was asked nor which round it is
// (Offers::start_over).
constexpr std::string_view kM18 = R"sql(
ALTER TABLE offers ADD COLUMN past INTEGER NOT NULL DEFAULT 0;
)sql";

// Several instances on one database (issue 13): the outbox's row leases (who sends a pending
// row, until when; '' and 0: nobody) and the rate limits all instances share, one row per key
// reused from window to window (dialogs/ports.hpp, Outbox::lease and RateSlots). Leases are
// found through indexes over the pending rows only: the free ones oldest first, a chat's held
// ones, an owner's.
constexpr std::string_view kM19 = R"sql(
ALTER TABLE outbox ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;
CREATE INDEX outbox_leasable ON outbox(lease_until, id) WHERE status = 0;
CREATE INDEX outbox_leases_by_chat ON outbox(adapter, chat, lease_until) WHERE status = 0;
CREATE INDEX outbox_leases_by_owner ON outbox(lease_owner, lease_until) WHERE status = 0;

CREATE TABLE rate_slots (
  key          TEXT PRIMARY KEY,
  window_start INTEGER NOT NULL,
  used         INTEGER NOT NULL,
  granted      INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX rate_slots_by_window ON rate_slots(window_start);
)sql";

constexpr std::array<std::string_view, 19> kMigrations = {kM1,  kM2,  kM3,  kM4,  kM5,  kM6,  kM7,
                                                          kM8,  kM9,  kM10, kM11, kM12, kM13, kM14,
                                                          kM15, kM16, kM17, kM18, kM19};

}  // namespace

std::span<const std::string_view> migrations() {
  return kMigrations;
}

}  // namespace linli::storage
