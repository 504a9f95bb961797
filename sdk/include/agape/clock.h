#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

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

// Milliseconds since the Unix epoch: how plugins store times.
inline long long epochMs(Clock::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// RFC 3339 in UTC, as the API writes times: "2026-11-24T10:15:00Z", with
// ".123" before the Z when the milliseconds are not zero.
std::string rfc3339(long long epochMs);

// A date ("2026-11-24", its midnight UTC) or an RFC 3339 time
// ("2026-11-24T10:15:00Z", ".25" fractions, "+01:00" offsets) as Unix ms;
// nothing when the text is neither.
std::optional<long long> parseTime(std::string_view text);

}  // namespace agape
