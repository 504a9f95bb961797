#include "handlers/auth_wire.h"

namespace agape::auth {

UserView viewOf(const UserRecord& u) {
  // The user store keeps times in seconds.
  return {u.id,    u.email, u.firstName, u.lastName, u.phone, u.roles, u.emailVerifiedAt.has_value(),
          u.twoFactorEnabled(), Timestamp{u.createdAt * 1000}};
}

Schema<UserView> userSchema() {
  return Schema<UserView>()
      .field("id", &UserView::id)
      .field("email", &UserView::email)
      .field("firstName", &UserView::firstName)
      .field("lastName", &UserView::lastName)
      .field("phone", &UserView::phone)
      .field("roles", &UserView::roles, {.oneOf = knownRoles()})
      .field("emailVerified", &UserView::emailVerified)
      .field("twoFactorEnabled", &UserView::twoFactorEnabled)
      .field("createdAt", &UserView::createdAt);
}

Schema<UserEnvelope> userEnvelopeSchema() { return Schema<UserEnvelope>().field("user", &UserEnvelope::user, userSchema()); }

Schema<TokenPairView> tokenPairSchema() {
  return Schema<TokenPairView>()
      .field("accessToken", &TokenPairView::accessToken, {.description = "RS256 JWT, sent as Authorization: Bearer"})
      .field("refreshToken", &TokenPairView::refreshToken, {.description = "opaque; used up by POST /v1/auth/refresh"})
      .field("tokenType", &TokenPairView::tokenType, {.oneOf = {"Bearer"}})
      .field("expiresIn", &TokenPairView::expiresIn, {.description = "seconds the access token lives"})
      .field("user", &TokenPairView::user, userSchema());
}

TokenPairView viewOf(const TokenPair& p) { return {p.accessToken, p.refreshToken, "Bearer", p.expiresIn, viewOf(p.user)}; }

}  // namespace agape::auth
