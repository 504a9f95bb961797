#include "http/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace agape::kernel {

namespace {
constexpr std::size_t kPruneAbove = 50'000;  // buckets per shard before idle ones are dropped
}

RateLimiter::RateLimiter(std::map<std::string, RateLimitClass> classes, Clock clock)
    : classes_(std::move(classes)), clock_(std::move(clock)) {
  if (!classes_.count("default")) classes_["default"] = RateLimitClass{};
  if (!clock_) clock_ = [] { return std::chrono::steady_clock::now(); };
}

RateLimiter::Decision RateLimiter::take(std::string_view cls, std::string_view client) {
  auto it = classes_.find(std::string(cls));
  if (it == classes_.end()) it = classes_.find("default");
  const RateLimitClass& c = it->second;
  const double perSecond = c.requests / std::chrono::duration<double>(c.per).count();

  std::string key;
  key.reserve(it->first.size() + client.size() + 1);
  key.append(it->first).append(1, '|').append(client);
  Shard& shard = shards_[std::hash<std::string>{}(key) % shards_.size()];
  auto now = clock_();

  std::lock_guard lock(shard.mutex);
  auto [b, inserted] = shard.buckets.try_emplace(std::move(key), Bucket{c.burst, now});
  Bucket& bucket = b->second;
  if (!inserted) {
    double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
    bucket.tokens = std::min(c.burst, bucket.tokens + elapsed * perSecond);
    bucket.updated = now;
  }
  Decision d{};
  d.limit = c.burst;
  if (bucket.tokens >= 1.0) {
    bucket.tokens -= 1.0;
    d.allowed = true;
  } else {
    d.allowed = false;
    d.retryAfterSeconds = (1.0 - bucket.tokens) / perSecond;
  }
  d.remaining = std::floor(bucket.tokens);
  d.resetSeconds = (c.burst - bucket.tokens) / perSecond;
  if (shard.buckets.size() > kPruneAbove) prune(shard, now);
  return d;
}

void RateLimiter::prune(Shard& shard, std::chrono::steady_clock::time_point now) {
  // A bucket idle long enough to be full again carries no state worth keeping.
  for (auto it = shard.buckets.begin(); it != shard.buckets.end();) {
    if (now - it->second.updated > std::chrono::minutes(10)) it = shard.buckets.erase(it);
    else ++it;
  }
}

std::size_t RateLimiter::trackedClients() const {
  std::size_t n = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s.mutex);
    n += s.buckets.size();
  }
  return n;
}

}  // namespace agape::kernel
