#include "session_store.h"

#include "crypto_random.h"
#include "encoding.h"

namespace agape::auth {
namespace {

SessionInfo sessionFromRow(const Row& r) {
  return SessionInfo{r.text("id"),         r.text("user_id"),      r.text("user_agent"), r.text("ip"),
                     r.integer("created_at"), r.integer("last_used_at"), r.integer("expires_at")};
}

constexpr const char* kSessionColumns = "id, user_id, user_agent, ip, created_at, last_used_at, expires_at";

}  // namespace

std::string SessionStore::successorOf(const std::string& token) const {
  return base64UrlEncode(hmacSha256(secret_, "refresh-successor:" + token));
}

NewSession SessionStore::create(Tx& tx, const std::string& sessionId, const std::string& userId,
                                const std::string& userAgent, const std::string& ip, long long now) const {
  NewSession s{sessionId, newOpaqueToken()};
  tx.exec(
      "INSERT INTO auth_sessions (id, user_id, user_agent, ip, created_at, last_used_at, expires_at) "
      "VALUES (:id, :user, :ua, :ip, :now, :now, :expires)",
      {{"id", sessionId}, {"user", userId}, {"ua", userAgent}, {"ip", ip}, {"now", now},
       {"expires", now + ttl_}});
  tx.exec("INSERT INTO auth_refresh_tokens (token_hash, session_id, issued_at) VALUES (:h, :s, :at)",
          {{"h", sha256Hex(s.refreshToken)}, {"s", sessionId}, {"at", now}});
  return s;
}

RefreshResult SessionStore::refresh(Tx& tx, const std::string& presented, const std::string& userAgent,
                                    const std::string& ip, long long now) const {
  RefreshResult out;
  const std::string hash = sha256Hex(presented);
  auto row = tx.one(
      "SELECT t.rotated_at, t.successor_hash, s.id, s.user_id, s.expires_at, s.revoked_at "
      "FROM auth_refresh_tokens t JOIN auth_sessions s ON s.id = t.session_id WHERE t.token_hash = :h",
      {{"h", hash}});
  if (!row) return out;
  out.sessionId = row->text("id");
  out.userId = row->text("user_id");
  if (!row->isNull("revoked_at") || row->integer("expires_at") <= now) return out;

  if (row->isNull("rotated_at")) {
    const std::string next = successorOf(presented);
    const std::string nextHash = sha256Hex(next);
    // The conditional update decides between two concurrent rotations: only
    // one sees rotated_at still NULL; the other falls through to the grace check.
    long long won = tx.exec(
        "UPDATE auth_refresh_tokens SET rotated_at = :now, successor_hash = :next "
        "WHERE token_hash = :h AND rotated_at IS NULL",
        {{"now", now}, {"next", nextHash}, {"h", hash}});
    if (won == 1) {
      tx.exec("INSERT INTO auth_refresh_tokens (token_hash, session_id, issued_at) VALUES (:h, :s, :at)",
              {{"h", nextHash}, {"s", out.sessionId}, {"at", now}});
      tx.exec(
          "UPDATE auth_sessions SET last_used_at = :now, expires_at = :expires, user_agent = :ua, ip = :ip "
          "WHERE id = :id",
          {{"now", now}, {"expires", now + ttl_}, {"ua", userAgent}, {"ip", ip}, {"id", out.sessionId}});
      out.status = RefreshStatus::Rotated;
      out.refreshToken = next;
      return out;
    }
    row = tx.one("SELECT rotated_at, successor_hash FROM auth_refresh_tokens WHERE token_hash = :h",
                 {{"h", hash}});
    if (!row) return out;
  }

  // An already rotated token: the grace case, or reuse.
  const long long rotatedAt = row->integer("rotated_at");
  const auto successorHash = row->optText("successor_hash");
  const std::string candidate = successorOf(presented);
  if (now - rotatedAt <= grace_ && successorHash && sha256Hex(candidate) == *successorHash) {
    auto successor = tx.one("SELECT rotated_at FROM auth_refresh_tokens WHERE token_hash = :h",
                            {{"h", *successorHash}});
    if (successor && successor->isNull("rotated_at")) {
      out.status = RefreshStatus::Repeated;
      out.refreshToken = candidate;
      return out;
    }
  }
  revoke(tx, out.sessionId, "refresh_token_reuse", now);
  out.status = RefreshStatus::Reused;
  return out;
}

std::optional<std::string> SessionStore::sessionOfToken(Tx& tx, const std::string& token,
                                                        const std::string& userId) const {
  auto row = tx.one(
      "SELECT s.id FROM auth_refresh_tokens t JOIN auth_sessions s ON s.id = t.session_id "
      "WHERE t.token_hash = :h AND s.user_id = :u",
      {{"h", sha256Hex(token)}, {"u", userId}});
  if (!row) return std::nullopt;
  return row->text("id");
}

bool SessionStore::revoke(Tx& tx, const std::string& sessionId, const std::string& reason, long long now) const {
  return tx.exec(
             "UPDATE auth_sessions SET revoked_at = :now, revoked_reason = :reason "
             "WHERE id = :id AND revoked_at IS NULL",
             {{"now", now}, {"reason", reason}, {"id", sessionId}}) == 1;
}

std::vector<std::string> SessionStore::revokeAll(Tx& tx, const std::string& userId, const std::string& reason,
                                                 long long now) const {
  std::vector<std::string> ids;
  for (const auto& r : tx.query("SELECT id FROM auth_sessions WHERE user_id = :u AND revoked_at IS NULL",
                                {{"u", userId}}))
    ids.push_back(r.text("id"));
  tx.exec(
      "UPDATE auth_sessions SET revoked_at = :now, revoked_reason = :reason WHERE user_id = :u AND revoked_at IS NULL",
      {{"now", now}, {"reason", reason}, {"u", userId}});
  return ids;
}

std::optional<SessionInfo> SessionStore::find(Tx& tx, const std::string& sessionId) const {
  auto row = tx.one(std::string("SELECT ") + kSessionColumns + " FROM auth_sessions WHERE id = :id",
                    {{"id", sessionId}});
  if (!row) return std::nullopt;
  return sessionFromRow(*row);
}

std::vector<SessionInfo> SessionStore::listActive(Tx& tx, const std::string& userId, long long now) const {
  std::vector<SessionInfo> out;
  for (const auto& r : tx.query(std::string("SELECT ") + kSessionColumns +
                                    " FROM auth_sessions WHERE user_id = :u AND revoked_at IS NULL AND expires_at > :now "
                                    "ORDER BY last_used_at DESC, id",
                                {{"u", userId}, {"now", now}}))
    out.push_back(sessionFromRow(r));
  return out;
}

std::vector<std::pair<std::string, long long>> SessionStore::revokedSince(Tx& tx, long long since) {
  std::vector<std::pair<std::string, long long>> out;
  for (const auto& r : tx.query("SELECT id, revoked_at FROM auth_sessions WHERE revoked_at >= :since",
                                {{"since", since}}))
    out.emplace_back(r.text("id"), r.integer("revoked_at"));
  return out;
}

}  // namespace agape::auth
