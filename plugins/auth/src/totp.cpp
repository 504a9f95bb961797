#include "totp.h"

#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "crypto_random.h"
#include "openssl_handles.h"

namespace agape::auth {

std::string hotp(std::string_view key, std::uint64_t counter, int digits) {
  if (digits < 6 || digits > 9) throw std::invalid_argument("HOTP digits must be 6..9");
  unsigned char msg[8];
  for (int i = 7; i >= 0; --i) {
    msg[i] = static_cast<unsigned char>(counter & 0xFF);
    counter >>= 8;
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), msg, sizeof msg, md, &len))
    throw std::runtime_error(opensslError("HMAC-SHA1 failed"));
  int offset = md[len - 1] & 0x0F;
  std::uint32_t bin = (std::uint32_t(md[offset] & 0x7F) << 24) | (std::uint32_t(md[offset + 1]) << 16) |
                      (std::uint32_t(md[offset + 2]) << 8) | std::uint32_t(md[offset + 3]);
  std::uint32_t mod = 1;
  for (int i = 0; i < digits; ++i) mod *= 10;
  std::string code = std::to_string(bin % mod);
  return std::string(static_cast<std::size_t>(digits) - code.size(), '0') + code;
}

long long totpStep(long long unixSeconds) {
  // Floor division, so that times before 1970 (never expected) stay consistent.
  return unixSeconds >= 0 ? unixSeconds / kTotpStepSeconds : -((-unixSeconds + kTotpStepSeconds - 1) / kTotpStepSeconds);
}

std::string totp(std::string_view key, long long unixSeconds, int digits) {
  return hotp(key, static_cast<std::uint64_t>(totpStep(unixSeconds)), digits);
}

std::optional<long long> matchTotp(std::string_view key, std::string_view code, long long unixSeconds,
                                   std::optional<long long> lastUsedStep) {
  if (code.size() != 6) return std::nullopt;
  for (char c : code)
    if (c < '0' || c > '9') return std::nullopt;
  const long long now = totpStep(unixSeconds);
  std::optional<long long> match;
  // Check every candidate step (no early exit), so timing does not tell which one matched.
  for (long long step = now - 1; step <= now + 1; ++step) {
    if (step < 0) continue;
    bool equal = constantTimeEquals(hotp(key, static_cast<std::uint64_t>(step), 6), code);
    if (equal && !match && (!lastUsedStep || step > *lastUsedStep)) match = step;
  }
  return match;
}

}  // namespace agape::auth
