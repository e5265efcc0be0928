#pragma once
// People and their platform identities on PostgreSQL: the port People, as storage/people_repo.*
// keeps it on SQLite.

#include <optional>
#include <string>

#include "dialogs/ports.hpp"
#include "storage/pg/connection.hpp"

namespace linli::storage::pg {

class PgPeopleRepo final : public People {
 public:
  explicit PgPeopleRepo(Connection& c) : c_(c) {}

  // Two instances seeing a new identity at once: both find nothing and insert; the identity's
  // primary key lets one commit, and the other's serializable transaction fails with 40001 (a
  // unique violation on a key it read as absent is reported so) and runs again, finding it.
  Person resolve(const std::string& adapter, const std::string& user, const std::string& name,
                 std::int64_t now) override;
  std::optional<Person> find(const std::string& adapter, const std::string& user) override;
  std::optional<Person> find_by_private_chat(const std::string& adapter,
                                             const std::string& chat) override;
  std::optional<Person> get(std::int64_t id) override;
  void set_lang(std::int64_t id, const std::string& lang, bool chosen) override;
  void set_name(std::int64_t id, const std::string& name) override;
  void set_community(std::int64_t id, const std::string& community_id) override;
  void set_last_group(std::int64_t id, const std::string& adapter,
                      const std::string& chat) override;
  void set_private_chat(const std::string& adapter, const std::string& user,
                        const std::string& chat) override;
  std::optional<Identity> identity(std::int64_t person_id,
                                   const std::string& prefer_adapter) override;

 private:
  Connection& c_;
};

}  // namespace linli::storage::pg
