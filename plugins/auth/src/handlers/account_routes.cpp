// Registration, email verification and password reset.
#include <agape/contract.h>

#include "auth_runtime.h"
#include "crypto_random.h"
#include "handlers/auth_wire.h"
#include "one_time_tokens.h"
#include "contact_text.h"

namespace agape::auth {
namespace {

struct Registration {
  std::string email;
  std::string password;
  std::string firstName;
  std::string lastName;
  std::optional<std::string> phone;
};
struct TokenBody {
  std::string token;
};
struct EmailBody {
  std::string email;
};
struct NewPassword {
  std::string token;
  std::string password;
};

const Rules kEmail{.trim = true, .minLength = 1, .maxLength = 254};
const Rules kPassword{.minLength = 1, .maxLength = 1024, .description = "at least 10 characters, not a common password"};
const Rules kToken{.trim = true, .minLength = 1, .maxLength = 128};

UserRecord registerUser(AuthRuntime& rt, const Registration& in) {
  const std::string email = normalizeEmail(in.email);
  const std::string& password = in.password;
  const std::string& first = in.firstName;
  const std::string& last = in.lastName;
  std::optional<std::string> phone = in.phone;
  if (phone && phone->empty()) phone.reset();

  // Hashing before the transaction keeps the slow part out of any database lock.
  NewUser nu{rt.newId(), email, rt.hasher().hash(password), first, last, phone};
  const long long now = rt.now();
  UserRecord user;
  try {
    user = rt.db().run([&](Tx& tx) {
      insertUser(tx, nu, now);
      UserRecord u = requireUser(tx, nu.id);
      long long expires = now + rt.config().emailVerificationTtl.count();
      std::string token = issueOneTimeToken(tx, u.id, TokenPurpose::VerifyEmail, now, rt.config().emailVerificationTtl.count());
      rt.publishUserEvent<UserRegistered>(tx, u, std::nullopt);
      rt.publishOneTimeLink<UserEmailVerificationRequested>(
          tx, u, rt.config().publicBaseUrl + "/verify-email?token=" + token, expires);
      return u;
    });
  } catch (const DbError& e) {
    if (e.kind() != DbError::Kind::UniqueViolation) throw;
    throw Problem(409, "duplicate", "An account with this email already exists.", {{"email", "is already registered"}});
  }
  return user;
}

UserRecord verifyEmail(AuthRuntime& rt, const std::string& token) {
  const long long now = rt.now();
  auto user = rt.db().run([&](Tx& tx) -> std::optional<UserRecord> {
    auto userId = consumeOneTimeToken(tx, token, TokenPurpose::VerifyEmail, now);
    if (!userId) return std::nullopt;
    markEmailVerified(tx, *userId, now);
    return requireUser(tx, *userId);
  });
  if (!user) throw Problem::validation({{"token", "is invalid, used or expired"}});
  return *user;
}

void requestPasswordReset(AuthRuntime& rt, const std::string& rawEmail) {
  const std::string email = normalizeEmail(rawEmail);
  // The same 202 whether or not the address is known: no account enumeration.
  if (email.empty()) return;
  const long long now = rt.now();
  const long long ttl = rt.config().passwordResetTtl.count();
  rt.db().run([&](Tx& tx) {
    auto user = findUserByEmail(tx, email);
    if (!user) return;
    std::string token = issueOneTimeToken(tx, user->id, TokenPurpose::PasswordReset, now, ttl);
    rt.publishOneTimeLink<UserPasswordResetRequested>(
        tx, *user, rt.config().publicBaseUrl + "/reset-password?token=" + token, now + ttl);
  });
}

UserRecord resetPassword(AuthRuntime& rt, const std::string& token, const std::string& password) {
  const long long now = rt.now();
  auto owner = rt.db().read([&](Tx& tx) -> std::optional<UserRecord> {
    auto id = peekOneTimeToken(tx, token, TokenPurpose::PasswordReset, now);
    return id ? findUserById(tx, *id) : std::nullopt;
  });
  if (!owner) throw Problem::validation({{"token", "is invalid, used or expired"}});
  if (auto weak = rt.policy().check(password, owner->email); !weak.empty()) throw Problem::validation(std::move(weak));
  std::string hash = rt.hasher().hash(password);
  std::vector<std::string> revoked;
  auto user = rt.db().run([&](Tx& tx) -> std::optional<UserRecord> {
    auto id = consumeOneTimeToken(tx, token, TokenPurpose::PasswordReset, now);
    if (!id) return std::nullopt;
    setPasswordHash(tx, *id, hash, now);
    revoked = rt.sessions().revokeAll(tx, *id, "password_reset", now);
    UserRecord u = requireUser(tx, *id);
    rt.publishUserEvent<UserPasswordChanged>(tx, u, rt.config().publicBaseUrl + "/login");
    return u;
  });
  if (!user) throw Problem::validation({{"token", "is invalid, used or expired"}});
  rt.noteRevoked(revoked, now);
  return *user;
}

}  // namespace

void addAccountRoutes(Routes& routes, AuthRuntime& rt) {
  const auto user = userEnvelopeSchema();
  const auto registration =
      Schema<Registration>()
          .field("email", &Registration::email,
                 {.trim = true, .minLength = 1, .maxLength = 254, .verify = [](const std::string& e) {
                    return normalizeEmail(e).empty() ? "is not a valid email address" : "";
                  }})
          .field("password", &Registration::password, kPassword)
          .field("firstName", &Registration::firstName, {.trim = true, .minLength = 1, .maxLength = 100})
          .field("lastName", &Registration::lastName, {.trim = true, .minLength = 1, .maxLength = 100})
          .field("phone", &Registration::phone, {.trim = true, .maxLength = 20, .verify = [](const std::string& p) {
                                                    return p.empty() || plausiblePhone(p) ? "" : "is not a valid phone number";
                                                  }})
          .check([&rt](const Registration& r, std::vector<FieldError>& errors) {
            for (auto& e : rt.policy().check(r.password, normalizeEmail(r.email))) errors.push_back(std::move(e));
          });
  routes.post("/v1/auth/register", Contract().body(registration).returns(user),
              {.rateLimitClass = "auth",
               .summary = "Registers a customer account and mails an email verification link",
               .tag = "auth",
               .successStatus = 201},
              [&rt](Call<Registration>& call) { return envelopeOf(registerUser(rt, call.body)); });
  routes.post("/v1/auth/verify-email",
              Contract().body(Schema<TokenBody>().field("token", &TokenBody::token, kToken)).returns(user),
              {.rateLimitClass = "auth", .summary = "Confirms an email address with the mailed token", .tag = "auth"},
              [&rt](Call<TokenBody>& call) { return envelopeOf(verifyEmail(rt, call.body.token)); });
  routes.post("/v1/auth/password-reset-request",
              Contract().body(Schema<EmailBody>().field("email", &EmailBody::email, kEmail)),
              {.rateLimitClass = "auth",
               .summary = "Mails a password reset link if the address is registered (always 202)",
               .tag = "auth",
               .successStatus = 202,
               .successContentType = ""},
              [&rt](Call<EmailBody>& call) { requestPasswordReset(rt, call.body.email); });
  routes.post("/v1/auth/password-reset",
              Contract()
                  .body(Schema<NewPassword>()
                            .field("token", &NewPassword::token, kToken)
                            .field("password", &NewPassword::password, kPassword))
                  .returns(user),
              {.rateLimitClass = "auth", .summary = "Sets a new password with a reset token; ends every session",
               .tag = "auth"},
              [&rt](Call<NewPassword>& call) { return envelopeOf(resetPassword(rt, call.body.token, call.body.password)); });
}

}  // namespace agape::auth
