// TOTP two-factor authentication: enable (pending) → verify (on) → disable.
#include <agape/contract.h>

#include "auth_runtime.h"
#include "base32.h"
#include "handlers/auth_wire.h"
#include "crypto_random.h"
#include "handlers/attempt_guard.h"
#include "otpauth.h"
#include "totp.h"

namespace agape::auth {
namespace {

struct CodeBody {
  std::string code;
};
struct Enrolment {
  std::string secret;
  std::string otpauthUrl;
  std::string qrSvg;
};
struct TwoFactorState {
  bool twoFactorEnabled = false;
};

Problem badCode() { return Problem::validation({{"code", "is not a valid code from the authenticator app"}}); }

Enrolment enable(AuthRuntime& rt, const Principal& me) {
  const long long now = rt.now();
  const std::string secret = base32Encode(randomBytes(kTotpSecretBytes));
  UserRecord user = rt.db().run([&](Tx& tx) {
    UserRecord u = requireUser(tx, me.id);
    if (u.twoFactorEnabled())
      throw Problem(409, "invalid_transition", "Two-factor authentication is already on; disable it first.");
    setPendingTotp(tx, u.id, rt.sealTotp(u.id, secret), now);
    return u;
  });
  std::string uri = otpauthUri(rt.config().issuer, user.email, secret);
  return {secret, uri, qrSvg(uri)};
}

// Wrong codes count like wrong passwords (the same lockout): a stolen
// access token must not be able to try every code.
void verify(AuthRuntime& rt, const Principal& me, const std::string& code) {
  const long long now = rt.now();
  const UserRecord u = rt.db().read([&](Tx& tx) { return requireUser(tx, me.id); });
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
}

void disable(AuthRuntime& rt, const Principal& me, const std::string& code) {
  const long long now = rt.now();
  const UserRecord u = rt.db().read([&](Tx& tx) { return requireUser(tx, me.id); });
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
}

}  // namespace

void addTwoFactorRoutes(Routes& routes, AuthRuntime& rt) {
  const auto code = Schema<CodeBody>().field("code", &CodeBody::code,
                                             {.trim = true, .minLength = 1, .maxLength = 16,
                                              .description = "the 6 digits the authenticator app shows"});
  const auto state = Schema<TwoFactorState>().field("twoFactorEnabled", &TwoFactorState::twoFactorEnabled);
  routes.post("/v1/auth/2fa/enable",
              Contract().body(Schema<NoFields>()).returns(Schema<Enrolment>()
                                                               .field("secret", &Enrolment::secret)
                                                               .field("otpauthUrl", &Enrolment::otpauthUrl)
                                                               .field("qrSvg", &Enrolment::qrSvg)),
              {.access = Access::Authenticated,
               .summary = "Starts TOTP enrolment: a new secret, its otpauth URL and QR code (pending until verified)",
               .tag = "auth"},
              [&rt](Call<NoFields>& call) { return enable(rt, call.principal()); });
  routes.post("/v1/auth/2fa/verify", Contract().body(code).returns(state),
              {.access = Access::Authenticated,
               .rateLimitClass = "auth",
               .summary = "Confirms enrolment with a first code; from now on login needs a code",
               .tag = "auth"},
              [&rt](Call<CodeBody>& call) {
                verify(rt, call.principal(), call.body.code);
                return TwoFactorState{true};
              });
  routes.post("/v1/auth/2fa/disable", Contract().body(code).returns(state),
              {.access = Access::Authenticated,
               .rateLimitClass = "auth",
               .summary = "Turns two-factor authentication off (needs a current code)",
               .tag = "auth"},
              [&rt](Call<CodeBody>& call) {
                disable(rt, call.principal(), call.body.code);
                return TwoFactorState{false};
              });
}

}  // namespace agape::auth
