#include "agape/clock.h"

#include <date/date.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <sstream>
#include <string>

namespace agape {

std::string rfc3339(long long epochMs) {
  const long long ms = ((epochMs % 1000) + 1000) % 1000;
  const std::time_t secs = static_cast<std::time_t>((epochMs - ms) / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[48];
  if (ms == 0)
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec);
  else
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

std::optional<long long> parseTime(std::string_view t) {
  using std::chrono::milliseconds;
  if (t.size() < 10 || t.size() > 64) return std::nullopt;
  std::string text(t);
  std::istringstream in;
  const auto read = [&](const char* format, auto& into) {
    in.clear();
    in.str(text);
    in >> date::parse(format, into);
    return !in.fail() && in.peek() == std::char_traits<char>::eof();
  };
  if (text.size() == 10) {  // a date: its midnight UTC
    date::sys_days day;
    if (!read("%F", day)) return std::nullopt;
    return std::chrono::duration_cast<milliseconds>(day.time_since_epoch()).count();
  }
  // RFC 3339 allows 't' and 'z'; the library reads "+hh:mm" only, and as
  // many fraction digits as the precision: the rest of a longer fraction is
  // dropped (truncated to the millisecond, as times are kept).
  if (text[10] == 't') text[10] = 'T';
  if (text.back() == 'Z' || text.back() == 'z') text.replace(text.size() - 1, 1, "+00:00");
  if (const auto dot = text.find('.'); dot != std::string::npos) {
    const auto digits = text.find_first_not_of("0123456789", dot + 1);
    if (digits == std::string::npos || digits == dot + 1) return std::nullopt;
    if (digits > dot + 4) text.erase(dot + 4, digits - dot - 4);
  }
  // The library takes a one-digit hour or minute; RFC 3339 has two of each.
  if (text.size() < 25 || text[13] != ':' || text[16] != ':' || text[text.size() - 3] != ':') return std::nullopt;
  date::sys_time<milliseconds> at;
  if (!read("%FT%T%Ez", at)) return std::nullopt;
  return at.time_since_epoch().count();
}

}  // namespace agape
