#include "agape/clock.h"

#include <cctype>
#include <cstdio>
#include <ctime>

namespace agape {
namespace {

int daysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

}  // namespace

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
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  auto digits = [&](std::size_t at, std::size_t n, int& out) {
    if (at + n > t.size()) return false;
    out = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(t[i]))) return false;
      out = out * 10 + (t[i] - '0');
    }
    return true;
  };
  if (!digits(0, 4, y) || t.size() < 10 || t[4] != '-' || !digits(5, 2, mo) || t[7] != '-' || !digits(8, 2, d)) return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return std::nullopt;
  long long offsetMin = 0;
  long long ms = 0;
  if (t.size() > 10) {
    if ((t[10] != 'T' && t[10] != 't') || !digits(11, 2, h) || t.size() < 19 || t[13] != ':' || !digits(14, 2, mi) ||
        t[16] != ':' || !digits(17, 2, s) || h > 23 || mi > 59 || s > 60)
      return std::nullopt;
    std::size_t i = 19;
    if (i < t.size() && t[i] == '.') {
      std::size_t n = 0;
      for (++i; i < t.size() && std::isdigit(static_cast<unsigned char>(t[i])); ++i, ++n)
        if (n < 3) ms = ms * 10 + (t[i] - '0');
      if (n == 0) return std::nullopt;
      for (; n < 3; ++n) ms *= 10;
    }
    if (i == t.size()) return std::nullopt;
    if (t[i] == 'Z' || t[i] == 'z') {
      if (i + 1 != t.size()) return std::nullopt;
    } else if (t[i] == '+' || t[i] == '-') {
      int oh = 0, om = 0;
      if (t.size() != i + 6 || !digits(i + 1, 2, oh) || t[i + 3] != ':' || !digits(i + 4, 2, om)) return std::nullopt;
      offsetMin = (t[i] == '+' ? 1 : -1) * (oh * 60 + om);
    } else {
      return std::nullopt;
    }
  }
  const long long days = daysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return ((days * 24 + h) * 60 + mi - offsetMin) * 60'000 + s * 1000LL + ms;
}

}  // namespace agape
