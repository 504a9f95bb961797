#include "agape/clock.h"

#include <cstdio>
#include <ctime>

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

}  // namespace agape
