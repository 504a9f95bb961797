#pragma once
// Token buckets per (client, rate-limit class). Sharded maps keep the lock
// per shard short; idle full buckets are pruned so memory stays bounded.

#include <array>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "config/kernel_config.h"

namespace agape::kernel {

class RateLimiter {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  struct Decision {
    bool allowed;
    double limit;           // bucket capacity
    double remaining;       // whole tokens left after this request
    double resetSeconds;    // until the bucket is full again
    double retryAfterSeconds;  // until one token is available (when refused)
  };

  explicit RateLimiter(std::map<std::string, RateLimitClass> classes, Clock clock = {});
  // Unknown classes fall back to "default". Thread-safe.
  Decision take(std::string_view cls, std::string_view client);
  bool hasClass(std::string_view cls) const { return classes_.count(std::string(cls)) > 0; }
  std::size_t trackedClients() const;

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point updated;
  };
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, Bucket> buckets;
  };
  void prune(Shard& shard, std::chrono::steady_clock::time_point now);

  std::map<std::string, RateLimitClass> classes_;
  Clock clock_;
  std::array<Shard, 16> shards_;
};

}  // namespace agape::kernel
