#pragma once
#include "agape/auth/user_directory.h"

namespace agape::auth {

class UserDirectoryImpl final : public UserDirectory {
 public:
  std::optional<UserSummary> findById(Tx& tx, const std::string& userId) const override;
  std::optional<UserSummary> findByEmail(Tx& tx, const std::string& email) const override;
  std::map<std::string, std::string> emailsOf(Tx& tx, const std::vector<std::string>& ids) const override;
  std::vector<UserSummary> withRoles(Tx& tx, const std::vector<std::string>& roles, std::size_t limit) const override;
};

}  // namespace agape::auth
