#pragma once
// What other plugins may ask the auth plugin about users, inside their own
// transaction (so a lookup sees their uncommitted writes and blocks like any
// query: call it from handlers and jobs, never from a network thread).
//
//   auto& users = ctx.services().get<agape::auth::UserDirectory>();  // in validate/start
//   db.run([&](agape::Tx& tx) { auto u = users.findById(tx, req.principal->id); ... });

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agape {
class Tx;
}

namespace agape::auth {

struct UserSummary {
  std::string id;
  std::string email;
  std::string firstName;
  std::string lastName;
  std::optional<std::string> phone;
  std::vector<std::string> roles;
  bool emailVerified = false;
};

class UserDirectory {
 public:
  static constexpr std::string_view kServiceId = "agape.auth.UserDirectory";
  virtual ~UserDirectory() = default;
  virtual std::optional<UserSummary> findById(Tx& tx, const std::string& userId) const = 0;
  // `email` is matched case-insensitively (addresses are stored lower-case).
  virtual std::optional<UserSummary> findByEmail(Tx& tx, const std::string& email) const = 0;
  // The email addresses of the users among `ids` (id → address), in one
  // query: reports and exports name thousands of customers at a time.
  // Unknown ids are left out.
  virtual std::map<std::string, std::string> emailsOf(Tx& tx, const std::vector<std::string>& ids) const = 0;
  // The users holding at least one of `roles` (exact role names), oldest
  // account first, at most `limit`: staff to alert (notifications). Every
  // account counts; the directory has no deactivated ones.
  virtual std::vector<UserSummary> withRoles(Tx& tx, const std::vector<std::string>& roles,
                                             std::size_t limit) const = 0;
};

}  // namespace agape::auth
