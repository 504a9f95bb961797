#include "admin_config.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>

namespace agape::admin {

std::string zoneinfoDir() {
  const char* dir = std::getenv("TZDIR");
  return dir && *dir ? dir : "/usr/share/zoneinfo";
}

bool isTimeZone(std::string_view name, const std::string& dir) {
  if (name.empty() || name.size() > 100) return false;
  std::size_t segment = 0;  // where the current path segment starts
  for (std::size_t i = 0; i <= name.size(); ++i) {
    if (i == name.size() || name[i] == '/') {
      // No empty segment (leading, trailing or doubled '/') and none that
      // starts with a dot ("..", hidden files).
      if (i == segment || name[segment] == '.') return false;
      segment = i + 1;
      continue;
    }
    const unsigned char c = static_cast<unsigned char>(name[i]);
    if (!std::isalnum(c) && c != '_' && c != '-' && c != '+' && c != '.') return false;
  }
  std::ifstream file(dir + "/" + std::string(name), std::ios::binary);
  char magic[4] = {};
  // A directory opens but does not read; tables (zone.tab) lack the magic.
  return file.read(magic, sizeof magic) && std::string_view(magic, sizeof magic) == "TZif";
}

AdminConfig decodeAdminConfig(const ConfigView& section) {
  AdminConfig c;
  ConfigDecoder d(section);
  c.timeZone = d.string("timeZone", c.timeZone);
  c.currency = d.string("currency", c.currency);
  c.reportCacheTtl = d.duration("reportCacheTtl", c.reportCacheTtl);
  d.finish();
  if (c.currency.size() != 3 || !std::all_of(c.currency.begin(), c.currency.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; }))
    section.child("currency")->fail("must be an ISO 4217 code in capitals, such as NGN");
  if (c.reportCacheTtl.count() < 0 || c.reportCacheTtl > std::chrono::minutes(10))
    section.child("reportCacheTtl")->fail("must be 0 (off) to 10m");
  const std::string dir = zoneinfoDir();
  if (!isTimeZone(c.timeZone, dir)) {
    const auto key = section.child("timeZone");
    (key->present() ? *key : section)
        .fail("\"" + c.timeZone + "\" is not a time zone of the tz database in " + dir +
              " (a name such as Africa/Lagos; install the tzdata package or set TZDIR)");
  }
  return c;
}

}  // namespace agape::admin
