#pragma once
#include <chrono>
#include <string>

#include <agape/clock.h>

namespace agape::inventory {

// Milliseconds since the epoch: how times are stored.
inline long long epochMs(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
inline long long nowMs(const Clock& clock) { return epochMs(clock.now()); }
inline std::chrono::system_clock::time_point fromEpochMs(long long ms) {
  return std::chrono::system_clock::time_point{std::chrono::milliseconds{ms}};
}

// RFC 3339 in UTC with milliseconds when there are any: 2026-11-24T10:15:00Z.
std::string rfc3339Utc(long long epochMs);

}  // namespace agape::inventory
