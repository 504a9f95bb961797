#pragma once
// Token buckets per (rate-limit class, client). Memory and the cost of a
// request stay bounded under a flood of distinct clients: each of the 16
// shards keeps its buckets in recency order, drops buckets idle long enough
// to be full again (they carry no state), and holds at most its share of a
// hard cap, beyond which the least recently used bucket makes room. What an
// evicted bucket still owed is kept in a fixed-size sketch, so its client
// comes back owing it: a flood cannot reset anyone's count.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/kernel_config.h"

namespace agape::kernel {

class RateLimiter {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  struct Decision {
    bool allowed;
    double limit;              // bucket capacity
    double remaining;          // whole tokens left after this request
    double resetSeconds;       // until the bucket is full again
    double retryAfterSeconds;  // until one token is available (when refused)
  };

  // About 84 bytes each (measured, see docs/performance.md): ~85 MB at the
  // cap, plus 2 MiB per class that reaches it for the evicted buckets' debts.
  static constexpr std::size_t kDefaultMaxBuckets = 1'000'000;

  // maxBuckets is rounded down to a multiple of the shard count (16), and is
  // at least 16; trackedClients() never exceeds the result.
  explicit RateLimiter(std::map<std::string, RateLimitClass> classes, Clock clock = {},
                       std::size_t maxBuckets = kDefaultMaxBuckets);
  ~RateLimiter();
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Unknown classes fall back to "default". Thread-safe. Allocates only when
  // it adds a client (amortised: when a shard's table grows or shrinks).
  Decision take(std::string_view cls, std::string_view client);
  bool hasClass(std::string_view cls) const { return classIndex_.contains(cls); }
  std::size_t trackedClients() const;

 private:
  class Shard;  // a bucket table with its recency list and its lock
  struct Rate {
    double perSecond;
    double burst;
  };

  std::map<std::string, std::uint32_t, std::less<>> classIndex_;
  std::vector<Rate> rates_;  // by class index
  std::uint32_t defaultClass_ = 0;
  std::size_t maxPerShard_;
  Clock clock_;
  std::unique_ptr<Shard[]> shards_;
};

}  // namespace agape::kernel
