// The city-scale data generator (issue 10): a whole city written into a real Linli database
// through the service's own schema, and the config that `linli serve` starts on.
//
//   city_gen --dir OUT [--communities 2000] [--groups 16000] [--volunteers 549000]
//            [--residents 550000] [--open 100000] [--closed 1000000] [--seed 1]
//            [--api-base URL]
//
// Writes OUT/city.db, OUT/city.json (the config: a Telegram adapter, every community with its
// groups and coordinators) and OUT/city.key (the base64 data key; the config reads it from
// LINLI_CITY_KEY). The schema is the service's migrations (storage::Database), the directory is
// written by the service's own code (Directory, save_directory), phone numbers and addresses are
// sealed by storage::FieldCipher exactly as the repositories seal them, and every index of the
// schema is in place while rows go in. Rows are inserted in bulk, one transaction per table.
//
// The city's shape: community 0 is the large one (2% of the volunteers, its own residents and
// requests in proportion); the others share the rest with ±50% spread. Buildings are numbered,
// a few volunteers have a named building or none. Open requests are claimed and under way (80%)
// or open and escalated as unmet (20%, their offer rounds over, so no timer is due); closed ones
// are done (90%, most of them rated) or cancelled, over the past year, with their address
// erased past the retention of 30 days as the daily purge does.

#include <openssl/rand.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/registry.hpp"
#include "config/base64.hpp"
#include "config/config.hpp"
#include "dialogs/directory.hpp"
#include "dialogs/vocabulary.hpp"
#include "storage/database.hpp"
#include "storage/directory_rows.hpp"
#include "storage/field_cipher.hpp"
#include "storage/people_repo.hpp"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
constexpr std::int64_t kHour = 3'600'000;
constexpr std::int64_t kDay = 24 * kHour;

struct Options {
  std::string dir;
  int communities = 2000;
  int groups = 16000;
  int volunteers = 549'000;
  int residents = 550'000;
  int open = 100'000;
  int closed = 1'000'000;
  std::uint64_t seed = 1;
  std::string api_base = "http://127.0.0.1:1";
};

struct CommunityShape {
  std::string id;
  int volunteers = 0;
  int residents = 0;
  int open = 0;
  int closed = 0;
  int buildings = 0;
  int groups = 0;
  std::int64_t first_volunteer = 0;  // person ids, consecutive
  std::int64_t first_resident = 0;
  std::vector<std::int64_t> approved;  // person ids
};

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Splits `total` over `weights` exactly (largest remainders go first by index).
std::vector<int> split(int total, const std::vector<double>& weights) {
  double sum = 0;
  for (double w : weights) sum += w;
  std::vector<int> out(weights.size());
  int given = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    out[i] = static_cast<int>(static_cast<double>(total) * weights[i] / sum);
    given += out[i];
  }
  for (std::size_t i = 0; given < total; i = (i + 1) % out.size(), ++given) ++out[i];
  return out;
}

std::string community_id(int c) {
  return "c" + std::to_string(c);
}
std::string group_chat(int g) {
  return std::to_string(-1001000000000LL - g);
}
std::string coordinator_user(int c) {
  return std::to_string(1000 + c);
}
std::string volunteer_user(std::int64_t i) {
  return std::to_string(10'000'000 + i);
}
std::string resident_user(std::int64_t i) {
  return std::to_string(20'000'000 + i);
}

const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
                           "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗"};
const char* kGiven[] = {"师傅", "姐",   "阿姨", "大爷", "老师", "医生", "小明", "建国",
                        "秀英", "桂兰", "志强", "丽",   "军",   "敏",   "静",   "磊"};
const char* kAvailability[] = {"每天下午", "晚上", "周末", "工作日上午", "随时", "每天"};
const char* kDetails[] = {"厨房水管漏水了",       "需要买药送上门",   "家里老人需要人陪着去医院",
                          "帮忙代购米和菜",       "孩子网课需要辅导", "楼道需要消杀",
                          "心情很低落想找人聊聊", "电灯坏了需要修",   "需要车送去做透析"};

json make_config(const Options& o, const std::vector<CommunityShape>& shape) {
  json communities = json::array();
  int g = 0;
  for (std::size_t c = 0; c < shape.size(); ++c) {
    const CommunityShape& s = shape[c];
    json groups = json::array();
    groups.push_back(
        {{"chat", "tg:" + group_chat(g++)}, {"kind", "volunteers"}, {"title", s.id + " 志愿者群"}});
    for (int k = 1; k < s.groups; ++k) {
      // Residents' groups of buildings spread over the community.
      int building = 1 + (k - 1) * s.buildings / std::max(1, s.groups - 1);
      groups.push_back({{"chat", "tg:" + group_chat(g++)},
                        {"kind", "residents"},
                        {"building", std::to_string(building)},
                        {"title", std::to_string(building) + "栋居民群"}});
    }
    communities.push_back({{"id", s.id},
                           {"name", "社区" + std::to_string(c)},
                           {"coordinators", {"tg:" + coordinator_user(static_cast<int>(c))}},
                           {"groups", std::move(groups)}});
  }
  return {{"server", {{"address", "127.0.0.1"}, {"port", 0}}},
          {"database", (std::filesystem::path(o.dir) / "city.db").string()},
          {"encryption_key", {{"env", "LINLI_CITY_KEY"}}},
          {"adapters",
           {{{"type", "telegram"},
             {"name", "tg"},
             {"token", "7000000001:AAcity-bench-token"},
             {"secret_token", "city-bench-secret"},
             {"username", "linli_bot"},
             {"api_base", o.api_base}}}},
          {"communities", std::move(communities)}};
}

int usage() {
  std::cerr
      << "usage: city_gen --dir OUT [--communities N] [--groups N] [--volunteers N]\n"
         "                [--residents N] [--open N] [--closed N] [--seed N] [--api-base URL]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) return usage();
    std::string v = argv[++i];
    if (a == "--dir")
      o.dir = v;
    else if (a == "--communities")
      o.communities = std::stoi(v);
    else if (a == "--groups")
      o.groups = std::stoi(v);
    else if (a == "--volunteers")
      o.volunteers = std::stoi(v);
    else if (a == "--residents")
      o.residents = std::stoi(v);
    else if (a == "--open")
      o.open = std::stoi(v);
    else if (a == "--closed")
      o.closed = std::stoi(v);
    else if (a == "--seed")
      o.seed = std::stoull(v);
    else if (a == "--api-base")
      o.api_base = v;
    else
      return usage();
  }
  if (o.dir.empty() || o.communities < 1 || o.groups < o.communities || o.volunteers < 1 ||
      o.residents < o.communities) {
    return usage();
  }
  namespace fs = std::filesystem;
  fs::create_directories(o.dir);
  const fs::path db_path = fs::path(o.dir) / "city.db";
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db_path.string() + suffix);

  std::mt19937_64 rng(o.seed);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };

  // The shape: community 0 is the large one; the others spread ±50% around the mean.
  std::vector<double> weights(o.communities);
  for (int c = 0; c < o.communities; ++c) {
    weights[c] = c == 0 && o.communities > 1
                     ? 0.02 * (o.communities - 1) / 0.98
                     : std::uniform_real_distribution<double>(0.5, 1.5)(rng);
  }
  auto vols = split(o.volunteers, weights);
  auto res = split(o.residents, weights);
  auto opens = split(o.open, weights);
  auto closes = split(o.closed, weights);
  auto groups = split(o.groups, std::vector<double>(o.communities, 1.0));
  std::vector<CommunityShape> shape(o.communities);
  for (int c = 0; c < o.communities; ++c) {
    shape[c].id = community_id(c);
    shape[c].volunteers = vols[c];
    shape[c].residents = std::max(1, res[c]);
    shape[c].open = opens[c];
    shape[c].closed = closes[c];
    shape[c].buildings = std::clamp(vols[c] / 8, 10, 200);
    shape[c].groups = std::max(1, groups[c]);
  }

  // The key, as an operator makes one (`openssl rand -base64 32`).
  std::string key(linli::storage::FieldCipher::kKeyBytes, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(key.size()));
  const std::string key_b64 = linli::encode_base64(key);
  linli::storage::FieldCipher cipher(key);

  const json config_json = make_config(o, shape);
  {
    std::ofstream out(fs::path(o.dir) / "city.json");
    out << config_json.dump(1) << "\n";
    std::ofstream k(fs::path(o.dir) / "city.key");
    k << key_b64 << "\n";
  }
  // The directory needs the communities only: the key is not in this process's environment.
  json without_key = config_json;
  without_key.erase("encryption_key");
  linli::Config config =
      linli::parse_config(without_key.dump(), [](const char*) -> const char* { return nullptr; });

  const auto started = Clock::now();
  const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  linli::storage::Database db(db_path.string(), "normal");
  // Generation only: the service's own settings apply when it opens the file.
  db.sql().exec("PRAGMA synchronous = OFF");
  db.sql().exec("PRAGMA cache_size = -262144");  // 256 MiB while the indexes grow

  // Communities, groups and coordinators exactly as the service writes them at start-up.
  {
    linli::storage::PeopleRepo people(db);
    linli::storage::Database::Transaction txn(db);
    linli::Directory dir(config, people, now);
    txn.commit();
    linli::storage::save_directory(db, dir);
  }
  std::int64_t next_person = 0;
  {
    SQLite::Statement q(db.sql(), "SELECT IFNULL(MAX(id), 0) FROM people");
    q.executeStep();
    next_person = q.getColumn(0).getInt64() + 1;
  }
  const auto skills = linli::skills();
  const std::int64_t year_ago = now - 365 * kDay;

  // People: each volunteer and resident with their Telegram identity.
  {
    auto t = Clock::now();
    linli::storage::Database::Transaction txn(db);
    SQLite::Statement person(db.sql(),
                             "INSERT INTO people (id, name, lang, lang_chosen, community_id, "
                             "created_at, last_group_adapter, last_group_chat) "
                             "VALUES (?, ?, ?, 0, ?, ?, ?, ?)");
    SQLite::Statement identity(
        db.sql(), "INSERT INTO identities (adapter, user_id, person_id) VALUES ('tg', ?, ?)");
    SQLite::Statement volunteer(
        db.sql(),
        "INSERT INTO volunteers (person_id, community_id, name, phone, building, skills, "
        "availability, status, reviewed_by, created_at, reviewed_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    std::int64_t volunteer_no = 0;
    std::int64_t resident_no = 0;
    int g = 0;
    for (int c = 0; c < o.communities; ++c) {
      CommunityShape& s = shape[c];
      const int first_group = g;
      g += s.groups;
      const std::int64_t coordinator = 1 + c;  // resolved in config order by the Directory
      auto add_person = [&](std::int64_t id, const std::string& name, const std::string& user,
                            std::int64_t created, bool in_group) {
        linli::storage::Use p(person);
        p->bind(1, id);
        p->bind(2, name);
        p->bind(3, chance(0.03) ? "en" : "zh");
        p->bind(4, s.id);
        p->bind(5, created);
        p->bind(6, in_group ? "tg" : "");
        p->bind(7, in_group ? group_chat(first_group + uniform(0, s.groups - 1)) : "");
        p->exec();
        linli::storage::Use i(identity);
        i->bind(1, user);
        i->bind(2, id);
        i->exec();
      };
      s.first_volunteer = next_person;
      for (int v = 0; v < s.volunteers; ++v, ++volunteer_no) {
        const std::int64_t id = next_person++;
        std::string name = std::string(kSurnames[uniform(0, 19)]) + kGiven[uniform(0, 15)];
        std::int64_t created = year_ago + uniform(0, 360) * kDay + uniform(0, 86'399) * 1000LL;
        add_person(id, name, volunteer_user(volunteer_no), created, chance(0.7));
        std::uint32_t mask = linli::bit(skills[uniform(0, 7)].skill);
        if (chance(0.4)) mask |= linli::bit(skills[uniform(0, 7)].skill);
        std::string building = chance(0.02)   ? ""
                               : chance(0.03) ? "幼儿园"
                                              : std::to_string(uniform(1, s.buildings));
        double r = std::uniform_real_distribution<double>(0, 1)(rng);
        const char* status = r < 0.97 ? "approved" : r < 0.99 ? "pending" : "rejected";
        const std::string phone = "13" + std::to_string(100'000'000 + volunteer_no % 900'000'000);
        linli::storage::Use q(volunteer);
        q->bind(1, id);
        q->bind(2, s.id);
        q->bind(3, name);
        q->bind(4, cipher.seal(phone, "volunteers.phone", id));
        q->bind(5, building);
        q->bind(6, static_cast<std::int64_t>(mask));
        q->bind(7, kAvailability[uniform(0, 5)]);
        q->bind(8, status);
        if (std::string(status) == "pending") {
          q->bind(9);
          q->bind(10, created);
          q->bind(11);
        } else {
          q->bind(9, coordinator);
          q->bind(10, created);
          q->bind(11, created + uniform(1, 48) * kHour);
        }
        q->exec();
        if (std::string(status) == "approved") s.approved.push_back(id);
      }
      s.first_resident = next_person;
      for (int r = 0; r < s.residents; ++r, ++resident_no) {
        std::int64_t created = year_ago + uniform(0, 360) * kDay;
        add_person(next_person++, std::string(kSurnames[uniform(0, 19)]) + kGiven[uniform(0, 15)],
                   resident_user(resident_no), created, true);
      }
    }
    txn.commit();
    std::printf("people: %lld volunteers and %lld residents in %.1f s\n",
                static_cast<long long>(volunteer_no), static_cast<long long>(resident_no),
                seconds_since(t));
  }

  // Help requests: the open ones under way or escalated, the closed ones over the past year.
  {
    auto t = Clock::now();
    linli::storage::Database::Transaction txn(db);
    SQLite::Statement request(
        db.sql(),
        "INSERT INTO help_requests (id, community_id, resident_id, category, details, building, "
        "address, urgent, status, volunteer_id, created_at, claimed_at, done_at, rating, "
        "comment, unmet) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    std::int64_t id = 0;
    std::int64_t sealed = 0;
    const std::int64_t retention = now - 30 * kDay;
    for (int c = 0; c < o.communities; ++c) {
      const CommunityShape& s = shape[c];
      for (int k = 0; k < s.open + s.closed; ++k) {
        ++id;
        const bool open = k < s.open;
        int category = uniform(0, 7);
        std::int64_t created =
            open ? now - uniform(1, 14 * 24 * 60) * 60'000LL
                 : year_ago + uniform(0, 364) * kDay + uniform(0, 86'399) * 1000LL;
        std::int64_t volunteer =
            s.approved.empty() ? 0
                               : s.approved[uniform(0, static_cast<int>(s.approved.size()) - 1)];
        std::string status;
        std::int64_t claimed = 0, done = 0;
        bool unmet = false;
        if (open) {
          if (volunteer != 0 && chance(0.8)) {
            status = "claimed";
            claimed = created + uniform(1, 120) * 60'000LL;
            if (claimed > now) claimed = now;
          } else {
            status = "open";
            unmet = true;
            volunteer = 0;
          }
        } else if (volunteer != 0 && chance(0.9)) {
          status = "done";
          claimed = created + uniform(1, 120) * 60'000LL;
          done = claimed + uniform(1, 72) * kHour;
        } else {
          status = "cancelled";
          volunteer = 0;
          unmet = chance(0.3);
        }
        const bool keep_address =
            open || (status == "done" ? done >= retention : created >= retention);
        std::string address;
        if (keep_address) {
          address = cipher.seal(std::to_string(uniform(1, 6)) + "单元" +
                                    std::to_string(uniform(1, 30) * 100 + uniform(1, 4)),
                                "help_requests.address", id);
          ++sealed;
        }
        linli::storage::Use q(request);
        q->bind(1, id);
        q->bind(2, s.id);
        q->bind(3, s.first_resident + uniform(0, s.residents - 1));
        q->bind(4, std::string(skills[category].code));
        q->bind(5, kDetails[uniform(0, 8)]);
        q->bind(6, std::to_string(uniform(1, s.buildings)));
        q->bind(7, address);
        q->bind(8, chance(0.2) ? 1 : 0);
        q->bind(9, status);
        if (volunteer)
          q->bind(10, volunteer);
        else
          q->bind(10);
        q->bind(11, created);
        if (claimed)
          q->bind(12, claimed);
        else
          q->bind(12);
        if (done)
          q->bind(13, done);
        else
          q->bind(13);
        if (status == "done" && chance(0.85)) {
          q->bind(14, uniform(3, 5));
          if (chance(0.3))
            q->bind(15, "谢谢");
          else
            q->bind(15);
        } else {
          q->bind(14);
          q->bind(15);
        }
        q->bind(16, unmet ? 1 : 0);
        q->exec();
      }
    }
    txn.commit();
    std::printf("help_requests: %lld (%d open, %d closed; %lld addresses sealed) in %.1f s\n",
                static_cast<long long>(id), o.open, o.closed, static_cast<long long>(sealed),
                seconds_since(t));
  }
  db.sql().exec("PRAGMA wal_checkpoint(TRUNCATE)");
  std::printf("communities: %d, groups: %d\n", o.communities, o.groups);
  std::printf("generated in %.1f s; database %s: %.1f MB\n", seconds_since(started),
              db_path.c_str(), static_cast<double>(fs::file_size(db_path)) / 1e6);
  return 0;
}
