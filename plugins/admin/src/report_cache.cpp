#include "report_cache.h"

namespace agape::admin {

std::string ReportCache::get(const std::string& key, const std::function<std::string()>& make) {
  if (ttl_.count() <= 0) return make();
  const auto now = Clock::now();
  {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(key);
    if (it != entries_.end() && it->second.expires > now) return it->second.body;
  }
  std::string body = make();
  std::lock_guard lock(mutex_);
  // Periods are few (a dashboard asks for a handful); a flood of distinct
  // ones empties the cache rather than growing it.
  if (entries_.size() >= maxEntries_) entries_.clear();
  entries_[key] = Entry{Clock::now() + ttl_, body};
  return body;
}

}  // namespace agape::admin
