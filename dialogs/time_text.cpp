#include "dialogs/time_text.hpp"

#include <array>
#include <cctype>
#include <chrono>

namespace linli {
namespace {

using namespace std::chrono;

// A small cursor over the text, skipping the spaces people put anywhere.
struct Cursor {
  std::string_view s;
  std::size_t i = 0;

  void skip_space() {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    if (s.substr(i, 3) == "\xE3\x80\x80") {  // ideographic space
      i += 3;
      skip_space();
    }
  }
  bool eat(std::string_view w) {
    skip_space();
    if (s.substr(i, w.size()) != w) return false;
    i += w.size();
    return true;
  }
  bool eat_ci(std::string_view w) {
    skip_space();
    if (i + w.size() > s.size()) return false;
    for (std::size_t k = 0; k < w.size(); ++k) {
      if (std::tolower(static_cast<unsigned char>(s[i + k])) != w[k]) return false;
    }
    i += w.size();
    return true;
  }
  std::optional<int> number(int max_digits) {
    skip_space();
    std::size_t start = i;
    int n = 0;
    while (i < s.size() && i - start < static_cast<std::size_t>(max_digits) &&
           std::isdigit(static_cast<unsigned char>(s[i]))) {
      n = n * 10 + (s[i++] - '0');
    }
    if (i == start) return std::nullopt;
    return n;
  }
  bool done() {
    skip_space();
    return i >= s.size();
  }
};

// The day number of a date, or nullopt for one that does not exist: 2月30日 would otherwise
// silently become 2 March.
std::optional<std::int64_t> days_from_civil(int y, int m, int d) {
  year_month_day ymd{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days{ymd}.time_since_epoch().count();
}

// A date typed without its year: this year's, unless that is already past (before yesterday,
// which a night shift typed after midnight may still mean), then next year's: "1-05" in
// December. "2月29日" is refused, not moved, when the year it falls in has none.
std::optional<std::int64_t> date_ahead(int m, int d, std::int64_t today) {
  year_month_day yesterday{sys_days{days{today - 1}}};
  year_month_day now{sys_days{days{today}}};
  int y = static_cast<int>(now.year());
  bool past = yesterday.year() == now.year() &&
              (static_cast<unsigned>(yesterday.month()) > static_cast<unsigned>(m) ||
               (static_cast<unsigned>(yesterday.month()) == static_cast<unsigned>(m) &&
                static_cast<unsigned>(yesterday.day()) > static_cast<unsigned>(d)));
  return days_from_civil(past ? y + 1 : y, m, d);
}

// A clock time: "8:00", "08:00", "8点", "8点半", "8", "20：30".
std::optional<int> clock_minutes(Cursor& c) {
  auto h = c.number(2);
  if (!h || *h > 24) return std::nullopt;
  int m = 0;
  if (c.eat(":") || c.eat("：")) {
    auto mm = c.number(2);
    if (!mm || *mm > 59) return std::nullopt;
    m = *mm;
  } else if (c.eat("点")) {
    if (c.eat("半")) {
      m = 30;
    } else if (auto mm = c.number(2)) {
      if (*mm > 59) return std::nullopt;
      m = *mm;
      c.eat("分");
    }
  }
  if (*h == 24 && m != 0) return std::nullopt;
  return *h * 60 + m;
}

}  // namespace

namespace {

std::optional<TimeWindow> parse_window(std::string_view t, std::int64_t now_ms, int utc_offset_min,
                                       bool with_date) {
  Cursor c{t};
  std::int64_t local_now = now_ms + utc_offset_min * kMinute;
  std::int64_t today = local_now >= 0 ? local_now / kDay : (local_now - kDay + 1) / kDay;

  // The day: relative words, YYYY-MM-DD, MM-DD, M月D日, or nothing (today).
  std::int64_t day = today;
  std::size_t save = c.i;
  if (c.eat("今天") || c.eat("today")) {
  } else if (c.eat("明天") || c.eat("tomorrow")) {
    day = today + 1;
  } else if (c.eat("后天")) {
    day = today + 2;
  } else if (auto a = with_date ? c.number(4) : std::nullopt) {
    bool have_day = false;
    if (c.eat("-") || c.eat("/") || c.eat(".") || c.eat("年")) {
      auto b = c.number(2);
      if (b && (c.eat("-") || c.eat("/") || c.eat(".") || c.eat("月"))) {
        auto d = c.number(2);  // YYYY-MM-DD
        if (!d || *a < 2000) return std::nullopt;
        c.eat("日");
        c.eat("号");
        auto date = days_from_civil(*a, *b, *d);
        if (!date) return std::nullopt;
        day = *date;
        have_day = true;
      } else if (b) {  // MM-DD
        c.eat("日");
        c.eat("号");
        auto date = date_ahead(*a, *b, today);
        if (!date) return std::nullopt;
        day = *date;
        have_day = true;
      }
    } else if (c.eat("月")) {
      auto d = c.number(2);
      if (!d) return std::nullopt;
      c.eat("日");
      c.eat("号");
      auto date = date_ahead(*a, *d, today);
      if (!date) return std::nullopt;
      day = *date;
      have_day = true;
    }
    if (!have_day) c.i = save;  // it was the start time
  }

  auto start = clock_minutes(c);
  if (!start) return std::nullopt;
  if (!(c.eat("-") || c.eat("–") || c.eat("—") || c.eat("~") || c.eat("～") || c.eat("至") ||
        c.eat("到") || c.eat_ci("to"))) {
    return std::nullopt;
  }
  bool next_day = c.eat("次日") || c.eat("第二天");
  auto end = clock_minutes(c);
  if (!end || !c.done()) return std::nullopt;

  std::int64_t base = day * kDay - utc_offset_min * kMinute;
  TimeWindow w{base + *start * kMinute, base + *end * kMinute};
  if (next_day || w.ends_at <= w.starts_at) w.ends_at += kDay;
  // Still empty a day later: "24:00-0:00" (found by tests/fuzz).
  if (w.ends_at <= w.starts_at) return std::nullopt;
  if (w.ends_at - w.starts_at > kDay || w.ends_at <= now_ms) return std::nullopt;
  return w;
}

}  // namespace

std::optional<TimeWindow> parse_time_window(std::string_view text, std::int64_t now_ms,
                                            int utc_offset_min) {
  std::string t = lower_ascii(trim(text));
  // "8-12" reads as a date (August 12) with no time after it: then it is a time window today.
  if (auto w = parse_window(t, now_ms, utc_offset_min, true)) return w;
  return parse_window(t, now_ms, utc_offset_min, false);
}

std::int64_t local_day_start(std::int64_t at_ms, int utc_offset_min) {
  std::int64_t off = utc_offset_min * kMinute;
  std::int64_t local = at_ms + off;
  return local - ((local % kDay) + kDay) % kDay - off;
}

std::string format_time(std::int64_t at_ms, int utc_offset_min, Lang l) {
  std::int64_t local = at_ms + utc_offset_min * kMinute;
  std::int64_t d = local >= 0 ? local / kDay : (local - kDay + 1) / kDay;
  std::int64_t minutes = (local - d * kDay) / kMinute;
  year_month_day ymd{sys_days{days{d}}};
  char buf[64];
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  unsigned m = static_cast<unsigned>(ymd.month());
  unsigned day = static_cast<unsigned>(ymd.day());
  if (l == Lang::zh) {
    std::snprintf(buf, sizeof buf, "%u月%u日 %02d:%02d", m, day, static_cast<int>(minutes / 60),
                  static_cast<int>(minutes % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%s %u, %02d:%02d", kMonths[m - 1], day,
                  static_cast<int>(minutes / 60), static_cast<int>(minutes % 60));
  }
  return buf;
}

std::string format_time_window(const TimeWindow& w, int utc_offset_min, Lang l) {
  std::string end = format_time(w.ends_at, utc_offset_min, l);
  bool same_day = format_time(w.starts_at, utc_offset_min, l).substr(0, end.size() - 5) ==
                  end.substr(0, end.size() - 5);
  return format_time(w.starts_at, utc_offset_min, l) + "–" +
         (same_day ? end.substr(end.size() - 5) : end);
}

}  // namespace linli
