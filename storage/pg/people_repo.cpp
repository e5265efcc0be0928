#include "storage/pg/people_repo.hpp"

#include "storage/pg/rows.hpp"

namespace linli::storage::pg {
namespace {

constexpr const char* kPerson =
    "SELECT p.id, p.name, p.lang, p.lang_chosen, coalesce(p.community_id, ''), "
    "p.last_group_adapter, p.last_group_chat ";

std::optional<Person> person(const Result& r) {
  if (r.rows() == 0) return std::nullopt;
  return Person{r.integer(0, 0), str(r, 0, 1), str(r, 0, 2), flag(r, 0, 3),
                str(r, 0, 4),    str(r, 0, 5), str(r, 0, 6)};
}

}  // namespace

std::optional<Person> PgPeopleRepo::find(const std::string& adapter, const std::string& user) {
  return person(c_.exec(std::string(kPerson) +
                            "FROM identities i JOIN people p ON p.id = i.person_id "
                            "WHERE i.adapter = $1 AND i.user_id = $2",
                        {adapter, user}));
}

Person PgPeopleRepo::resolve(const std::string& adapter, const std::string& user,
                             const std::string& name, std::int64_t now) {
  if (auto p = find(adapter, user)) return *p;
  Person p;
  p.name = name;
  // The person and their identity in one statement.
  p.id = c_.exec(
               "WITH p AS (INSERT INTO people (name, created_at) VALUES ($3, $4::bigint) "
               "RETURNING id) "
               "INSERT INTO identities (adapter, user_id, person_id) "
               "SELECT $1, $2, id FROM p RETURNING person_id",
               {adapter, user, name, now})
             .integer(0, 0);
  return p;
}

std::optional<Person> PgPeopleRepo::get(std::int64_t id) {
  return person(c_.exec(std::string(kPerson) + "FROM people p WHERE p.id = $1", {id}));
}

void PgPeopleRepo::set_lang(std::int64_t id, const std::string& lang, bool chosen) {
  c_.exec("UPDATE people SET lang = $1, lang_chosen = $2 WHERE id = $3",
          {lang, chosen ? 1 : 0, id});
}

void PgPeopleRepo::set_name(std::int64_t id, const std::string& name) {
  c_.exec("UPDATE people SET name = $1 WHERE id = $2", {name, id});
}

void PgPeopleRepo::set_community(std::int64_t id, const std::string& community_id) {
  c_.exec("UPDATE people SET community_id = NULLIF($1, '') WHERE id = $2", {community_id, id});
}

void PgPeopleRepo::set_last_group(std::int64_t id, const std::string& adapter,
                                  const std::string& chat) {
  c_.exec("UPDATE people SET last_group_adapter = $1, last_group_chat = $2 WHERE id = $3",
          {adapter, chat, id});
}

std::optional<Identity> PgPeopleRepo::identity(std::int64_t person_id,
                                               const std::string& prefer_adapter) {
  Result r = c_.exec(
      "SELECT adapter, user_id, private_chat FROM identities WHERE person_id = $1 "
      "ORDER BY adapter = $2 DESC, adapter, user_id LIMIT 1",
      {person_id, prefer_adapter});
  if (r.rows() == 0) return std::nullopt;
  return Identity{str(r, 0, 0), str(r, 0, 1), str(r, 0, 2)};
}

void PgPeopleRepo::set_private_chat(const std::string& adapter, const std::string& user,
                                    const std::string& chat) {
  c_.exec(
      "UPDATE identities SET private_chat = $3 WHERE adapter = $1 AND user_id = $2 AND "
      "private_chat <> $3",
      {adapter, user, chat});
}

// A private chat is the user's own where the platform does not name it otherwise.
std::optional<Person> PgPeopleRepo::find_by_private_chat(const std::string& adapter,
                                                         const std::string& chat) {
  return person(c_.exec(std::string(kPerson) +
                            "FROM identities i JOIN people p ON p.id = i.person_id "
                            "WHERE i.adapter = $1 AND (i.private_chat = $2 OR "
                            "(i.private_chat = '' AND i.user_id = $2)) LIMIT 1",
                        {adapter, chat}));
}

}  // namespace linli::storage::pg
