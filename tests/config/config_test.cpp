#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>

#include "adapters/registry.hpp"
#include "adapters/telegram/telegram_config.hpp"
#include "config/config.hpp"

namespace linli {
namespace {

std::map<std::string, std::string>& fake_env() {
  static std::map<std::string, std::string> env;
  return env;
}
const char* env(const char* name) {
  auto it = fake_env().find(name);
  return it == fake_env().end() ? nullptr : it->second.c_str();
}

const char* kMinimal = R"({
  "database": "x.db",
  "adapters": [{"type": "playground", "name": "pg", "people": [{"id": "li", "name": "李阿姨"}]}],
  "communities": [{"id": "c", "name": "C", "coordinators": ["pg:zhou"],
                   "groups": [{"chat": "pg:gv", "kind": "volunteers"}]}]
})";

// The reason parse_config gives for `json`, or "" when it accepts it.
std::string error_of(const std::string& json) {
  try {
    parse_config(json, env);
    return "";
  } catch (const ConfigError& e) {
    return e.what();
  }
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return s.replace(at, from.size(), to);
}

TEST(Config, TheExampleConfigIsValid) {
  std::ifstream in(std::string(LINLI_SOURCE_DIR) + "/config/example.json");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  Config c = parse_config(text, env);
  EXPECT_EQ(c.server.port, 8080);
  ASSERT_EQ(c.adapters.size(), 1u);
  EXPECT_EQ(c.adapters[0].type, "playground");
  EXPECT_EQ(c.communities.at(0).groups.size(), 2u);
}

TEST(Config, TheConnectionPoolHoldsWhatTheSenderMayHaveInFlight) {
  EXPECT_EQ(parse_config(kMinimal, env).http_client.max_idle_per_host, 64);
  std::string busy = replace(kMinimal, R"("database": "x.db",)",
                             R"("database": "x.db", "sender": {"concurrency": 200},)");
  EXPECT_EQ(parse_config(busy, env).http_client.max_idle_per_host, 200);
  std::string chosen = replace(busy, R"("database": "x.db",)",
                               R"("database": "x.db", "http_client": {"max_idle_per_host": 3},)");
  EXPECT_EQ(parse_config(chosen, env).http_client.max_idle_per_host, 3);
}

TEST(Config, TheTelegramExampleIsValidOnceItsSecretsAreSet) {
  std::ifstream in(std::string(LINLI_SOURCE_DIR) + "/config/telegram.example.json");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(error_of(text),
            "adapters[0].token: environment variable LINLI_TELEGRAM_TOKEN is not set");
  fake_env()["LINLI_TELEGRAM_TOKEN"] = "123:abc";
  fake_env()["LINLI_TELEGRAM_SECRET"] = "s3cret";
  Config c = parse_config(text, env);
  EXPECT_EQ(c.adapters[0].settings_as<TelegramConfig>()->api_base, "https://api.telegram.org");
  EXPECT_EQ(c.adapters[0].capabilities.open_private_url, "https://t.me/your_linli_bot?start=hi");
  EXPECT_EQ(c.utc_offset_min, 480);
  fake_env().clear();
}

TEST(Config, DefaultsAreSensible) {
  Config c = parse_config(kMinimal, env);
  EXPECT_EQ(c.server.address, "127.0.0.1");
  EXPECT_EQ(c.server.body_limit, 1u << 20);
  EXPECT_EQ(c.dialogs.timeout_s, 30 * 60);
  EXPECT_EQ(c.adapters[0].webhook_path, "/playground/webhook");
  EXPECT_EQ(c.communities[0].lang, "zh");
  EXPECT_EQ(c.dispatcher.max_event_attempts, 5);
}

// Acknowledged means durable (issue 10): the WAL is synced at every commit unless the operator
// chooses "normal" and what it gives up (README, Configuration).
TEST(Config, CommitsAreDurableUnlessTheOperatorChoosesNormal) {
  auto with = [](const std::string& v) {
    return replace(kMinimal, "\"database\": \"x.db\",",
                   "\"database\": \"x.db\", \"synchronous\": " + v + ",");
  };
  EXPECT_EQ(parse_config(kMinimal, env).synchronous, "full");
  EXPECT_EQ(parse_config(with("\"normal\""), env).synchronous, "normal");
  EXPECT_EQ(parse_config(with("\"full\""), env).synchronous, "full");
  EXPECT_EQ(error_of(with("\"off\"")), "synchronous: must be one of normal, full");
  EXPECT_EQ(error_of(with("\"FULL\"")), "synchronous: must be one of normal, full");
}

TEST(Config, EventsAreTriedAtLeastOnceBeforeTheyAreParked) {
  auto with = [](const std::string& v) {
    return replace(kMinimal, "\"database\": \"x.db\",",
                   "\"database\": \"x.db\", \"dispatcher\": {\"max_event_attempts\": " + v + "},");
  };
  EXPECT_EQ(parse_config(with("2"), env).dispatcher.max_event_attempts, 2);
  EXPECT_EQ(error_of(with("0")), "dispatcher.max_event_attempts: must be between 1 and 1000");
  EXPECT_EQ(error_of(with("\"5\"")), "dispatcher.max_event_attempts: must be an integer");
}

TEST(Config, ErrorsNameTheExactKey) {
  EXPECT_EQ(error_of(replace(kMinimal, "\"database\"", "\"databse\""))
                .rfind("databse: unknown key (allowed: server, ", 0),
            0u);
  EXPECT_EQ(error_of(replace(kMinimal, "\"kind\": \"volunteers\"", "\"kind\": \"helpers\"")),
            "communities[0].groups[0].kind: must be one of residents, volunteers");
  EXPECT_EQ(error_of(replace(kMinimal, "pg:zhou", "tg:zhou")),
            "communities[0].coordinators[0]: no adapter is named \"tg\"");
  EXPECT_EQ(error_of(replace(kMinimal, "pg:gv", "gv")),
            "communities[0].groups[0].chat: \"gv\" must be \"<adapter name>:<platform id>\"");
  EXPECT_EQ(error_of(replace(kMinimal, "\"kind\": \"volunteers\"", "\"kind\": \"residents\"")),
            "communities[0].groups: a community needs one group of kind \"volunteers\"");
  EXPECT_EQ(error_of(replace(kMinimal, "\"database\": \"x.db\",",
                             "\"database\": \"x.db\", \"server\": {\"port\": 70000},")),
            "server.port: must be between 0 and 65535");
  EXPECT_EQ(error_of("{nope"), "the file is not valid JSON");
}

TEST(Config, APlaygroundNeedsPeopleWithDistinctIds) {
  const std::string people = R"("people": [{"id": "li", "name": "李阿姨"}])";
  EXPECT_EQ(error_of(replace(kMinimal, ", " + people, "")),
            "adapters[0].people: missing (a playground needs the people who can type in it: "
            "[{\"id\", \"name\"}])");
  EXPECT_EQ(error_of(replace(kMinimal, people, R"("people": [])")),
            "adapters[0].people: is empty (a playground needs the people who can type in it: "
            "[{\"id\", \"name\"}])");
  EXPECT_EQ(error_of(replace(kMinimal, people,
                             R"("people": [{"id": "li", "name": "李阿姨"},
                                           {"id": "li", "name": "李老师"}])")),
            "adapters[0].people[1].id: \"li\" is named twice");
  EXPECT_EQ(error_of(replace(kMinimal, people, R"("people": [{"id": "li"}])")),
            "adapters[0].people[0].name: missing (a string is required)");
}

TEST(Config, TelegramNeedsItsSecretsAndChecksThem) {
  std::string tg =
      replace(kMinimal,
              R"({"type": "playground", "name": "pg", "people": [{"id": "li", "name": "李阿姨"}]})",
              R"({"type": "telegram", "name": "pg", "token": "1:x", "secret_token": "s3cret",
                               "username": "@linli_bot"})");
  Config c = parse_config(tg, env);
  EXPECT_EQ(c.adapters[0].settings_as<TelegramConfig>()->username, "linli_bot");
  EXPECT_EQ(c.adapters[0].bot_username, "linli_bot");
  EXPECT_EQ(c.adapters[0].settings_as<TelegramConfig>()->api_base, "https://api.telegram.org");
  EXPECT_EQ(error_of(replace(tg, "\"token\": \"1:x\",", "")),
            "adapters[0].token: missing (a string is required)");
  EXPECT_EQ(error_of(replace(tg, "s3cret", "not secret!")),
            "adapters[0].secret_token: Telegram allows only A-Z, a-z, 0-9, '_' and '-'");
  // Found by the config fuzzer's rules: a bot with no name, an API with no host.
  EXPECT_EQ(error_of(replace(tg, "@linli_bot", "@")), "adapters[0].username: must not be empty");
  EXPECT_EQ(error_of(replace(tg, "@linli_bot", "@@linli_bot")),
            "adapters[0].username: Telegram allows only A-Z, a-z, 0-9 and '_'");
  EXPECT_EQ(error_of(replace(tg, "\"username\": \"@linli_bot\"",
                             "\"username\": \"b\", \"api_base\": \"https://\"")),
            "adapters[0].api_base: must name a host after http:// or https://");
}

TEST(Config, SecretsComeFromTheEnvironment) {
  std::string tg =
      replace(kMinimal,
              R"({"type": "playground", "name": "pg", "people": [{"id": "li", "name": "李阿姨"}]})",
              R"({"type": "telegram", "name": "pg", "token": {"env": "LINLI_TEST_TOKEN"},
                               "secret_token": "s", "username": "b"})");
  EXPECT_EQ(error_of(tg), "adapters[0].token: environment variable LINLI_TEST_TOKEN is not set");
  fake_env()["LINLI_TEST_TOKEN"] = "123:abc";
  EXPECT_EQ(parse_config(tg, env).adapters[0].settings_as<TelegramConfig>()->token, "123:abc");
  fake_env().clear();
}

TEST(Config, AChatBelongsToOneCommunity) {
  std::string two = replace(
      kMinimal, R"(]}]
})",
      R"(]}, {"id": "d", "name": "D", "coordinators": ["pg:zhou"], "groups": [{"chat": "pg:gv", "kind": "volunteers"}]}]
})");
  EXPECT_EQ(error_of(two), "communities[1].groups: chat \"pg:gv\" belongs to two communities");
}

// ---- "timezone": one for the service, and one per community that has its own

// Two communities: "c" with `c_zone` set (no key when empty), "d" without, under `top` (ditto).
std::string zones(const std::string& top, const std::string& c_zone) {
  std::string text = replace(
      kMinimal, R"(]}]
})",
      R"(]}, {"id": "d", "name": "D", "coordinators": ["pg:zhou"], "groups": [{"chat": "pg:dv", "kind": "volunteers"}]}]
})");
  if (!c_zone.empty()) {
    text = replace(text, R"("name": "C",)", R"("name": "C", "timezone": )" + c_zone + ",");
  }
  if (!top.empty()) {
    text = replace(text, "\"database\": \"x.db\",",
                   "\"database\": \"x.db\", \"timezone\": " + top + ",");
  }
  return text;
}

TEST(Config, ACommunityReadsTimesInItsOwnZoneElseTheServicesOne) {
  Config c = parse_config(zones("\"-05:00\"", "\"+09:30\""), env);
  EXPECT_EQ(c.utc_offset_min, -300);
  EXPECT_EQ(c.communities[0].utc_offset_min, 9 * 60 + 30);
  EXPECT_EQ(c.communities[1].utc_offset_min, -300);  // inherited
  EXPECT_EQ(parse_config(zones("", "\"UTC\""), env).communities[0].utc_offset_min, 0);
  Config defaults = parse_config(zones("", ""), env);
  EXPECT_EQ(defaults.communities[0].utc_offset_min, 480);
  EXPECT_EQ(defaults.communities[1].utc_offset_min, 480);
}

TEST(Config, ABadCommunityZoneNamesItsKey) {
  EXPECT_EQ(error_of(zones("", "\"+8\"")),
            "communities[0].timezone: must be an offset like \"+08:00\" or \"UTC\"");
  EXPECT_EQ(error_of(zones("", "\"+14:30\"")), "communities[0].timezone: offset beyond ±14:00");
  EXPECT_EQ(error_of(zones("", "8")),
            "communities[0].timezone: must be a string or {\"env\": \"VARIABLE\"}");
  EXPECT_EQ(error_of(zones("\"Asia/Shanghai\"", "")),
            "timezone: must be an offset like \"+08:00\" or \"UTC\"");
}

// ---- "encryption_key": phone numbers and addresses encrypted at rest

// base64 of the bytes 0, 1, ..., 31.
const char* kKeyBase64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

std::string with_key(const std::string& value) {
  return replace(kMinimal, "\"database\": \"x.db\",",
                 "\"database\": \"x.db\", \"encryption_key\": " + value + ",");
}

// The reason parse_config gives with LINLI_DATA_KEY set to `key`.
std::string key_error(const std::string& key) {
  fake_env()["LINLI_DATA_KEY"] = key;
  std::string error = error_of(with_key(R"({"env": "LINLI_DATA_KEY"})"));
  fake_env().erase("LINLI_DATA_KEY");
  return error;
}

TEST(Config, WithoutAnEncryptionKeyNothingIsEncrypted) {
  EXPECT_EQ(parse_config(kMinimal, env).encryption_key, "");
  EXPECT_EQ(parse_config(with_key("null"), env).encryption_key, "");
}

TEST(Config, TheEncryptionKeyIs32BytesOfBase64FromTheEnvironment) {
  fake_env()["LINLI_DATA_KEY"] = kKeyBase64;
  std::string key = parse_config(with_key(R"({"env": "LINLI_DATA_KEY"})"), env).encryption_key;
  std::string expected;
  for (int i = 0; i < 32; ++i) expected += static_cast<char>(i);
  EXPECT_EQ(key, expected);
  fake_env()["LINLI_DATA_KEY"] = std::string(kKeyBase64) + "\n";  // as `echo` leaves it
  EXPECT_EQ(parse_config(with_key(R"({"env": "LINLI_DATA_KEY"})"), env).encryption_key, expected);
  fake_env().erase("LINLI_DATA_KEY");
}

TEST(Config, ABadEncryptionKeyStopsStartUpWithoutShowingTheKey) {
  EXPECT_EQ(error_of(with_key(R"({"env": "LINLI_DATA_KEY"})")),
            "encryption_key: environment variable LINLI_DATA_KEY is not set");
  const std::string how = "; make one with: openssl rand -base64 32";
  for (std::string bad : {"this is not base64, it is a passphrase",
                          "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",   // padding missing
                          "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9=",  // not canonical
                          "AAECAwQFBgcICQoLDA0ODxAR EhMUFRYXGBkaGxwdHh8=",
                          "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8-"}) {
    std::string error = key_error(bad);
    EXPECT_EQ(error, "encryption_key: not base64" + how) << bad;
  }
  EXPECT_EQ(key_error("AAECAwQFBgcICQoLDA0ODw=="),  // 16 bytes: AES-128
            "encryption_key: must decode to 32 bytes, not 16" + how);
  EXPECT_EQ(key_error("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g"),
            "encryption_key: must decode to 32 bytes, not 33" + how);
  // Not in the file itself, where more people read it; and the message does not repeat it.
  std::string error = error_of(with_key(std::string("\"") + kKeyBase64 + "\""));
  EXPECT_EQ(error.rfind("encryption_key: must be {\"env\": \"VARIABLE\"}", 0), 0u) << error;
  EXPECT_EQ(error.find("AAEC"), std::string::npos);
  for (std::string key : {"this is not base64, it is a passphrase", "AAECAwQFBgcICQoLDA0ODw=="}) {
    EXPECT_EQ(key_error(key).find(key.substr(0, 6)), std::string::npos);
  }
}

}  // namespace
}  // namespace linli

// ---- "certificates": the key that signs certificates' codes, and their public address (issue 11)
namespace linli {
namespace {

std::string with_certificates(const std::string& value) {
  return replace(kMinimal, "\"database\": \"x.db\",",
                 "\"database\": \"x.db\", \"certificates\": " + value + ",");
}

TEST(Config, CertificatesAreSignedWithTheOperatorsSecretOfAtLeast32Characters) {
  EXPECT_EQ(parse_config(kMinimal, env).certificates.secret, "");  // then the database's
  const std::string secret(40, 'k');
  fake_env()["LINLI_CERT_SECRET"] = secret;
  Config c = parse_config(
      with_certificates(
          R"({"secret": {"env": "LINLI_CERT_SECRET"}, "base_url": "https://bot.example.org/"})"),
      env);
  fake_env().erase("LINLI_CERT_SECRET");
  EXPECT_EQ(c.certificates.secret, secret);
  EXPECT_EQ(c.certificates.base_url, "https://bot.example.org");
  EXPECT_EQ(error_of(with_certificates(R"({"secret": "short"})")),
            "certificates.secret: must be at least 32 characters, not 5; make one with: openssl "
            "rand -hex 32");
  EXPECT_EQ(error_of(with_certificates(R"({"secret": {"env": "LINLI_CERT_SECRET"}})")),
            "certificates.secret: environment variable LINLI_CERT_SECRET is not set");
  EXPECT_EQ(error_of(with_certificates(R"({"base_url": "bot.example.org"})")),
            "certificates.base_url: must start with http:// or https://");
  EXPECT_EQ(
      error_of(with_certificates(R"({"key": "x"})")).rfind("certificates.key: unknown key", 0), 0u);
}

// "database": a SQLite file or a PostgreSQL database (issue 13), and every bad form refused
// with its exact key and reason.

// A minimal valid config with `database` as the value of "database" (JSON text), or none.
std::string with_database(const std::string& database) {
  return R"({)" + (database.empty() ? std::string() : R"("database": )" + database + ",") + R"(
  "adapters": [{"type": "playground", "name": "pg", "people": [{"id": "li", "name": "李阿姨"}]}],
  "communities": [{"id": "c", "name": "C", "coordinators": ["pg:zhou"],
                   "groups": [{"chat": "pg:gv", "kind": "volunteers"}]}]
})";
}

// The reason for `database` (JSON) as the value of "database", or "" when it is accepted.
std::string database_error(const std::string& database) {
  return error_of(with_database(database));
}

TEST(DatabaseConfig, AStringIsASqliteFile) {
  Config c = parse_config(with_database(R"("data/linli.db")"), env);
  EXPECT_EQ(c.engine, DatabaseEngine::sqlite);
  EXPECT_EQ(c.database, "data/linli.db");
  EXPECT_TRUE(c.postgres.conninfo.empty());
}

TEST(DatabaseConfig, TheSqliteFileMayComeFromTheEnvironmentAsBefore) {
  fake_env()["LINLI_DB_FILE"] = "/srv/linli.db";
  Config c = parse_config(with_database(R"({"env": "LINLI_DB_FILE"})"), env);
  EXPECT_EQ(c.engine, DatabaseEngine::sqlite);
  EXPECT_EQ(c.database, "/srv/linli.db");
}

// {"env": "LINLI_PG"} with its "postgres" forgotten would otherwise name a SQLite file after the
// connection string, password and all.
TEST(DatabaseConfig, AConnectionStringWhereAFileNameBelongsIsRefused) {
  const std::string reason =
      "database: looks like a PostgreSQL connection string, not a SQLite file name: write "
      "{\"postgres\": ...} around it";
  fake_env()["LINLI_PG_FORGOT"] = "host=db user=ops password=s3cret";
  EXPECT_EQ(database_error(R"({"env": "LINLI_PG_FORGOT"})"), reason);
  EXPECT_EQ(database_error(R"("postgresql://ops:s3cret@db/linli")"), reason);
  EXPECT_EQ(database_error(R"("data/linli.db")"), "");
}

TEST(DatabaseConfig, PostgresTakesAConnectionString) {
  Config c = parse_config(
      with_database(R"({"postgres": "host=db.internal dbname=linli user=linli password=s3cret"})"),
      env);
  EXPECT_EQ(c.engine, DatabaseEngine::postgres);
  EXPECT_EQ(c.postgres.conninfo, "host=db.internal dbname=linli user=linli password=s3cret");
  EXPECT_EQ(c.postgres.env, "");
  EXPECT_EQ(c.postgres.connections, 4);
  EXPECT_EQ(c.database, "") << "no SQLite file is opened by mistake";
}

TEST(DatabaseConfig, PostgresReadsTheConnectionStringFromTheNamedVariable) {
  fake_env()["LINLI_PG"] = "postgresql://linli:pw@10.0.0.5/linli";
  Config c =
      parse_config(with_database(R"({"postgres": {"env": "LINLI_PG"}, "connections": 8})"), env);
  EXPECT_EQ(c.engine, DatabaseEngine::postgres);
  EXPECT_EQ(c.postgres.conninfo, "postgresql://linli:pw@10.0.0.5/linli");
  EXPECT_EQ(c.postgres.env, "LINLI_PG");
  EXPECT_EQ(c.postgres.connections, 8);
}

TEST(DatabaseConfig, EveryBadFormNamesTheKeyAndTheReason) {
  fake_env()["LINLI_PG_EMPTY"] = "";
  EXPECT_EQ(database_error(""),
            "database: missing: must be a SQLite file name (\"linli.db\") or {\"postgres\": "
            "\"<libpq connection string>\"}");
  EXPECT_EQ(database_error("42"),
            "database: must be a SQLite file name (\"linli.db\") or {\"postgres\": \"<libpq "
            "connection string>\"}");
  EXPECT_EQ(database_error(R"(["a.db"])"),
            "database: must be a SQLite file name (\"linli.db\") or {\"postgres\": \"<libpq "
            "connection string>\"}");
  EXPECT_EQ(database_error(R"("")"), "database: must not be empty");
  EXPECT_EQ(database_error(R"({"postgress": "host=x"})"),
            "database.postgress: unknown key (allowed: postgres, connections)");
  EXPECT_EQ(database_error(R"({})"),
            "database.postgres: missing: the libpq connection string, or {\"env\": \"VARIABLE\"}");
  EXPECT_EQ(database_error(R"({"postgres": ""})"), "database.postgres: must not be empty");
  EXPECT_EQ(database_error(R"({"postgres": 5432})"),
            "database.postgres: must be a libpq connection string or {\"env\": \"VARIABLE\"}");
  EXPECT_EQ(database_error(R"({"postgres": {"env": "LINLI_PG_UNSET"}})"),
            "database.postgres.env: environment variable LINLI_PG_UNSET is not set");
  EXPECT_EQ(database_error(R"({"postgres": {"env": "LINLI_PG_EMPTY"}})"),
            "database.postgres.env: environment variable LINLI_PG_EMPTY is empty");
  EXPECT_EQ(database_error(R"({"postgres": {"env": ""}})"),
            "database.postgres.env: must be the name of an environment variable");
  EXPECT_EQ(database_error(R"({"postgres": {}})"),
            "database.postgres.env: missing: the name of an environment variable");
  EXPECT_EQ(database_error(R"({"postgres": {"variable": "LINLI_PG"}})"),
            "database.postgres.variable: unknown key (allowed: env)");
  EXPECT_EQ(database_error(R"({"postgres": "host=x", "connections": 0})"),
            "database.connections: must be between 1 and 64");
}

}  // namespace
}  // namespace linli
