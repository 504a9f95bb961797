#pragma once
// Refresh sessions: one opaque refresh token at a time per session, stored
// only as its SHA-256. Every use rotates it. Presenting a token that was
// already rotated is reuse (a stolen copy, or a replay) and revokes the
// session, except within a short grace window right after the rotation,
// where the immediately previous token yields the same successor again:
// two near-simultaneous refreshes from one client (two tabs) then both
// succeed and end with the same token.
//
// Successors are derived, not random: next = HMAC-SHA256(secret, token).
// That is what lets the grace path hand out the same successor again
// without ever storing a token in clear text; without the server secret a
// successor cannot be predicted from a stolen old token.

#include <optional>
#include <string>
#include <vector>

#include <agape/db.h>

namespace agape::auth {

struct SessionInfo {
  std::string id;
  std::string userId;
  std::string userAgent;
  std::string ip;
  long long createdAt = 0;
  long long lastUsedAt = 0;
  long long expiresAt = 0;
};

struct NewSession {
  std::string sessionId;
  std::string refreshToken;  // give to the client; never stored
};

enum class RefreshStatus {
  Rotated,   // a new token was issued
  Repeated,  // grace window: the same successor as the concurrent refresh
  Reused,    // an old token: the session is now revoked
  Invalid,   // unknown, expired or revoked
};

struct RefreshResult {
  RefreshStatus status = RefreshStatus::Invalid;
  std::string sessionId;
  std::string userId;
  std::string refreshToken;  // for Rotated and Repeated
};

class SessionStore {
 public:
  SessionStore(std::string successorSecret, long long refreshTtlSeconds, long long graceSeconds)
      : secret_(std::move(successorSecret)), ttl_(refreshTtlSeconds), grace_(graceSeconds) {}

  NewSession create(Tx& tx, const std::string& sessionId, const std::string& userId, const std::string& userAgent,
                    const std::string& ip, long long now) const;
  RefreshResult refresh(Tx& tx, const std::string& presentedToken, const std::string& userAgent,
                        const std::string& ip, long long now) const;

  // The session a refresh token belongs to (any state), for logout.
  std::optional<std::string> sessionOfToken(Tx& tx, const std::string& token, const std::string& userId) const;
  // True when it was active.
  bool revoke(Tx& tx, const std::string& sessionId, const std::string& reason, long long now) const;
  // Revokes every active session of the user; returns their ids.
  std::vector<std::string> revokeAll(Tx& tx, const std::string& userId, const std::string& reason,
                                     long long now) const;
  std::optional<SessionInfo> find(Tx& tx, const std::string& sessionId) const;
  std::vector<SessionInfo> listActive(Tx& tx, const std::string& userId, long long now) const;
  // Sessions revoked at or after `since`: what the token authenticator must refuse.
  static std::vector<std::pair<std::string, long long>> revokedSince(Tx& tx, long long since);

  std::string successorOf(const std::string& token) const;

 private:
  std::string secret_;
  long long ttl_;
  long long grace_;
};

}  // namespace agape::auth
