#pragma once
#include <chrono>
#include <string>

#include <agape/clock.h>

namespace agape::inventory {

// Milliseconds since the epoch: how times are stored.
using agape::epochMs;
inline long long nowMs(const Clock& clock) { return epochMs(clock.now()); }
inline std::chrono::system_clock::time_point fromEpochMs(long long ms) {
  return std::chrono::system_clock::time_point{std::chrono::milliseconds{ms}};
}

}  // namespace agape::inventory
