// Registration, email verification and password reset.
#include "auth_runtime.h"
#include "crypto_random.h"
#include "one_time_tokens.h"
#include "request_fields.h"

namespace agape::auth {
namespace {

constexpr const char* kUserSchema =
    R"({"type":"object","required":["id","email","firstName","lastName","roles","emailVerified","twoFactorEnabled"],)"
    R"("properties":{"id":{"type":"string"},"email":{"type":"string"},"firstName":{"type":"string"},)"
    R"("lastName":{"type":"string"},"phone":{"type":"string","nullable":true},"roles":{"type":"array","items":{"type":"string"}},)"
    R"("emailVerified":{"type":"boolean"},"twoFactorEnabled":{"type":"boolean"},"createdAt":{"type":"string"}}})";

std::string wrapUser() { return std::string(R"({"type":"object","required":["user"],"properties":{"user":)") + kUserSchema + "}}"; }

Response registerUser(AuthRuntime& rt, Request& req) {
  Json body = parseJsonObject(req, {"email", "password", "firstName", "lastName", "phone"});
  RequestFields f(body);
  std::string rawEmail = f.required("email", 254);
  auto password = body.contains("password") && body["password"].is_string() ? body["password"].get<std::string>()
                                                                              : std::string();
  if (password.empty()) f.error("password", "is required");
  std::string first = f.required("firstName", 100);
  std::string last = f.required("lastName", 100);
  auto phone = f.optional("phone", 20);
  std::string email = normalizeEmail(rawEmail);
  if (!rawEmail.empty() && email.empty()) f.error("email", "is not a valid email address");
  if (phone && !phone->empty() && !plausiblePhone(*phone)) f.error("phone", "is not a valid phone number");
  if (phone && phone->empty()) phone.reset();
  if (!password.empty()) f.add(rt.policy().check(password, email));
  f.finish();

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
      rt.publishUserEvent(tx, "user.registered", u, "");
      rt.publishOneTimeLink(tx, "user.email_verification_requested", u,
                            rt.config().publicBaseUrl + "/verify-email?token=" + token, expires);
      return u;
    });
  } catch (const DbError& e) {
    if (e.kind() != DbError::Kind::UniqueViolation) throw;
    throw Problem(409, "duplicate", "An account with this email already exists.", {{"email", "is already registered"}});
  }
  return jsonResponse({{"user", user.toJson()}}, 201);
}

Response verifyEmail(AuthRuntime& rt, Request& req) {
  Json body = parseJsonObject(req, {"token"});
  RequestFields f(body);
  std::string token = f.required("token", 128);
  f.finish();
  const long long now = rt.now();
  auto user = rt.db().run([&](Tx& tx) -> std::optional<UserRecord> {
    auto userId = consumeOneTimeToken(tx, token, TokenPurpose::VerifyEmail, now);
    if (!userId) return std::nullopt;
    markEmailVerified(tx, *userId, now);
    return requireUser(tx, *userId);
  });
  if (!user) throw Problem::validation({{"token", "is invalid, used or expired"}});
  return jsonResponse({{"user", user->toJson()}});
}

Response requestPasswordReset(AuthRuntime& rt, Request& req) {
  Json body = parseJsonObject(req, {"email"});
  RequestFields f(body);
  std::string email = normalizeEmail(f.required("email", 254));
  f.finish();
  // The same 202 whether or not the address is known: no account enumeration.
  if (email.empty()) return Response::withStatus(202);
  const long long now = rt.now();
  const long long ttl = rt.config().passwordResetTtl.count();
  rt.db().run([&](Tx& tx) {
    auto user = findUserByEmail(tx, email);
    if (!user) return;
    std::string token = issueOneTimeToken(tx, user->id, TokenPurpose::PasswordReset, now, ttl);
    rt.publishOneTimeLink(tx, "user.password_reset_requested", *user,
                          rt.config().publicBaseUrl + "/reset-password?token=" + token, now + ttl);
  });
  return Response::withStatus(202);
}

Response resetPassword(AuthRuntime& rt, Request& req) {
  Json body = parseJsonObject(req, {"token", "password"});
  RequestFields f(body);
  std::string token = f.required("token", 128);
  std::string password =
      body.contains("password") && body["password"].is_string() ? body["password"].get<std::string>() : std::string();
  if (password.empty()) f.error("password", "is required");
  f.finish();
  const long long now = rt.now();
  auto owner = rt.db().read([&](Tx& tx) -> std::optional<UserRecord> {
    auto id = peekOneTimeToken(tx, token, TokenPurpose::PasswordReset, now);
    return id ? findUserById(tx, *id) : std::nullopt;
  });
  if (!owner) throw Problem::validation({{"token", "is invalid, used or expired"}});
  f.add(rt.policy().check(password, owner->email));
  f.finish();
  std::string hash = rt.hasher().hash(password);
  std::vector<std::string> revoked;
  auto user = rt.db().run([&](Tx& tx) -> std::optional<UserRecord> {
    auto id = consumeOneTimeToken(tx, token, TokenPurpose::PasswordReset, now);
    if (!id) return std::nullopt;
    setPasswordHash(tx, *id, hash, now);
    revoked = rt.sessions().revokeAll(tx, *id, "password_reset", now);
    UserRecord u = requireUser(tx, *id);
    rt.publishUserEvent(tx, "user.password_changed", u, rt.config().publicBaseUrl + "/login");
    return u;
  });
  if (!user) throw Problem::validation({{"token", "is invalid, used or expired"}});
  rt.noteRevoked(revoked, now);
  return jsonResponse({{"user", user->toJson()}});
}

}  // namespace

void addAccountRoutes(Routes& routes, AuthRuntime& rt) {
  routes.post("/v1/auth/register", [&rt](Request& r) { return registerUser(rt, r); },
              {.rateLimitClass = "auth",
               .summary = "Registers a customer account and mails an email verification link",
               .tag = "auth",
               .requestSchema = R"({"type":"object","required":["email","password","firstName","lastName"],"additionalProperties":false,)"
                                R"("properties":{"email":{"type":"string"},"password":{"type":"string","minLength":10},)"
                                R"("firstName":{"type":"string"},"lastName":{"type":"string"},"phone":{"type":"string"}}})",
               .responseSchema = wrapUser(),
               .successStatus = 201});
  routes.post("/v1/auth/verify-email", [&rt](Request& r) { return verifyEmail(rt, r); },
              {.rateLimitClass = "auth",
               .summary = "Confirms an email address with the mailed token",
               .tag = "auth",
               .requestSchema = R"({"type":"object","required":["token"],"additionalProperties":false,"properties":{"token":{"type":"string"}}})",
               .responseSchema = wrapUser()});
  routes.post("/v1/auth/password-reset-request", [&rt](Request& r) { return requestPasswordReset(rt, r); },
              {.rateLimitClass = "auth",
               .summary = "Mails a password reset link if the address is registered (always 202)",
               .tag = "auth",
               .requestSchema = R"({"type":"object","required":["email"],"additionalProperties":false,"properties":{"email":{"type":"string"}}})",
               .successStatus = 202,
               .successContentType = ""});
  routes.post("/v1/auth/password-reset", [&rt](Request& r) { return resetPassword(rt, r); },
              {.rateLimitClass = "auth",
               .summary = "Sets a new password with a reset token; ends every session",
               .tag = "auth",
               .requestSchema = R"({"type":"object","required":["token","password"],"additionalProperties":false,)"
                                R"("properties":{"token":{"type":"string"},"password":{"type":"string","minLength":10}}})",
               .responseSchema = wrapUser()});
}

}  // namespace agape::auth
