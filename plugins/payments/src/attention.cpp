#include "attention.h"

namespace agape::payments {

PaymentsAttentionNeeded AttentionCheck::report(Tx& tx) const {
  const long long since = epochMs(clock_.now()) - static_cast<long long>(lookback_.count());
  PaymentsAttentionNeeded out;
  long long& refundDue = out.counts.refundDue;
  long long& mismatch = out.counts.amountMismatch;
  // Pending refunds count as refunded: someone is on it.
  for (const Row& r :
       tx.query("SELECT id, reference, order_id, status, amount, currency, updated_at, "
                "(SELECT COALESCE(SUM(r.amount), 0) FROM payments_refunds r WHERE r.payment_id = "
                "payments_payments.id "
                "AND r.status <> 'failed') AS refunded FROM payments_payments "
                "WHERE status = 'refund_due' OR (status = 'amount_mismatch' AND updated_at >= :since) "
                "ORDER BY updated_at DESC, id DESC",
                {{"since", since}})) {
    const bool due = r.text("status") == "refund_due";
    const long long outstanding = due ? r.integer("amount") - r.integer("refunded") : 0;
    if (due && outstanding <= 0) continue;
    ++(due ? refundDue : mismatch);
    if (static_cast<int>(out.payments.size()) < kAttentionListed)
      out.payments.push_back({.id = r.text("id"),
                              .reference = r.text("reference"),
                              .orderId = r.text("order_id"),
                              .status = due ? AttentionStatus::RefundDue : AttentionStatus::AmountMismatch,
                              .amount = r.integer("amount"),
                              .outstanding = outstanding,
                              .currency = r.text("currency"),
                              .updatedAt = rfc3339(r.integer("updated_at"))});
  }
  out.truncated = refundDue + mismatch > static_cast<long long>(out.payments.size());
  return out;
}

bool AttentionCheck::run(Tx& tx, const std::string& runId) const {
  PaymentsAttentionNeeded r = report(tx);
  if (r.payments.empty()) return false;
  r.runId = runId;
  events_.publish(tx, r);
  return true;
}

}  // namespace agape::payments
