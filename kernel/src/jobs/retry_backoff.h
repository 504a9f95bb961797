#pragma once
// Delay before the next attempt of a failed job: 2^attempt seconds (2 s, 4 s,
// 8 s ...) capped at one hour, spread ±20% so that jobs failing together
// (a payment provider down) do not all retry in the same instant.

#include <chrono>

namespace agape::kernel {

inline constexpr std::chrono::milliseconds kMaxRetryDelay{std::chrono::hours(1)};
inline constexpr double kRetryJitter = 0.2;

// `attempt` is the attempt that just failed (1 on the first); `jitter` in
// [-1, 1] picks a point in the ±20% band (0: exactly 2^attempt s).
std::chrono::milliseconds retryDelay(int attempt, double jitter);

// retryDelay with a random jitter.
std::chrono::milliseconds randomRetryDelay(int attempt);

}  // namespace agape::kernel
