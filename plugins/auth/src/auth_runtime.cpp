#include "auth_runtime.h"

#include <agape/clock.h>
#include <agape/text.h>

#include "base32.h"
#include "crypto_random.h"

namespace agape::auth {
namespace {

// The successor secret of refresh tokens is derived from the signing key at
// start, so that every instance sharing the key directory derives the same
// one with no further secret to distribute. (Across a key rotation, a twin
// refresh within the grace window that lands on an instance started on the
// other side of it ends the session: the user signs in again.)
std::string successorSecret(const KeySet& keys) {
  return hmacSha256(keys.active().privatePem(), "agape.auth refresh-token successor v1");
}

std::string totpPurpose(const std::string& userId) { return "auth.totp:" + userId; }

}  // namespace

AuthRuntime::AuthRuntime(AuthConfig config, std::shared_ptr<KeyRing> keys, AuthServices services)
    : config_(std::move(config)),
      keys_(std::move(keys)),
      services_(services),
      hasher_(config_.bcryptCost),
      sessions_(successorSecret(*keys_->current()), config_.refreshTokenTtl.count(), config_.refreshReuseGrace.count()) {}

TokenRules AuthRuntime::tokenRules() const {
  return TokenRules{config_.tokenIssuer, config_.tokenAudience, config_.clockLeeway};
}

long long AuthRuntime::now() const {
  return std::chrono::duration_cast<std::chrono::seconds>(services_.clock.now().time_since_epoch()).count();
}

std::string AuthRuntime::newId() const {
  return uuidV7(std::chrono::duration_cast<std::chrono::milliseconds>(services_.clock.now().time_since_epoch()).count());
}

TokenPair AuthRuntime::tokenPair(const UserRecord& user, const std::string& sessionId,
                                 const std::string& refreshToken) const {
  const long long issued = now();
  AccessClaims c{user.id, sessionId, user.roles, newId(), issued, issued + config_.accessTokenTtl.count()};
  return {signAccessToken(keys_->current()->active(), tokenRules(), c), refreshToken, config_.accessTokenTtl.count(),
          user};
}

AccountHolder AuthRuntime::accountHolderOf(const UserRecord& user) {
  return {.userId = user.id, .email = user.email, .name = user.firstName + " " + user.lastName, .firstName = user.firstName};
}

OneTimeLinkNotice AuthRuntime::oneTimeLinkOf(const UserRecord& user, const std::string& link, long long expiresAt) const {
  OneTimeLinkNotice notice;
  static_cast<AccountHolder&>(notice) = accountHolderOf(user);
  notice.sealedLink = services_.secrets.seal(link, "mail.link:" + user.id);
  notice.expiresAt = agape::rfc3339(expiresAt * 1000);
  return notice;
}

void AuthRuntime::noteRevoked(const std::vector<std::string>& sessionIds, long long at) const {
  for (const auto& id : sessionIds) revocations_->add(id, at);
}

std::string AuthRuntime::sealTotp(const std::string& userId, const std::string& base32Secret) const {
  return services_.secrets.seal(base32Secret, totpPurpose(userId));
}

std::optional<std::string> AuthRuntime::totpKey(const std::string& userId, const std::string& stored) const {
  const auto secret = services_.secrets.open(stored, totpPurpose(userId));
  if (!secret) {
    log().warn("a TOTP secret does not open: its sealing key is missing or it was altered", {{"userId", userId}});
    return std::nullopt;
  }
  return base32Decode(*secret);
}

int AuthRuntime::resealTotpSecrets() const {
  const SecretBox& box = services_.secrets;
  int resealed = 0;
  db().run([&](Tx& tx) {
    resealed = 0;
    for (const auto& r : tx.query("SELECT id, totp_secret, totp_pending_secret FROM auth_users "
                                  "WHERE totp_secret IS NOT NULL OR totp_pending_secret IS NOT NULL")) {
      const std::string id = r.text("id");
      for (const char* column : {"totp_secret", "totp_pending_secret"}) {
        if (r.isNull(column)) continue;
        const std::string stored = r.text(column);
        if (box.isCurrent(stored)) continue;
        // In clear from before sealing, or under an older key.
        const auto secret = stored.rfind("sb1.", 0) == 0 ? box.open(stored, totpPurpose(id)) : std::optional(stored);
        if (!secret) continue;
        resealed += static_cast<int>(tx.exec(std::string("UPDATE auth_users SET ") + column + " = :sealed WHERE id = :id AND " +
                                                 column + " = :stored",
                                             {{"sealed", box.seal(*secret, totpPurpose(id))}, {"id", id},
                                              {"stored", stored}}));
      }
    }
  });
  return resealed;
}

std::string userAgentOf(const Request& request) {
  // Kept for the user's list of sessions; stored as text, so made clean.
  return cleanText(request.header("User-Agent").value_or("").substr(0, 512));
}

UserRecord requireUser(Tx& tx, const std::string& id) {
  auto user = findUserById(tx, id);
  if (!user) throw Problem::notFound("The user does not exist.");
  return *user;
}

}  // namespace agape::auth
