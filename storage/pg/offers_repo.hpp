#pragma once
// Private offers of a request, a post or a trip to one volunteer at a time, on PostgreSQL: the
// port Offers, as storage/offers_repo.* keeps it on SQLite. An offer is answered once: settle()
// is one conditional UPDATE.

#include <optional>
#include <string>
#include <vector>

#include "dialogs/ports.hpp"
#include "storage/pg/connection.hpp"

namespace linli::storage::pg {

class PgOffersRepo final : public Offers {
 public:
  explicit PgOffersRepo(Connection& c) : c_(c) {}

  std::int64_t create(const Offer& o) override;
  std::optional<Offer> get(std::int64_t id) override;
  bool settle(std::int64_t id, OfferStatus status, std::int64_t now) override;
  std::vector<Offer> open_for(const std::string& kind, std::int64_t target_id) override;
  std::vector<Offer> open_to(std::int64_t person_id) override;
  std::vector<std::int64_t> asked(const std::string& kind, std::int64_t target_id) override;
  int rounds(const std::string& kind, std::int64_t target_id) override;
  void start_over(const std::string& kind, std::int64_t target_id) override;

 private:
  Connection& c_;
};

}  // namespace linli::storage::pg
