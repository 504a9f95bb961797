#include "response_cache.h"

namespace agape::catalog {

ResponseCache::Ptr ResponseCache::getOrRender(const std::string& key, const std::function<CachedResponse()>& render) {
  std::uint64_t gen;
  {
    std::lock_guard lock(mu_);
    auto it = entries_.find(key);
    if (it != entries_.end()) {
      if (it->second.expires > Clock::now()) {
        recency_.splice(recency_.begin(), recency_, it->second.recency);
        return it->second.response;
      }
      recency_.erase(it->second.recency);
      entries_.erase(it);
    }
    gen = generation_;
  }
  auto fresh = std::make_shared<const CachedResponse>(render());  // outside the lock: it reads the database
  if (ttl_.count() == 0) return fresh;
  std::lock_guard lock(mu_);
  if (gen != generation_) return fresh;
  auto it = entries_.find(key);
  if (it != entries_.end()) {  // another thread rendered it meanwhile: keep the newer one
    it->second.response = fresh;
    it->second.expires = Clock::now() + ttl_;
    recency_.splice(recency_.begin(), recency_, it->second.recency);
    return fresh;
  }
  while (entries_.size() >= maxEntries_) evictLeastRecent();
  recency_.push_front(key);
  entries_.emplace(key, Entry{fresh, Clock::now() + ttl_, recency_.begin()});
  return fresh;
}

ResponseCache::Ptr ResponseCache::peek(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.expires <= Clock::now()) return nullptr;
  recency_.splice(recency_.begin(), recency_, it->second.recency);
  return it->second.response;
}

void ResponseCache::evictLeastRecent() {
  entries_.erase(recency_.back());
  recency_.pop_back();
  ++evictions_;
}

void ResponseCache::invalidate() {
  std::lock_guard lock(mu_);
  ++generation_;
  entries_.clear();
  recency_.clear();
}

std::uint64_t ResponseCache::generation() const {
  std::lock_guard lock(mu_);
  return generation_;
}

std::size_t ResponseCache::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

std::uint64_t ResponseCache::evictions() const {
  std::lock_guard lock(mu_);
  return evictions_;
}

}  // namespace agape::catalog
