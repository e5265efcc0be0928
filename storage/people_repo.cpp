#include "storage/people_repo.hpp"

namespace linli::storage {

PeopleRepo::PeopleRepo(Database& db)
    : db_(db),
      find_(db.sql(),
            "SELECT p.id, p.name, p.lang, p.lang_chosen, IFNULL(p.community_id, ''), "
            "p.last_group_adapter, p.last_group_chat FROM identities i "
            "JOIN people p ON p.id = i.person_id WHERE i.adapter = ? AND i.user_id = ?"),
      get_(db.sql(),
           "SELECT id, name, lang, lang_chosen, IFNULL(community_id, ''), last_group_adapter, "
           "last_group_chat FROM people WHERE id = ?"),
      insert_person_(db.sql(), "INSERT INTO people (name, created_at) VALUES (?, ?)"),
      insert_identity_(db.sql(),
                       "INSERT INTO identities (adapter, user_id, person_id) VALUES (?, ?, ?)"),
      set_lang_(db.sql(), "UPDATE people SET lang = ?, lang_chosen = ? WHERE id = ?"),
      set_name_(db.sql(), "UPDATE people SET name = ? WHERE id = ?"),
      set_community_(db.sql(), "UPDATE people SET community_id = NULLIF(?, '') WHERE id = ?"),
      set_last_group_(db.sql(),
                      "UPDATE people SET last_group_adapter = ?, last_group_chat = ? WHERE id = ?"),
      identity_(db.sql(),
                "SELECT adapter, user_id, private_chat FROM identities WHERE person_id = ? "
                "ORDER BY adapter = ? DESC LIMIT 1"),
      set_private_chat_(db.sql(),
                        "UPDATE identities SET private_chat = ?3 WHERE adapter = ?1 AND "
                        "user_id = ?2 AND private_chat <> ?3"),
      // A private chat is the user's own where the platform does not name it otherwise.
      find_by_private_chat_(
          db.sql(),
          "SELECT p.id, p.name, p.lang, p.lang_chosen, IFNULL(p.community_id, ''), "
          "p.last_group_adapter, p.last_group_chat FROM identities i JOIN people p ON "
          "p.id = i.person_id WHERE i.adapter = ?1 AND (i.private_chat = ?2 OR "
          "(i.private_chat = '' AND i.user_id = ?2)) LIMIT 1") {}

Person PeopleRepo::read(SQLite::Statement& q) {
  return Person{q.getColumn(0).getInt64(),  q.getColumn(1).getString(),
                q.getColumn(2).getString(), q.getColumn(3).getInt() != 0,
                q.getColumn(4).getString(), q.getColumn(5).getString(),
                q.getColumn(6).getString()};
}

std::optional<Person> PeopleRepo::find(const std::string& adapter, const std::string& user) {
  Use q(find_);
  q->bind(1, adapter);
  q->bind(2, user);
  if (!q->executeStep()) return std::nullopt;
  return read(*q);
}

Person PeopleRepo::resolve(const std::string& adapter, const std::string& user,
                           const std::string& name, std::int64_t now) {
  if (auto p = find(adapter, user)) return *p;
  Person p;
  p.name = name;
  {
    Use q(insert_person_);
    q->bind(1, name);
    q->bind(2, now);
    q->exec();
    p.id = db_.sql().getLastInsertRowid();
  }
  Use q(insert_identity_);
  q->bind(1, adapter);
  q->bind(2, user);
  q->bind(3, p.id);
  q->exec();
  return p;
}

std::optional<Person> PeopleRepo::get(std::int64_t id) {
  Use q(get_);
  q->bind(1, id);
  if (!q->executeStep()) return std::nullopt;
  return read(*q);
}

void PeopleRepo::set_lang(std::int64_t id, const std::string& lang, bool chosen) {
  Use q(set_lang_);
  q->bind(1, lang);
  q->bind(2, chosen ? 1 : 0);
  q->bind(3, id);
  q->exec();
}

void PeopleRepo::set_name(std::int64_t id, const std::string& name) {
  Use q(set_name_);
  q->bind(1, name);
  q->bind(2, id);
  q->exec();
}

void PeopleRepo::set_community(std::int64_t id, const std::string& community_id) {
  Use q(set_community_);
  q->bind(1, community_id);
  q->bind(2, id);
  q->exec();
}

void PeopleRepo::set_last_group(std::int64_t id, const std::string& adapter,
                                const std::string& chat) {
  Use q(set_last_group_);
  q->bind(1, adapter);
  q->bind(2, chat);
  q->bind(3, id);
  q->exec();
}

std::optional<Identity> PeopleRepo::identity(std::int64_t person_id,
                                             const std::string& prefer_adapter) {
  Use q(identity_);
  q->bind(1, person_id);
  q->bind(2, prefer_adapter);
  if (!q->executeStep()) return std::nullopt;
  return Identity{q->getColumn(0).getString(), q->getColumn(1).getString(),
                  q->getColumn(2).getString()};
}

void PeopleRepo::set_private_chat(const std::string& adapter, const std::string& user,
                                  const std::string& chat) {
  Use q(set_private_chat_);
  q->bind(1, adapter);
  q->bind(2, user);
  q->bind(3, chat);
  q->exec();
}

std::optional<Person> PeopleRepo::find_by_private_chat(const std::string& adapter,
                                                       const std::string& chat) {
  Use q(find_by_private_chat_);
  q->bind(1, adapter);
  q->bind(2, chat);
  if (!q->executeStep()) return std::nullopt;
  return read(*q);
}

}  // namespace linli::storage
