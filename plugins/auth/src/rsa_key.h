#pragma once
// One RSA key for RS256: loaded from or written to PEM, described as a public
// JWK whose kid is its RFC 7638 thumbprint.

#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "openssl_handles.h"

namespace agape::auth {

// RFC 7638 thumbprint of an RSA public key given as base64url `e` and `n`:
// SHA-256 over {"e":…,"kty":"RSA","n":…}, base64url.
std::string rsaThumbprint(std::string_view e, std::string_view n);

class RsaKey {
 public:
  static RsaKey generate(int bits = 2048);
  // A PEM private key (PKCS#8 or PKCS#1) or a public key (SPKI); throws
  // std::runtime_error when it is neither or not RSA.
  static RsaKey fromPem(std::string_view pem);
  // A public key from its JWK members `n` and `e` (base64url).
  static RsaKey fromPublicComponents(std::string_view n, std::string_view e);

  bool hasPrivate() const { return hasPrivate_; }
  const std::string& kid() const { return kid_; }
  int bits() const;
  // PKCS#8 PEM of the private key; throws for a public-only key.
  std::string privatePem() const;
  std::string publicPem() const;
  // {"kty","use","alg","kid","n","e"}: never a private member.
  nlohmann::json publicJwk() const;

  // RSASSA-PKCS1-v1_5 with SHA-256.
  std::string signRs256(std::string_view data) const;
  bool verifyRs256(std::string_view data, std::string_view signature) const;

 private:
  explicit RsaKey(PkeyPtr key);
  std::shared_ptr<EVP_PKEY> key_;  // shared: EVP_PKEY is safe for concurrent use once built
  bool hasPrivate_ = false;
  std::string n_, e_, kid_;
};

}  // namespace agape::auth
