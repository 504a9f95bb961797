#pragma once
// SQL over auth_users, inside the caller's transaction.

#include <optional>
#include <string>
#include <vector>

#include <agape/db.h>

namespace agape::auth {

inline const std::vector<std::string>& knownRoles() {
  static const std::vector<std::string> roles = {"customer", "admin", "merchant", "fulfilment", "finance"};
  return roles;
}

struct UserRecord {
  std::string id;
  std::string email;
  std::string passwordHash;
  std::string firstName;
  std::string lastName;
  std::optional<std::string> phone;
  std::vector<std::string> roles;
  std::optional<long long> emailVerifiedAt;
  int failedLogins = 0;
  std::optional<long long> lockedUntil;
  std::optional<std::string> totpSecret;
  std::optional<std::string> totpPendingSecret;
  std::optional<long long> totpLastStep;
  long long createdAt = 0;

  bool twoFactorEnabled() const { return totpSecret.has_value(); }
};

struct NewUser {
  std::string id, email, passwordHash, firstName, lastName;
  std::optional<std::string> phone;
};

std::optional<UserRecord> findUserByEmail(Tx& tx, const std::string& email);
std::optional<UserRecord> findUserById(Tx& tx, const std::string& id);
// The users holding at least one of `roles`, oldest account first, at most `limit`.
std::vector<UserRecord> findUsersWithRoles(Tx& tx, const std::vector<std::string>& roles, std::size_t limit);
// Throws DbError(UniqueViolation) for an email already registered.
void insertUser(Tx& tx, const NewUser& user, long long now);

void clearLoginFailures(Tx& tx, const std::string& userId, long long now);
void setPasswordHash(Tx& tx, const std::string& userId, const std::string& hash, long long now);
void markEmailVerified(Tx& tx, const std::string& userId, long long now);
void setRoles(Tx& tx, const std::string& userId, const std::vector<std::string>& roles, long long now);
// The admins' ids, their rows locked until the transaction ends (PostgreSQL).
std::vector<std::string> adminIds(Tx& tx);
void setPendingTotp(Tx& tx, const std::string& userId, const std::optional<std::string>& secret, long long now);
// Conditional (false when the enrolment or the secret changed meanwhile, or
// the code's step was used): the checks ran outside the transaction.
bool activateTotp(Tx& tx, const std::string& userId, const std::string& pending, long long step, long long now);
bool disableTotp(Tx& tx, const std::string& userId, const std::string& secret, long long step, long long now);

std::string joinRoles(const std::vector<std::string>& roles);
std::vector<std::string> splitRoles(const std::string& text);

}  // namespace agape::auth
