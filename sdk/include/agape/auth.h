#pragma once
#include <optional>
#include <string_view>

#include "agape/http.h"

namespace agape {

// The authentication hook of the kernel's middleware chain. One plugin (auth)
// provides it as a service; without it every non-public route answers 401.
class Authenticator {
 public:
  static constexpr std::string_view kServiceId = "agape.Authenticator";
  virtual ~Authenticator() = default;
  // nullopt when the request carries no credentials; throws Problem (401,
  // "unauthorized" or "token_expired") when it carries invalid ones.
  // Called concurrently from the network threads: must be thread-safe and
  // must not block (no DB, no network).
  virtual std::optional<Principal> authenticate(const Request& request) const = 0;
};

}  // namespace agape
