#include "shop_calendar.h"

#include <chrono>
#include <cstdio>

#include <date/date.h>
#include <date/iso_week.h>
#include <date/tz.h>

namespace agape::admin {
namespace {

using std::chrono::milliseconds;

date::sys_days sysDay(int day) { return date::sys_days{date::days{day}}; }

}  // namespace

ShopCalendar::ShopCalendar(const std::string& timeZone) : name_(timeZone), zone_(date::locate_zone(timeZone)) {}

int ShopCalendar::dayOf(long long epochMs) const {
  const date::sys_time<milliseconds> at{milliseconds{epochMs}};
  const auto local = zone_->to_local(at);
  return static_cast<int>(date::floor<date::days>(local).time_since_epoch().count());
}

long long ShopCalendar::startOf(int day) const {
  const date::local_days midnight{date::days{day}};
  // A gap at midnight (a spring-forward there) starts the day at the gap's end.
  const auto at = zone_->to_sys(midnight, date::choose::earliest);
  return std::chrono::duration_cast<milliseconds>(at.time_since_epoch()).count();
}

int ShopCalendar::today() const {
  return dayOf(std::chrono::duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

int ShopCalendar::bucketStart(int day, Bucket bucket) {
  const date::sys_days d = sysDay(day);
  switch (bucket) {
    case Bucket::Day:
      return day;
    case Bucket::Week: {
      const unsigned fromMonday = (date::weekday{d}.iso_encoding() + 6) % 7;  // Monday 0 .. Sunday 6
      return day - static_cast<int>(fromMonday);
    }
    case Bucket::Month: {
      const date::year_month_day ymd{d};
      return static_cast<int>(date::sys_days{ymd.year() / ymd.month() / 1}.time_since_epoch().count());
    }
  }
  return day;
}

int ShopCalendar::nextBucket(int day, Bucket bucket) {
  switch (bucket) {
    case Bucket::Day:
      return day + 1;
    case Bucket::Week:
      return bucketStart(day, bucket) + 7;
    case Bucket::Month: {
      const date::year_month_day ymd{sysDay(day)};
      const date::year_month next = ymd.year() / ymd.month() + date::months{1};
      return static_cast<int>(date::sys_days{next / 1}.time_since_epoch().count());
    }
  }
  return day + 1;
}

std::string ShopCalendar::label(int day, Bucket bucket) {
  const date::sys_days d = sysDay(day);
  char out[16];
  if (bucket == Bucket::Week) {
    const iso_week::year_weeknum_weekday w{d};
    std::snprintf(out, sizeof out, "%04d-W%02u", static_cast<int>(w.year()), static_cast<unsigned>(w.weeknum()));
    return out;
  }
  const date::year_month_day ymd{d};
  if (bucket == Bucket::Month) {
    std::snprintf(out, sizeof out, "%04d-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()));
    return out;
  }
  return isoDate(day);
}

std::string ShopCalendar::isoDate(int day) {
  const date::year_month_day ymd{sysDay(day)};
  char out[16];
  std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return out;
}

bool ShopCalendar::parseDate(std::string_view text, int& day) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  int y = 0, m = 0, d = 0;
  for (std::size_t i = 0; i < 10; ++i) {
    if (i == 4 || i == 7) continue;
    if (text[i] < '0' || text[i] > '9') return false;
    const int digit = text[i] - '0';
    if (i < 4) y = y * 10 + digit;
    else if (i < 7) m = m * 10 + digit;
    else d = d * 10 + digit;
  }
  const date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(m)},
                                 date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || y < 1970) return false;
  day = static_cast<int>(date::sys_days{ymd}.time_since_epoch().count());
  return true;
}

}  // namespace agape::admin
