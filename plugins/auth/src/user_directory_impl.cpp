#include "user_directory_impl.h"

#include <algorithm>
#include <span>

#include <agape/db.h>

#include "contact_text.h"
#include "user_store.h"

namespace agape::auth {
namespace {

UserSummary summary(const UserRecord& u) {
  return UserSummary{u.id, u.email, u.firstName, u.lastName, u.phone, u.roles, u.emailVerifiedAt.has_value()};
}
std::optional<UserSummary> summary(const std::optional<UserRecord>& u) {
  if (!u) return std::nullopt;
  return summary(*u);
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

std::map<std::string, std::string> UserDirectoryImpl::emailsOf(Tx& tx, const std::vector<std::string>& ids) const {
  std::map<std::string, std::string> out;
  // In slices, under SQLite's and libpq's parameter limits.
  constexpr std::size_t kSlice = 500;
  for (std::size_t at = 0; at < ids.size(); at += kSlice) {
    Params params;
    const std::string in = inList(params, "u", std::span(ids).subspan(at, std::min(kSlice, ids.size() - at)));
    for (const auto& r : tx.query("SELECT id, email FROM auth_users WHERE id IN (" + in + ")", params))
      out.emplace(r.text("id"), r.text("email"));
  }
  return out;
}

std::vector<UserSummary> UserDirectoryImpl::withRoles(Tx& tx, const std::vector<std::string>& roles,
                                                      std::size_t limit) const {
  std::vector<UserSummary> out;
  for (const auto& u : findUsersWithRoles(tx, roles, limit)) out.push_back(summary(u));
  return out;
}

}  // namespace agape::auth
