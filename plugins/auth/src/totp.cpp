#include "totp.h"

#include <liboath/oath.h>

#include <stdexcept>

#include "crypto_random.h"

namespace agape::auth {
namespace {

// liboath initialises its crypto once per process.
void requireOath() {
  static const int ready = oath_init();
  if (ready != OATH_OK) throw std::runtime_error(std::string("liboath could not start: ") + oath_strerror(ready));
}

void check(int rc, const char* what) {
  if (rc != OATH_OK) throw std::runtime_error(std::string(what) + ": " + oath_strerror(rc));
}

// liboath's comparison of a candidate code, made in constant time: 0 on a match.
int sameCode(void* expected, const char* candidate) {
  return constantTimeEquals(*static_cast<const std::string*>(expected), candidate) ? 0 : 1;
}

}  // namespace

std::string hotp(std::string_view key, std::uint64_t counter, int digits) {
  if (digits < 6 || digits > 8) throw std::invalid_argument("HOTP digits must be 6..8");
  requireOath();
  char code[16] = {};
  check(oath_hotp_generate(key.data(), key.size(), counter, static_cast<unsigned>(digits), false,
                           OATH_HOTP_DYNAMIC_TRUNCATION, code),
        "HOTP failed");
  return code;
}

long long totpStep(long long unixSeconds) {
  // Floor division, so that times before 1970 (never expected) stay consistent.
  return unixSeconds >= 0 ? unixSeconds / kTotpStepSeconds : -((-unixSeconds + kTotpStepSeconds - 1) / kTotpStepSeconds);
}

std::string totp(std::string_view key, long long unixSeconds, int digits) {
  if (digits < 6 || digits > 8) throw std::invalid_argument("TOTP digits must be 6..8");
  requireOath();
  char code[16] = {};
  check(oath_totp_generate(key.data(), key.size(), static_cast<time_t>(unixSeconds), kTotpStepSeconds, 0,
                           static_cast<unsigned>(digits), code),
        "TOTP failed");
  return code;
}

std::optional<long long> matchTotp(std::string_view key, std::string_view code, long long unixSeconds,
                                   std::optional<long long> lastUsedStep) {
  if (code.size() != 6) return std::nullopt;
  for (char c : code)
    if (c < '0' || c > '9') return std::nullopt;
  requireOath();
  const std::string expected(code);
  int offset = 0;  // the matching step relative to now: -1, 0 or +1
  const int rc = oath_totp_validate2_callback(key.data(), key.size(), static_cast<time_t>(unixSeconds),
                                              kTotpStepSeconds, 0, 6, 1, &offset, sameCode,
                                              const_cast<std::string*>(&expected));
  if (rc < 0) return std::nullopt;  // no match (or a code liboath could not make)
  const long long step = totpStep(unixSeconds) + offset;
  if (step < 0 || (lastUsedStep && step <= *lastUsedStep)) return std::nullopt;  // a code is accepted once
  return step;
}

}  // namespace agape::auth
