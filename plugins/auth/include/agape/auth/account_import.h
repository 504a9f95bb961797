#pragma once
// Accounts made outside sign-up, for plugins that load a shop's customers
// (the demo plugin's `agape seed customers`). An imported account has no
// password (nobody signs in as it until a password reset) and counts as
// verified, role customer.
#include <string>
#include <string_view>

namespace agape {
class Tx;
}

namespace agape::auth {

struct ImportedAccount {
  std::string email;  // lower-case
  std::string firstName;
  std::string lastName;
  long long createdAtMs = 0;  // Unix ms
};

class AccountImport {
 public:
  static constexpr std::string_view kServiceId = "agape.auth.AccountImport";
  virtual ~AccountImport() = default;
  // Adds the account in `tx` unless its email is taken; whether it was added.
  virtual bool add(Tx& tx, const ImportedAccount& account) const = 0;
};

}  // namespace agape::auth
