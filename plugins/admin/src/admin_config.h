#pragma once
#include <chrono>
#include <string>
#include <string_view>

#include <agape/config.h>

namespace agape::admin {

struct AdminConfig {
  // The shop's time zone, an IANA name of the server's tz database: the days,
  // weeks and months of the dashboard's reports and the sales export.
  std::string timeZone = "Africa/Lagos";
  // The shop's currency (as cart.currency): the reports sum orders in it.
  std::string currency = "NGN";
  // How long the dashboard keeps an answer (0: never): see ReportCache.
  std::chrono::milliseconds reportCacheTtl{10'000};
};

// Strict decode of the `admin:` section (absent or empty: the defaults);
// throws agape::ConfigError. The time zone must be in zoneinfoDir().
AdminConfig decodeAdminConfig(const ConfigView& section);

// $TZDIR when set, else /usr/share/zoneinfo (the tzdata package).
std::string zoneinfoDir();

// True when `name` ("Africa/Lagos", "UTC") names a compiled zone (a TZif
// file) under `dir`; names that could leave `dir` are refused.
bool isTimeZone(std::string_view name, const std::string& dir);

}  // namespace agape::admin
