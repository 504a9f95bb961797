#pragma once
// Payments in the database: one row per attempt, the provider's result
// applied once (payment succeeded → the order paid in the same transaction),
// webhooks recorded once, reading and listing.
#include <optional>
#include <string>

#include <agape/audit.h>
#include <agape/clock.h>
#include <agape/db.h>
#include <agape/events.h>
#include <agape/json.h>
#include <agape/orders/order_service.h>

#include "provider.h"

namespace agape::payments {

enum class Applied {
  Paid,            // the payment succeeded now and its order is paid
  RefundDue,       // it succeeded now but the order could not take it (cancelled, expired, paid by another attempt): refund
  AmountMismatch,  // the provider reports another amount or currency: not applied
  NotPaid,         // the provider reports no success (failed, abandoned, pending)
  AlreadyApplied,  // an earlier call applied a success
  Unknown,         // no payment has this reference
};

struct PaymentFilter {
  std::optional<std::string> userId;
  std::optional<std::string> orderId;
  std::optional<std::string> status;
  int page = 1;
  int limit = 20;
};

class PaymentBook {
 public:
  PaymentBook(const Clock& clock, Events& events, Audit& audit) : clock_(clock), events_(events), audit_(audit) {}
  void use(orders::OrderService& orders) { orders_ = &orders; }

  // A new attempt for the order: status initialized, a fresh reference.
  Json create(Tx& tx, const orders::OrderSummary& order, const std::string& userId, const std::string& provider);
  void attach(Tx& tx, const std::string& paymentId, const InitResult& init) const;
  void fail(Tx& tx, const std::string& paymentId, const std::string& why) const;
  // The provider's report, applied once (the row is locked first).
  Applied apply(Tx& tx, const Charge& charge);
  // A webhook's key recorded; false when it was recorded before.
  bool recordWebhook(Tx& tx, const std::string& key, const std::string& event, const std::string& payload) const;

  // A refund of `amount` (the whole remainder when nullopt), written pending
  // under the payment's lock so refunds never add up to more than was paid.
  // Problems: 404, 409 invalid_state (not a succeeded payment), 400 amount.
  Json createRefund(Tx& tx, const std::string& paymentId, std::optional<std::int64_t> amount, const std::string& reason,
                    const std::string& actor) const;
  // The provider's answer to the refund request.
  Json refundAnswered(Tx& tx, const std::string& refundId, const RefundResult& result);
  void refundFailed(Tx& tx, const std::string& refundId, const std::string& why) const;
  // A refund.processed / refund.failed report for the transaction
  // `reference`: settles the oldest pending refund of `amount`; false when
  // none matches.
  bool settleRefund(Tx& tx, const std::string& reference, std::int64_t amount, bool processed,
                    const std::string& providerRefundId);

  std::optional<Json> get(Tx& tx, const std::string& id) const;
  std::optional<Json> byReference(Tx& tx, const std::string& reference) const;
  Json list(Tx& tx, const PaymentFilter& filter) const;
  long long nowMs() const { return epochMs(clock_.now()); }

 private:
  void setStatus(Tx& tx, const std::string& id, const std::string& status, const Charge* charge) const;
  std::optional<Json> refund(Tx& tx, const std::string& id) const;
  // Marks the refund processed; a payment refunded in full refunds its order.
  void processed(Tx& tx, const std::string& refundId);

  const Clock& clock_;
  Events& events_;
  Audit& audit_;
  orders::OrderService* orders_ = nullptr;
};

}  // namespace agape::payments
