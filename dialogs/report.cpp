#include "dialogs/report.hpp"

#include <algorithm>
#include <chrono>
#include <sstream>

#include "dialogs/shifts.hpp"
#include "dialogs/time_text.hpp"

namespace linli::report {
namespace {

using namespace std::chrono;

// "2027-01-09" → its day number since the epoch; nullopt for anything else or a day that does
// not exist (2027-02-30).
std::optional<std::int64_t> iso_day(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto y = parse_number<int>(s.substr(0, 4), 1970, 9999);
  auto m = parse_number<unsigned>(s.substr(5, 2), 1, 12);
  auto d = parse_number<unsigned>(s.substr(8, 2), 1, 31);
  if (!y || !m || !d) return std::nullopt;
  year_month_day ymd{year{*y}, month{*m}, day{*d}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days{ymd}.time_since_epoch().count();
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a >= 0 ? a / b : (a - b + 1) / b;
}

// UTF-16 code units of the UTF-8 sequence starting with `lead`, and its length in bytes.
std::pair<std::size_t, std::size_t> code_point(unsigned char lead) {
  if (lead < 0x80) return {1, 1};
  if ((lead & 0xE0) == 0xC0) return {2, 1};
  if ((lead & 0xF0) == 0xE0) return {3, 1};
  if ((lead & 0xF8) == 0xF0) return {4, 2};
  return {1, 1};  // a stray byte: passed on as it is, counted as one
}

std::size_t units_of(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size();) {
    auto [bytes, units] = code_point(static_cast<unsigned char>(s[i]));
    i += bytes;
    n += units;
  }
  return n;
}

std::string person_hours(std::int64_t ms) {
  return shifts::hours_text(ms);
}

std::string team_label(Turn& turn, const std::string& team) {
  return team.empty() ? turn.say(Msg::no_team) : team_name(team, turn.lang);
}

std::string post_label(Turn& turn, std::int64_t post_id) {
  if (post_id == 0) return turn.say(Msg::no_post);
  auto p = turn.store.posts.get(post_id);
  return std::to_string(post_id) + (p ? " " + p->title : "");
}

// How many of a volunteer's ratings in the period the report quotes.
constexpr std::size_t kCommentsPerVolunteer = 10;

std::string render(Turn& turn, const Community& c, const Period& period, const Figures& f) {
  const int offset = c.utc_offset_min;
  std::vector<std::string> lines;
  lines.push_back(turn.say(Msg::report_header, {{"community", c.name},
                                                {"from", iso_date(period.from, offset)},
                                                {"to", iso_date(period.to - 1, offset)}}));
  lines.push_back(turn.say(Msg::report_requests, {{"total", std::to_string(f.total)},
                                                  {"claimed", std::to_string(f.claimed)},
                                                  {"unmet", std::to_string(f.unmet)},
                                                  {"cancelled", std::to_string(f.cancelled)},
                                                  {"open", std::to_string(f.open)}}));
  for (const auto& [code, n] : f.by_category) {
    Skill s = skill_from_code(code).value_or(Skill::other);
    lines.push_back(
        turn.say(Msg::report_category_line, {{"category", std::string(skill_name(s, turn.lang))},
                                             {"total", std::to_string(n.total)},
                                             {"claimed", std::to_string(n.claimed)},
                                             {"unmet", std::to_string(n.unmet)}}));
  }
  lines.push_back(turn.say(
      Msg::report_times, {{"claim_median", duration_text(percentile(f.to_claim, 50), turn.lang)},
                          {"claim_p90", duration_text(percentile(f.to_claim, 90), turn.lang)},
                          {"claim_n", std::to_string(f.to_claim.size())},
                          {"finish_median", duration_text(percentile(f.to_finish, 50), turn.lang)},
                          {"finish_p90", duration_text(percentile(f.to_finish, 90), turn.lang)},
                          {"finish_n", std::to_string(f.to_finish.size())}}));
  const feedback::Tally& all = f.feedback.all;
  lines.push_back(all.count == 0
                      ? turn.say(Msg::stats_feedback_none)
                      : turn.say(Msg::stats_feedback, {{"average", feedback::average_text(all)},
                                                       {"count", std::to_string(all.count)},
                                                       {"low", std::to_string(all.low)}}));
  if (all.count > 0) {
    lines.push_back(turn.say(Msg::report_feedback_header));
    auto tally_args = [](const feedback::Tally& t) {
      return std::pair{feedback::average_text(t), std::to_string(t.count)};
    };
    for (const auto& [team, t] : f.feedback.by_team) {
      auto [average, count] = tally_args(t);
      lines.push_back(
          turn.say(Msg::report_feedback_team,
                   {{"team", team_label(turn, team)}, {"average", average}, {"count", count}}));
    }
    for (const auto& [post, t] : f.feedback.by_post) {
      auto [average, count] = tally_args(t);
      lines.push_back(
          turn.say(Msg::report_feedback_post,
                   {{"post", post_label(turn, post)}, {"average", average}, {"count", count}}));
    }
    for (const auto& [volunteer, t] : f.feedback.by_volunteer) {
      auto [average, count] = tally_args(t);
      std::string comments = feedback::comment_lines(turn, t, kCommentsPerVolunteer);
      // Indented under the volunteer's line.
      for (std::size_t at = 0; (at = comments.find('\n', at)) != std::string::npos; at += 5)
        comments.replace(at, 1, "\n    ");
      lines.push_back(turn.say(Msg::report_feedback_volunteer, {{"name", turn.name_of(volunteer)},
                                                                {"average", average},
                                                                {"count", count},
                                                                {"comments", comments}}));
    }
  }
  lines.push_back(turn.say(Msg::report_hours_header));
  for (const auto& [team, ms] : f.hours_by_team) {
    lines.push_back(turn.say(Msg::report_hours_line,
                             {{"team", team_label(turn, team)}, {"hours", person_hours(ms)}}));
  }
  if (f.hours_by_team.empty()) lines.push_back("  " + turn.say(Msg::stats_none));
  lines.push_back(turn.say(Msg::report_top_header));
  int n = 0;
  for (const auto& [person, ms] : f.top) {
    lines.push_back(turn.say(
        Msg::report_top_line,
        {{"n", std::to_string(++n)}, {"name", turn.name_of(person)}, {"hours", person_hours(ms)}}));
  }
  if (f.top.empty()) lines.push_back("  " + turn.say(Msg::stats_none));
  lines.push_back(turn.say(Msg::report_commend_header));
  auto commendations = turn.store.commendations.in_period(c.id, period.from, period.to);
  for (const auto& k : commendations) {
    std::string who = k.person_id ? turn.name_of(k.person_id) : team_label(turn, k.team);
    lines.push_back(
        turn.say(Msg::report_commend_line, {{"time", format_time(k.at, offset, turn.lang)},
                                            {"who", who},
                                            {"text", k.text},
                                            {"by", turn.name_of(k.by)}}));
  }
  if (commendations.empty()) lines.push_back("  " + turn.say(Msg::stats_none));
  lines.push_back(turn.say(
      Msg::report_trips,
      {{"trips", std::to_string(turn.store.evaluation.trips(c.id, period.from, period.to))}}));
  std::string text;
  for (const auto& l : lines) text += (text.empty() ? "" : "\n") + l;
  return text;
}

// The smallest text limit of the platforms a private message may go out on: the event's, or,
// without an event, any configured one.
std::size_t text_limit(const Turn& turn) {
  if (const AdapterConfig* a = turn.config.adapter(turn.adapter())) return a->capabilities.max_text;
  std::size_t limit = 0;
  for (const auto& a : turn.config.adapters) {
    if (limit == 0 || a.capabilities.max_text < limit) limit = a.capabilities.max_text;
  }
  return limit == 0 ? 2048 : limit;
}

}  // namespace

std::optional<Period> parse_period(std::string_view args, std::int64_t now, int utc_offset_min) {
  std::istringstream in{std::string(args)};
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  std::int64_t today = floor_div(now + utc_offset_min * kMinute, kDay);
  std::int64_t first = today - 6;
  std::int64_t last = today;
  if (!words.empty()) {
    if (words.size() != 2) return std::nullopt;
    auto a = iso_day(words[0]);
    auto b = iso_day(words[1]);
    if (!a || !b || *a > *b || *b - *a + 1 > kMaxDays) return std::nullopt;
    first = *a;
    last = *b;
  }
  return Period{first * kDay - utc_offset_min * kMinute,
                (last + 1) * kDay - utc_offset_min * kMinute};
}

std::string iso_date(std::int64_t at, int utc_offset_min) {
  year_month_day ymd{sys_days{days{floor_div(at + utc_offset_min * kMinute, kDay)}}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

Figures compute(const std::vector<RequestFacts>& requests, const std::vector<Rating>& ratings,
                const std::vector<Served>& served) {
  Figures f;
  for (const auto& r : requests) {
    CategoryCount& c = f.by_category[r.category];
    ++f.total;
    ++c.total;
    // Each request in one bucket, so that they add up to the total: taken (whatever came of it);
    // else unmet, escalated and never taken since, the resident's cancelling afterwards
    // included (a need nobody served); else cancelled by the resident; else still waiting.
    if (r.claimed_at != 0) {
      ++f.claimed;
      ++c.claimed;
      f.to_claim.push_back(r.claimed_at - r.created_at);
    } else if (r.unmet) {
      ++f.unmet;
      ++c.unmet;
    } else if (r.status == RequestStatus::cancelled) {
      ++f.cancelled;
    } else if (r.status == RequestStatus::open) {
      ++f.open;
    }
    if (r.status == RequestStatus::done && r.done_at != 0) {
      f.to_finish.push_back(r.done_at - r.created_at);
    }
  }
  std::sort(f.to_claim.begin(), f.to_claim.end());
  std::sort(f.to_finish.begin(), f.to_finish.end());
  f.feedback = feedback::roll_up(ratings);
  std::map<std::string, std::int64_t> teams;
  std::map<std::int64_t, std::int64_t> people;
  for (const auto& s : served) {
    if (s.ms <= 0) continue;
    teams[s.team] += s.ms;
    people[s.person_id] += s.ms;
  }
  f.hours_by_team.assign(teams.begin(), teams.end());
  std::stable_sort(f.hours_by_team.begin(), f.hours_by_team.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  f.top.assign(people.begin(), people.end());
  std::stable_sort(f.top.begin(), f.top.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (f.top.size() > kTopVolunteers) f.top.resize(kTopVolunteers);
  return f;
}

std::optional<std::int64_t> percentile(const std::vector<std::int64_t>& values, int p) {
  if (values.empty()) return std::nullopt;
  // h = (n − 1)·p/100 as an integer part and hundredths, so no rounding of doubles decides.
  std::int64_t scaled = static_cast<std::int64_t>(values.size() - 1) * p;
  auto lo = static_cast<std::size_t>(scaled / 100);
  std::int64_t hundredths = scaled % 100;
  if (hundredths == 0 || lo + 1 >= values.size()) return values[lo];
  std::int64_t step = values[lo + 1] - values[lo];
  return values[lo] + (step * hundredths + 50) / 100;
}

std::string duration_text(std::optional<std::int64_t> ms, Lang l) {
  if (!ms) return "—";
  std::int64_t minutes = (*ms + kMinute / 2) / kMinute;
  if (minutes < 60) return say(l, Msg::duration_min, {{"m", std::to_string(minutes)}});
  return say(l, Msg::duration_hm,
             {{"h", std::to_string(minutes / 60)}, {"m", std::to_string(minutes % 60)}});
}

std::vector<std::string> split_message(std::string_view text, std::size_t max_units) {
  std::vector<std::string> out;
  if (max_units == 0) max_units = 1;
  std::string piece;
  std::size_t piece_units = 0;
  auto flush = [&] {
    if (!piece.empty()) out.push_back(std::move(piece));
    piece.clear();
    piece_units = 0;
  };
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    std::size_t units = units_of(line);
    std::size_t joined = piece.empty() ? units : piece_units + 1 + units;
    if (!piece.empty() && joined > max_units) flush();
    if (units <= max_units) {
      if (!piece.empty()) {
        piece += '\n';
        ++piece_units;
      }
      piece += line;
      piece_units += units;
    } else {
      // One line longer than a whole message: cut between characters.
      flush();
      for (std::size_t i = 0; i < line.size();) {
        auto [bytes, u] = code_point(static_cast<unsigned char>(line[i]));
        if (piece_units + u > max_units) flush();
        piece.append(line.substr(i, bytes));
        piece_units += u;
        i += bytes;
      }
    }
    if (end == text.size()) break;
    start = end + 1;
  }
  flush();
  return out;
}

void run(Turn& turn, std::string_view args) {
  const Community* c = turn.coordinated();
  if (c == nullptr) return turn.refuse(turn.say(Msg::not_coordinator)), void();
  turn.community = c;
  auto period = parse_period(args, turn.now, c->utc_offset_min);
  if (!period) {
    return turn.refuse(turn.say(Msg::report_usage, {{"days", std::to_string(kMaxDays)}})), void();
  }
  // A shift still open counts until now, not until the end of today.
  std::int64_t served_to = std::min(period->to, turn.now);
  Figures f = compute(turn.store.evaluation.requests(c->id, period->from, period->to),
                      turn.store.evaluation.ratings(c->id, period->from, period->to),
                      served_to > period->from
                          ? turn.store.evaluation.served(c->id, period->from, served_to)
                          : std::vector<Served>{});
  // Names, hours and residents' comments are for the coordinator: always privately.
  for (auto& piece : split_message(render(turn, *c, *period, f), text_limit(turn))) {
    turn.tell(turn.person.id, std::move(piece));
  }
  if (turn.in_group()) turn.reply(turn.say(Msg::mine_sent_private, {{"name", turn.person.name}}));
}

}  // namespace linli::report
