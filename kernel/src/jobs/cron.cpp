#include "jobs/cron.h"

#include <array>
#include <cctype>
#include <stdexcept>
#include <vector>

namespace agape::kernel {
namespace {

using namespace std::chrono;

struct FieldSpec {
  const char* name;
  int min;
  int max;
  const char* const* names;  // names[0] stands for `min`; nullptr when none
  int nameCount;
};

constexpr const char* kMonthNames[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                       "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr const char* kDayNames[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

const std::array<FieldSpec, 5> kFields = {{
    {"minute", 0, 59, nullptr, 0},
    {"hour", 0, 23, nullptr, 0},
    {"day-of-month", 1, 31, nullptr, 0},
    {"month", 1, 12, kMonthNames, 12},
    {"day-of-week", 0, 7, kDayNames, 7},  // 7 is Sunday too
}};

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

[[noreturn]] void fail(const FieldSpec& f, std::string_view part, const std::string& why) {
  throw std::invalid_argument(std::string(f.name) + " field \"" + std::string(part) + "\": " + why);
}

int number(const FieldSpec& f, std::string_view token, std::string_view part) {
  if (token.empty()) fail(f, part, "a value is missing");
  if (f.names && std::isalpha(static_cast<unsigned char>(token[0]))) {
    std::string upper;
    for (char c : token) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (int i = 0; i < f.nameCount; ++i)
      if (upper == f.names[i]) return f.min + i;
    fail(f, part, "unknown name \"" + std::string(token) + "\"");
  }
  int v = 0;
  for (char c : token) {
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      std::string what = "\"";  // built by appending: GCC 12 misreports "literal" + string (bug 105651)
      what.append(token).append("\" is not a number");
      fail(f, part, what);
    }
    v = v * 10 + (c - '0');
    if (v > 1000) break;
  }
  if (v < f.min || v > f.max)
    fail(f, part, std::to_string(v) + " is out of range " + std::to_string(f.min) + "-" + std::to_string(f.max));
  return v;
}

// Sets the bits of one field; returns whether it was restricted (not `*`).
template <std::size_t N>
bool parseField(const FieldSpec& f, std::string_view text, std::bitset<N>& bits) {
  bool restricted = true;
  for (std::string_view part : split(text, ',')) {
    if (part.empty()) fail(f, text, "empty list item");
    auto slash = part.find('/');
    std::string_view range = part.substr(0, slash);
    int step = 1;
    if (slash != std::string_view::npos) {
      std::string_view stepText = part.substr(slash + 1);
      if (stepText.empty()) fail(f, part, "the step is missing");
      step = 0;
      for (char c : stepText) {
        if (!std::isdigit(static_cast<unsigned char>(c)) || step > 1000) fail(f, part, "bad step");
        step = step * 10 + (c - '0');
      }
      if (step < 1) fail(f, part, "the step must be at least 1");
    }
    int lo = 0, hi = 0;
    if (range == "*") {
      lo = f.min;
      hi = f.max == 7 ? 6 : f.max;  // "*" in day-of-week is 0-6
      if (part == "*") restricted = false;
    } else if (auto dash = range.find('-'); dash != std::string_view::npos) {
      lo = number(f, range.substr(0, dash), part);
      hi = number(f, range.substr(dash + 1), part);
      if (lo > hi) fail(f, part, "the range is reversed");
    } else {
      lo = number(f, range, part);
      // "a/n" runs from a to the end of the field.
      hi = slash == std::string_view::npos ? lo : (f.max == 7 ? 6 : f.max);
    }
    for (int v = lo; v <= hi; v += step) bits.set(static_cast<std::size_t>(f.max == 7 && v == 7 ? 0 : v));
  }
  return restricted;
}

std::string_view macro(std::string_view text) {
  if (text == "@yearly" || text == "@annually") return "0 0 1 1 *";
  if (text == "@monthly") return "0 0 1 * *";
  if (text == "@weekly") return "0 0 * * 0";
  if (text == "@daily" || text == "@midnight") return "0 0 * * *";
  if (text == "@hourly") return "0 * * * *";
  return {};
}

}  // namespace

CronExpression CronExpression::parse(std::string_view text) {
  CronExpression c;
  c.text_ = std::string(text);
  std::string_view body = text;
  if (!body.empty() && body[0] == '@') {
    body = macro(body);
    if (body.empty()) throw std::invalid_argument("unknown cron macro \"" + std::string(text) + "\"");
  }
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < body.size()) {
    while (i < body.size() && std::isspace(static_cast<unsigned char>(body[i]))) ++i;
    std::size_t start = i;
    while (i < body.size() && !std::isspace(static_cast<unsigned char>(body[i]))) ++i;
    if (i > start) fields.push_back(body.substr(start, i - start));
  }
  if (fields.size() != 5)
    throw std::invalid_argument("a cron expression has 5 fields (minute hour day-of-month month day-of-week), \"" +
                                std::string(text) + "\" has " + std::to_string(fields.size()));
  parseField(kFields[0], fields[0], c.minutes_);
  parseField(kFields[1], fields[1], c.hours_);
  c.daysRestricted_ = parseField(kFields[2], fields[2], c.days_);
  parseField(kFields[3], fields[3], c.months_);
  c.weekdaysRestricted_ = parseField(kFields[4], fields[4], c.weekdays_);
  return c;
}

bool CronExpression::tryParse(std::string_view text, std::string& error) {
  try {
    parse(text);
    return true;
  } catch (const std::invalid_argument& e) {
    error = e.what();
    return false;
  }
}

namespace {
struct Civil {
  int year;
  unsigned month, day, hour, minute, weekday;
};

Civil civil(sys_time<minutes> t) {
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};
  return Civil{static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
               static_cast<unsigned>(hms.hours().count()), static_cast<unsigned>(hms.minutes().count()),
               weekday{day}.c_encoding()};
}
}  // namespace

bool CronExpression::matches(TimePoint tp) const {
  const Civil c = civil(floor<minutes>(tp));
  if (!minutes_[c.minute] || !hours_[c.hour] || !months_[c.month]) return false;
  const bool dayOk = days_[c.day];
  const bool weekdayOk = weekdays_[c.weekday];
  if (daysRestricted_ && weekdaysRestricted_) return dayOk || weekdayOk;
  return dayOk && weekdayOk;
}

std::optional<CronExpression::TimePoint> CronExpression::next(TimePoint after) const {
  sys_time<minutes> t = floor<minutes>(after) + minutes(1);
  // Skipping whole months, days and hours that cannot match keeps this to a
  // few hundred steps; five years covers every leap-year pattern, so an
  // expression that has not matched by then never will.
  const sys_time<minutes> limit = t + days(5 * 366 + 1);
  while (t < limit) {
    const Civil c = civil(t);
    if (!months_[c.month]) {
      const year_month next = year_month{year{c.year}, month{c.month}} + months(1);
      t = sys_days{next / 1};
      continue;
    }
    const bool dayOk = days_[c.day];
    const bool weekdayOk = weekdays_[c.weekday];
    const bool dayMatches =
        daysRestricted_ && weekdaysRestricted_ ? (dayOk || weekdayOk) : (dayOk && weekdayOk);
    if (!dayMatches) {
      t = floor<days>(t) + days(1);
      continue;
    }
    if (!hours_[c.hour]) {
      t = floor<hours>(t) + hours(1);
      continue;
    }
    if (!minutes_[c.minute]) {
      t += minutes(1);
      continue;
    }
    return time_point_cast<TimePoint::duration>(t);
  }
  return std::nullopt;
}

}  // namespace agape::kernel
