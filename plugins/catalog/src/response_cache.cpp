#include "response_cache.h"

namespace agape::catalog {

CachedResponse ResponseCache::getOrRender(const std::string& key, const std::function<CachedResponse()>& render) {
  std::uint64_t gen;
  {
    std::lock_guard lock(mu_);
    auto it = entries_.find(key);
    if (it != entries_.end() && it->second.expires > Clock::now()) return it->second.response;
    gen = generation_;
  }
  CachedResponse fresh = render();  // outside the lock: it reads the database
  if (ttl_.count() == 0) return fresh;
  std::lock_guard lock(mu_);
  if (gen == generation_) {
    if (entries_.size() >= maxEntries_) entries_.clear();  // crude bound; entries are cheap to rebuild
    entries_[key] = Entry{fresh, Clock::now() + ttl_};
  }
  return fresh;
}

void ResponseCache::invalidate() {
  std::lock_guard lock(mu_);
  ++generation_;
  entries_.clear();
}

std::uint64_t ResponseCache::generation() const {
  std::lock_guard lock(mu_);
  return generation_;
}

std::size_t ResponseCache::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace agape::catalog
