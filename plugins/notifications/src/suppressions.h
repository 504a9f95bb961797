#pragma once
// The suppression list: addresses that bounced for good or complained.
// Non-essential mail to them (receipts, shipping notices, staff alerts) is
// recorded `suppressed` instead of sent; essential mail (the account's own
// security: verification, password reset, password changed) still goes.
#include <optional>
#include <string>

#include <agape/db.h>
#include <agape/schema.h>

namespace agape::notifications {

// Kinds sent whatever the list says.
bool isEssential(const std::string& kind);
// Trimmed, lower-case: how addresses are kept and compared.
std::string normalizeAddress(const std::string& address);

// Why `address` is on the list ("bounced: ..."), or nullopt.
std::optional<std::string> suppressedBecause(Tx& tx, const std::string& address);
// Puts `address` on the list unless it is there already (the first reason
// stays). `reason`: bounced, complained or provider (Resend suppressed it).
void suppress(Tx& tx, const std::string& address, const std::string& reason, const std::string& detail,
              const std::string& deliveryId, long long nowMs);
struct Suppression {
  std::string address;
  std::string reason;  // bounced, complained or provider
  std::string detail;
  std::optional<std::string> deliveryId;
  Timestamp createdAt;
};

// Newest first.
Page<Suppression> listSuppressions(Tx& tx, int page, int limit);
// Takes `address` off the list; the entry it removed, or nullopt.
std::optional<Suppression> liftSuppression(Tx& tx, const std::string& address);

}  // namespace agape::notifications
