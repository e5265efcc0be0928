#include "storage/exports.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <limits>
#include <map>
#include <stdexcept>

#include "dialogs/catalogue.hpp"
#include "dialogs/fleet.hpp"
#include "dialogs/hours.hpp"
#include "dialogs/time_text.hpp"
#include "dialogs/vocabulary.hpp"
#include "storage/field_cipher.hpp"

namespace linli::storage {
namespace {

// A column's name in the service's language (`lang`): spreadsheets are read by coordinators.
struct Column {
  std::string_view zh;
  std::string_view en;
};

std::vector<std::string> header(std::span<const Column> columns, Lang l) {
  std::vector<std::string> out;
  for (const auto& c : columns) out.emplace_back(l == Lang::zh ? c.zh : c.en);
  return out;
}

Lang lang_of(const ExportContext& ctx) {
  return lang_from_code(ctx.config.lang, Lang::zh);
}

// The local days of the range in a community's zone, as [from, to).
struct Range {
  std::int64_t from = 0;
  std::int64_t to = 0;
};

Range range_in(const ExportContext& ctx, const CommunityConfig& c) {
  auto from = parse_iso_date(ctx.from_date, c.utc_offset_min);
  auto to = parse_iso_date(ctx.to_date, c.utc_offset_min);
  if (!from || !to) throw std::invalid_argument("the range is not two dates");
  return {*from, *to + kDay};
}

std::string hours(std::int64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(ms) / kHour);
  return buf;
}

// "2026-11-20 08:30" in the zone, "" for 0 (never happened).
std::string local_time(std::int64_t at, int utc_offset_min) {
  if (at == 0) return "";
  const std::int64_t local = at + utc_offset_min * kMinute;
  const std::int64_t in_day = ((local % kDay) + kDay) % kDay;
  char buf[16];
  std::snprintf(buf, sizeof buf, " %02d:%02d", static_cast<int>(in_day / kHour),
                static_cast<int>(in_day % kHour / kMinute));
  return iso_date(at, utc_offset_min) + buf;
}

std::string person_name(SqliteStore& store, std::int64_t id) {
  if (auto v = store.volunteers.get(id); v && !v->name.empty()) return v->name;
  auto p = store.people.get(id);
  return p ? p->name : "";
}

constexpr Column kHoursColumns[] = {{"日期", "date"},
                                    {"社区", "community"},
                                    {"志愿者编号", "volunteer_id"},
                                    {"志愿者", "volunteer"},
                                    {"队伍", "team"},
                                    {"小时", "hours"},
                                    {"已更正", "corrected"},
                                    {"更正原因", "correction_reason"}};

// One row per volunteer, day and team: the hours that count (what /hours shows), so that a
// pivot table sums them by any of the three.
ExportTable export_hours(ExportContext& ctx) {
  const Lang l = lang_of(ctx);
  ExportTable t{header(kHoursColumns, l), {}};
  SQLite::Statement people(
      ctx.store.db.sql(),
      "SELECT person_id FROM shifts WHERE community_id = :c AND checkin_at < :to AND "
      "(checkout_at IS NULL OR checkout_at > :from) UNION SELECT person_id FROM "
      "hours_corrections WHERE community_id = :c AND day >= :from AND day < :to ORDER BY 1");
  for (const auto& c : ctx.config.communities) {
    const Range r = range_in(ctx, c);
    const std::int64_t to = std::min(r.to, ctx.now);
    const HoursLedger ledger(ShiftRules(ctx.config.shifts.daily_hours_cap, c.utc_offset_min));
    people.reset();
    people.bind(":c", c.id);
    people.bind(":from", r.from);
    people.bind(":to", r.to);
    std::vector<std::int64_t> ids;
    while (people.executeStep()) ids.push_back(people.getColumn(0).getInt64());
    std::vector<std::vector<std::string>> rows;
    for (std::int64_t id : ids) {
      const auto shifts = ctx.store.shifts.of_person(id, r.from, to);
      std::map<std::int64_t, std::string> team_of;
      for (const auto& s : shifts) {
        if (s.post_id == 0 || team_of.count(s.post_id)) continue;
        auto p = ctx.store.posts.get(s.post_id);
        team_of[s.post_id] = p ? p->team : "";
      }
      const auto days =
          ledger.days(shifts, team_of, ctx.store.records.corrections(id, r.from, r.to), r.from, to);
      const std::string name = person_name(ctx.store, id);
      for (const auto& d : days) {
        for (const auto& [team, ms] : d.by_team) {
          rows.push_back({iso_date(d.day, c.utc_offset_min), c.name, std::to_string(id), name,
                          team.empty() ? say(l, Msg::hours_no_team) : team_name(team, l), hours(ms),
                          d.correction ? (l == Lang::zh ? "是" : "yes") : "",
                          d.correction ? d.correction->reason : ""});
        }
        if (d.by_team.empty() && d.correction) {  // corrected to 0
          rows.push_back({iso_date(d.day, c.utc_offset_min), c.name, std::to_string(id), name, "",
                          hours(0), l == Lang::zh ? "是" : "yes", d.correction->reason});
        }
      }
    }
    // By day, then volunteer: the order a coordinator reads a register in.
    std::stable_sort(rows.begin(), rows.end(),
                     [](const auto& a, const auto& b) { return a[0] < b[0]; });
    for (auto& row : rows) t.rows.push_back(std::move(row));
  }
  return t;
}

constexpr Column kRequestColumns[] = {
    {"编号", "id"},        {"社区", "community"},   {"提出时间", "created"},
    {"类别", "category"},  {"楼栋", "building"},    {"紧急", "urgent"},
    {"状态", "status"},    {"志愿者", "volunteer"}, {"接单时间", "claimed"},
    {"完成时间", "done"},  {"评分", "rating"},      {"评价", "comment"},
    {"无人能接", "unmet"}, {"内容", "details"}};

std::string status_text(const std::string& s, Lang l) {
  if (l == Lang::en) return s;
  if (s == "open") return "待接单";
  if (s == "claimed") return "已接单";
  if (s == "done") return "已完成";
  if (s == "cancelled") return "已撤销";
  return s;
}

// Help requests made in the range. Never the address: private, and erased once a request is
// closed; what residents typed is masked as on the cards (phone numbers, house numbers).
ExportTable export_requests(ExportContext& ctx) {
  const Lang l = lang_of(ctx);
  ExportTable t{header(kRequestColumns, l), {}};
  SQLite::Statement q(ctx.store.db.sql(),
                      "SELECT id, created_at, category, building, urgent, status, "
                      "IFNULL(volunteer_id, 0), IFNULL(claimed_at, 0), IFNULL(done_at, 0), "
                      "IFNULL(rating, 0), IFNULL(comment, ''), unmet, details FROM help_requests "
                      "WHERE community_id = :c AND created_at >= :from AND created_at < :to "
                      "ORDER BY id");
  const std::string yes = l == Lang::zh ? "是" : "yes";
  for (const auto& c : ctx.config.communities) {
    const Range r = range_in(ctx, c);
    q.reset();
    q.bind(":c", c.id);
    q.bind(":from", r.from);
    q.bind(":to", r.to);
    while (q.executeStep()) {
      const int off = c.utc_offset_min;
      auto skill = skill_from_code(q.getColumn(2).getString());
      const std::int64_t volunteer = q.getColumn(6).getInt64();
      const int rating = q.getColumn(9).getInt();
      t.rows.push_back(
          {std::to_string(q.getColumn(0).getInt64()), c.name,
           local_time(q.getColumn(1).getInt64(), off),
           skill ? std::string(skill_name(*skill, l)) : q.getColumn(2).getString(),
           q.getColumn(3).getString(), q.getColumn(4).getInt() != 0 ? yes : "",
           status_text(q.getColumn(5).getString(), l),
           volunteer == 0 ? "" : person_name(ctx.store, volunteer),
           local_time(q.getColumn(7).getInt64(), off), local_time(q.getColumn(8).getInt64(), off),
           rating == 0 ? "" : std::to_string(rating), mask_for_group(q.getColumn(10).getString()),
           q.getColumn(11).getInt() != 0 ? yes : "", mask_for_group(q.getColumn(12).getString())});
    }
  }
  return t;
}

constexpr Column kVolunteerColumns[] = {{"志愿者编号", "volunteer_id"},
                                        {"社区", "community"},
                                        {"姓名", "name"},
                                        {"电话", "phone"},
                                        {"楼栋", "building"},
                                        {"技能", "skills"},
                                        {"空闲时间", "availability"},
                                        {"状态", "status"},
                                        {"报名日期", "signed_up"},
                                        {"期间小时", "hours"}};

std::string volunteer_status(VolunteerStatus s, Lang l) {
  switch (s) {
    case VolunteerStatus::pending:
      return l == Lang::zh ? "待审核" : "pending";
    case VolunteerStatus::approved:
      return l == Lang::zh ? "已通过" : "approved";
    case VolunteerStatus::rejected:
      return l == Lang::zh ? "未通过" : "rejected";
  }
  return "";
}

// Everyone who had signed up by the end of the range, with their phone (a coordinator needs to
// reach them) and the hours that counted within the range.
ExportTable export_volunteers(ExportContext& ctx) {
  const Lang l = lang_of(ctx);
  ExportTable t{header(kVolunteerColumns, l), {}};
  SQLite::Statement q(ctx.store.db.sql(),
                      "SELECT person_id FROM volunteers WHERE community_id = :c AND created_at < "
                      ":to ORDER BY person_id");
  for (const auto& c : ctx.config.communities) {
    const Range r = range_in(ctx, c);
    const std::int64_t to = std::min(r.to, ctx.now);
    const HoursLedger ledger(ShiftRules(ctx.config.shifts.daily_hours_cap, c.utc_offset_min));
    q.reset();
    q.bind(":c", c.id);
    q.bind(":to", r.to);
    std::vector<std::int64_t> ids;
    while (q.executeStep()) ids.push_back(q.getColumn(0).getInt64());
    for (std::int64_t id : ids) {
      auto v = ctx.store.volunteers.get(id);
      if (!v) continue;
      if (FieldCipher::is_sealed(v->phone)) {
        throw ExportConfigError(
            "encryption_key: volunteers.phone is encrypted: run the export with the service's "
            "encryption_key in its config");
      }
      const auto shifts = ctx.store.shifts.of_person(id, r.from, to);
      std::map<std::int64_t, std::string> no_teams;
      const auto days = ledger.days(shifts, no_teams,
                                    ctx.store.records.corrections(id, r.from, r.to), r.from, to);
      t.rows.push_back({std::to_string(id), c.name, v->name, v->phone, v->building,
                        skill_list_names(v->skills, l), v->availability,
                        volunteer_status(v->status, l), iso_date(v->created_at, c.utc_offset_min),
                        hours(HoursLedger::total(days))});
    }
  }
  return t;
}

constexpr Column kTripColumns[] = {
    {"行程", "trip"},          {"社区", "community"},     {"类型", "kind"},
    {"出发地", "from"},        {"目的地", "to"},          {"人数", "seats"},
    {"状态", "status"},        {"司机", "driver"},        {"车牌", "plate"},
    {"预约时间", "scheduled"}, {"提出时间", "requested"}, {"派出时间", "offered"},
    {"接单时间", "accepted"},  {"出发时间", "started"},   {"完成时间", "finished"},
    {"取消时间", "cancelled"}, {"求助编号", "request"}};

std::string trip_status(const std::string& s, Lang l) {
  if (l == Lang::en) return s;
  if (s == "offered") return "等司机回复";
  if (s == "accepted") return "已接单";
  if (s == "started") return "在路上";
  if (s == "done") return "已完成";
  if (s == "unserved") return "没有司机";
  if (s == "cancelled") return "已取消";
  return s;
}

// The fleet's trips scheduled in the range (as /report counts them), with every time each went
// through. Where from and where to are masked as on cards: a resident's ride has what they typed.
ExportTable export_trips(ExportContext& ctx) {
  const Lang l = lang_of(ctx);
  ExportTable t{header(kTripColumns, l), {}};
  SQLite::Statement q(ctx.store.db.sql(),
                      "SELECT t.id, t.kind, t.origin, t.destination, t.seats, t.status, "
                      "IFNULL(t.driver_id, 0), IFNULL(v.plate, ''), t.scheduled_at, "
                      "t.requested_at, IFNULL(t.offered_at, 0), IFNULL(t.accepted_at, 0), "
                      "IFNULL(t.started_at, 0), IFNULL(t.finished_at, 0), "
                      "IFNULL(t.cancelled_at, 0), IFNULL(t.request_id, 0) "
                      "FROM trips t LEFT JOIN vehicles v ON v.id = t.vehicle_id "
                      "WHERE t.community_id = :c AND t.scheduled_at >= :from AND "
                      "t.scheduled_at < :to ORDER BY t.scheduled_at, t.id");
  for (const auto& c : ctx.config.communities) {
    const Range r = range_in(ctx, c);
    const int off = c.utc_offset_min;
    q.reset();
    q.bind(":c", c.id);
    q.bind(":from", r.from);
    q.bind(":to", r.to);
    while (q.executeStep()) {
      const std::int64_t driver = q.getColumn(6).getInt64();
      const std::int64_t request = q.getColumn(15).getInt64();
      std::vector<std::string> row = {"T" + std::to_string(q.getColumn(0).getInt64()),
                                      c.name,
                                      fleet::kind_name(l, q.getColumn(1).getString()),
                                      mask_for_group(q.getColumn(2).getString()),
                                      mask_for_group(q.getColumn(3).getString()),
                                      std::to_string(q.getColumn(4).getInt()),
                                      trip_status(q.getColumn(5).getString(), l),
                                      driver == 0 ? "" : person_name(ctx.store, driver),
                                      q.getColumn(7).getString()};
      for (int i = 8; i <= 14; ++i) row.push_back(local_time(q.getColumn(i).getInt64(), off));
      row.push_back(request == 0 ? "" : "#" + std::to_string(request));
      t.rows.push_back(std::move(row));
    }
  }
  return t;
}

constexpr std::array<ExportKind, 4> kKinds = {{
    {"hours", "hours that count, per volunteer, day and team", export_hours},
    {"requests", "help requests made in the range (no addresses)", export_requests},
    {"volunteers", "volunteers signed up by the end of the range, with phones and hours",
     export_volunteers},
    {"trips", "the fleet's trips scheduled in the range, with every time logged", export_trips},
}};

// Digits with at most one decimal point ("5", "5.25"), or digit groups split by single spaces
// ("86 138 0013 8000"): what a spreadsheet shows as a number after a sign, never runs.
bool number_or_phone(std::string_view s) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  bool point = false, space = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool first_or_last = i == 0 || i + 1 == s.size();
    if (digit(s[i])) continue;
    if (first_or_last || !digit(s[i - 1]) || !digit(s[i + 1])) return false;
    if (s[i] == '.' && !point && !space) {
      point = true;
    } else if (s[i] == ' ' && !point) {
      space = true;
    } else {
      return false;
    }
  }
  return !s.empty();
}

// What a spreadsheet would run as a formula: = and @, a leading tab or carriage return, and +
// or - unless a number or a phone number follows ("-5", "+86 138 0013 8000" stay as they are;
// "-2+3", "+cmd|..." do not).
bool formula_like(std::string_view field) {
  if (field.empty()) return false;
  switch (field[0]) {
    case '=':
    case '@':
    case '\t':
    case '\r':
      return true;
    case '+':
    case '-':  // alone, a sign is text
      return field.size() > 1 && !number_or_phone(field.substr(1));
    default:
      return false;
  }
}

void append_field(std::string& out, std::string_view field) {
  std::string value;
  if (formula_like(field)) value = "'";
  value += field;
  if (value.find_first_of(",\"\r\n") == std::string::npos) {
    out += value;
    return;
  }
  out += '"';
  for (char ch : value) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
}

void append_row(std::string& out, const std::vector<std::string>& row) {
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (i > 0) out += ',';
    append_field(out, row[i]);
  }
  out += "\r\n";
}

}  // namespace

std::span<const ExportKind> export_kinds() {
  return kKinds;
}

const ExportKind* find_export(std::string_view name) {
  for (const auto& k : kKinds) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

std::string to_csv(const ExportTable& table) {
  std::string out = "\xEF\xBB\xBF";  // UTF-8 BOM: Excel reads the file as UTF-8 only with it
  append_row(out, table.header);
  for (const auto& row : table.rows) append_row(out, row);
  return out;
}

}  // namespace linli::storage
