#pragma once
// The Shifts port in memory, for domain tests that need no database. Each method behaves as the
// one statement behind the SQLite port does (storage/offers_repo.cpp): check_in() opens a shift
// only while the person has none open, check_out() closes only an open one, each in one step.
// `interleave` runs once, right before the next such step, as another instance's decision
// landing between this instance's read and its write.

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "dialogs/ports.hpp"

namespace linli::test {

class MemoryShifts final : public Shifts {
 public:
  std::function<void()> interleave;

  std::optional<Shift> on_duty(std::int64_t person_id) override {
    std::optional<Shift> found;
    for (const auto& [id, s] : rows_) {
      if (s.person_id == person_id && s.checkout_at == 0) found = s;  // the newest, as SQLite
    }
    return found;
  }
  std::optional<Shift> get(std::int64_t id) override {
    auto it = rows_.find(id);
    if (it == rows_.end()) return std::nullopt;
    return it->second;
  }
  std::set<std::int64_t> on_duty_in(const std::string& community_id) override {
    std::set<std::int64_t> out;
    for (const auto& [id, s] : rows_) {
      if (s.community_id == community_id && s.checkout_at == 0) out.insert(s.person_id);
    }
    return out;
  }
  std::optional<std::int64_t> check_in(const Shift& s) override {
    run_interleave();
    if (on_duty(s.person_id)) return std::nullopt;
    Shift row = s;
    row.id = ++last_id_;
    row.checkout_at = 0;
    rows_[row.id] = row;
    return row.id;
  }
  bool check_out(std::int64_t id, std::int64_t at) override {
    run_interleave();
    auto it = rows_.find(id);
    if (it == rows_.end() || it->second.checkout_at != 0) return false;
    it->second.checkout_at = at;
    return true;
  }
  std::int64_t served(std::int64_t person_id, std::int64_t from, std::int64_t to) override {
    std::int64_t total = 0;
    for (const auto& s : of_person(person_id, from, to)) {
      std::int64_t end = std::min(s.checkout_at == 0 ? to : s.checkout_at, to);
      total += std::max<std::int64_t>(0, end - std::max(s.checkin_at, from));
    }
    return total;
  }
  std::vector<Shift> of_person(std::int64_t person_id, std::int64_t from,
                               std::int64_t to) override {
    std::vector<Shift> out;
    for (const auto& [id, s] : rows_) {
      if (s.person_id == person_id && s.checkin_at < to &&
          (s.checkout_at == 0 || s.checkout_at > from))
        out.push_back(s);
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const Shift& a, const Shift& b) { return a.checkin_at < b.checkin_at; });
    return out;
  }

  // Every open shift of a person: the invariant says at most one.
  int open_count(std::int64_t person_id) const {
    return static_cast<int>(std::count_if(rows_.begin(), rows_.end(), [&](const auto& row) {
      return row.second.person_id == person_id && row.second.checkout_at == 0;
    }));
  }

 private:
  void run_interleave() {
    if (!interleave) return;
    auto other = std::move(interleave);
    interleave = nullptr;
    other();
  }

  std::map<std::int64_t, Shift> rows_;
  std::int64_t last_id_ = 0;
};

}  // namespace linli::test
