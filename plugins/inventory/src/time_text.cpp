#include "time_text.h"

#include <cstdio>

namespace agape::inventory {

std::string rfc3339Utc(long long ms) {
  using namespace std::chrono;
  const sys_time<milliseconds> t{milliseconds{ms}};
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss<milliseconds> hms{t - day};
  char buf[48];
  const int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(ymd.year()),
                              static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                              static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                              static_cast<int>(hms.seconds().count()));
  std::string out(buf, static_cast<std::size_t>(n));
  if (const auto sub = hms.subseconds().count(); sub != 0) {
    std::snprintf(buf, sizeof buf, ".%03d", static_cast<int>(sub));
    out += buf;
  }
  return out + "Z";
}

}  // namespace agape::inventory
