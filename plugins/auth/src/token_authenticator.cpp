#include "token_authenticator.h"

#include <agape/problem.h>

namespace agape::auth {
namespace {

bool startsWithBearer(std::string_view h) {
  if (h.size() < 7) return false;
  static constexpr std::string_view kScheme = "bearer ";
  for (std::size_t i = 0; i < kScheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(h[i])) != kScheme[i]) return false;
  return true;
}

Problem invalidToken(const std::string& detail, const std::string& code = "unauthorized") {
  Problem p = Problem::unauthorized(detail, code);
  p.withHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
  return p;
}

}  // namespace

std::optional<Principal> TokenAuthenticator::authenticate(const Request& request) const {
  auto header = request.header("Authorization");
  // Another scheme is not ours to judge: the route then sees no principal.
  if (!header || !startsWithBearer(*header)) return std::nullopt;
  std::string_view token = header->substr(7);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  const long long now =
      std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch()).count();
  AccessClaims claims;
  const auto keys = keys_->current();  // one snapshot for the whole check
  try {
    claims = verifyAccessToken(
        token, [&keys](std::string_view kid) { return keys->find(kid); }, rules_, now);
  } catch (const JwtError& e) {
    if (e.reason() == JwtError::Reason::Expired) throw invalidToken("The access token has expired.", "token_expired");
    throw invalidToken("The access token is not valid.");
  }
  if (revocations_->contains(claims.sessionId)) throw invalidToken("The session of this access token has ended.");
  return Principal{std::move(claims.subject), std::move(claims.sessionId), std::move(claims.roles)};
}

}  // namespace agape::auth
