#pragma once
// The account lockout: every check of a password or a one-time code is
// counted before it runs, in one statement, so parallel guesses cannot all
// pass a lock check that no failure has reached yet. At most
// `auth.lockoutThreshold` checks run per lock window; the one that reaches
// the threshold sets the lock itself, and a right answer clears the count.

#include <optional>
#include <string>
#include <utility>

#include <agape/problem.h>

#include "auth_runtime.h"

namespace agape::auth {

Problem accountLocked(long long until, long long now);

class AttemptGuard {
 public:
  // Counts one attempt for the user; throws 403 account_locked (with
  // Retry-After) when the account is locked, and then nothing may be checked.
  static AttemptGuard claim(AuthRuntime& rt, const std::string& userId, long long now);
  // The check failed: the lock problem when this attempt locked the account
  // (audited), else `otherwise`.
  [[noreturn]] void fail(const Problem& otherwise) const;

 private:
  AttemptGuard(AuthRuntime& rt, std::string userId, long long now, std::optional<long long> locks, int count)
      : rt_(rt), userId_(std::move(userId)), now_(now), locks_(locks), count_(count) {}
  AuthRuntime& rt_;
  std::string userId_;
  long long now_;
  std::optional<long long> locks_;  // the lock's end, when this attempt reached the threshold
  int count_;
};

}  // namespace agape::auth
