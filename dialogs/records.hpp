#pragma once
// The domain's records: plain values that the ports (dialogs/ports.hpp) read and write.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dialogs/message.hpp"

namespace linli {

struct Person {
  std::int64_t id = 0;
  std::string name;
  std::string lang;          // "zh" | "en" | "" (unknown: use the community's)
  bool lang_chosen = false;  // set by /lang: the platform's language code no longer overrides it
  std::string community_id;  // the community this person was last seen in, "" when none
  std::string last_group_adapter;  // the group they last wrote in: where to reach them when
  std::string last_group_chat;     // a platform refuses private messages
};

// A person as a platform knows them: "<adapter>:<user id>", and their private chat with the bot
// there once they have written in it ("" until then).
struct Identity {
  std::string adapter;
  std::string user;
  std::string private_chat;
};

enum class VolunteerStatus { pending, approved, rejected };

struct Volunteer {
  std::int64_t person_id = 0;
  std::string community_id;
  std::string name;
  std::string phone;
  std::string building;
  std::uint32_t skills = 0;  // bit set of dialogs/vocabulary.hpp Skill
  std::string availability;
  VolunteerStatus status = VolunteerStatus::pending;
  std::int64_t created_at = 0;
};

// An approved volunteer as ranking reads them: no phone, so nothing is decrypted to rank.
struct PoolMember {
  std::int64_t person_id = 0;
  std::string name;
  std::string building;
  std::uint32_t skills = 0;  // bit set of dialogs/vocabulary.hpp Skill
};

enum class RequestStatus { open, claimed, done, cancelled };

struct HelpRequest {
  std::int64_t id = 0;  // the ticket number people see as #N
  std::string community_id;
  std::int64_t resident_id = 0;
  std::string category;  // a Skill code: the skill that serves it
  std::string details;
  std::string building;
  std::string address;  // private: never posted in a group
  bool urgent = false;
  RequestStatus status = RequestStatus::open;
  std::int64_t volunteer_id = 0;  // 0 while open
  std::int64_t card_outbox_id = 0;
  std::int64_t created_at = 0;
  std::int64_t claimed_at = 0;
  std::int64_t done_at = 0;
  int rating = 0;  // 0 until rated
  std::string comment;
  // Counselling, medical escort, or marked private by the resident: never posted in a group,
  // offered privately to volunteers with the skill at once.
  bool sensitive = false;
};

struct Post {
  std::int64_t id = 0;
  std::string community_id;
  std::string team;  // a Team code, or the coordinator's own name for a team
  std::string title;
  int headcount = 1;
  std::uint32_t skills = 0;  // required, bit set of Skill; 0: anyone
  std::string building;      // where, when it is a building of the community
  std::string place;         // where, in words
  std::int64_t starts_at = 0;
  std::int64_t ends_at = 0;
  bool high_risk = false;
  std::int64_t created_by = 0;
  std::int64_t created_at = 0;
};

struct Call {
  std::int64_t id = 0;
  std::int64_t post_id = 0;
  std::string community_id;
  bool open = true;
  std::int64_t deadline_at = 0;
  std::int64_t created_by = 0;
  std::int64_t created_at = 0;
};

struct CallCard {
  std::string adapter;
  std::string chat;
  std::int64_t outbox_id = 0;
};

enum class RosterStatus { taken, held, waiting, gone };

struct RosterEntry {
  std::int64_t post_id = 0;
  std::int64_t person_id = 0;
  RosterStatus status = RosterStatus::taken;
  bool confirmed = false;
  std::int64_t joined_at = 0;
  std::int64_t reminded_at = 0;  // 0: not asked to confirm yet
};

struct RosterCounts {
  int taken = 0;
  int held = 0;
  int waiting = 0;
};

enum class OfferStatus { offered, accepted, declined, expired, withdrawn };

struct Offer {
  std::int64_t id = 0;
  std::string kind;  // "request" | "post"
  std::int64_t target_id = 0;
  std::int64_t person_id = 0;
  OfferStatus status = OfferStatus::offered;
  int round = 1;
  std::int64_t offered_by = 0;  // 0: offered automatically
  std::int64_t offered_at = 0;
};

struct Shift {
  std::int64_t id = 0;
  std::int64_t person_id = 0;
  std::string community_id;
  std::int64_t post_id = 0;
  std::int64_t checkin_at = 0;
  std::int64_t checkout_at = 0;  // 0 while on duty
};

struct DialogRecord {
  std::int64_t person_id = 0;
  std::string kind;   // "signup", "help", ...
  std::string state;  // a state name of that dialog's transition table
  std::string adapter;
  std::string chat;  // where the next answer is expected
  std::string thread;
  bool private_chat = false;
  std::string community_id;
  std::string data;  // JSON object: answers so far and the path of states taken
  std::int64_t updated_at = 0;
};

struct TimerRecord {
  std::int64_t id = 0;
  std::string key;
  std::int64_t due_at = 0;
  std::string kind;
  std::string payload;
  int attempts = 0;  // failed firings so far
};

struct OutboxRow {
  std::int64_t id = 0;
  OutboundMessage msg;
  int attempts = 0;
};

struct RoutedMessage {
  std::int64_t outbox_id = 0;
  std::string route;
};

// A car or van of the community's fleet and the volunteer who drives it. Retired ones stay, so
// that past trips keep their vehicle.
struct Vehicle {
  std::int64_t id = 0;
  std::string community_id;
  std::int64_t driver_id = 0;
  int seats = 0;
  std::string plate;
  bool active = true;
  std::int64_t created_at = 0;
};

// offered: waiting for a driver's answer; unserved: no driver was left (the coordinators were
// told); accepted → started → done.
enum class TripStatus { offered, accepted, started, done, unserved, cancelled };

// One trip of the fleet (T<id>), with every time it went through; 0 for a time not reached.
struct Trip {
  std::int64_t id = 0;
  std::string community_id;
  std::string kind;  // hospital | supplies | staff | quarantine
  std::string origin;
  std::string destination;
  std::int64_t scheduled_at = 0;
  int seats = 1;
  std::int64_t request_id = 0;  // the help request it serves, 0 when a coordinator asked
  TripStatus status = TripStatus::offered;
  std::int64_t driver_id = 0;  // who accepted it, 0 before
  std::int64_t vehicle_id = 0;
  std::int64_t requested_by = 0;
  std::int64_t requested_at = 0;
  std::int64_t offered_at = 0;  // the latest offer
  std::int64_t accepted_at = 0;
  std::int64_t started_at = 0;
  std::int64_t finished_at = 0;
  std::int64_t cancelled_at = 0;
};

// held: a private message the platform refused because the person has not opened a private
// chat with the bot yet; released (pending again) when they do.
enum class OutboxStatus { pending = 0, sent = 1, dead = 2, held = 3 };

// Evaluation (step 5, issue 11). A rated request as the feedback roll-up reads it: the post and
// team are those of the shift its volunteer was on when they finished it (0 and "" when they
// were not checked in for a post): a help request belongs to no post of its own.
struct Rating {
  std::int64_t request_id = 0;
  std::int64_t volunteer_id = 0;
  int rating = 0;  // 1–5
  std::string comment;
  std::int64_t post_id = 0;
  std::string team;
  std::int64_t done_at = 0;
};

// Ratings summed up: how many, their sum, how many low, and the latest few.
struct RatingSum {
  int count = 0;
  int sum = 0;
  int low = 0;                 // at or under the threshold asked for
  std::vector<Rating> latest;  // newest first
};

// A help request as the report counts it: no details, no address.
struct RequestFacts {
  std::int64_t id = 0;
  std::string category;
  RequestStatus status = RequestStatus::open;
  bool unmet = false;
  std::int64_t created_at = 0;
  std::int64_t claimed_at = 0;  // 0: never claimed
  std::int64_t done_at = 0;     // 0: not done
  int rating = 0;               // 0: not rated
};

// Time one person served on one post (0: no post) within a period.
struct Served {
  std::int64_t person_id = 0;
  std::int64_t post_id = 0;
  std::string team;  // the post's, "" without a post
  std::int64_t ms = 0;
};

// A commendation (表彰) of a volunteer or a team, as announced and recorded.
struct Commendation {
  std::int64_t id = 0;
  std::string community_id;
  std::int64_t person_id = 0;  // the volunteer commended; 0 for a team
  std::string team;            // the team commended (a Team code or its own name); "" for a person
  std::string text;
  std::int64_t by = 0;  // the coordinator
  std::int64_t at = 0;
};

// A coordinator's correction of a volunteer's hours on one local day (issue 11): the day then
// counts `hours_ms`, whatever the shifts say; the shifts stay as they were. Kept for ever, the
// audit log of who changed what, when and why; the latest of a day is the one that counts.
struct HoursCorrection {
  std::int64_t id = 0;
  std::int64_t person_id = 0;
  std::string community_id;
  std::int64_t day = 0;  // the instant the local day began
  std::string date;      // that day as "YYYY-MM-DD" in the community's zone
  std::int64_t hours_ms = 0;
  std::int64_t previous_ms = 0;  // what the day counted before this correction
  std::string reason;
  std::int64_t by = 0;  // the coordinator
  std::int64_t at = 0;
};

// A certificate of service as issued: what it says is fixed then, and signed with its code.
struct Certificate {
  std::int64_t id = 0;
  std::string code;  // what people verify: "<id>-<signature>"
  std::int64_t person_id = 0;
  std::string community_id;
  std::string name;          // the volunteer
  std::string organisation;  // the community
  std::string lang;          // "zh" | "en": the language it was issued in
  std::string from_date;     // "YYYY-MM-DD", in the community's zone
  std::string to_date;
  std::int64_t hours_ms = 0;
  std::vector<std::pair<std::string, std::int64_t>> teams;  // stored team, ms served in it
  std::vector<std::string> posts;                           // "<id> <title>"
  std::vector<std::pair<std::string, int>> tasks;           // request category, how many done
  std::int64_t issued_at = 0;
  std::int64_t issued_by = 0;   // the person who asked (the volunteer)
  std::int64_t revoked_at = 0;  // 0: not revoked
  std::int64_t revoked_by = 0;
};

enum class CertificateStatus { valid, revoked, invalid };

// What a verification code is: unknown, forged or changed (invalid), or a certificate.
struct CertificateCheck {
  CertificateStatus status = CertificateStatus::invalid;
  std::optional<Certificate> certificate;  // set when valid or revoked
};

// Step 3, ensure support (issue 11): an item in a community's stock, with the threshold under
// which the coordinators are warned.
struct StockItem {
  std::string item;  // an Item code of dialogs/support.hpp, or the community's own name
  int qty = 0;
  int min_qty = 0;  // 0: no warning
};

// What a post needs and has arranged beyond its roster: its risk as its place's (a risk area's)
// or as the coordinator answered, the courses and equipment a high-risk post needs, and the
// meals, transport and insurance of its shift.
// What a shift has arranged for those on it (step 3).
enum class ShiftSupport { meals, transport, insurance };

struct PostSupport {
  std::int64_t post_id = 0;
  bool risk_as_place = false;
  std::vector<std::string> courses;  // course codes or own names
  std::vector<std::string> items;    // item codes or own names
  bool meals = false;
  bool transport = false;
  bool insurance = false;
};

}  // namespace linli
