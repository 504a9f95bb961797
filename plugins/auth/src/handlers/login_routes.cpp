// Login (password, lockout, TOTP), refresh-token rotation and logout.
#include <agape/contract.h>

#include "auth_runtime.h"
#include "handlers/attempt_guard.h"
#include "handlers/auth_wire.h"
#include "contact_text.h"
#include "totp.h"

namespace agape::auth {
namespace {

struct Login {
  std::string email;
  std::string password;
  std::optional<std::string> totp;
};
struct Refresh {
  std::string refreshToken;
};
struct Logout {
  std::optional<std::string> refreshToken;
};

Problem badCredentials() { return Problem::unauthorized("The email or password is not correct."); }

TokenPair login(AuthRuntime& rt, const Request& req, const Login& in) {
  const std::string email = normalizeEmail(in.email);
  const std::string& password = in.password;
  const auto& code = in.totp;

  const long long now = rt.now();
  auto user = email.empty() ? std::nullopt : rt.db().read([&](Tx& tx) { return findUserByEmail(tx, email); });
  // An unknown email costs the bcrypt check a wrong password costs.
  if (!user) {
    rt.hasher().verifyDummy(password);
    throw badCredentials();
  }
  const AttemptGuard attempt = AttemptGuard::claim(rt, user->id, now);
  if (!rt.hasher().verify(password, user->passwordHash)) attempt.fail(badCredentials());
  std::optional<long long> step;
  if (user->twoFactorEnabled()) {
    if (!code || code->empty()) throw Problem::unauthorized("A one-time code from the authenticator app is required.", "totp_required");
    auto secret = rt.totpKey(user->id, *user->totpSecret);
    if (secret) step = matchTotp(*secret, *code, now, user->totpLastStep);
    if (!step) attempt.fail(Problem::unauthorized("The one-time code is not valid."));
  }
  const std::string sessionId = rt.newId();
  const std::string ua = userAgentOf(req);
  auto issued = rt.db().run([&](Tx& tx) -> std::optional<std::pair<UserRecord, NewSession>> {
    if (step) {
      // Conditional, so that one code cannot open two sessions even when both requests race.
      long long claimed = tx.exec(
          "UPDATE auth_users SET totp_last_step = :step WHERE id = :id "
          "AND (totp_last_step IS NULL OR totp_last_step < :step)",
          {{"step", *step}, {"id", user->id}});
      if (claimed != 1) return std::nullopt;
    }
    clearLoginFailures(tx, user->id, now);
    NewSession s = rt.sessions().create(tx, sessionId, user->id, ua, req.clientIp, now);
    return std::make_pair(requireUser(tx, user->id), s);
  });
  if (!issued) throw Problem::unauthorized("The one-time code is not valid.");
  return rt.tokenPair(issued->first, issued->second.sessionId, issued->second.refreshToken);
}

TokenPair refresh(AuthRuntime& rt, const Request& req, const std::string& token) {
  const long long now = rt.now();
  const std::string ua = userAgentOf(req);
  auto [result, user] = rt.db().run([&](Tx& tx) {
    RefreshResult r = rt.sessions().refresh(tx, token, ua, req.clientIp, now);
    std::optional<UserRecord> u;
    if (r.status == RefreshStatus::Rotated || r.status == RefreshStatus::Repeated) u = findUserById(tx, r.userId);
    return std::make_pair(r, u);
  });
  if (result.status == RefreshStatus::Reused) {
    rt.noteRevoked({result.sessionId}, now);
    rt.log().warn("refresh token reuse: session revoked", {{"sessionId", result.sessionId}, {"userId", result.userId}});
    throw Problem::unauthorized("The refresh token was already used; the session has been ended.");
  }
  if (result.status == RefreshStatus::Invalid || !user) throw Problem::unauthorized("The refresh token is not valid.");
  return rt.tokenPair(*user, result.sessionId, result.refreshToken);
}

void logout(AuthRuntime& rt, const Principal& me, const std::optional<std::string>& token) {
  const long long now = rt.now();
  std::vector<std::string> revoked;
  rt.db().run([&](Tx& tx) {
    revoked.clear();
    if (rt.sessions().revoke(tx, me.sessionId, "logout", now)) revoked.push_back(me.sessionId);
    if (token && !token->empty())
      if (auto other = rt.sessions().sessionOfToken(tx, *token, me.id); other && *other != me.sessionId)
        if (rt.sessions().revoke(tx, *other, "logout", now)) revoked.push_back(*other);
  });
  rt.noteRevoked(revoked, now);
}

}  // namespace

void addLoginRoutes(Routes& routes, AuthRuntime& rt) {
  const auto pair = tokenPairSchema();
  routes.post("/v1/auth/login",
              Contract()
                  .body(Schema<Login>()
                            .field("email", &Login::email, {.trim = true, .minLength = 1, .maxLength = 254})
                            .field("password", &Login::password, {.minLength = 1, .maxLength = 1024})
                            .field("totp", &Login::totp,
                                   {.trim = true, .maxLength = 16, .description = "the authenticator's code, when 2FA is on"}))
                  .returns(pair),
              {.rateLimitClass = "auth",
               .summary = "Signs in with email and password (and a TOTP code when 2FA is on)",
               .tag = "auth"},
              [&rt](Call<Login>& call) { return viewOf(login(rt, call.request, call.body)); });
  routes.post("/v1/auth/refresh",
              Contract()
                  .body(Schema<Refresh>().field("refreshToken", &Refresh::refreshToken,
                                                {.trim = true, .minLength = 1, .maxLength = 128}))
                  .returns(pair),
              {.summary = "Exchanges a refresh token for a new token pair (the old one is used up)", .tag = "auth"},
              [&rt](Call<Refresh>& call) { return viewOf(refresh(rt, call.request, call.body.refreshToken)); });
  routes.post("/v1/auth/logout",
              Contract().body(Schema<Logout>().field("refreshToken", &Logout::refreshToken,
                                                     {.trim = true, .maxLength = 128,
                                                      .description = "another session of the caller's to end too"})),
              {.access = Access::Authenticated,
               .summary = "Ends the current session (and the one of the given refresh token)",
               .tag = "auth"},
              [&rt](Call<Logout>& call) { logout(rt, call.principal(), call.body.refreshToken); });
}

}  // namespace agape::auth
