#include "revocation_list.h"

#include <mutex>

namespace agape::auth {

void RevocationList::add(const std::string& sessionId, long long revokedAt) {
  std::unique_lock lock(mutex_);
  revoked_.try_emplace(sessionId, revokedAt);
}

void RevocationList::merge(const std::vector<std::pair<std::string, long long>>& revoked) {
  std::unique_lock lock(mutex_);
  for (const auto& [id, at] : revoked) revoked_.try_emplace(id, at);
}

void RevocationList::pruneBefore(long long cutoff) {
  std::unique_lock lock(mutex_);
  std::erase_if(revoked_, [&](const auto& e) { return e.second < cutoff; });
}

bool RevocationList::contains(const std::string& sessionId) const {
  std::shared_lock lock(mutex_);
  return revoked_.contains(sessionId);
}

std::size_t RevocationList::size() const {
  std::shared_lock lock(mutex_);
  return revoked_.size();
}

}  // namespace agape::auth
