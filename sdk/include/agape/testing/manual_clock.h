#pragma once
#include <atomic>
#include <chrono>

#include "agape/clock.h"

namespace agape::testing {

// A clock that moves only when told to. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start = TimePoint{std::chrono::seconds{1'800'000'000}})
      : nowNs_(start.time_since_epoch().count()) {}
  TimePoint now() const override { return TimePoint{TimePoint::duration{nowNs_.load()}}; }
  void advance(std::chrono::nanoseconds d) {
    nowNs_ += std::chrono::duration_cast<TimePoint::duration>(d).count();
  }
  void set(TimePoint t) { nowNs_ = t.time_since_epoch().count(); }

 private:
  std::atomic<TimePoint::duration::rep> nowNs_;
};

}  // namespace agape::testing
