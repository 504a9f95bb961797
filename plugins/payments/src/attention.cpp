#include "attention.h"

namespace agape::payments {

Json AttentionCheck::report(Tx& tx) const {
  const long long since = epochMs(clock_.now()) - static_cast<long long>(lookback_.count());
  long long refundDue = 0, mismatch = 0;
  Json payments = Json::array();
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
    if (static_cast<int>(payments.size()) < kAttentionListed)
      payments.push_back({{"id", r.text("id")},
                          {"reference", r.text("reference")},
                          {"orderId", r.text("order_id")},
                          {"status", r.text("status")},
                          {"amount", r.integer("amount")},
                          {"outstanding", outstanding},
                          {"currency", r.text("currency")},
                          {"updatedAt", rfc3339(r.integer("updated_at"))}});
  }
  return {{"counts", {{"refundDue", refundDue}, {"amountMismatch", mismatch}}},
          {"payments", payments},
          {"truncated", refundDue + mismatch > static_cast<long long>(payments.size())}};
}

bool AttentionCheck::run(Tx& tx, const std::string& runId) const {
  Json r = report(tx);
  if (r["payments"].empty()) return false;
  r["runId"] = runId;
  events_.publish("payments.attention_needed", r.dump(), tx);
  return true;
}

}  // namespace agape::payments
