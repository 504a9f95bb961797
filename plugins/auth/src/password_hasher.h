#pragma once
// bcrypt ($2b$) through libxcrypt. Deliberately slow: call it only from
// handlers on the worker pool, never on a network thread.

#include <string>
#include <string_view>

namespace agape::auth {

class PasswordHasher {
 public:
  // bcrypt cost (log2 rounds), 4..31; 12 in production.
  explicit PasswordHasher(int cost);
  int cost() const { return cost_; }
  std::string hash(std::string_view password) const;
  // False for a wrong password and for a hash it cannot read.
  bool verify(std::string_view password, const std::string& storedHash) const;
  // Spends the time of one verify() for an account that does not exist, so
  // that "unknown email" and "wrong password" cannot be told apart by timing.
  void verifyDummy(std::string_view password) const;

 private:
  int cost_;
  std::string dummyHash_;
};

}  // namespace agape::auth
