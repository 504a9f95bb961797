#pragma once
#include <chrono>
#include <string>

#include <agape/clock.h>

namespace agape::inventory {

// Milliseconds since the epoch (how times are stored) and RFC 3339: the SDK's.
using agape::epochMs;
inline long long nowMs(const Clock& clock) { return epochMs(clock.now()); }
inline std::chrono::system_clock::time_point fromEpochMs(long long ms) {
  return std::chrono::system_clock::time_point{std::chrono::milliseconds{ms}};
}

// RFC 3339 in UTC with milliseconds when there are any: 2026-11-24T10:15:00Z.
inline std::string rfc3339Utc(long long ms) { return agape::rfc3339(ms); }

}  // namespace agape::inventory
