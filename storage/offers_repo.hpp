#pragma once
// Offers of a task or a post to one volunteer, answered by reply; and the hours served.

#include <map>
#include <optional>
#include <set>
#include <vector>

#include "dialogs/ports.hpp"
#include "dialogs/records.hpp"
#include "storage/database.hpp"

namespace linli::storage {

class OffersRepo final : public Offers {
 public:
  explicit OffersRepo(Database& db);

  std::int64_t create(const Offer& o) override;
  std::optional<Offer> get(std::int64_t id) override;
  // Answers an offer that is still open; false when it was answered (or withdrawn) before.
  bool settle(std::int64_t id, OfferStatus status, std::int64_t now) override;
  std::vector<Offer> open_for(const std::string& kind, std::int64_t target_id) override;
  std::vector<Offer> open_to(std::int64_t person_id) override;
  // Everyone a target was ever offered to, so nobody is asked twice.
  std::vector<std::int64_t> asked(const std::string& kind, std::int64_t target_id) override;
  int rounds(const std::string& kind, std::int64_t target_id) override;
  void start_over(const std::string& kind, std::int64_t target_id) override;

 private:
  static Offer read(SQLite::Statement& q);

  Database& db_;
  SQLite::Statement insert_;
  SQLite::Statement get_;
  SQLite::Statement settle_;
  SQLite::Statement open_for_;
  SQLite::Statement open_to_;
  SQLite::Statement asked_;
  SQLite::Statement rounds_;
  SQLite::Statement start_over_;
};

class ShiftsRepo final : public Shifts {
 public:
  explicit ShiftsRepo(Database& db);

  std::optional<Shift> on_duty(std::int64_t person_id) override;
  std::optional<Shift> get(std::int64_t id) override;
  std::set<std::int64_t> on_duty_in(const std::string& community_id) override;
  std::optional<std::int64_t> check_in(const Shift& s) override;
  bool check_out(std::int64_t id, std::int64_t at) override;
  // Milliseconds served between `from` and `to` (a shift still open counts until `to`).
  std::int64_t served(std::int64_t person_id, std::int64_t from, std::int64_t to) override;
  std::vector<Shift> of_person(std::int64_t person_id, std::int64_t from, std::int64_t to) override;

 private:
  static Shift read(SQLite::Statement& q);

  Database& db_;
  SQLite::Statement on_duty_;
  SQLite::Statement get_;
  SQLite::Statement on_duty_in_;
  SQLite::Statement insert_;
  SQLite::Statement check_out_;
  SQLite::Statement served_;
  SQLite::Statement of_person_;
};

std::string to_string(OfferStatus s);
OfferStatus offer_status(const std::string& s);  // what to_string() wrote

}  // namespace linli::storage
