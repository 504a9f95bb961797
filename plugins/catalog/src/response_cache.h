#pragma once
// Rendered GET responses by normalised request, each kept for a TTL and
// bounded in number (least recently used evicted first). Any catalogue write
// clears it (invalidate()); a generation counter makes sure a response
// rendered from data read before a write is never stored after it.
#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
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
  using Ptr = std::shared_ptr<const CachedResponse>;
  explicit ResponseCache(std::chrono::milliseconds ttl, std::size_t maxEntries = 10'000)
      : ttl_(ttl), maxEntries_(maxEntries == 0 ? 1 : maxEntries) {}

  // The cached response for `key`, or renders one with `render` and keeps it.
  // Hits share the stored response: no copy of the body.
  Ptr getOrRender(const std::string& key, const std::function<CachedResponse()>& render);
  // The live entry for `key`, or nullptr; never renders.
  Ptr peek(const std::string& key);
  void invalidate();
  std::uint64_t generation() const;
  std::size_t size() const;
  std::uint64_t evictions() const;

 private:
  struct Entry {
    Ptr response;
    Clock::time_point expires;
    std::list<std::string>::iterator recency;  // position in recency_
  };
  void evictLeastRecent();

  std::chrono::milliseconds ttl_;
  std::size_t maxEntries_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> recency_;  // most recently used first
  std::uint64_t generation_ = 0;
  std::uint64_t evictions_ = 0;
};

}  // namespace agape::catalog
