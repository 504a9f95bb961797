#include "one_time_tokens.h"

#include "crypto_random.h"

namespace agape::auth {

const char* purposeName(TokenPurpose p) {
  return p == TokenPurpose::VerifyEmail ? "verify_email" : "password_reset";
}

std::string issueOneTimeToken(Tx& tx, const std::string& userId, TokenPurpose purpose, long long now,
                              long long ttlSeconds) {
  std::string token = newOpaqueToken();
  tx.exec(
      "INSERT INTO auth_one_time_tokens (token_hash, user_id, purpose, created_at, expires_at) "
      "VALUES (:h, :u, :p, :now, :exp)",
      {{"h", sha256Hex(token)}, {"u", userId}, {"p", purposeName(purpose)}, {"now", now},
       {"exp", now + ttlSeconds}});
  return token;
}

std::optional<std::string> consumeOneTimeToken(Tx& tx, const std::string& token, TokenPurpose purpose, long long now) {
  const std::string hash = sha256Hex(token);
  auto row = tx.one(
      "SELECT user_id FROM auth_one_time_tokens "
      "WHERE token_hash = :h AND purpose = :p AND used_at IS NULL AND expires_at > :now",
      {{"h", hash}, {"p", purposeName(purpose)}, {"now", now}});
  if (!row) return std::nullopt;
  // Conditional, so that two concurrent uses cannot both succeed.
  if (tx.exec("UPDATE auth_one_time_tokens SET used_at = :now WHERE token_hash = :h AND used_at IS NULL",
              {{"now", now}, {"h", hash}}) != 1)
    return std::nullopt;
  std::string userId = row->text("user_id");
  if (purpose == TokenPurpose::PasswordReset)
    tx.exec(
        "UPDATE auth_one_time_tokens SET used_at = :now "
        "WHERE user_id = :u AND purpose = :p AND used_at IS NULL",
        {{"now", now}, {"u", userId}, {"p", purposeName(purpose)}});
  return userId;
}

}  // namespace agape::auth

namespace agape::auth {

std::optional<std::string> peekOneTimeToken(Tx& tx, const std::string& token, TokenPurpose purpose, long long now) {
  auto row = tx.one(
      "SELECT user_id FROM auth_one_time_tokens "
      "WHERE token_hash = :h AND purpose = :p AND used_at IS NULL AND expires_at > :now",
      {{"h", sha256Hex(token)}, {"p", purposeName(purpose)}, {"now", now}});
  if (!row) return std::nullopt;
  return row->text("user_id");
}

}  // namespace agape::auth
