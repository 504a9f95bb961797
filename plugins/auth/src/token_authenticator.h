#pragma once
// agape::Authenticator for "Authorization: Bearer <access token>": pure CPU
// (signature, claims, in-memory revocation list), as the kernel requires of
// a hook called on every request from the network threads.

#include <memory>

#include <agape/auth.h>
#include <agape/clock.h>

#include "jwt.h"
#include "key_store.h"
#include "revocation_list.h"

namespace agape::auth {

class TokenAuthenticator final : public Authenticator {
 public:
  TokenAuthenticator(std::shared_ptr<const KeyRing> keys, TokenRules rules, const Clock& clock,
                     std::shared_ptr<const RevocationList> revocations)
      : keys_(std::move(keys)), rules_(std::move(rules)), clock_(clock), revocations_(std::move(revocations)) {}

  std::optional<Principal> authenticate(const Request& request) const override;

 private:
  std::shared_ptr<const KeyRing> keys_;
  TokenRules rules_;
  const Clock& clock_;
  std::shared_ptr<const RevocationList> revocations_;
};

}  // namespace agape::auth
