#pragma once
// HOTP (RFC 4226) and TOTP (RFC 6238) with HMAC-SHA1, the variant every
// authenticator app supports: 30-second steps from the Unix epoch.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace agape::auth {

inline constexpr int kTotpStepSeconds = 30;
inline constexpr std::size_t kTotpSecretBytes = 20;  // 160 bits, as RFC 4226 recommends

// The zero-padded code for `counter` (6 to 8 digits). Computed by liboath.
std::string hotp(std::string_view key, std::uint64_t counter, int digits = 6);
long long totpStep(long long unixSeconds);
std::string totp(std::string_view key, long long unixSeconds, int digits = 8);

// The step whose 6-digit code equals `code` among the steps now-1..now+1 (a
// phone clock a little off still works), restricted to steps after
// `lastUsedStep` so that a code is accepted once; nullopt otherwise.
std::optional<long long> matchTotp(std::string_view key, std::string_view code, long long unixSeconds,
                                   std::optional<long long> lastUsedStep);

}  // namespace agape::auth
