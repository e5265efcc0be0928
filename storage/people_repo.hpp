#pragma once
// People and their platform identities. One person may later have identities on several
// platforms; today each identity creates its own person on first sight.

#include <optional>

#include "dialogs/ports.hpp"
#include "dialogs/records.hpp"
#include "storage/database.hpp"

namespace linli::storage {

class PeopleRepo final : public People {
 public:
  explicit PeopleRepo(Database& db);

  // The person behind a platform identity, created on first sight with the platform's name.
  Person resolve(const std::string& adapter, const std::string& user, const std::string& name,
                 std::int64_t now) override;
  std::optional<Person> find(const std::string& adapter, const std::string& user) override;
  std::optional<Person> get(std::int64_t id) override;
  void set_lang(std::int64_t id, const std::string& lang, bool chosen) override;
  void set_name(std::int64_t id, const std::string& name) override;
  void set_community(std::int64_t id, const std::string& community_id) override;
  void set_last_group(std::int64_t id, const std::string& adapter,
                      const std::string& chat) override;
  // How to reach a person: the identity on `prefer_adapter` if they have one, else any.
  void set_private_chat(const std::string& adapter, const std::string& user,
                        const std::string& chat) override;
  std::optional<Person> find_by_private_chat(const std::string& adapter,
                                             const std::string& chat) override;
  std::optional<Identity> identity(std::int64_t person_id,
                                   const std::string& prefer_adapter) override;

 private:
  static Person read(SQLite::Statement& q);

  Database& db_;
  SQLite::Statement find_;
  SQLite::Statement get_;
  SQLite::Statement insert_person_;
  SQLite::Statement insert_identity_;
  SQLite::Statement set_lang_;
  SQLite::Statement set_name_;
  SQLite::Statement set_community_;
  SQLite::Statement set_last_group_;
  SQLite::Statement identity_;
  SQLite::Statement set_private_chat_;
  SQLite::Statement find_by_private_chat_;
};

}  // namespace linli::storage
