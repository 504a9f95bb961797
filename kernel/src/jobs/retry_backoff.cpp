#include "jobs/retry_backoff.h"

#include <algorithm>
#include <random>

namespace agape::kernel {

std::chrono::milliseconds retryDelay(int attempt, double jitter) {
  const int exponent = std::clamp(attempt, 0, 30);
  const double base = std::min<double>(static_cast<double>(1LL << exponent) * 1000.0,
                                       static_cast<double>(kMaxRetryDelay.count()));
  const double factor = 1.0 + kRetryJitter * std::clamp(jitter, -1.0, 1.0);
  return std::chrono::milliseconds(static_cast<long long>(base * factor));
}

std::chrono::milliseconds randomRetryDelay(int attempt) {
  thread_local std::mt19937 rng{std::random_device{}()};
  std::uniform_real_distribution<double> pick(-1.0, 1.0);
  return retryDelay(attempt, pick(rng));
}

}  // namespace agape::kernel
