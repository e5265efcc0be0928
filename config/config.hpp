#pragma once
// The whole configuration as one plain struct (STYLE 13): parsed and validated once at start-up.
// A bad value throws ConfigError naming the exact key, e.g. "adapters[0].token: missing".

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace linli {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ServerConfig {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;
  std::size_t body_limit = 1 << 20;         // bytes of one request body
  std::int64_t header_timeout_ms = 10'000;  // from the first byte to the end of the headers
  std::int64_t body_timeout_ms = 15'000;    // to read the body once the headers are in
  std::int64_t idle_timeout_ms = 60'000;    // keep-alive connection with nothing to read
  int max_connections = 4096;               // open connections; more are closed at once
};

// Outbound rates of one adapter, at the platform's documented limits (PLATFORMS.md).
struct RateLimits {
  double per_chat_per_s = 1.0;    // private chats and groups
  double per_group_per_min = 20;  // groups only, on top of per_chat
  double global_per_s = 30;       // the whole bot
  int burst = 3;                  // messages a chat may send at once before pacing applies
};

// What a platform can do, declared by its adapter's config parser (adapters/<type>/): the
// domain shapes its messages by it, and the outbox sender never asks a platform for more.
struct PlatformCapabilities {
  bool buttons = true;               // inline buttons under a message
  bool edits = true;                 // a sent message can be edited (task and roster cards)
  bool reply_prompts = false;        // a question in a group can open the reply box (ForceReply)
  bool replies = true;               // says which message of ours one replies to (groups: below)
  std::size_t max_text = 4096;       // characters of one message
  std::size_t max_button_data = 64;  // bytes of a button's data
  // Whether a person's private chat is addressed by their user id (Telegram); otherwise the
  // platform names the private chat itself and Linli learns it when the person writes privately.
  bool private_chat_is_user_id = true;
  // Where a person opens a private chat with the bot, for platforms where the bot cannot write
  // first (Telegram's deep link); "" where it can.
  std::string open_private_url;
  // Without `replies`, a dialog begun in a group goes on in the private chat: in a group only a
  // reply to its question (or its button) answers it.
};

// A platform's own settings (token, secrets, API root...), parsed by its adapter's config
// parser: config/ keeps them opaque, so that adding a platform touches only its folder.
class PlatformSettings {
 public:
  virtual ~PlatformSettings() = default;
};

struct AdapterConfig {
  std::string type;  // "playground" | "telegram" | ...: the platform, a key of adapters/registry
  std::string name;  // instance name: people and chats are named "<name>:<platform id>"
  std::string webhook_path;  // default "/<type>/<name>"
  std::string bot_username;  // what "/cmd@name" must name to be ours
  RateLimits limits;
  PlatformCapabilities capabilities;
  std::shared_ptr<const PlatformSettings> settings;  // the platform's own type

  // The settings as the platform's own type; nullptr for another platform's.
  template <typename T>
  const T* settings_as() const {
    return dynamic_cast<const T*>(settings.get());
  }
};

enum class GroupKind { residents, volunteers };

struct GroupConfig {
  std::string adapter;  // adapter instance name
  std::string chat;     // platform chat id
  GroupKind kind = GroupKind::residents;
  std::string building;  // residents' groups: the building they belong to ("" for a mixed group)
  std::string title;
};

// A volunteer already on the community's roster, imported as approved at start-up.
struct VolunteerSeed {
  std::string adapter;
  std::string user;
  std::string name;
  std::string phone;
  std::string building;
  std::vector<std::string> skills;
  std::string availability;
};

struct CommunityConfig {
  std::string id;
  std::string name;
  std::string lang = "zh";
  int utc_offset_min = 480;  // "timezone", else the top-level one: how its people read times
  std::vector<std::string> coordinators;  // "<adapter name>:<user id>"
  std::vector<GroupConfig> groups;
  std::vector<VolunteerSeed> volunteers;
};

struct DialogConfig {
  std::int64_t timeout_s = 30 * 60;  // an idle dialog ends with a message after this long
};

// What one person may send before Linli stops listening to them for a while.
struct FloodConfig {
  int messages_per_minute = 30;  // messages and button presses, sustained
  int burst = 12;                // at once, before the rate applies (a quick dialog fits)
  std::int64_t pause_s = 60;     // ignored this long after one "slow down"
};

struct RecruitmentConfig {
  std::int64_t card_refresh_s = 5;  // roster cards are edited at most this often
  std::int64_t deadline_h = 24;     // a call closes after this long, or when its post starts
};

struct AssignmentConfig {
  std::int64_t offer_timeout_min = 15;    // an offer not answered in time goes to the next
  int max_offers = 3;                     // rounds before the coordinators are told
  std::int64_t unclaimed_after_min = 20;  // an open request nobody takes is offered privately
  int batch_size = 3;                     // to this many candidates at once
  // A driver with a trip less than this long before or after another is not free for it.
  std::int64_t trip_minutes = 120;
};

struct ShiftConfig {
  std::int64_t remind_before_min = 120;  // ask those on a post to confirm this long before
  std::int64_t replace_before_min = 60;  // who has not confirmed by then is replaced
  double daily_hours_cap = 8;            // service hours a day; nobody is asked beyond it
};

struct PrivacyConfig {
  int address_retention_days = 30;  // a closed request's address is erased after this long
  int event_retention_days = 7;     // inbound event ids kept to recognise platform retries
};

// The client that calls platform APIs over HTTPS.
struct HttpClientConfig {
  std::int64_t connect_timeout_ms = 5'000;   // DNS, TCP and TLS handshake
  std::int64_t request_timeout_ms = 15'000;  // writing a request and reading its answer
  int max_idle_per_host =
      64;               // kept-alive connections per platform host (default: sender.concurrency)
  std::string ca_file;  // extra trusted CAs (PEM), on top of the system's
};

// What the dispatcher does with an event whose decision keeps failing.
struct DispatcherConfig {
  // Tries of one inbound event (the platform retries it after each 500) or one timer before it
  // is parked: acknowledged without a decision, recorded for the operator, logged and counted.
  int max_event_attempts = 5;
};

struct SenderConfig {
  // 12 tries with doubling backoff (capped at backoff_max) span about 17 minutes: a platform
  // outage of a few minutes delays messages instead of dead-lettering them.
  int max_attempts = 12;                  // then the message is dead-lettered
  std::int64_t backoff_initial_ms = 500;  // doubles per try, with jitter
  std::int64_t backoff_max_ms = 5 * 60'000;
  int concurrency = 64;  // API calls in flight at once, all chats together
  // How often chats with nothing to send are forgotten (not a config key: tests shorten it).
  std::int64_t idle_sweep_ms = 30'000;
  // The most outbox rows held in memory while resuming a backlog after a restart; more are read
  // as these go out (not a config key: tests shorten it).
  int resume_batch = 1000;
  // The most outbox rows of one chat held in memory: a chat that the platform lets through at
  // one message a second (a coordinator told of 10,000 sign-ups) keeps the rest in the database
  // and reads them as these go out (not a config key: tests shorten it).
  int chat_batch = 100;
};

// Certificates of service (issue 11): the key their verification codes are signed with, and the
// public address their pages are reached at.
struct CertificateConfig {
  // HMAC-SHA256 key of the codes; "" = one made at first start and kept in the database.
  std::string secret;
  std::string base_url;  // "https://bot.example.org": links in certificate messages; "" = none
};

// Which storage engine holds the data (issue 13).
enum class DatabaseEngine { sqlite, postgres };

// "database": {"postgres": "<libpq connection string>"} or {"postgres": {"env": "LINLI_PG"}}.
struct PostgresConfig {
  // A secret: it may hold a password. Print it only masked (storage/pg/connection.hpp).
  std::string conninfo;
  std::string env;      // the variable it was read from, "" if it was in the file
  int connections = 4;  // the pool's connections, each with its worker thread
};

struct Config {
  ServerConfig server;
  DatabaseEngine engine = DatabaseEngine::sqlite;
  std::string database = "linli.db";  // SQLite: the file; "" with PostgreSQL
  PostgresConfig postgres;            // PostgreSQL only
  // SQLite's synchronous pragma in WAL mode. "full" (the default) syncs the WAL at every commit,
  // before the webhook is acknowledged: nothing acknowledged is lost to a power cut (issue 10,
  // tests/power). "normal" syncs only at checkpoints: a power cut may take back acknowledged
  // decisions, which platforms do not deliver again.
  std::string synchronous = "full";
  std::string lang = "zh";  // default language of people we know nothing about
  DialogConfig dialogs;
  FloodConfig flood;
  // "timezone": "+08:00": how people read and write times, in communities that name no zone.
  int utc_offset_min = 480;
  RecruitmentConfig recruitment;
  AssignmentConfig assignments;
  ShiftConfig shifts;
  DispatcherConfig dispatcher;
  SenderConfig sender;
  HttpClientConfig http_client;
  PrivacyConfig privacy;
  std::string log_level = "info";
  // Encryption at rest of phone numbers and addresses (storage/field_cipher.hpp): the 32 raw
  // bytes of "encryption_key", given base64 in the environment; "" = not encrypted. A secret:
  // never log it or put it into a message.
  std::string encryption_key;
  CertificateConfig certificates;
  std::vector<CommunityConfig> communities;
  std::vector<AdapterConfig> adapters;

  const AdapterConfig* adapter(const std::string& name) const;
};

// `getenv` is passed in so that tests control the environment (STYLE 13: no getenv elsewhere).
using EnvLookup = const char* (*)(const char*);

class ConfigSection;

// How one platform reads its adapter section, after the common keys (type, name, webhook_path,
// rate_limits). adapters/registry.hpp lists them; parse_config there passes them in.
struct PlatformParser {
  std::string_view type;
  RateLimits limits;  // the platform's documented rates, the defaults of "rate_limits"
  void (*parse)(const ConfigSection& section, AdapterConfig& adapter);
};

Config parse_config(const std::string& json_text, EnvLookup env,
                    std::span<const PlatformParser> platforms);
Config load_config(const std::string& path, EnvLookup env,
                   std::span<const PlatformParser> platforms);

}  // namespace linli
