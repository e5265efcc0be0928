#pragma once
// The ports of the domain (DESIGN.md §4): what the decisions need from storage, declared here and
// implemented by storage/ (SQLite today, PostgreSQL later). Every call runs inside the unit of
// work the dispatcher opened for one decision. An invariant that must hold across several
// instances (a call's last place, a task claimed once) lives in the one statement behind a port
// method, never in the caller counting first.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "dialogs/records.hpp"
#include "dialogs/timer.hpp"

namespace linli {

// People as platforms know them: a person behind each platform identity.
class People {
 public:
  virtual ~People() = default;

  // The person behind a platform identity, created on first sight with the platform's name.
  virtual Person resolve(const std::string& adapter, const std::string& user,
                         const std::string& name, std::int64_t now) = 0;
  virtual std::optional<Person> find(const std::string& adapter, const std::string& user) = 0;
  // The person whose private chat with the bot on `adapter` is `chat`.
  virtual std::optional<Person> find_by_private_chat(const std::string& adapter,
                                                     const std::string& chat) = 0;
  virtual std::optional<Person> get(std::int64_t id) = 0;
  virtual void set_lang(std::int64_t id, const std::string& lang, bool chosen) = 0;
  virtual void set_name(std::int64_t id, const std::string& name) = 0;
  virtual void set_community(std::int64_t id, const std::string& community_id) = 0;
  virtual void set_last_group(std::int64_t id, const std::string& adapter,
                              const std::string& chat) = 0;
  // The person wrote to the bot in their private chat `chat` on `adapter`.
  virtual void set_private_chat(const std::string& adapter, const std::string& user,
                                const std::string& chat) = 0;
  // How to reach a person: the identity on `prefer_adapter` if they have one, else any.
  virtual std::optional<Identity> identity(std::int64_t person_id,
                                           const std::string& prefer_adapter) = 0;
};

// Sign-ups and the approved pool (step 2).
class Volunteers {
 public:
  virtual ~Volunteers() = default;
  virtual std::optional<Volunteer> get(std::int64_t person_id) = 0;
  // A new sign-up, or a new attempt after a rejection; keeps the row's original created_at.
  virtual void upsert(const Volunteer& v) = 0;
  // Returns false when the volunteer is not in `community_id` or already has `status`.
  virtual bool set_status(std::int64_t person_id, const std::string& community_id,
                          VolunteerStatus status, std::int64_t reviewer, std::int64_t now) = 0;
  virtual std::vector<Volunteer> pending(const std::string& community_id) = 0;
  // Approved volunteers of a community, those of `building` first.
  virtual std::vector<Volunteer> approved(const std::string& community_id) = 0;
  // The candidates for a need, without reading the whole pool (a city has 549,000): at most
  // `limit` approved volunteers of each kind, in this order: of `building` with any of `skills`
  // (0: everyone has them), of `building` without; of other buildings with the skills, nearest
  // building number first; of other buildings without, nearest first. Buildings without a
  // number come after the numbered ones of their kind.
  virtual std::vector<PoolMember> nearest(const std::string& community_id, std::uint32_t skills,
                                          const std::string& building, int limit) = 0;
  virtual int count(const std::string& community_id, VolunteerStatus status) = 0;
  // The approved volunteers of a community called exactly `name`, by number, at most `limit`
  // (enough to list those who share a name), found by the name without reading the pool.
  virtual std::vector<Volunteer> named(const std::string& community_id, const std::string& name,
                                       int limit) = 0;
  // The active part of the pool (做好志愿者储备, support::pool_split): the approved volunteers of
  // the community holding a place (taken or held) on one of its posts that has not ended by
  // `now`, counted in the statement however many posts that is. The rest is the reserve.
  virtual int active(const std::string& community_id, std::int64_t now) = 0;
  // Whether a person holds such a place on a post of the community: not in the reserve.
  virtual bool has_place(std::int64_t person_id, const std::string& community_id,
                         std::int64_t now) = 0;
};

// Help requests (tickets #N). claim() is the one conditional statement that gives a ticket to one
// volunteer only, however many answer at once.
class HelpRequests {
 public:
  virtual ~HelpRequests() = default;
  virtual std::int64_t create(const HelpRequest& r) = 0;  // returns the ticket number
  virtual std::optional<HelpRequest> get(std::int64_t id) = 0;
  virtual void set_card(std::int64_t id, std::int64_t outbox_id) = 0;
  virtual bool claim(std::int64_t id, std::int64_t volunteer_id,
                     std::int64_t now) = 0;  // open → claimed
  virtual bool finish(std::int64_t id, std::int64_t volunteer_id,
                      std::int64_t now) = 0;  // claimed → done
  virtual bool rate(std::int64_t id, std::int64_t resident_id, int rating,
                    const std::string& comment) = 0;
  virtual bool cancel(std::int64_t id, std::int64_t resident_id) = 0;  // open → cancelled
  // claimed by `volunteer_id` → open again, nobody's (the trip that served it was cancelled).
  virtual bool release(std::int64_t id, std::int64_t volunteer_id) = 0;
  // A resident's requests that are not finished and rated, newest first.
  virtual std::vector<HelpRequest> of_resident(std::int64_t resident_id) = 0;
  // A volunteer's claimed tasks, oldest first.
  virtual std::vector<HelpRequest> of_volunteer(std::int64_t volunteer_id) = 0;
  // Erases the addresses of requests closed before `before`; returns how many. It writes '',
  // which is never encrypted: there is nothing left to hide.
  virtual int purge_addresses(std::int64_t before) = 0;
  // Nobody could be found for it: an unmet need for the coordinators' statistics.
  virtual void mark_unmet(std::int64_t id) = 0;
  // Open requests of a community by category; with `unmet`, the needs nobody could serve.
  virtual std::map<std::string, int> count_by_category(const std::string& community_id,
                                                       bool unmet) = 0;
  // Volunteers of a community who have a task in hand.
  virtual std::set<std::int64_t> busy_volunteers(const std::string& community_id) = 0;
};

// The open dialog of each person, where their next answer is expected.
class DialogStates {
 public:
  virtual ~DialogStates() = default;

  virtual std::optional<DialogRecord> get(std::int64_t person_id) = 0;
  virtual void put(const DialogRecord& d) = 0;
  virtual void erase(std::int64_t person_id) = 0;
  virtual std::int64_t count() = 0;
};

// Inbound event ids, so that a platform's retry is handled once.
class Inbox {
 public:
  virtual ~Inbox() = default;

  // True the first time an id is seen; false for a retry.
  virtual bool record(const std::string& adapter, const std::string& event_id,
                      std::int64_t now) = 0;
  // Forgets ids older than `before` (platforms stop retrying after hours, not days), and the
  // failures of events that were not parked.
  virtual int purge(std::int64_t before) = 0;
  // Counts one failed attempt at deciding an event (its unit of work rolled back) with the
  // error, never the message; returns how many attempts have failed.
  virtual int failed(const std::string& adapter, const std::string& event_id,
                     const std::string& error, std::int64_t now) = 0;
  // Gives up on an event: kept as parked for the operator, and recorded as by record(), so that
  // the platform's retries are answered as duplicates.
  virtual void park(const std::string& adapter, const std::string& event_id, std::int64_t now) = 0;
};

// Every message decided, committed with the decision, delivered later.
class Outbox {
 public:
  virtual ~Outbox() = default;

  // An edit supersedes the older edits of the same message that are still pending: they are
  // never sent.
  virtual std::int64_t enqueue(const OutboundMessage& m, std::int64_t now) = 0;
  virtual std::vector<OutboxRow> pending(std::int64_t after_id, int limit) = 0;
  // The pending rows of one chat with an id in (after_id, up_to_id], oldest first: what the
  // sender left in the database when that chat's queue in memory was full.
  virtual std::vector<OutboxRow> pending_in_chat(const std::string& adapter,
                                                 const std::string& chat, std::int64_t after_id,
                                                 std::int64_t up_to_id, int limit) = 0;
  virtual std::optional<OutboxRow> get(std::int64_t id) = 0;
  virtual void mark_sent(std::int64_t id, const std::string& platform_id, std::int64_t now) = 0;
  virtual void mark_retry(std::int64_t id, int attempts, const std::string& error) = 0;
  virtual void mark_dead(std::int64_t id, int attempts, const std::string& error) = 0;
  // Drops the texts of dead letters older than `before` (they may quote private details).
  virtual int purge_texts(std::int64_t before) = 0;
  // Gives up the messages held since before `before` for a private chat nobody opened: they
  // may quote private details too, and are stale by then. Their texts go as the dead letters'.
  virtual int purge_held(std::int64_t before) = 0;
  virtual void hold(std::int64_t id) = 0;
  virtual std::int64_t held_count(const std::string& adapter, const std::string& chat) = 0;
  // Makes the held messages of a chat pending again and returns them, oldest first.
  // The chat moved to a new id (a group upgraded to a supergroup): its pending messages go
  // there, without quoting a message of the old chat (ids do not carry over). Edits stay: the
  // messages they edit are in the old chat.
  virtual void readdress(const std::string& adapter, const std::string& from,
                         const std::string& to) = 0;
  virtual std::vector<OutboxRow> release_held(const std::string& adapter,
                                              const std::string& chat) = 0;
  // Our message with this platform id in this chat, and what it carried.
  virtual std::optional<RoutedMessage> by_platform_id(const std::string& adapter,
                                                      const std::string& chat,
                                                      const std::string& platform_id) = 0;
  virtual std::string platform_id(std::int64_t id) = 0;  // "" while not sent
  virtual std::optional<OutboxStatus> status(std::int64_t id) = 0;
  virtual std::int64_t depth() = 0;  // pending rows

  // Leases (issue 13): with several instances on one database the outbox is shared, and each
  // pending row is sent by the instance that holds its lease. An owner is the instance's id
  // (storage/pg/outbox_repo.hpp says how one is made); a lease is live while `now` is before its
  // end. One chat is sent by one instance at a time, in order: a row is not leased while
  // another owner holds a live lease on a pending row of its chat (adapter, chat), nor while an
  // earlier pending row of its chat is neither this owner's nor leased with it. The engines
  // find work by "pending and not leased (or its lease ended)", never by an id cursor (on
  // PostgreSQL an id is handed out at insert, not at commit: a lower id can commit later).
  //
  // How the sender uses them (several instances; one instance on SQLite does the same):
  // - at start and whenever it is idle (every second) lease(owner, now, 30 s, room) for what its
  //   memory has room for, and after each of its own decisions lease_ids(owner, the rows just
  //   committed, now, 30 s): what it gets it sends, what it does not another instance has;
  // - renew(owner, now, 30 s) every ~10 s: all its live leases then end 30 s later. A lease
  //   that ended is lost (another instance may have taken the row over), so before sending a
  //   row the sender checks by its own clock that the row's lease, as of its last lease or
  //   successful renew, still runs for longer than a send takes; a row whose lease is lost is
  //   dropped from memory unsent (its new holder sends it);
  // - mark_sent/mark_dead end the lease with the row (it is no longer pending; the sent row
  //   keeps lease_owner: which instance sent it); mark_retry keeps it (the holder retries);
  //   hold() ends it too (a held row is not pending); release_held() makes the row pending
  //   again and free (unleased); readdress() moves a row to the new chat with its lease;
  // - release(owner) on a graceful stop, after the calls on the wire are recorded: its unsent
  //   rows go to the other instances at once instead of after 30 s.
  // Instances' clocks must agree to well within the lease (NTP), as `now` is theirs.
  // On PostgreSQL call these outside a unit of work (Pool::submit(..., false)): each is one
  // statement in its own transaction, which never waits for another instance's lease.
  //
  // Up to `limit` pending rows, oldest first, leased to `owner` until now + lease_ms, read as
  // pending() reads them. Rows `owner` holds live already are not returned again.
  virtual std::vector<OutboxRow> lease(const std::string& owner, std::int64_t now,
                                       std::int64_t lease_ms, int limit) = 0;
  // Of `ids` (rows this instance just decided, the push path), those leased to `owner` under
  // the same rules (or held by it already), oldest first.
  virtual std::vector<OutboxRow> lease_ids(const std::string& owner,
                                           const std::vector<std::int64_t>& ids, std::int64_t now,
                                           std::int64_t lease_ms) = 0;
  // Extends `owner`'s live leases of pending rows to now + lease_ms; how many. A lease that
  // ended is not renewed: it may have been taken over.
  virtual int renew(const std::string& owner, std::int64_t now, std::int64_t lease_ms) = 0;
  // Ends `owner`'s leases of pending rows at once; how many.
  virtual int release(const std::string& owner) = 0;
};

// Sends per rate-limit key and window shared by all instances (issue 13): a platform's limits
// hold for the bot as a whole, not per instance. Fixed windows: a window starts at a multiple
// of its length since the epoch (every instance computes the same windows from its clock), and
// at most `limit` sends are granted per key and window. Across a window's end a burst of one
// window's allowance on top is possible (the end of one, the start of the next), which the
// issue allows: so a per-second limit uses a 1 s window, and a limit per minute a window of
// its one send (20 per minute: a window of 3 s, limit 1), not a minute.
//
// How the sender uses it: before sending, it takes slots in small blocks (a tenth of a
// second's allowance, e.g. 3 of 30 per second) for each key the send counts under, spends them
// locally, and waits for the next window when fewer are granted; slots taken and not spent are
// lost (safe: never more than the limit). Keys: "bot|<adapter>" for the whole bot,
// "chat|<adapter>|<chat>" per chat, "group|<adapter>|<chat>" per group.
class RateSlots {
 public:
  virtual ~RateSlots() = default;
  // Grants up to `wanted` of the `limit` sends of `key`'s window containing `now` (fewer, down
  // to 0, when fewer are left), in one statement whatever other instances take at once.
  virtual int take(const std::string& key, std::int64_t now, std::int64_t window_ms, int limit,
                   int wanted) = 0;
  // Forgets the keys whose last window began before `before` (a chat not written to since);
  // how many. Each key's row is reused from window to window; this is for the daily purge.
  virtual int purge(std::int64_t before) = 0;
};

// Stored timers: reminders, deadlines, time-outs; fired once.
class Timers {
 public:
  virtual ~Timers() = default;

  // Arms (or re-arms) the timer; a re-armed timer starts without failures.
  virtual void arm(const Timer& timer, std::int64_t due_at) = 0;
  // Arms the timer only if it is not armed already: for debouncing ("refresh soon").
  virtual bool arm_once(const Timer& timer, std::int64_t due_at) = 0;
  // Makes the timer fall due at `due_at` at the latest: arms it when it is not armed, moves it
  // when it would fall due later, and writes nothing when it falls due earlier already (its
  // decision then checks the real deadline and arms it again). For a deadline that moves on
  // with every step of a dialog, without rewriting the timer's row and indexes each time.
  // True when it wrote.
  virtual bool arm_by(const Timer& timer, std::int64_t due_at) = 0;
  virtual void disarm(const Timer& timer) = 0;
  // Removes the timer if it is still the one with `id` (it may have been re-armed since).
  virtual bool take(std::int64_t id) = 0;
  virtual std::optional<std::int64_t> next_due() = 0;
  virtual std::vector<TimerRecord> due(std::int64_t now, int limit) = 0;
  // Firing timer `id` failed for the `attempts`th time: it is tried again at `retry_at`. False
  // when it was re-armed or taken meanwhile.
  virtual bool retry(std::int64_t id, int attempts, std::int64_t retry_at) = 0;
  // Gives up on timer `id`: moved to the parked timers with its failures and the last error.
  // False when it was re-armed or taken meanwhile.
  virtual bool park(std::int64_t id, int attempts, const std::string& error, std::int64_t now) = 0;
};

// Posts (step 1) and their recruitment calls with the roster cards.
class Posts {
 public:
  virtual ~Posts() = default;

  virtual std::int64_t create(const Post& p) = 0;
  virtual void update(const Post& p) = 0;
  virtual std::optional<Post> get(std::int64_t id) = 0;
  // The community's posts that have not ended by `now`, soonest first.
  virtual std::vector<Post> current(const std::string& community_id, std::int64_t now) = 0;

  // The teams the community's posts belong to, with how many posts each.
  virtual std::vector<std::pair<std::string, int>> teams(const std::string& community_id) = 0;
  // Renames a team on all the community's posts; returns how many posts changed.
  virtual int rename_team(const std::string& community_id, const std::string& from,
                          const std::string& to) = 0;

  virtual std::int64_t create_call(const Call& c) = 0;
  virtual std::optional<Call> call(std::int64_t id) = 0;
  virtual std::optional<Call> open_call(std::int64_t post_id) = 0;
  virtual bool close_call(std::int64_t id) = 0;
  virtual void add_card(std::int64_t call_id, const CallCard& card) = 0;
  virtual std::vector<CallCard> cards(std::int64_t call_id) = 0;
};

// Who is on each post. The headcount is kept by the statement that takes a place, not by the caller
// counting first.
class Rosters {
 public:
  virtual ~Rosters() = default;

  virtual std::optional<RosterEntry> get(std::int64_t post_id, std::int64_t person_id) = 0;
  // Takes a place (`status` taken or held) on the post for a person, last in its order, in one
  // conditional statement: only while fewer than `headcount` places are taken or held, so two
  // instances taking the last place at once cannot both get it. False: no place was free.
  virtual bool take(std::int64_t post_id, std::int64_t person_id, RosterStatus status,
                    int headcount, std::int64_t now) = 0;
  // Puts a person last on the wait-list (rejoining goes to the end); returns their position.
  virtual int wait(std::int64_t post_id, std::int64_t person_id, std::int64_t now) = 0;
  // Moves a waiting person to a place (`to` taken or held), conditionally as take() does.
  virtual bool move_up(std::int64_t post_id, std::int64_t person_id, RosterStatus to,
                       int headcount) = 0;
  // Keeps the places taken or held within `headcount` after it was lowered: the latest of them
  // (by when they joined the post) go back to the wait-list, at its head and in their order, ahead
  // of everyone already waiting. One conditional statement, like take(): it counts what is on the
  // post when it runs, so whatever another instance took in between, no more than `headcount`
  // places stay taken or held. Returns who moved, first in line first.
  virtual std::vector<RosterEntry> shrink(std::int64_t post_id, int headcount) = 0;
  // Moves a person from one status to another that needs no free place (to gone, held to
  // taken); false when they were not in `from`.
  virtual bool move(std::int64_t post_id, std::int64_t person_id, RosterStatus from,
                    RosterStatus to) = 0;
  virtual void confirm(std::int64_t post_id, std::int64_t person_id) = 0;
  virtual void reminded(std::int64_t post_id, std::int64_t person_id, std::int64_t at) = 0;
  virtual RosterCounts counts(std::int64_t post_id) = 0;
  virtual std::vector<RosterEntry> of_post(std::int64_t post_id, RosterStatus status) = 0;
  virtual std::optional<RosterEntry> first_waiting(std::int64_t post_id) = 0;
  // The posts a person is on (taken, held or waiting), most recent first.
  virtual std::vector<RosterEntry> of_person(std::int64_t person_id) = 0;
};

// Private offers of a request or a post to one volunteer at a time.
class Offers {
 public:
  virtual ~Offers() = default;

  virtual std::int64_t create(const Offer& o) = 0;
  virtual std::optional<Offer> get(std::int64_t id) = 0;
  // Answers an offer that is still open; false when it was answered (or withdrawn) before.
  virtual bool settle(std::int64_t id, OfferStatus status, std::int64_t now) = 0;
  virtual std::vector<Offer> open_for(const std::string& kind, std::int64_t target_id) = 0;
  // The offers still waiting for a person's answer, newest first.
  virtual std::vector<Offer> open_to(std::int64_t person_id) = 0;
  // Everyone a target was ever offered to, so nobody is asked twice.
  virtual std::vector<std::int64_t> asked(const std::string& kind, std::int64_t target_id) = 0;
  virtual int rounds(const std::string& kind, std::int64_t target_id) = 0;
  // The target's offers so far stay on record but count no more: asked() and rounds() start
  // from nothing (a request open again after its trip was cancelled is offered afresh).
  virtual void start_over(const std::string& kind, std::int64_t target_id) = 0;
};

// Check-in and check-out: the service hours. One open shift per person is kept by the statement
// that opens it, not by the caller reading first (dialogs/shift.hpp).
class Shifts {
 public:
  virtual ~Shifts() = default;

  virtual std::optional<Shift> on_duty(std::int64_t person_id) = 0;
  virtual std::optional<Shift> get(std::int64_t id) = 0;
  virtual std::set<std::int64_t> on_duty_in(const std::string& community_id) = 0;
  // Opens a shift in one conditional statement: only while the person has no open shift, so two
  // check-ins at once (two instances, two chats) cannot open two. The new shift's id; nullopt
  // when one was open.
  virtual std::optional<std::int64_t> check_in(const Shift& s) = 0;
  // Checks out a shift that is still open; false when it was closed before (by hand or by its
  // timer), so that whoever closes it is the only one to say so.
  virtual bool check_out(std::int64_t id, std::int64_t at) = 0;
  // Milliseconds served between `from` and `to` (a shift still open counts until `to`).
  virtual std::int64_t served(std::int64_t person_id, std::int64_t from, std::int64_t to) = 0;
  // A person's shifts that overlap [from, to), oldest first (open ones with checkout_at 0).
  virtual std::vector<Shift> of_person(std::int64_t person_id, std::int64_t from,
                                       std::int64_t to) = 0;
};

// What the evaluation (step 5) reads: ratings, requests and hours of a period, in one query each
// rather than row by row (a report covers a whole community).
class Evaluation {
 public:
  virtual ~Evaluation() = default;
  // The rated requests of a community finished in [from, to), oldest first.
  virtual std::vector<Rating> ratings(const std::string& community_id, std::int64_t from,
                                      std::int64_t to) = 0;
  // All the community's ratings so far, summed up in the statement (/stats); `low`: ratings at
  // or under it count as low.
  virtual RatingSum satisfaction(const std::string& community_id, int low) = 0;
  // One volunteer's ratings in their community, summed up, with the latest `latest` of them
  // (newest first) and their comments (/mine).
  virtual RatingSum volunteer_ratings(const std::string& community_id, std::int64_t volunteer_id,
                                      int low, int latest) = 0;
  // The community's requests made in [from, to), oldest first.
  virtual std::vector<RequestFacts> requests(const std::string& community_id, std::int64_t from,
                                             std::int64_t to) = 0;
  // Time served in [from, to) by person and post, shifts cut at the period's ends (a shift still
  // open counts until `to`).
  virtual std::vector<Served> served(const std::string& community_id, std::int64_t from,
                                     std::int64_t to) = 0;
  // The community's car trips served (accepted, started or done) that were scheduled in [from, to).
  virtual int trips(const std::string& community_id, std::int64_t from, std::int64_t to) = 0;
};

// Commendations (表彰), kept for the reports.
class Commendations {
 public:
  virtual ~Commendations() = default;
  virtual std::int64_t record(const Commendation& c) = 0;
  // The community's commendations made in [from, to), oldest first.
  virtual std::vector<Commendation> in_period(const std::string& community_id, std::int64_t from,
                                              std::int64_t to) = 0;
};

// What a volunteer's service record needs besides shifts (issue 11): the corrections of their
// hours, and the tasks they finished.
class ServiceRecords {
 public:
  virtual ~ServiceRecords() = default;

  virtual std::int64_t add_correction(const HoursCorrection& c) = 0;
  // A person's corrections of days in [from_day, to_day), in the order they were made.
  virtual std::vector<HoursCorrection> corrections(std::int64_t person_id, std::int64_t from_day,
                                                   std::int64_t to_day) = 0;
  // How many help requests a volunteer finished in [from, to), by category.
  virtual std::vector<std::pair<std::string, int>> tasks_done(std::int64_t person_id,
                                                              std::int64_t from,
                                                              std::int64_t to) = 0;
};

// Certificates of service. The port signs them: the code is made and checked with a secret the
// domain never sees (a keyed MAC over the certificate's id and contents), so a code cannot be
// made up, and a certificate changed after it was issued no longer verifies.
class Certificates {
 public:
  virtual ~Certificates() = default;

  // Stores a new certificate; returns it with its id and code.
  virtual Certificate issue(const Certificate& c) = 0;
  virtual CertificateCheck check(const std::string& code) = 0;
  // Revokes a certificate whose code verifies and that is not revoked yet.
  virtual bool revoke(std::int64_t id, std::int64_t by, std::int64_t now) = 0;
};

// Training records (step 3): the courses a community runs beyond the method's three, and who
// completed which.
class Training {
 public:
  virtual ~Training() = default;
  // False when the community has that course already.
  virtual bool add_course(const std::string& community_id, const std::string& name,
                          std::int64_t now) = 0;
  // The community's own courses, in the order they were added.
  virtual std::vector<std::string> courses(const std::string& community_id) = 0;
  // False when it was recorded before.
  virtual bool record(const std::string& community_id, std::int64_t person_id,
                      const std::string& course, std::int64_t by, std::int64_t now) = 0;
  virtual std::vector<std::string> of_person(const std::string& community_id,
                                             std::int64_t person_id) = 0;
  // How many completed each course.
  virtual std::map<std::string, int> completed(const std::string& community_id) = 0;
};

// Equipment in stock per community, and what was handed to whom. The stock never goes below
// zero: take() is the one conditional statement that lowers it.
class Equipment {
 public:
  virtual ~Equipment() = default;
  virtual std::vector<StockItem> stock(const std::string& community_id) = 0;
  virtual std::optional<StockItem> item(const std::string& community_id,
                                        const std::string& item) = 0;
  // Adds to the stock (creating the item) and returns the new quantity. Back above its
  // threshold, the item may warn again when it next falls under it.
  virtual int add(const std::string& community_id, const std::string& item, int n) = 0;
  virtual void set_min(const std::string& community_id, const std::string& item, int min_qty) = 0;
  // Lowers the stock by `qty` only while at least `qty` are there, in one statement: what is
  // left, or nullopt when there were fewer (two instances handing out the last ones at once
  // cannot both do it).
  virtual std::optional<int> take(const std::string& community_id, const std::string& item,
                                  int qty) = 0;
  // Marks an item at or under its threshold as warned about, in one statement: true only for
  // the first call since it was last above the threshold, so the coordinators are warned once.
  virtual bool mark_low(const std::string& community_id, const std::string& item) = 0;
  virtual void hand_out(const std::string& community_id, std::int64_t person_id,
                        const std::string& item, int qty, std::int64_t by, std::int64_t now) = 0;
  // What a person was handed, item by item.
  virtual std::map<std::string, std::int64_t> held(const std::string& community_id,
                                                   std::int64_t person_id) = 0;
};

// Risk levels of buildings and areas, and what each post needs because of its risk and has
// arranged for its shift.
class Risks {
 public:
  virtual ~Risks() = default;
  virtual void set_level(const std::string& community_id, const std::string& area, bool high,
                         std::int64_t by, std::int64_t now) = 0;
  // nullopt: no level was set for that area.
  virtual std::optional<bool> high(const std::string& community_id, const std::string& area) = 0;
  virtual std::vector<std::pair<std::string, bool>> areas(const std::string& community_id) = 0;
  virtual std::optional<PostSupport> post(std::int64_t post_id) = 0;
  // A post's risk rule and needs (risk_as_place, courses, items), in one upsert of those
  // columns: what its shift has arranged (meals, transport, insurance) stays as it is.
  virtual void put_post(const PostSupport& s) = 0;
  // One arrangement of a post's shift, in one upsert of its column only: two coordinators
  // arranging meals and insurance at once both keep theirs.
  virtual void set_supply(std::int64_t post_id, ShiftSupport what, bool arranged) = 0;
};

// The community's cars and vans (issue 11, the car fleet).
class Vehicles {
 public:
  virtual ~Vehicles() = default;
  // The new vehicle's id; nullopt when an active vehicle of the community has that plate (one
  // statement, with a unique index).
  virtual std::optional<std::int64_t> add(const Vehicle& v) = 0;
  virtual std::optional<Vehicle> get(std::int64_t id) = 0;
  // Active vehicles first, then by id.
  virtual std::vector<Vehicle> of_community(const std::string& community_id) = 0;
  // Retires the active vehicle with this plate; false when there is none.
  virtual bool retire(const std::string& community_id, const std::string& plate,
                      std::int64_t now) = 0;
};

// Trips of the fleet. accept() is the one conditional statement that gives a trip to one driver.
class Trips {
 public:
  virtual ~Trips() = default;
  virtual std::int64_t create(const Trip& t) = 0;
  virtual std::optional<Trip> get(std::int64_t id) = 0;
  virtual void offered(std::int64_t id, std::int64_t at) = 0;
  // offered → accepted by `driver` with `vehicle`, only while the driver has no other trip
  // accepted or started less than `span` ms before or after it: one conditional statement, so
  // that two offers accepted at once cannot both pass. False when it was not waiting any more
  // or the driver is not free for it.
  virtual bool accept(std::int64_t id, std::int64_t driver, std::int64_t vehicle, std::int64_t at,
                      std::int64_t span) = 0;
  virtual bool start(std::int64_t id, std::int64_t driver, std::int64_t at) = 0;  // → started
  virtual bool finish(std::int64_t id, std::int64_t driver,
                      std::int64_t at) = 0;    // accepted or started → done
  virtual bool unserved(std::int64_t id) = 0;  // offered → unserved
  // Drivers with a trip accepted or started within [from, to) of its scheduled time.
  virtual std::set<std::int64_t> busy_drivers(const std::string& community_id, std::int64_t from,
                                              std::int64_t to) = 0;
  // A community's trips scheduled within [from, to), by time.
  virtual std::vector<Trip> scheduled(const std::string& community_id, std::int64_t from,
                                      std::int64_t to) = 0;
  // How many trips a community has had (not cancelled) and since when (0: none).
  virtual std::pair<int, std::int64_t> total(const std::string& community_id) = 0;
  // Offered, accepted or unserved → cancelled at `at`; false when it was started (on the road),
  // done or cancelled already.
  virtual bool cancel(std::int64_t id, std::int64_t at) = 0;
  // The trip that serves help request `request_id` and is not over (done or cancelled).
  virtual std::optional<Trip> of_request(std::int64_t request_id) = 0;
};

// Begins, commits and rolls back the unit of work of one decision. Committed means all of it is
// kept together or none of it; durable on disk it may be only later, with the batch the runtime
// nests it in (group commit, storage/batches.hpp), which the domain does not need to know.
class Transactions {
 public:
  virtual ~Transactions() = default;
  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() noexcept = 0;
};

// Every port of one storage engine, built once by the composition root and passed down.
struct Store {
  Transactions& transactions;
  People& people;
  Volunteers& volunteers;
  HelpRequests& requests;
  DialogStates& dialogs;
  Inbox& events;
  Outbox& outbox;
  Timers& timers;
  Posts& posts;
  Rosters& roster;
  Offers& offers;
  Shifts& shifts;
  Evaluation& evaluation;
  Commendations& commendations;
  ServiceRecords& service;
  Certificates& certificates;
  Training& training;
  Equipment& equipment;
  Risks& risks;
  Vehicles& vehicles;
  Trips& trips;
  RateSlots& rate_slots;
};

// One decision's unit of work: rolled back unless committed (SQLiteCpp's Transaction shape).
class UnitOfWork {
 public:
  explicit UnitOfWork(Transactions& t) : t_(t) { t_.begin(); }
  explicit UnitOfWork(Store& s) : UnitOfWork(s.transactions) {}
  ~UnitOfWork() {
    if (!done_) t_.rollback();
  }
  UnitOfWork(const UnitOfWork&) = delete;
  UnitOfWork& operator=(const UnitOfWork&) = delete;
  void commit() {
    t_.commit();
    done_ = true;
  }

 private:
  Transactions& t_;
  bool done_ = false;
};

}  // namespace linli
