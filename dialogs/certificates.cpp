#include "dialogs/certificates.hpp"

#include <set>
#include <sstream>

#include "dialogs/hours.hpp"
#include "dialogs/shifts.hpp"
#include "dialogs/time_text.hpp"
#include "dialogs/turn.hpp"

namespace linli::certificates {
namespace {

std::string join(const std::vector<std::string>& parts, Lang l) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : (l == Lang::zh ? "；" : "; ")) + p;
  return out.empty() ? say(l, Msg::cert_none) : out;
}

// What a code typed back at us may show: never more than a code's length, cut between two
// characters (a cut inside one would be invalid UTF-8, which no platform takes).
std::string shown_code(const std::string& typed) {
  std::string t = trim(typed);
  if (t.size() <= 40) return t;
  std::size_t cut = 40;
  while (cut > 0 && (static_cast<unsigned char>(t[cut]) & 0xC0) == 0x80) --cut;
  return t.substr(0, cut) + "…";
}

// Whether `typed` has a verification code's shape, "<digits>-<hex>" (as certificates print
// it), wrong or not: "验证 一下" is talk, "验证 12-abc" a code that deserves an answer.
bool looks_like_code(const std::string& typed) {
  const std::string t = trim(typed);
  const auto dash = t.find('-');
  if (dash == 0 || dash == std::string::npos || dash + 1 == t.size()) return false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char ch = t[i];
    const bool digit = ch >= '0' && ch <= '9';
    const bool hex = digit || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
    if (i < dash ? !digit : (i > dash && !hex)) return false;
  }
  return true;
}

void revoke(Turn& turn, const std::string& code) {
  if (turn.dir.coordinated_by(turn.person.id).empty()) {
    return turn.refuse(turn.say(Msg::not_coordinator)), void();
  }
  if (trim(code).empty()) return turn.refuse(turn.say(Msg::cert_usage)), void();
  CertificateCheck check = turn.store.certificates.check(code);
  if (check.status == CertificateStatus::invalid) {
    // A wrong code of a code's shape ("12-…") is an answer; other words after 验证 are talk.
    std::string text = turn.say(Msg::verify_invalid, {{"code", shown_code(code)}});
    if (looks_like_code(code)) return turn.reply(std::move(text)), void();
    return turn.refuse(std::move(text));
  }
  const Certificate& c = *check.certificate;
  // Only a coordinator of the community that issued it.
  if (!turn.dir.is_coordinator(c.community_id, turn.person.id)) {
    return turn.refuse(turn.say(Msg::not_coordinator)), void();
  }
  if (check.status == CertificateStatus::revoked ||
      !turn.store.certificates.revoke(c.id, turn.person.id, turn.now)) {
    return turn.reply(turn.say(Msg::cert_already_revoked, {{"code", c.code}})), void();
  }
  turn.reply(turn.say(Msg::cert_revoked_ok, {{"name", c.name}, {"code", c.code}}));
  if (c.person_id != turn.person.id) {
    turn.tell(c.person_id, say(turn.lang_of(c.person_id), Msg::cert_revoked_you,
                               {{"by", turn.name_of(turn.person.id)}, {"code", c.code}}));
  }
}

}  // namespace

CertificateView view(const Certificate& c, int utc_offset_min) {
  const Lang l = lang_from_code(c.lang, Lang::zh);
  CertificateView v;
  v.title = say(l, Msg::cert_title);
  v.statement = say(l, Msg::cert_statement,
                    {{"name", c.name},
                     {"organisation", c.organisation},
                     {"from", c.from_date},
                     {"to", c.to_date},
                     {"hours", shifts::hours_text(c.hours_ms)}});
  std::vector<std::string> teams, tasks;
  for (const auto& [team, ms] : c.teams) {
    teams.push_back(say(l, Msg::hours_team_line,
                        {{"team", team.empty() ? say(l, Msg::hours_no_team) : team_name(team, l)},
                         {"hours", shifts::hours_text(ms)}}));
  }
  for (const auto& [category, n] : c.tasks) {
    auto skill = skill_from_code(category);
    tasks.push_back(say(l, Msg::cert_task_item,
                        {{"category", skill ? std::string(skill_name(*skill, l)) : category},
                         {"n", std::to_string(n)}}));
  }
  v.rows = {{say(l, Msg::cert_teams), join(teams, l)},
            {say(l, Msg::cert_posts), join(c.posts, l)},
            {say(l, Msg::cert_tasks), join(tasks, l)},
            {say(l, Msg::cert_issued_on), iso_date(c.issued_at, utc_offset_min)},
            {say(l, Msg::cert_code), c.code}};
  return v;
}

std::string text(const Certificate& c, int utc_offset_min) {
  const CertificateView v = view(c, utc_offset_min);
  const bool zh = lang_from_code(c.lang, Lang::zh) == Lang::zh;
  std::string out = v.title + "\n" + v.statement;
  for (const auto& [label, value] : v.rows) out += "\n" + label + (zh ? "：" : ": ") + value;
  return out;
}

void command(Turn& turn, const std::string& args) {
  std::istringstream in{trim(args)};
  std::string first, second, extra;
  in >> first >> second >> extra;
  if (lower_ascii(first) == "revoke" || first == "撤销" || first == "作废") {
    return revoke(turn, second);
  }
  const std::int64_t me = turn.person.id;
  auto v = turn.store.volunteers.get(me);
  if (!v || v->status != VolunteerStatus::approved) {
    return turn.refuse(turn.say(Msg::cert_not_volunteer)), void();
  }
  const int offset = turn.utc_offset_min(v->community_id);
  const std::int64_t today = local_day_start(turn.now, offset);
  std::int64_t from_day = 0;
  std::int64_t to_day = today;
  if (!first.empty()) {
    auto from = parse_iso_date(first, offset);
    auto to = parse_iso_date(second, offset);
    if (!from || !to || !extra.empty() || *from > *to || *from > today) {
      return turn.refuse(turn.say(Msg::cert_usage)), void();
    }
    from_day = *from;
    to_day = std::min(*to, today);
  } else {
    // All the service so far: from the first day that counts.
    for (const auto& d : hours::days_of(turn, me, v->community_id, 0, turn.now)) {
      if (d.counted_ms > 0) {
        from_day = d.day;
        break;
      }
    }
    if (from_day == 0) from_day = today;
  }
  const std::int64_t end = std::min(to_day + kDay, turn.now);
  const auto days = hours::days_of(turn, me, v->community_id, from_day, end);
  Certificate c;
  c.hours_ms = HoursLedger::total(days);
  c.from_date = iso_date(from_day, offset);
  c.to_date = iso_date(to_day, offset);
  if (c.hours_ms == 0) {
    return turn.reply(turn.say(Msg::cert_no_hours, {{"from", c.from_date}, {"to", c.to_date}})),
           void();
  }
  const Community* community = turn.dir.community(v->community_id);
  c.person_id = me;
  c.community_id = v->community_id;
  c.name = v->name;
  c.organisation = community ? community->name : v->community_id;
  c.lang = std::string(lang_code(turn.lang));
  for (const auto& [team, ms] : HoursLedger::by_team(days)) c.teams.emplace_back(team, ms);
  std::set<std::int64_t> seen;
  for (const auto& s : turn.store.shifts.of_person(me, from_day, end)) {
    if (s.post_id == 0 || !seen.insert(s.post_id).second) continue;
    if (auto p = turn.store.posts.get(s.post_id)) {
      c.posts.push_back(std::to_string(p->id) + " " + p->title);
    }
  }
  c.tasks = turn.store.service.tasks_done(me, from_day, end);
  c.issued_at = turn.now;
  c.issued_by = me;
  c = turn.store.certificates.issue(c);
  std::string message =
      text(c, offset) + "\n" + turn.say(Msg::cert_how_to_verify, {{"code", c.code}});
  if (!turn.config.certificates.base_url.empty()) {
    message +=
        "\n" + turn.say(Msg::cert_link,
                        {{"url", turn.config.certificates.base_url + "/certificates/" + c.code}});
  }
  // A certificate is its volunteer's to show: asked in a group, it goes privately.
  turn.reply_privately(std::move(message));
}

void verify(Turn& turn, const std::string& args) {
  const std::string code = trim(args);
  if (code.empty()) return turn.refuse(turn.say(Msg::verify_usage)), void();
  CertificateCheck check = turn.store.certificates.check(code);
  if (check.status == CertificateStatus::invalid) {
    // A wrong code of a code's shape ("12-…") is an answer; other words after 验证 are talk.
    std::string text = turn.say(Msg::verify_invalid, {{"code", shown_code(code)}});
    if (looks_like_code(code)) return turn.reply(std::move(text)), void();
    return turn.refuse(std::move(text));
  }
  const Certificate& c = *check.certificate;
  const int offset = turn.utc_offset_min(c.community_id);
  if (check.status == CertificateStatus::revoked) {
    return turn.reply(turn.say(Msg::verify_revoked,
                               {{"code", c.code}, {"date", iso_date(c.revoked_at, offset)}})),
           void();
  }
  turn.reply(turn.say(Msg::verify_valid, {{"code", c.code}, {"certificate", text(c, offset)}}));
}

}  // namespace linli::certificates
