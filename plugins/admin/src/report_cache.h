#pragma once
// The dashboard's answers, kept for a few seconds (admin.reportCacheTtl):
// several staff watching the same dashboard, or one refreshing it, cost one
// read of the model per period and TTL, not one per view. The model itself
// follows the orders' events a moment behind, so a few seconds more is what
// a dashboard can show; 0 turns it off.
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

namespace agape::admin {

class ReportCache {
 public:
  using Clock = std::chrono::steady_clock;
  explicit ReportCache(std::chrono::milliseconds ttl, std::size_t maxEntries = 256)
      : ttl_(ttl), maxEntries_(maxEntries) {}

  // The answer kept for `key`, or `make()`'s, kept for the TTL. Concurrent
  // misses of one key may both compute it (and the last one is kept).
  std::string get(const std::string& key, const std::function<std::string()>& make);

 private:
  struct Entry {
    Clock::time_point expires;
    std::string body;
  };
  const std::chrono::milliseconds ttl_;
  const std::size_t maxEntries_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace agape::admin
