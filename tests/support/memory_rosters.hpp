#pragma once
// The Rosters port in memory, for domain tests that need no database. Each method behaves as
// the one statement behind the SQLite port does (storage/roster_repo.cpp): take(), move_up()
// and shrink() check the headcount and write in one step. `interleave` runs once, right before
// the next such step, as another instance's decision landing between this instance's read and
// its write.

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "dialogs/ports.hpp"

namespace linli::test {

class MemoryRosters final : public Rosters {
 public:
  std::function<void()> interleave;

  std::optional<RosterEntry> get(std::int64_t post_id, std::int64_t person_id) override {
    auto it = rows_.find({post_id, person_id});
    if (it == rows_.end()) return std::nullopt;
    return it->second.entry;
  }
  bool take(std::int64_t post_id, std::int64_t person_id, RosterStatus status, int headcount,
            std::int64_t now) override {
    run_interleave();
    if (occupied(post_id, person_id) >= headcount) return false;
    put(post_id, person_id, status, now);
    return true;
  }
  int wait(std::int64_t post_id, std::int64_t person_id, std::int64_t now) override {
    put(post_id, person_id, RosterStatus::waiting, now);
    std::int64_t mine = rows_.at({post_id, person_id}).seq;
    int position = 0;
    for (const auto& [key, row] : rows_) {
      if (key.first == post_id && row.entry.status == RosterStatus::waiting && row.seq <= mine)
        ++position;
    }
    return position;
  }
  bool move_up(std::int64_t post_id, std::int64_t person_id, RosterStatus to,
               int headcount) override {
    run_interleave();
    auto it = rows_.find({post_id, person_id});
    if (it == rows_.end() || it->second.entry.status != RosterStatus::waiting) return false;
    if (occupied(post_id, 0) >= headcount) return false;
    it->second.entry.status = to;
    return true;
  }
  std::vector<RosterEntry> shrink(std::int64_t post_id, int headcount) override {
    run_interleave();
    std::vector<Row*> on;
    std::int64_t lo = 0;
    bool any = false;
    for (auto& [key, row] : rows_) {
      if (key.first != post_id) continue;
      lo = any ? std::min(lo, row.seq) : row.seq;
      any = true;
      if (row.entry.status == RosterStatus::taken || row.entry.status == RosterStatus::held)
        on.push_back(&row);
    }
    // The latest sign-ups by when they joined, as the SQL does.
    std::sort(on.begin(), on.end(), [](Row* a, Row* b) {
      return std::pair(a->entry.joined_at, a->seq) < std::pair(b->entry.joined_at, b->seq);
    });
    std::vector<RosterEntry> moved;
    const std::size_t first = static_cast<std::size_t>(std::max(headcount, 0));
    const auto n = static_cast<std::int64_t>(on.size() > first ? on.size() - first : 0);
    for (std::size_t i = first; i < on.size(); ++i) {
      Row& row = *on[i];
      row.entry.status = RosterStatus::waiting;
      row.entry.confirmed = false;
      row.entry.reminded_at = 0;
      row.seq = lo - 1 - n + static_cast<std::int64_t>(i - first + 1);
      moved.push_back(row.entry);
    }
    return moved;
  }
  bool move(std::int64_t post_id, std::int64_t person_id, RosterStatus from,
            RosterStatus to) override {
    auto it = rows_.find({post_id, person_id});
    if (it == rows_.end() || it->second.entry.status != from) return false;
    it->second.entry.status = to;
    return true;
  }
  void confirm(std::int64_t post_id, std::int64_t person_id) override {
    if (auto it = rows_.find({post_id, person_id}); it != rows_.end())
      it->second.entry.confirmed = true;
  }
  void reminded(std::int64_t post_id, std::int64_t person_id, std::int64_t at) override {
    if (auto it = rows_.find({post_id, person_id}); it != rows_.end())
      it->second.entry.reminded_at = at;
  }
  RosterCounts counts(std::int64_t post_id) override {
    RosterCounts n;
    for (const auto& [key, row] : rows_) {
      if (key.first != post_id) continue;
      n.taken += row.entry.status == RosterStatus::taken;
      n.held += row.entry.status == RosterStatus::held;
      n.waiting += row.entry.status == RosterStatus::waiting;
    }
    return n;
  }
  std::vector<RosterEntry> of_post(std::int64_t post_id, RosterStatus status) override {
    std::vector<std::pair<std::int64_t, RosterEntry>> found;
    for (const auto& [key, row] : rows_) {
      if (key.first == post_id && row.entry.status == status)
        found.emplace_back(row.seq, row.entry);
    }
    std::sort(found.begin(), found.end(), [](auto& a, auto& b) { return a.first < b.first; });
    std::vector<RosterEntry> out;
    for (auto& f : found) out.push_back(f.second);
    return out;
  }
  std::optional<RosterEntry> first_waiting(std::int64_t post_id) override {
    auto waiting = of_post(post_id, RosterStatus::waiting);
    if (waiting.empty()) return std::nullopt;
    return waiting.front();
  }
  std::vector<RosterEntry> of_person(std::int64_t person_id) override {
    std::vector<RosterEntry> out;
    for (const auto& [key, row] : rows_) {
      if (key.second == person_id && row.entry.status != RosterStatus::gone)
        out.push_back(row.entry);
    }
    return out;
  }

 private:
  struct Row {
    RosterEntry entry;
    std::int64_t seq = 0;
  };

  void run_interleave() {
    if (!interleave) return;
    auto other = std::move(interleave);
    interleave = nullptr;
    other();
  }
  int occupied(std::int64_t post_id, std::int64_t except_person) const {
    int n = 0;
    for (const auto& [key, row] : rows_) {
      n += key.first == post_id && key.second != except_person &&
           (row.entry.status == RosterStatus::taken || row.entry.status == RosterStatus::held);
    }
    return n;
  }
  void put(std::int64_t post_id, std::int64_t person_id, RosterStatus status, std::int64_t now) {
    Row& row = rows_[{post_id, person_id}];
    row.entry = RosterEntry{post_id, person_id, status, false, now, 0};
    row.seq = ++seq_;
  }

  std::map<std::pair<std::int64_t, std::int64_t>, Row> rows_;
  std::int64_t seq_ = 0;
};

}  // namespace linli::test
