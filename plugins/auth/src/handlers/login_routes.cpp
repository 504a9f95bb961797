// Login (password, lockout, TOTP), refresh-token rotation and logout.
#include "auth_runtime.h"
#include "handlers/attempt_guard.h"
#include "request_fields.h"
#include "totp.h"

namespace agape::auth {
namespace {

constexpr const char* kPairSchema =
    R"({"type":"object","required":["accessToken","refreshToken","tokenType","expiresIn","user"],)"
    R"("properties":{"accessToken":{"type":"string"},"refreshToken":{"type":"string"},)"
    R"("tokenType":{"type":"string","enum":["Bearer"]},"expiresIn":{"type":"integer"},"user":{"type":"object"}}})";

Problem badCredentials() { return Problem::unauthorized("The email or password is not correct."); }

Response login(AuthRuntime& rt, Request& req) {
  Json body = parseJsonObject(req, {"email", "password", "totp"});
  RequestFields f(body);
  std::string email = normalizeEmail(f.required("email", 254));
  std::string password =
      body.contains("password") && body["password"].is_string() ? body["password"].get<std::string>() : std::string();
  if (password.empty()) f.error("password", "is required");
  auto code = f.optional("totp", 16);
  f.finish();

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
  return jsonResponse(rt.tokenPair(issued->first, issued->second.sessionId, issued->second.refreshToken));
}

Response refresh(AuthRuntime& rt, Request& req) {
  Json body = parseJsonObject(req, {"refreshToken"});
  RequestFields f(body);
  std::string token = f.required("refreshToken", 128);
  f.finish();
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
  return jsonResponse(rt.tokenPair(*user, result.sessionId, result.refreshToken));
}

Response logout(AuthRuntime& rt, Request& req) {
  Json body = parseOptionalJsonObject(req, {"refreshToken"});
  RequestFields f(body);
  auto token = f.optional("refreshToken", 128);
  f.finish();
  const Principal& me = *req.principal;
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
  return Response::noContent();
}

}  // namespace

void addLoginRoutes(Routes& routes, AuthRuntime& rt) {
  routes.post("/v1/auth/login", [&rt](Request& r) { return login(rt, r); },
              {.rateLimitClass = "auth",
               .summary = "Signs in with email and password (and a TOTP code when 2FA is on)",
               .tag = "auth",
               .requestSchema = R"({"type":"object","required":["email","password"],"additionalProperties":false,)"
                                R"("properties":{"email":{"type":"string"},"password":{"type":"string"},"totp":{"type":"string"}}})",
               .responseSchema = kPairSchema});
  routes.post("/v1/auth/refresh", [&rt](Request& r) { return refresh(rt, r); },
              {.summary = "Exchanges a refresh token for a new token pair (the old one is used up)",
               .tag = "auth",
               .requestSchema = R"({"type":"object","required":["refreshToken"],"additionalProperties":false,)"
                                R"("properties":{"refreshToken":{"type":"string"}}})",
               .responseSchema = kPairSchema});
  routes.post("/v1/auth/logout", [&rt](Request& r) { return logout(rt, r); },
              {.access = Access::Authenticated,
               .summary = "Ends the current session (and the one of the given refresh token)",
               .tag = "auth",
               .requestSchema = R"({"type":"object","additionalProperties":false,"properties":{"refreshToken":{"type":"string"}}})",
               .successStatus = 204,
               .successContentType = ""});
}

}  // namespace agape::auth
