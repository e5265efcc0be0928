#pragma once
// Help requests (tickets #N). Every change of status is a conditional UPDATE, so that of two
// volunteers claiming the same ticket exactly one changes a row. With a FieldCipher the address
// column is encrypted (storage/field_cipher.hpp); no other column is.

#include <map>
#include <optional>
#include <set>
#include <vector>

#include "dialogs/ports.hpp"
#include "dialogs/records.hpp"
#include "storage/database.hpp"
#include "storage/field_cipher.hpp"

namespace linli::storage {

class HelpRequestsRepo final : public HelpRequests {
 public:
  // `cipher` (may be null: addresses stored as typed) must outlive the repository.
  explicit HelpRequestsRepo(Database& db, const FieldCipher* cipher = nullptr);

  std::int64_t create(const HelpRequest& r) override;  // returns the ticket number
  std::optional<HelpRequest> get(std::int64_t id) override;
  void set_card(std::int64_t id, std::int64_t outbox_id) override;
  bool claim(std::int64_t id, std::int64_t volunteer_id,
             std::int64_t now) override;  // open → claimed
  bool finish(std::int64_t id, std::int64_t volunteer_id,
              std::int64_t now) override;  // claimed → done
  bool rate(std::int64_t id, std::int64_t resident_id, int rating,
            const std::string& comment) override;
  bool cancel(std::int64_t id, std::int64_t resident_id) override;  // open → cancelled
  bool release(std::int64_t id, std::int64_t volunteer_id) override;
  // A resident's requests that are not finished and rated, newest first.
  std::vector<HelpRequest> of_resident(std::int64_t resident_id) override;
  // A volunteer's claimed tasks, oldest first.
  std::vector<HelpRequest> of_volunteer(std::int64_t volunteer_id) override;
  // Erases the addresses of requests closed before `before`; returns how many. It writes '',
  // which is never encrypted: there is nothing left to hide.
  int purge_addresses(std::int64_t before) override;
  // Nobody could be found for it: an unmet need for the coordinators' statistics.
  void mark_unmet(std::int64_t id) override;
  // Open requests of a community by category; with `unmet`, the needs nobody could serve.
  std::map<std::string, int> count_by_category(const std::string& community_id,
                                               bool unmet) override;
  // Volunteers of a community who have a task in hand.
  std::set<std::int64_t> busy_volunteers(const std::string& community_id) override;

 private:
  HelpRequest read(SQLite::Statement& q) const;

  Database& db_;
  const FieldCipher* cipher_;
  SQLite::Statement insert_;
  SQLite::Statement set_address_;
  SQLite::Statement get_;
  SQLite::Statement set_card_;
  SQLite::Statement claim_;
  SQLite::Statement finish_;
  SQLite::Statement rate_;
  SQLite::Statement cancel_;
  SQLite::Statement release_;
  SQLite::Statement of_resident_;
  SQLite::Statement of_volunteer_;
  SQLite::Statement mark_unmet_;
  SQLite::Statement purge_;
  SQLite::Statement open_by_category_;
  SQLite::Statement unmet_by_category_;
  SQLite::Statement busy_;
};

std::string to_string(RequestStatus s);
RequestStatus request_status(const std::string& s);  // what to_string() wrote

}  // namespace linli::storage
