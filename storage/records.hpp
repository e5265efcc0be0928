#pragma once
// Rows as the rest of Linli sees them. Plain values; repositories read and write them.

#include <cstdint>
#include <optional>
#include <string>

namespace linli::storage {

struct Person {
  std::int64_t id = 0;
  std::string name;
  std::string lang;          // "zh" | "en" | "" (unknown: use the community's)
  bool lang_chosen = false;  // set by /lang: the platform's language code no longer overrides it
  std::string community_id;  // the community this person was last seen in, "" when none
  std::string last_group_adapter;  // the group they last wrote in: where to reach them when
  std::string last_group_chat;     // a platform refuses private messages
};

// A person as a platform knows them: "<adapter>:<user id>".
struct Identity {
  std::string adapter;
  std::string user;
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
};

}  // namespace linli::storage
