#pragma once
#include "agape/clock.h"

namespace agape::kernel {

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
};

}  // namespace agape::kernel
