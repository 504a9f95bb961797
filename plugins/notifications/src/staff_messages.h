#pragma once
// The staff's emails: a variant low on stock, the daily digest of them, and
// the payments that need someone (refunds due, amounts that did not match).
// The recipient (`to`) is left empty: the same email goes to each of them.
#include <string>
#include <vector>

#include <agape/payments/events.h>

#include "messages.h"

namespace agape::notifications {

// One variant below its threshold; sku and product are empty when the
// catalogue does not know it (or is not enabled).
struct LowStockLine {
  std::string variantId;
  std::string sku;
  std::string product;
  std::string options;  // "size M, color Indigo", or ""
  long long available = 0;
  long long threshold = 0;
  long long lowAtMs = 0;
};

Message lowStockMessage(const LowStockLine& line, const std::string& store);
// `lines` listed, `more` left out (they come in the next digest).
Message lowStockDigestMessage(const std::vector<LowStockLine>& lines, long long more,
                              const std::string& store);
// payments' daily report of the payments that need someone.
Message paymentsAttentionMessage(const payments::PaymentsAttentionNeeded& report, const std::string& store);

}  // namespace agape::notifications
