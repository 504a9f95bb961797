#include "jwt.h"

#include <algorithm>

#include "encoding.h"

namespace agape::auth {
namespace {

using Reason = JwtError::Reason;
using nlohmann::json;

json decodeSegment(std::string_view segment, const char* what) {
  auto bytes = base64UrlDecode(segment);
  if (!bytes) throw JwtError(Reason::Malformed, std::string(what) + " is not base64url");
  json j = json::parse(*bytes, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw JwtError(Reason::Malformed, std::string(what) + " is not a JSON object");
  return j;
}

long long numericDate(const json& claims, const char* name, bool required) {
  auto it = claims.find(name);
  if (it == claims.end()) {
    if (required) throw JwtError(Reason::Claims, std::string(name) + " is missing");
    return 0;
  }
  if (!it->is_number_integer()) throw JwtError(Reason::Claims, std::string(name) + " is not an integer NumericDate");
  return it->get<long long>();
}

std::string requiredString(const json& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end() || !it->is_string() || it->get_ref<const std::string&>().empty())
    throw JwtError(Reason::Claims, std::string(name) + " is missing");
  return it->get<std::string>();
}

bool audienceMatches(const json& claims, const std::string& audience) {
  auto it = claims.find("aud");
  if (it == claims.end()) return false;
  if (it->is_string()) return it->get_ref<const std::string&>() == audience;
  if (it->is_array())
    return std::any_of(it->begin(), it->end(), [&](const json& a) { return a.is_string() && a == audience; });
  return false;
}

}  // namespace

std::string signJwt(const RsaKey& key, const json& payload) {
  json header = {{"alg", "RS256"}, {"typ", "JWT"}, {"kid", key.kid()}};
  std::string input = base64UrlEncode(header.dump()) + "." + base64UrlEncode(payload.dump());
  return input + "." + base64UrlEncode(key.signRs256(input));
}

std::string signAccessToken(const RsaKey& key, const TokenRules& rules, const AccessClaims& c) {
  json payload = {{"iss", rules.issuer}, {"aud", rules.audience}, {"sub", c.subject}, {"roles", c.roles},
                  {"sid", c.sessionId}, {"iat", c.issuedAt}, {"exp", c.expiresAt}, {"jti", c.tokenId}};
  return signJwt(key, payload);
}

AccessClaims verifyAccessToken(std::string_view token, const KeyFinder& keys, const TokenRules& rules,
                               long long now) {
  if (token.size() > 8192) throw JwtError(Reason::Malformed, "token too long");
  auto dot1 = token.find('.');
  auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos)
    throw JwtError(Reason::Malformed, "not a compact JWS");

  json header = decodeSegment(token.substr(0, dot1), "header");
  // Only RS256: the algorithm is never taken from the token to choose how to verify.
  auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string() || *alg != "RS256")
    throw JwtError(Reason::Algorithm, "alg must be RS256");
  if (header.contains("crit")) throw JwtError(Reason::Malformed, "crit header parameters are not supported");
  auto kid = header.find("kid");
  if (kid == header.end() || !kid->is_string()) throw JwtError(Reason::UnknownKey, "kid is missing");
  const RsaKey* key = keys(kid->get_ref<const std::string&>());
  if (!key) throw JwtError(Reason::UnknownKey, "unknown kid");

  auto signature = base64UrlDecode(token.substr(dot2 + 1));
  if (!signature) throw JwtError(Reason::Malformed, "signature is not base64url");
  if (!key->verifyRs256(token.substr(0, dot2), *signature)) throw JwtError(Reason::Signature, "bad signature");

  json claims = decodeSegment(token.substr(dot1 + 1, dot2 - dot1 - 1), "payload");
  const long long leeway = rules.leeway.count();
  long long exp = numericDate(claims, "exp", true);
  if (now >= exp + leeway) throw JwtError(Reason::Expired, "token expired");
  if (claims.contains("nbf") && numericDate(claims, "nbf", false) > now + leeway)
    throw JwtError(Reason::NotYetValid, "token not valid yet");
  long long iat = numericDate(claims, "iat", true);
  if (iat > now + leeway) throw JwtError(Reason::NotYetValid, "token issued in the future");
  if (!claims.contains("iss") || claims["iss"] != rules.issuer) throw JwtError(Reason::Issuer, "wrong issuer");
  if (!audienceMatches(claims, rules.audience)) throw JwtError(Reason::Audience, "wrong audience");

  AccessClaims out;
  out.subject = requiredString(claims, "sub");
  out.sessionId = requiredString(claims, "sid");
  out.tokenId = requiredString(claims, "jti");
  out.issuedAt = iat;
  out.expiresAt = exp;
  auto roles = claims.find("roles");
  if (roles == claims.end() || !roles->is_array()) throw JwtError(Reason::Claims, "roles is missing");
  for (const auto& r : *roles) {
    if (!r.is_string()) throw JwtError(Reason::Claims, "roles must be strings");
    out.roles.push_back(r.get<std::string>());
  }
  return out;
}

}  // namespace agape::auth
