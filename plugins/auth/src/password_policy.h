#pragma once
// What a new password must satisfy: at least 10 characters, at most 72
// bytes (bcrypt reads no further), not a commonly used password, not the
// account's email. Violations come back as field errors for a 400.

#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <agape/problem.h>

namespace agape::auth {

// The list bundled with the plugin (one password a line, "#!" comments).
std::string_view bundledCommonPasswords();

class PasswordPolicy {
 public:
  static constexpr std::size_t kMinLength = 10;  // characters (UTF-8 code points)
  static constexpr std::size_t kMaxBytes = 72;

  // Parses a list in the bundled format; comparisons are case-insensitive.
  explicit PasswordPolicy(std::string_view commonPasswords = bundledCommonPasswords());
  std::size_t listSize() const { return common_.size(); }

  // Empty when acceptable; else messages for `field`.
  std::vector<FieldError> check(std::string_view password, std::string_view email,
                                const std::string& field = "password") const;

 private:
  std::unordered_set<std::string> common_;
};

}  // namespace agape::auth
