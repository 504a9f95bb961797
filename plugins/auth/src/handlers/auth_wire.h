#pragma once
// What the auth routes answer, as the API shows it, with the schemas that
// write and document it.
#include <optional>
#include <string>
#include <vector>

#include <agape/schema.h>

#include "auth_runtime.h"

namespace agape::auth {

// API.md's user: never the password hash, the TOTP secrets or the lockout.
struct UserView {
  std::string id;
  std::string email;
  std::string firstName;
  std::string lastName;
  std::optional<std::string> phone;
  std::vector<std::string> roles;
  bool emailVerified = false;
  bool twoFactorEnabled = false;
  Timestamp createdAt;
};
UserView viewOf(const UserRecord& user);
Schema<UserView> userSchema();

struct UserEnvelope {
  UserView user;
};
Schema<UserEnvelope> userEnvelopeSchema();
inline UserEnvelope envelopeOf(const UserRecord& user) { return {viewOf(user)}; }

struct TokenPairView {
  std::string accessToken;
  std::string refreshToken;
  std::string tokenType = "Bearer";
  long long expiresIn = 0;
  UserView user;
};
Schema<TokenPairView> tokenPairSchema();
TokenPairView viewOf(const TokenPair& pair);

// A body with no fields: anything in it is refused.
struct NoFields {};

}  // namespace agape::auth
