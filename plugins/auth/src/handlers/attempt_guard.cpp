#include "handlers/attempt_guard.h"

#include <algorithm>
#include <tuple>

#include <agape/clock.h>

namespace agape::auth {

Problem accountLocked(long long until, long long now) {
  Problem p(403, "account_locked", "Too many failed attempts; try again later.");
  p.withHeader("Retry-After", std::to_string(std::max<long long>(1, until - now)));
  return p;
}

AttemptGuard AttemptGuard::claim(AuthRuntime& rt, const std::string& userId, long long now) {
  const auto& cfg = rt.config();
  const long long until = now + cfg.lockoutDuration.count();
  const auto [counted, count, lock] = rt.db().run([&](Tx& tx) {
    // Only an unlocked account (or one whose lock has run out, which starts
    // a new count) takes the attempt; all SET expressions see the old row.
    const long long counted = tx.exec(
        "UPDATE auth_users SET "
        "failed_logins = CASE WHEN locked_until IS NOT NULL THEN 1 ELSE failed_logins + 1 END, "
        "locked_until = CASE WHEN (CASE WHEN locked_until IS NOT NULL THEN 1 ELSE failed_logins + 1 END) >= :threshold "
        "THEN CAST(:until AS BIGINT) ELSE NULL END, updated_at = :now "
        "WHERE id = :id AND (locked_until IS NULL OR locked_until <= :now)",
        {{"threshold", static_cast<long long>(cfg.lockoutThreshold)}, {"until", until}, {"now", now},
         {"id", userId}});
    const auto row = tx.one("SELECT failed_logins, locked_until FROM auth_users WHERE id = :id",
                            {{"id", userId}});
    if (!row) throw Problem::notFound("The user does not exist.");
    return std::tuple{counted, static_cast<int>(row->integer("failed_logins")), row->optInteger("locked_until")};
  });
  if (counted == 0) throw accountLocked(lock.value_or(until), now);
  return AttemptGuard(rt, userId, now, lock, count);
}

void AttemptGuard::fail(const Problem& otherwise) const {
  if (!locks_) throw otherwise;
  Json details = {{"failedAttempts", count_}, {"lockedUntil", agape::rfc3339(*locks_ * 1000)}};
  rt_.db().run([&](Tx& tx) { rt_.audit().record("system", "user.locked", "user", userId_, details.dump(), tx); });
  throw accountLocked(*locks_, now_);
}

}  // namespace agape::auth
