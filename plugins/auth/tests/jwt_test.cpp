// RS256 signing and every way a forged or stale token must be refused.
#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "encoding.h"
#include "jwt.h"
#include "rsa_key.h"

namespace agape::auth {
namespace {

using nlohmann::json;

// One 2048-bit key for the whole file: generation takes a while.
const RsaKey& key() {
  static const RsaKey k = RsaKey::generate(2048);
  return k;
}
const RsaKey& otherKey() {
  static const RsaKey k = RsaKey::generate(2048);
  return k;
}

constexpr long long kNow = 1'800'000'000;

TokenRules rules() { return TokenRules{"agape", "agape-api", std::chrono::seconds(30)}; }

AccessClaims claims() {
  AccessClaims c;
  c.subject = "user-1";
  c.sessionId = "session-1";
  c.roles = {"customer", "admin"};
  c.tokenId = "jti-1";
  c.issuedAt = kNow;
  c.expiresAt = kNow + 900;
  return c;
}

json payload() {
  return {{"iss", "agape"}, {"aud", "agape-api"}, {"sub", "user-1"}, {"roles", {"customer"}}, {"sid", "s"},
          {"iat", kNow}, {"exp", kNow + 900}, {"jti", "j"}};
}

KeyFinder finderOf(const RsaKey& k) {
  return [&k](std::string_view kid) -> const RsaKey* { return kid == k.kid() ? &k : nullptr; };
}

JwtError::Reason reasonOf(const std::string& token, long long now = kNow, const KeyFinder& f = finderOf(key())) {
  try {
    verifyAccessToken(token, f, rules(), now);
  } catch (const JwtError& e) {
    return e.reason();
  }
  ADD_FAILURE() << "token was accepted";
  return JwtError::Reason::Claims;
}

std::string segment(const json& j) { return base64UrlEncode(j.dump()); }

TEST(Jwt, SignedTokenRoundTrips) {
  std::string token = signAccessToken(key(), rules(), claims());
  AccessClaims c = verifyAccessToken(token, finderOf(key()), rules(), kNow + 10);
  EXPECT_EQ(c.subject, "user-1");
  EXPECT_EQ(c.sessionId, "session-1");
  EXPECT_EQ(c.roles, (std::vector<std::string>{"customer", "admin"}));
  EXPECT_EQ(c.tokenId, "jti-1");
  EXPECT_EQ(c.expiresAt, kNow + 900);
}

TEST(Jwt, HeaderNamesAlgTypAndThumbprintKid) {
  std::string token = signAccessToken(key(), rules(), claims());
  json header = json::parse(*base64UrlDecode(token.substr(0, token.find('.'))));
  EXPECT_EQ(header, (json{{"alg", "RS256"}, {"typ", "JWT"}, {"kid", key().kid()}}));
  json body = json::parse(*base64UrlDecode(token.substr(token.find('.') + 1, token.rfind('.') - token.find('.') - 1)));
  for (const char* claim : {"iss", "aud", "sub", "roles", "sid", "iat", "exp", "jti"})
    EXPECT_TRUE(body.contains(claim)) << claim;
}

TEST(Jwt, TamperedPayloadIsRefused) {
  std::string token = signAccessToken(key(), rules(), claims());
  auto d1 = token.find('.'), d2 = token.rfind('.');
  json body = payload();
  body["roles"] = {"admin"};
  std::string forged = token.substr(0, d1) + "." + segment(body) + token.substr(d2);
  EXPECT_EQ(reasonOf(forged), JwtError::Reason::Signature);
}

TEST(Jwt, SignatureFromAnotherKeyWithTheSameKidIsRefused) {
  std::string input = segment({{"alg", "RS256"}, {"typ", "JWT"}, {"kid", key().kid()}}) + "." + segment(payload());
  std::string forged = input + "." + base64UrlEncode(otherKey().signRs256(input));
  EXPECT_EQ(reasonOf(forged), JwtError::Reason::Signature);
}

TEST(Jwt, AlgNoneIsRefused) {
  for (const char* alg : {"none", "None", "NONE"}) {
    std::string forged = segment({{"alg", alg}, {"typ", "JWT"}, {"kid", key().kid()}}) + "." + segment(payload()) + ".";
    EXPECT_EQ(reasonOf(forged), JwtError::Reason::Algorithm) << alg;
  }
}

TEST(Jwt, Hs256WithThePublicKeyAsSecretIsRefused) {
  // The classic confusion attack: HMAC keyed with the PEM the server publishes.
  std::string secret = key().publicPem();
  for (const char* alg : {"HS256", "HS384", "HS512"}) {
    std::string input = segment({{"alg", alg}, {"typ", "JWT"}, {"kid", key().kid()}}) + "." + segment(payload());
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
    std::string forged = input + "." + base64UrlEncode(std::string(reinterpret_cast<char*>(mac), len));
    EXPECT_EQ(reasonOf(forged), JwtError::Reason::Algorithm) << alg;
  }
}

TEST(Jwt, UnknownOrMissingKidIsRefused) {
  std::string token = signAccessToken(otherKey(), rules(), claims());
  EXPECT_EQ(reasonOf(token), JwtError::Reason::UnknownKey);
  std::string input = segment({{"alg", "RS256"}, {"typ", "JWT"}}) + "." + segment(payload());
  EXPECT_EQ(reasonOf(input + "." + base64UrlEncode(key().signRs256(input))), JwtError::Reason::UnknownKey);
}

TEST(Jwt, ExpiryHonoursTheLeeway) {
  std::string token = signAccessToken(key(), rules(), claims());
  EXPECT_NO_THROW(verifyAccessToken(token, finderOf(key()), rules(), kNow + 900 + 29));
  EXPECT_EQ(reasonOf(token, kNow + 900 + 30), JwtError::Reason::Expired);
  EXPECT_EQ(reasonOf(token, kNow + 86400), JwtError::Reason::Expired);
}

TEST(Jwt, NotBeforeInTheFutureIsRefused) {
  json body = payload();
  body["nbf"] = kNow + 120;
  std::string token = signJwt(key(), body);
  EXPECT_EQ(reasonOf(token), JwtError::Reason::NotYetValid);
  EXPECT_NO_THROW(verifyAccessToken(token, finderOf(key()), rules(), kNow + 100));
  body.erase("nbf");
  body["iat"] = kNow + 120;
  EXPECT_EQ(reasonOf(signJwt(key(), body)), JwtError::Reason::NotYetValid);
}

TEST(Jwt, WrongIssuerOrAudienceIsRefused) {
  json body = payload();
  body["iss"] = "someone-else";
  EXPECT_EQ(reasonOf(signJwt(key(), body)), JwtError::Reason::Issuer);
  body = payload();
  body["aud"] = "another-api";
  EXPECT_EQ(reasonOf(signJwt(key(), body)), JwtError::Reason::Audience);
  body["aud"] = {"x", "agape-api"};
  EXPECT_NO_THROW(verifyAccessToken(signJwt(key(), body), finderOf(key()), rules(), kNow));
  body.erase("aud");
  EXPECT_EQ(reasonOf(signJwt(key(), body)), JwtError::Reason::Audience);
}

TEST(Jwt, MissingClaimsAndGarbageAreRefused) {
  json body = payload();
  body.erase("exp");
  EXPECT_EQ(reasonOf(signJwt(key(), body)), JwtError::Reason::Claims);
  body = payload();
  body["exp"] = "tomorrow";
  EXPECT_EQ(reasonOf(signJwt(key(), body)), JwtError::Reason::Claims);
  body = payload();
  body.erase("sid");
  EXPECT_EQ(reasonOf(signJwt(key(), body)), JwtError::Reason::Claims);
  for (const char* garbage : {"", "abc", "a.b", "a.b.c.d", "!!.??.**", "eyJhbGciOiJSUzI1NiJ9.e30="})
    EXPECT_EQ(reasonOf(garbage), JwtError::Reason::Malformed) << garbage;
}

TEST(Jwk, Rfc7638ThumbprintVector) {
  // RFC 7638 §3.1: the RFC 7517 A.1 key.
  const std::string n =
      "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknj"
      "hMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6"
      "qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8a"
      "wapJzKnqDKgw";
  EXPECT_EQ(rsaThumbprint("AQAB", n), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
  RsaKey k = RsaKey::fromPublicComponents(n, "AQAB");
  EXPECT_EQ(k.kid(), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
  EXPECT_EQ(k.bits(), 2048);
  EXPECT_FALSE(k.hasPrivate());
}

TEST(Jwk, PublicJwkHasNoPrivateMembersAndPemRoundTrips) {
  json jwk = key().publicJwk();
  for (const char* m : {"d", "p", "q", "dp", "dq", "qi"}) EXPECT_FALSE(jwk.contains(m)) << m;
  EXPECT_EQ(jwk["kty"], "RSA");
  EXPECT_EQ(jwk["alg"], "RS256");
  EXPECT_EQ(jwk["use"], "sig");
  EXPECT_EQ(jwk["e"], "AQAB");
  RsaKey again = RsaKey::fromPem(key().privatePem());
  EXPECT_TRUE(again.hasPrivate());
  EXPECT_EQ(again.kid(), key().kid());
  RsaKey pub = RsaKey::fromPem(key().publicPem());
  EXPECT_FALSE(pub.hasPrivate());
  EXPECT_EQ(pub.kid(), key().kid());
  EXPECT_THROW(RsaKey::fromPem("not a key"), std::runtime_error);
}

TEST(Base64Url, StrictDecoding) {
  EXPECT_EQ(base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(*base64UrlDecode("-_8"), "\xfb\xff");
  EXPECT_FALSE(base64UrlDecode("-_8="));  // padding
  EXPECT_FALSE(base64UrlDecode("+/8"));   // the other alphabet
  EXPECT_FALSE(base64UrlDecode("-_9"));   // non-zero trailing bits
  EXPECT_FALSE(base64UrlDecode("A"));
}

}  // namespace
}  // namespace agape::auth
