#include "svix_signature.h"

#include <stdexcept>

#include <agape/crypto.h>

namespace agape::notifications {
namespace {

constexpr std::string_view kPrefix = "whsec_";

std::optional<long long> seconds(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  long long v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace

std::optional<std::string> svixKey(std::string_view secret) {
  if (secret.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  auto key = base64Decode(secret.substr(kPrefix.size()));
  if (!key || key->empty()) return std::nullopt;
  return key;
}

SvixVerifier::SvixVerifier(std::string_view secret) {
  auto key = svixKey(secret);
  if (!key) throw std::invalid_argument("not a webhook signing secret (whsec_...)");
  key_ = std::move(*key);
}

std::string SvixVerifier::sign(std::string_view id, std::string_view timestamp, std::string_view body) const {
  std::string content;
  content.reserve(id.size() + timestamp.size() + body.size() + 2);
  content.append(id).append(".").append(timestamp).append(".").append(body);
  return "v1," + base64Encode(hmacSha256(key_, content));
}

SvixVerifier::Result SvixVerifier::verify(std::optional<std::string_view> id,
                                          std::optional<std::string_view> timestamp,
                                          std::optional<std::string_view> signatures, std::string_view body,
                                          long long nowSeconds) const {
  if (!id || id->empty() || !timestamp || timestamp->empty() || !signatures || signatures->empty())
    return Result::Missing;
  const auto at = seconds(*timestamp);
  if (!at || *at < nowSeconds - kSvixToleranceSeconds || *at > nowSeconds + kSvixToleranceSeconds)
    return Result::StaleTimestamp;
  const std::string expected = sign(*id, *timestamp, body);
  std::string_view rest = *signatures;
  bool matched = false;
  while (!rest.empty()) {
    const auto space = rest.find(' ');
    const std::string_view one = rest.substr(0, space);
    // Every candidate is compared, so the time taken does not say which matched.
    if (one.substr(0, 3) == "v1," && constantTimeEquals(one, expected)) matched = true;
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
  }
  return matched ? Result::Valid : Result::NoMatch;
}

}  // namespace agape::notifications
