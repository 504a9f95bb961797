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
#include <agape/money.h>
#include <agape/orders/order_service.h>
#include <agape/schema.h>

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

enum class PaymentStatus { Initialized, Success, Failed, Abandoned, RefundDue, AmountMismatch };
enum class RefundStatus { Pending, Processed, Failed };
const Names<PaymentStatus>& paymentStatuses();
const Names<RefundStatus>& refundStatuses();

// One attempt to pay an order.
struct Payment {
  std::string id;
  std::string orderId;
  std::string userId;
  std::string reference;
  std::string provider;
  PaymentStatus status = PaymentStatus::Initialized;
  Money amount;
  std::optional<std::string> authorizationUrl;
  std::optional<std::string> accessCode;
  std::optional<std::string> providerTransactionId;
  std::optional<std::string> channel;
  std::optional<std::string> paidAt;  // as the provider wrote it
  std::optional<std::string> failure;
  std::int64_t refundedAmount = 0;    // processed refunds
  Timestamp createdAt;
  Timestamp updatedAt;
};

struct Refund {
  std::string id;
  std::string paymentId;
  std::string reference;  // the payment's (what the provider is sent)
  std::int64_t amount = 0;
  std::string reason;
  RefundStatus status = RefundStatus::Pending;
  std::optional<std::string> providerRefundId;
  std::optional<std::string> failure;  // the last problem: a refusal, or a lost answer being checked
  std::string requestedBy;
  long long attempts = 0;
  std::optional<std::string> origin;
  Timestamp createdAt;
  Timestamp updatedAt;
};

// The wire form of both, for the routes and the audit trail.
const Schema<Payment>& paymentSchema();
const Schema<Refund>& refundSchema();

struct RefundAsk {
  std::string paymentId;
  std::optional<std::int64_t> amount;  // nullopt: all that is left
  std::string reason;
  std::string actor;
  std::string origin;  // "" for none; else asked at most once ("order.cancelled:<id>")
};

struct PaymentFilter {
  std::optional<std::string> userId;
  std::optional<std::string> orderId;
  std::optional<PaymentStatus> status;
  int page = 1;
  int limit = 20;
};

class PaymentBook {
 public:
  PaymentBook(const Clock& clock, Events& events, Audit& audit) : clock_(clock), events_(events), audit_(audit) {}
  void use(orders::OrderService& orders) { orders_ = &orders; }

  // A new attempt for the order: status initialized, a fresh reference.
  Payment create(Tx& tx, const orders::OrderSummary& order, const std::string& userId, const std::string& provider);
  void attach(Tx& tx, const std::string& paymentId, const InitResult& init) const;
  void fail(Tx& tx, const std::string& paymentId, const std::string& why) const;
  // The provider's report, applied once (the row is locked first).
  Applied apply(Tx& tx, const Charge& charge);
  // A webhook's key recorded; false when it was recorded before.
  bool recordWebhook(Tx& tx, const std::string& key, const std::string& event, const std::string& payload) const;

  // A refund of `amount` (the whole remainder when nullopt), written pending
  // under the payment's lock so refunds never add up to more than was paid
  // (pending ones count), and claimed for sending (attempt 1, sent now).
  // With an `origin` asked before: nullopt, nothing written (it happens
  // once). Problems: 404, 409 invalid_state (not a succeeded payment), 409
  // already_refunded, 400 amount.
  std::optional<Refund> createRefund(Tx& tx, const RefundAsk& ask);
  std::optional<Refund> findRefund(Tx& tx, const std::string& refundId) const;
  // The payment that paid the order (status success), if any.
  std::optional<std::string> payingPayment(Tx& tx, const std::string& orderId) const;
  // The provider accepted the refund (its id and status).
  Refund refundAnswered(Tx& tx, const std::string& refundId, const RefundResult& result);
  // The provider refused it: failed, no longer counted; finance may ask again.
  void refundFailed(Tx& tx, const std::string& refundId, const std::string& why);
  // No answer (timeout, 5xx): it stays pending and counted until settled.
  void refundUnknown(Tx& tx, const std::string& refundId, const std::string& why) const;
  // A refund.processed / refund.failed webhook for the transaction
  // `reference`: settles the one pending refund of `amount`. Several equal
  // pending refunds cannot be told apart by the webhook: Ambiguous (ask the
  // provider).
  enum class Settled { Settled, Ambiguous, NoMatch };
  Settled settleRefund(Tx& tx, const std::string& reference, std::int64_t amount, bool processed);

  // Settling with the provider's own list of refunds.
  struct PendingRefund {
    std::string id, paymentId, reference, transactionId, providerRefundId;
    std::int64_t amount = 0;
    int attempts = 0;
  };
  // Pending refunds to ask the provider about: never answered and sent
  // before `sentBefore`, or accepted and not asked about since
  // `checkedBefore` (with a payment `reference`: that payment's, accepted
  // ones whenever they were last asked about).
  std::vector<PendingRefund> refundsToSettle(Tx& tx, long long sentBefore, long long checkedBefore,
                                             const std::string& reference, int limit) const;
  // Provider refund ids already recorded on this payment's refunds.
  std::vector<std::string> providerRefundIds(Tx& tx, const std::string& paymentId) const;
  // What the provider reports about our refund: its id, and processed or
  // failed when it got there.
  void recordProviderRefund(Tx& tx, const std::string& refundId, const ProviderRefund& found);
  // Sending again, claimed: true for the one caller that may send now.
  bool claimResend(Tx& tx, const std::string& refundId, long long sentBefore) const;
  Page<Refund> listRefunds(Tx& tx, const std::optional<RefundStatus>& status, int page, int limit) const;

  // Idempotency-Keys and webhook keys older than `beforeMs` are forgotten.
  long long purge(Tx& tx, long long beforeMs) const;

  std::optional<Payment> get(Tx& tx, const std::string& id) const;
  std::optional<Payment> byReference(Tx& tx, const std::string& reference) const;
  Page<Payment> list(Tx& tx, const PaymentFilter& filter) const;
  long long nowMs() const { return epochMs(clock_.now()); }

 private:
  void setStatus(Tx& tx, const std::string& id, const std::string& status, const Charge* charge) const;
  // Marks the refund processed (once) and publishes payment.refunded.
  void processed(Tx& tx, const std::string& refundId);
  // Shows the refunds of the payment that paid an order on the order; a
  // duplicate payment's (refund_due) never touch it.
  void showOnOrder(Tx& tx, const std::string& paymentId);

  const Clock& clock_;
  Events& events_;
  Audit& audit_;
  orders::OrderService* orders_ = nullptr;
};

}  // namespace agape::payments
