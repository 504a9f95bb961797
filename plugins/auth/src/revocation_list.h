#pragma once
// Sessions revoked recently, in memory, so that the token authenticator can
// refuse their access tokens without touching the database. An entry is
// needed only while tokens of that session can still be unexpired: entries
// older than the access-token lifetime (plus leeway) are dropped.
//
// Filled immediately by this instance when it revokes a session, and by a
// periodic poll of auth_sessions.revoked_at for revocations made by other
// instances (so there, a revoked token keeps working for at most one poll
// interval).

#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace agape::auth {

class RevocationList {
 public:
  void add(const std::string& sessionId, long long revokedAt);
  void merge(const std::vector<std::pair<std::string, long long>>& revoked);
  void pruneBefore(long long cutoff);
  bool contains(const std::string& sessionId) const;
  std::size_t size() const;

 private:
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, long long> revoked_;
};

}  // namespace agape::auth
