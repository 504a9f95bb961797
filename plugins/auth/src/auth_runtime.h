#pragma once
// What the auth route handlers share: configuration, keys, hashing, the
// session store and the kernel services they publish through.

#include <memory>
#include <optional>
#include <string>

#include <agape/audit.h>
#include <agape/auth/events.h>
#include <agape/clock.h>
#include <agape/db.h>
#include <agape/events.h>
#include <agape/http.h>
#include <agape/json.h>
#include <agape/logger.h>
#include <agape/secret_box.h>

#include "auth_config.h"
#include "jwt.h"
#include "key_store.h"
#include "password_hasher.h"
#include "password_policy.h"
#include "revocation_list.h"
#include "session_store.h"
#include "user_store.h"

namespace agape::auth {

struct TokenPair {
  std::string accessToken;
  std::string refreshToken;
  long long expiresIn = 0;  // seconds
  UserRecord user;
};

struct AuthServices {
  Database& db;
  Events& events;
  Audit& audit;
  const Clock& clock;
  Logger& log;
  const SecretBox& secrets;
};

class AuthRuntime {
 public:
  AuthRuntime(AuthConfig config, std::shared_ptr<KeyRing> keys, AuthServices services);

  const AuthConfig& config() const { return config_; }
  // The signing and published keys now (a snapshot: hold it while using it).
  std::shared_ptr<const KeySet> keys() const { return keys_->current(); }
  KeyRing& keyRing() const { return *keys_; }
  std::shared_ptr<const KeyRing> sharedKeyRing() const { return keys_; }
  const PasswordHasher& hasher() const { return hasher_; }
  const PasswordPolicy& policy() const { return policy_; }
  const SessionStore& sessions() const { return sessions_; }
  std::shared_ptr<RevocationList> revocations() const { return revocations_; }
  Database& db() const { return services_.db; }
  Events& events() const { return services_.events; }
  Audit& audit() const { return services_.audit; }
  Logger& log() const { return services_.log; }
  const Clock& clock() const { return services_.clock; }
  TokenRules tokenRules() const;

  long long now() const;
  std::string newId() const;
  // A new access token for the session, beside its refresh token.
  TokenPair tokenPair(const UserRecord& user, const std::string& sessionId, const std::string& refreshToken) const;
  // Publishes a user.* event (an AccountNotice) carrying the recipient.
  template <class E>
  void publishUserEvent(Tx& tx, const UserRecord& user, std::optional<std::string> link) const {
    E event;
    static_cast<AccountHolder&>(event) = accountHolderOf(user);
    event.link = std::move(link);
    services_.events.publish(tx, event);
  }
  // A user.* event with a one-time link (verification, reset): the link
  // travels sealed as `sealedLink` (purpose "mail.link:<user id>"), so the
  // events and jobs tables never hold one that works.
  template <class E>
  void publishOneTimeLink(Tx& tx, const UserRecord& user, const std::string& link, long long expiresAt) const {
    E event;
    static_cast<OneTimeLinkNotice&>(event) = oneTimeLinkOf(user, link, expiresAt);
    services_.events.publish(tx, event);
  }
  // TOTP secrets (base32) are stored sealed, bound to their user.
  std::string sealTotp(const std::string& userId, const std::string& base32Secret) const;
  // The raw TOTP key of a stored secret; nullopt when it does not open.
  std::optional<std::string> totpKey(const std::string& userId, const std::string& stored) const;
  // Seals TOTP secrets still in clear (stored before sealing) or under an
  // older key; returns how many were sealed again.
  int resealTotpSecrets() const;
  // Session revocations take effect at once for this instance's authenticator.
  void noteRevoked(const std::vector<std::string>& sessionIds, long long at) const;

 private:
  static AccountHolder accountHolderOf(const UserRecord& user);
  OneTimeLinkNotice oneTimeLinkOf(const UserRecord& user, const std::string& link, long long expiresAt) const;
  AuthConfig config_;
  std::shared_ptr<KeyRing> keys_;
  AuthServices services_;
  PasswordHasher hasher_;
  PasswordPolicy policy_;
  SessionStore sessions_;
  std::shared_ptr<RevocationList> revocations_ = std::make_shared<RevocationList>();
};

// Per route group, in handlers/.
void addAccountRoutes(Routes& routes, AuthRuntime& rt);
void addLoginRoutes(Routes& routes, AuthRuntime& rt);
void addSessionRoutes(Routes& routes, AuthRuntime& rt);
void addTwoFactorRoutes(Routes& routes, AuthRuntime& rt);
void addAdminRoutes(Routes& routes, AuthRuntime& rt);
void addJwksRoute(Routes& routes, AuthRuntime& rt);

// Helpers shared by the handlers.
std::string userAgentOf(const Request& request);
UserRecord requireUser(Tx& tx, const std::string& id);

}  // namespace agape::auth
