#pragma once
// Svix signatures (the Standard Webhooks scheme), as Resend signs its
// webhooks: headers svix-id, svix-timestamp (Unix seconds) and
// svix-signature, a space-separated list of "v1,<base64 HMAC-SHA256>" over
// "<svix-id>.<svix-timestamp>.<raw body>", keyed with the base64 key that
// follows "whsec_" in the secret. Several signatures come while a secret is
// rotated: one match is enough. Timestamps more than five minutes from now
// are refused, so a captured request cannot be replayed later.
#include <optional>
#include <string>
#include <string_view>

namespace agape::notifications {

inline constexpr long long kSvixToleranceSeconds = 5 * 60;

// The key bytes of a "whsec_<base64>" secret; nullopt when it is not one.
std::optional<std::string> svixKey(std::string_view secret);

class SvixVerifier {
 public:
  enum class Result { Valid, Missing, StaleTimestamp, NoMatch };

  // `secret` must be one svixKey accepts (checked by the configuration).
  explicit SvixVerifier(std::string_view secret);

  // Missing: a header is absent or empty; StaleTimestamp: not a number, or
  // more than kSvixToleranceSeconds from `nowSeconds`; NoMatch: no v1
  // signature equals ours (compared in constant time).
  Result verify(std::optional<std::string_view> id, std::optional<std::string_view> timestamp,
                std::optional<std::string_view> signatures, std::string_view body,
                long long nowSeconds) const;
  // "v1,<base64>": the signature Svix would send for this content.
  std::string sign(std::string_view id, std::string_view timestamp, std::string_view body) const;

 private:
  std::string key_;
};

}  // namespace agape::notifications
