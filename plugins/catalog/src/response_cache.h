#pragma once
// Rendered GET responses by normalised request, each kept for a TTL. Any
// catalogue write clears it (invalidate()); a generation counter makes sure a
// response rendered from data read before a write is never stored after it.
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace agape::catalog {

struct CachedResponse {
  int status = 200;
  std::string body;
  std::string etag;
};

class ResponseCache {
 public:
  using Clock = std::chrono::steady_clock;
  explicit ResponseCache(std::chrono::milliseconds ttl, std::size_t maxEntries = 10'000)
      : ttl_(ttl), maxEntries_(maxEntries) {}

  // The cached response for `key`, or renders one with `render` and keeps it.
  CachedResponse getOrRender(const std::string& key, const std::function<CachedResponse()>& render);
  void invalidate();
  std::uint64_t generation() const;
  std::size_t size() const;

 private:
  struct Entry {
    CachedResponse response;
    Clock::time_point expires;
  };
  std::chrono::milliseconds ttl_;
  std::size_t maxEntries_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  std::uint64_t generation_ = 0;
};

}  // namespace agape::catalog
