#include "rsa_key.h"

#include <stdexcept>
#include <vector>

#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "crypto_random.h"
#include "encoding.h"

namespace agape::auth {
namespace {

std::string bnParam(const EVP_PKEY* key, const char* name) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) return {};
  BignumPtr bn(raw);
  std::string out(static_cast<std::size_t>(BN_num_bytes(bn.get())), '\0');
  BN_bn2bin(bn.get(), reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

std::string bioText(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(len));
}

struct ParamBldDeleter {
  void operator()(OSSL_PARAM_BLD* p) const noexcept { OSSL_PARAM_BLD_free(p); }
};
struct ParamDeleter {
  void operator()(OSSL_PARAM* p) const noexcept { OSSL_PARAM_free(p); }
};

}  // namespace

std::string rsaThumbprint(std::string_view e, std::string_view n) {
  std::string canonical = "{\"e\":\"" + std::string(e) + "\",\"kty\":\"RSA\",\"n\":\"" + std::string(n) + "\"}";
  return base64UrlEncode(sha256(canonical));
}

RsaKey::RsaKey(PkeyPtr key) : key_(key.release(), EvpPkeyDeleter{}) {
  if (EVP_PKEY_get_base_id(key_.get()) != EVP_PKEY_RSA) throw std::runtime_error("the key is not an RSA key");
  n_ = base64UrlEncode(bnParam(key_.get(), OSSL_PKEY_PARAM_RSA_N));
  e_ = base64UrlEncode(bnParam(key_.get(), OSSL_PKEY_PARAM_RSA_E));
  if (n_.empty() || e_.empty()) throw std::runtime_error("the RSA key has no modulus or exponent");
  hasPrivate_ = !bnParam(key_.get(), OSSL_PKEY_PARAM_RSA_D).empty();
  kid_ = rsaThumbprint(e_, n_);
}

RsaKey RsaKey::generate(int bits) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), bits) != 1)
    throw std::runtime_error(opensslError("cannot set up RSA key generation"));
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_generate(ctx.get(), &raw) != 1) throw std::runtime_error(opensslError("RSA key generation failed"));
  return RsaKey(PkeyPtr(raw));
}

RsaKey RsaKey::fromPem(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) throw std::runtime_error(opensslError("BIO_new_mem_buf failed"));
  // An empty passphrase callback: an encrypted key fails instead of prompting on the terminal.
  auto noPassword = [](char*, int, int, void*) -> int { return 0; };
  if (EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, noPassword, nullptr)) return RsaKey(PkeyPtr(key));
  ERR_clear_error();
  BioPtr again(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (EVP_PKEY* key = PEM_read_bio_PUBKEY(again.get(), nullptr, noPassword, nullptr)) return RsaKey(PkeyPtr(key));
  throw std::runtime_error(opensslError("not a PEM RSA private or public key"));
}

RsaKey RsaKey::fromPublicComponents(std::string_view n, std::string_view e) {
  auto nBytes = base64UrlDecode(n);
  auto eBytes = base64UrlDecode(e);
  if (!nBytes || !eBytes) throw std::runtime_error("n and e must be base64url");
  auto toBn = [](const std::string& bytes) {
    BignumPtr bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()), nullptr));
    if (!bn) throw std::runtime_error(opensslError("BN_bin2bn failed"));
    return bn;
  };
  BignumPtr bnN = toBn(*nBytes), bnE = toBn(*eBytes);
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldDeleter> bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bnN.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bnE.get()) != 1)
    throw std::runtime_error(opensslError("cannot build RSA parameters"));
  std::unique_ptr<OSSL_PARAM, ParamDeleter> params(OSSL_PARAM_BLD_to_param(bld.get()));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
    throw std::runtime_error(opensslError("cannot build the RSA public key"));
  return RsaKey(PkeyPtr(raw));
}

int RsaKey::bits() const { return EVP_PKEY_get_bits(key_.get()); }

std::string RsaKey::privatePem() const {
  if (!hasPrivate_) throw std::logic_error("public-only key has no private PEM");
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
    throw std::runtime_error(opensslError("cannot write the private key"));
  return bioText(bio.get());
}

std::string RsaKey::publicPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1)
    throw std::runtime_error(opensslError("cannot write the public key"));
  return bioText(bio.get());
}

nlohmann::json RsaKey::publicJwk() const {
  return {{"kty", "RSA"}, {"use", "sig"}, {"alg", "RS256"}, {"kid", kid_}, {"n", n_}, {"e", e_}};
}

std::string RsaKey::signRs256(std::string_view data) const {
  if (!hasPrivate_) throw std::logic_error("cannot sign with a public-only key");
  MdCtxPtr ctx(EVP_MD_CTX_new());
  std::size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
    throw std::runtime_error(opensslError("RS256 signing failed"));
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
    throw std::runtime_error(opensslError("RS256 signing failed"));
  sig.resize(len);
  return sig;
}

bool RsaKey::verifyRs256(std::string_view data, std::string_view signature) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1)
    throw std::runtime_error(opensslError("RS256 verification set-up failed"));
  int rc = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                            reinterpret_cast<const unsigned char*>(data.data()), data.size());
  if (rc != 1) ERR_clear_error();  // a bad signature leaves an error on this thread's queue
  return rc == 1;
}

}  // namespace agape::auth
