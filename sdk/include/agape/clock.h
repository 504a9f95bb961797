#pragma once
#include <chrono>

namespace agape {

// Wall-clock time, injected so that expiry and TTL logic is testable without
// sleeping. The kernel's clock is the system clock; tests use ManualClock
// (agape/testing/manual_clock.h).
class Clock {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

}  // namespace agape
