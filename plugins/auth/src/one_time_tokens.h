#pragma once
// Single-use tokens mailed to users (email verification, password reset):
// 256 random bits, stored as SHA-256, valid until expiry or first use.

#include <optional>
#include <string>

#include <agape/db.h>

namespace agape::auth {

enum class TokenPurpose { VerifyEmail, PasswordReset };
const char* purposeName(TokenPurpose p);

// Returns the token to mail.
std::string issueOneTimeToken(Tx& tx, const std::string& userId, TokenPurpose purpose, long long now,
                              long long ttlSeconds);
// Marks it used and returns its user; nullopt when unknown, used, expired or
// of another purpose. Using a password-reset token also voids the user's
// other outstanding reset tokens.
std::optional<std::string> consumeOneTimeToken(Tx& tx, const std::string& token, TokenPurpose purpose, long long now);

}  // namespace agape::auth

namespace agape::auth {
// The user of a valid token, without using it up.
std::optional<std::string> peekOneTimeToken(Tx& tx, const std::string& token, TokenPurpose purpose, long long now);
}  // namespace agape::auth
