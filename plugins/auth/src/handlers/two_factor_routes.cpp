// TOTP two-factor authentication: enable (pending) → verify (on) → disable.
#include "auth_runtime.h"
#include "base32.h"
#include "crypto_random.h"
#include "handlers/attempt_guard.h"
#include "otpauth.h"
#include "request_fields.h"
#include "totp.h"

namespace agape::auth {
namespace {

std::string readCode(Request& req) {
  Json body = parseJsonObject(req, {"code"});
  RequestFields f(body);
  std::string code = f.required("code", 16);
  f.finish();
  return code;
}

Problem badCode() { return Problem::validation({{"code", "is not a valid code from the authenticator app"}}); }

Response enable(AuthRuntime& rt, Request& req) {
  parseOptionalJsonObject(req, {});
  const long long now = rt.now();
  const std::string secret = base32Encode(randomBytes(kTotpSecretBytes));
  UserRecord user = rt.db().run([&](Tx& tx) {
    UserRecord u = requireUser(tx, req.principal->id);
    if (u.twoFactorEnabled())
      throw Problem(409, "invalid_transition", "Two-factor authentication is already on; disable it first.");
    setPendingTotp(tx, u.id, rt.sealTotp(u.id, secret), now);
    return u;
  });
  std::string uri = otpauthUri(rt.config().issuer, user.email, secret);
  return jsonResponse({{"secret", secret}, {"otpauthUrl", uri}, {"qrSvg", qrSvg(uri)}});
}

// Wrong codes count like wrong passwords (the same lockout): a stolen
// access token must not be able to try every code.
Response verify(AuthRuntime& rt, Request& req) {
  std::string code = readCode(req);
  const long long now = rt.now();
  const UserRecord u = rt.db().read([&](Tx& tx) { return requireUser(tx, req.principal->id); });
  if (u.twoFactorEnabled()) throw Problem(409, "invalid_transition", "Two-factor authentication is already on.");
  if (!u.totpPendingSecret) throw Problem(409, "invalid_transition", "Start with POST /v1/auth/2fa/enable.");
  const AttemptGuard attempt = AttemptGuard::claim(rt, u.id, now);
  auto key = rt.totpKey(u.id, *u.totpPendingSecret);
  auto step = key ? matchTotp(*key, code, now, std::nullopt) : std::nullopt;
  if (!step) attempt.fail(badCode());
  const bool done = rt.db().run([&](Tx& tx) {
    // The code used here counts as used: it cannot also open a session.
    if (!activateTotp(tx, u.id, *u.totpPendingSecret, *step, now)) return false;
    clearLoginFailures(tx, u.id, now);
    return true;
  });
  if (!done) throw Problem(409, "invalid_transition", "Two-factor enrolment changed meanwhile; start again.");
  return jsonResponse({{"twoFactorEnabled", true}});
}

Response disable(AuthRuntime& rt, Request& req) {
  std::string code = readCode(req);
  const long long now = rt.now();
  const UserRecord u = rt.db().read([&](Tx& tx) { return requireUser(tx, req.principal->id); });
  if (!u.twoFactorEnabled()) throw Problem(409, "invalid_transition", "Two-factor authentication is not on.");
  const AttemptGuard attempt = AttemptGuard::claim(rt, u.id, now);
  auto key = rt.totpKey(u.id, *u.totpSecret);
  auto step = key ? matchTotp(*key, code, now, u.totpLastStep) : std::nullopt;
  if (!step) attempt.fail(badCode());
  const bool done = rt.db().run([&](Tx& tx) {
    if (!disableTotp(tx, u.id, *u.totpSecret, *step, now)) return false;
    clearLoginFailures(tx, u.id, now);
    return true;
  });
  if (!done) throw badCode();  // the same code used twice at once
  return jsonResponse({{"twoFactorEnabled", false}});
}

constexpr const char* kCodeSchema =
    R"({"type":"object","required":["code"],"additionalProperties":false,"properties":{"code":{"type":"string","pattern":"^[0-9]{6}$"}}})";

}  // namespace

void addTwoFactorRoutes(Routes& routes, AuthRuntime& rt) {
  routes.post("/v1/auth/2fa/enable", [&rt](Request& r) { return enable(rt, r); },
              {.access = Access::Authenticated,
               .summary = "Starts TOTP enrolment: a new secret, its otpauth URL and QR code (pending until verified)",
               .tag = "auth",
               .responseSchema = R"({"type":"object","required":["secret","otpauthUrl","qrSvg"],"properties":{"secret":{"type":"string"},)"
                                 R"("otpauthUrl":{"type":"string"},"qrSvg":{"type":"string"}}})"});
  routes.post("/v1/auth/2fa/verify", [&rt](Request& r) { return verify(rt, r); },
              {.access = Access::Authenticated,
               .rateLimitClass = "auth",
               .summary = "Confirms enrolment with a first code; from now on login needs a code",
               .tag = "auth",
               .requestSchema = kCodeSchema});
  routes.post("/v1/auth/2fa/disable", [&rt](Request& r) { return disable(rt, r); },
              {.access = Access::Authenticated,
               .rateLimitClass = "auth",
               .summary = "Turns two-factor authentication off (needs a current code)",
               .tag = "auth",
               .requestSchema = kCodeSchema});
}

}  // namespace agape::auth
