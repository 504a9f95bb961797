#include "user_store.h"

#include <ctime>
#include <sstream>

namespace agape::auth {
namespace {

constexpr const char* kColumns =
    "id, email, password_hash, first_name, last_name, phone, roles, email_verified_at, failed_logins, "
    "locked_until, totp_secret, totp_pending_secret, totp_last_step, created_at";

UserRecord fromRow(const Row& r) {
  UserRecord u;
  u.id = r.text("id");
  u.email = r.text("email");
  u.passwordHash = r.text("password_hash");
  u.firstName = r.text("first_name");
  u.lastName = r.text("last_name");
  u.phone = r.optText("phone");
  u.roles = splitRoles(r.text("roles"));
  u.emailVerifiedAt = r.optInteger("email_verified_at");
  u.failedLogins = static_cast<int>(r.integer("failed_logins"));
  u.lockedUntil = r.optInteger("locked_until");
  u.totpSecret = r.optText("totp_secret");
  u.totpPendingSecret = r.optText("totp_pending_secret");
  u.totpLastStep = r.optInteger("totp_last_step");
  u.createdAt = r.integer("created_at");
  return u;
}

std::optional<UserRecord> findBy(Tx& tx, const char* column, const std::string& value) {
  auto row = tx.one(std::string("SELECT ") + kColumns + " FROM auth_users WHERE " + column + " = :v",
                    {{"v", value}});
  if (!row) return std::nullopt;
  return fromRow(*row);
}

}  // namespace

std::optional<UserRecord> findUserByEmail(Tx& tx, const std::string& email) { return findBy(tx, "email", email); }
std::optional<UserRecord> findUserById(Tx& tx, const std::string& id) { return findBy(tx, "id", id); }

std::vector<UserRecord> findUsersWithRoles(Tx& tx, const std::vector<std::string>& roles, std::size_t limit) {
  std::vector<UserRecord> out;
  if (roles.empty() || limit == 0) return out;
  // Roles are stored space-separated: a role is " <name> " inside
  // " <roles> ". LIKE's own wildcards in a name are escaped.
  std::string where;
  Params params;
  for (const auto& role : roles) {
    std::string pattern = "% ";
    for (char c : role) {
      if (c == '%' || c == '_' || c == '\\') pattern += '\\';
      pattern += c;
    }
    pattern += " %";
    where += where.empty() ? "" : " OR ";
    const std::string name = "role" + std::to_string(params.size());
    where += "(' ' || roles || ' ') LIKE :" + name + " ESCAPE '\\'";
    params.emplace_back(name, std::move(pattern));
  }
  params.emplace_back("limit", static_cast<long long>(limit));
  for (const Row& r : tx.query(std::string("SELECT ") + kColumns + " FROM auth_users WHERE " + where +
                                   " ORDER BY created_at, id LIMIT :limit",
                               params))
    out.push_back(fromRow(r));
  return out;
}

void insertUser(Tx& tx, const NewUser& u, long long now) {
  tx.exec(
      "INSERT INTO auth_users (id, email, password_hash, first_name, last_name, phone, roles, created_at, updated_at) "
      "VALUES (:id, :email, :hash, :first, :last, :phone, :roles, :now, :now)",
      {{"id", u.id}, {"email", u.email}, {"hash", u.passwordHash}, {"first", u.firstName},
       {"last", u.lastName}, {"phone", u.phone}, {"roles", "customer"}, {"now", now}});
}

void clearLoginFailures(Tx& tx, const std::string& userId, long long now) {
  tx.exec("UPDATE auth_users SET failed_logins = 0, locked_until = NULL, updated_at = :now WHERE id = :id",
          {{"now", now}, {"id", userId}});
}

void setPasswordHash(Tx& tx, const std::string& userId, const std::string& hash, long long now) {
  tx.exec(
      "UPDATE auth_users SET password_hash = :h, failed_logins = 0, locked_until = NULL, updated_at = :now "
      "WHERE id = :id",
      {{"h", hash}, {"now", now}, {"id", userId}});
}

void markEmailVerified(Tx& tx, const std::string& userId, long long now) {
  tx.exec(
      "UPDATE auth_users SET email_verified_at = COALESCE(email_verified_at, :now), updated_at = :now WHERE id = :id",
      {{"now", now}, {"id", userId}});
}

void setRoles(Tx& tx, const std::string& userId, const std::vector<std::string>& roles, long long now) {
  tx.exec("UPDATE auth_users SET roles = :roles, updated_at = :now WHERE id = :id",
          {{"roles", joinRoles(roles)}, {"now", now}, {"id", userId}});
}

std::vector<std::string> adminIds(Tx& tx) {
  std::vector<std::string> ids;
  for (const auto& r : tx.query("SELECT id FROM auth_users WHERE (',' || roles || ',') LIKE '%,admin,%' ORDER BY id" +
                                forUpdate(tx)))
    ids.push_back(r.text("id"));
  return ids;
}

void setPendingTotp(Tx& tx, const std::string& userId, const std::optional<std::string>& secret, long long now) {
  tx.exec("UPDATE auth_users SET totp_pending_secret = :s, updated_at = :now WHERE id = :id",
          {{"s", secret}, {"now", now}, {"id", userId}});
}

bool activateTotp(Tx& tx, const std::string& userId, const std::string& pending, long long step, long long now) {
  return tx.exec("UPDATE auth_users SET totp_secret = totp_pending_secret, totp_pending_secret = NULL, "
                 "totp_last_step = :step, updated_at = :now "
                 "WHERE id = :id AND totp_secret IS NULL AND totp_pending_secret = :pending",
                 {{"step", step}, {"now", now}, {"id", userId}, {"pending", pending}}) == 1;
}

bool disableTotp(Tx& tx, const std::string& userId, const std::string& secret, long long step, long long now) {
  return tx.exec("UPDATE auth_users SET totp_secret = NULL, totp_pending_secret = NULL, totp_last_step = NULL, "
                 "updated_at = :now WHERE id = :id AND totp_secret = :secret "
                 "AND (totp_last_step IS NULL OR totp_last_step < :step)",
                 {{"now", now}, {"id", userId}, {"secret", secret}, {"step", step}}) == 1;
}

std::string joinRoles(const std::vector<std::string>& roles) {
  std::string out;
  for (const auto& r : roles) out += (out.empty() ? "" : " ") + r;
  return out;
}

std::vector<std::string> splitRoles(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string r; in >> r;) out.push_back(r);
  return out;
}

}  // namespace agape::auth
