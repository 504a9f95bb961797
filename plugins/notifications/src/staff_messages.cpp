#include "staff_messages.h"

#include <agape/clock.h>
#include <agape/money.h>

namespace agape::notifications {
namespace {

std::string label(const LowStockLine& l) {
  if (l.sku.empty()) return "Variant " + l.variantId;
  std::string out = l.sku + " - " + l.product;
  if (!l.options.empty()) out += " (" + l.options + ")";
  return out;
}

std::string units(long long n) { return std::to_string(n) + (n == 1 ? " unit" : " units"); }

std::string plural(long long n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

Message lowStockMessage(const LowStockLine& l, const std::string& store) {
  return compose(
      "low_stock", "", "Low stock: " + (l.sku.empty() ? l.variantId : l.sku),
      {.paragraphs = {label(l) + " is down to " + units(l.available) + " available, below its threshold of " +
                          std::to_string(l.threshold) + ".",
                      "Restock it, or change its threshold, in the inventory."}},
      store);
}

Message lowStockDigestMessage(const std::vector<LowStockLine>& lines, long long more,
                              const std::string& store) {
  Letter letter{.paragraphs = {"These variants went below their low-stock threshold since the last digest:"}};
  for (const auto& l : lines)
    letter.items.push_back(label(l) + ": " + std::to_string(l.available) + " available (threshold " +
                           std::to_string(l.threshold) + ") since " + rfc3339(l.lowAtMs));
  if (more > 0)
    letter.paragraphs.push_back("And " + plural(more, "more variant", "more variants") +
                                ", in the next digest.");
  return compose("low_stock_digest", "",
                 "Low stock: " + plural(static_cast<long long>(lines.size()) + more, "variant", "variants"),
                 letter, store);
}

Message paymentsAttentionMessage(const payments::PaymentsAttentionNeeded& report, const std::string& store) {
  const long long due = report.counts.refundDue, mismatch = report.counts.amountMismatch;
  Letter letter{.paragraphs = {"Some payments need someone to look at them: " +
                               plural(due, "payment was", "payments were") +
                               " taken for orders that could not take them and must be refunded, and " +
                               plural(mismatch, "payment", "payments") +
                               " came in with another amount or currency than the order's."}};
  for (const auto& pay : report.payments) {
    const bool refund = pay.status == payments::AttentionStatus::RefundDue;
    letter.items.push_back(pay.reference + " (order " + pay.orderId + "): " +
                           (refund ? "refund due, " + pay.currency + " " + formatMinorUnits(pay.outstanding) + " of " +
                                         formatMinorUnits(pay.amount) + " not refunded yet"
                                   : "amount mismatch, " + pay.currency + " " + formatMinorUnits(pay.amount)));
  }
  letter.paragraphs.push_back(
      "Refunds due are made from the payments list (status refund_due); an amount that did not "
      "match needs a look at the provider's records and a word with the customer.");
  if (report.truncated) letter.paragraphs.push_back("The most recent of them:");
  return compose("payments_attention", "",
                 "Payments needing attention: " + plural(due, "refund due", "refunds due") + ", " +
                     plural(mismatch, "amount mismatch", "amount mismatches"),
                 letter, store);
}

}  // namespace agape::notifications
