#pragma once
// RS256 JSON Web Tokens (RFC 7519) signed and checked with OpenSSL directly.
// The verifier accepts exactly one algorithm, RS256, with a key chosen by
// `kid` from a fixed set: `alg: none`, HS256 "signed" with the public key,
// and foreign keys are refused by construction.

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "rsa_key.h"

namespace agape::auth {

class JwtError : public std::runtime_error {
 public:
  enum class Reason { Malformed, Algorithm, UnknownKey, Signature, Expired, NotYetValid, Issuer, Audience, Claims };
  JwtError(Reason reason, const std::string& message) : std::runtime_error(message), reason_(reason) {}
  Reason reason() const noexcept { return reason_; }

 private:
  Reason reason_;
};

// The claims of an access token.
struct AccessClaims {
  std::string subject;    // sub: user id
  std::string sessionId;  // sid
  std::vector<std::string> roles;
  std::string tokenId;    // jti
  long long issuedAt = 0;   // iat, unix seconds
  long long expiresAt = 0;  // exp
};

struct TokenRules {
  std::string issuer;
  std::string audience;
  std::chrono::seconds leeway{30};  // tolerated clock skew for exp, nbf and iat
};

// "<header>.<payload>.<signature>" over `payload`, header {alg:RS256, typ:JWT, kid}.
std::string signJwt(const RsaKey& key, const nlohmann::json& payload);
std::string signAccessToken(const RsaKey& key, const TokenRules& rules, const AccessClaims& claims);

// Finds a verification key by kid; nullptr when unknown.
using KeyFinder = std::function<const RsaKey*(std::string_view kid)>;

// Throws JwtError naming the first failed check.
AccessClaims verifyAccessToken(std::string_view token, const KeyFinder& keys, const TokenRules& rules,
                               long long nowUnixSeconds);

}  // namespace agape::auth
