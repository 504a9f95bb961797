#pragma once
// The events payments publishes. Amounts are minor units (kobo).

#include <string>
#include <string_view>
#include <vector>

#include <agape/events.h>
#include <agape/schema.h>

namespace agape::payments {

// The fields every charge outcome carries.
struct ChargeOutcome {
  std::string paymentId;
  std::string orderId;
  std::string userId;
  std::string reference;  // the provider's reference of the charge
  long long amount = 0;   // what the order asked for
  std::string currency;
  std::string provider;

  template <class E>
  static Schema<E> schemaAs() {
    return Schema<E>()
        .field("paymentId", &ChargeOutcome::paymentId)
        .field("orderId", &ChargeOutcome::orderId)
        .field("userId", &ChargeOutcome::userId)
        .field("reference", &ChargeOutcome::reference)
        .field("amount", &ChargeOutcome::amount)
        .field("currency", &ChargeOutcome::currency)
        .field("provider", &ChargeOutcome::provider);
  }
};

// A charge of another amount or currency than the order's.
struct ChargeMismatch : ChargeOutcome {
  long long reportedAmount = 0;  // what the provider says it charged
  std::string reportedCurrency;

  template <class E>
  static Schema<E> schemaAs() {
    return ChargeOutcome::schemaAs<E>()
        .field("reportedAmount", &ChargeMismatch::reportedAmount)
        .field("reportedCurrency", &ChargeMismatch::reportedCurrency);
  }
};

// The charge went through and the order is paid.
using PaymentSucceeded = EventOf<ChargeOutcome, "payment.succeeded">;
// The charge went through but the order could not be paid (cancelled,
// expired or paid already): the money must go back.
using PaymentRefundDue = EventOf<ChargeOutcome, "payment.refund_due">;
// The order stays unpaid.
using PaymentAmountMismatch = EventOf<ChargeMismatch, "payment.amount_mismatch">;

// "payment.refund_failed": the provider refused a refund.
struct PaymentRefundFailed {
  static constexpr std::string_view topic = "payment.refund_failed";
  static constexpr int schemaVersion = 1;
  static const Schema<PaymentRefundFailed>& schema() {
    static const auto s = Schema<PaymentRefundFailed>()
                              .field("refundId", &PaymentRefundFailed::refundId)
                              .field("paymentId", &PaymentRefundFailed::paymentId)
                              .field("amount", &PaymentRefundFailed::amount)
                              .field("failure", &PaymentRefundFailed::failure);
    return s;
  }
  std::string refundId;
  std::string paymentId;
  long long amount = 0;
  std::string failure;  // why, for the staff
};

// "payment.refunded": a refund was processed.
struct PaymentRefunded {
  static constexpr std::string_view topic = "payment.refunded";
  static constexpr int schemaVersion = 1;
  static const Schema<PaymentRefunded>& schema() {
    static const auto s = Schema<PaymentRefunded>()
                              .field("paymentId", &PaymentRefunded::paymentId)
                              .field("orderId", &PaymentRefunded::orderId)
                              .field("userId", &PaymentRefunded::userId)
                              .field("reference", &PaymentRefunded::reference)
                              .field("refundId", &PaymentRefunded::refundId)
                              .field("amount", &PaymentRefunded::amount)
                              .field("refundedAmount", &PaymentRefunded::refundedAmount)
                              .field("currency", &PaymentRefunded::currency);
    return s;
  }
  std::string paymentId;
  std::string orderId;
  std::string userId;
  std::string reference;
  std::string refundId;
  long long amount = 0;          // this refund
  long long refundedAmount = 0;  // all processed refunds of the payment
  std::string currency;
};

// Why a payment needs the staff.
enum class AttentionStatus { RefundDue, AmountMismatch };

inline const Names<AttentionStatus>& attentionStatusNames() {
  static const Names<AttentionStatus> names{{AttentionStatus::RefundDue, "refund_due"},
                                            {AttentionStatus::AmountMismatch, "amount_mismatch"}};
  return names;
}

struct AttentionCounts {
  long long refundDue = 0;
  long long amountMismatch = 0;
};

struct PaymentNeedingAttention {
  std::string id;
  std::string reference;
  std::string orderId;
  AttentionStatus status = AttentionStatus::RefundDue;
  long long amount = 0;
  long long outstanding = 0;  // still to refund
  std::string currency;
  std::string updatedAt;  // RFC 3339
};

// "payments.attention_needed": the daily report of payments the staff must
// look at (refunds due, mismatched amounts).
struct PaymentsAttentionNeeded {
  static constexpr std::string_view topic = "payments.attention_needed";
  static constexpr int schemaVersion = 1;
  static const Schema<PaymentsAttentionNeeded>& schema() {
    static const auto counts = Schema<AttentionCounts>()
                                   .field("refundDue", &AttentionCounts::refundDue)
                                   .field("amountMismatch", &AttentionCounts::amountMismatch);
    static const auto payment = Schema<PaymentNeedingAttention>()
                                    .field("id", &PaymentNeedingAttention::id)
                                    .field("reference", &PaymentNeedingAttention::reference)
                                    .field("orderId", &PaymentNeedingAttention::orderId)
                                    .field("status", &PaymentNeedingAttention::status, attentionStatusNames())
                                    .field("amount", &PaymentNeedingAttention::amount)
                                    .field("outstanding", &PaymentNeedingAttention::outstanding)
                                    .field("currency", &PaymentNeedingAttention::currency)
                                    .field("updatedAt", &PaymentNeedingAttention::updatedAt);
    static const auto s = Schema<PaymentsAttentionNeeded>()
                              .field("counts", &PaymentsAttentionNeeded::counts, counts)
                              .field("payments", &PaymentsAttentionNeeded::payments, payment)
                              .field("truncated", &PaymentsAttentionNeeded::truncated)
                              .field("runId", &PaymentsAttentionNeeded::runId);
    return s;
  }
  AttentionCounts counts;
  std::vector<PaymentNeedingAttention> payments;  // the first few
  bool truncated = false;                         // more need attention than are listed
  std::string runId;                              // of the check that found them: one alert per run
};

}  // namespace agape::payments
