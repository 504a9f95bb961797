#include "user_directory_impl.h"

#include "request_fields.h"
#include "user_store.h"

namespace agape::auth {
namespace {

std::optional<UserSummary> summary(const std::optional<UserRecord>& u) {
  if (!u) return std::nullopt;
  return UserSummary{u->id, u->email, u->firstName, u->lastName, u->phone, u->roles, u->emailVerifiedAt.has_value()};
}

}  // namespace

std::optional<UserSummary> UserDirectoryImpl::findById(Tx& tx, const std::string& userId) const {
  return summary(findUserById(tx, userId));
}

std::optional<UserSummary> UserDirectoryImpl::findByEmail(Tx& tx, const std::string& email) const {
  std::string normalized = normalizeEmail(email);
  if (normalized.empty()) return std::nullopt;
  return summary(findUserByEmail(tx, normalized));
}

}  // namespace agape::auth
