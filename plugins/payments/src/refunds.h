#pragma once
// Refunds, one road for all: finance's POST /v1/payments/:id/refund and a
// paid order's cancellation both write a pending refund (claimed for
// sending), ask the provider once, and record its answer. An answer that
// never came (timeout, 5xx, a crash before or during the call) leaves the
// refund pending — still counted against what may be refunded — and settle()
// asks the provider what became of it: found → recorded; not there once the
// call can no longer be in flight → sent again, at most kMaxAttempts times,
// then failed for finance to see and ask again. Nothing is ever sent twice
// while its first sending may have reached the provider.
#include <chrono>
#include <string>

#include <agape/db.h>
#include <agape/jobs.h>
#include <agape/logger.h>

#include "payment_book.h"
#include "payments_config.h"
#include "provider.h"

namespace agape::payments {

inline constexpr const char* kSettleRefundsQueue = "payments.settle_refunds";

struct SettleResult {
  long long checked = 0;  // refunds asked about
  long long found = 0;    // the provider had them (answer recorded)
  long long resent = 0;   // it did not: sent again
  long long failed = 0;   // given up: failed, for finance
};

class Refunds {
 public:
  static constexpr int kMaxAttempts = 3;

  Refunds(Database& db, PaymentBook& book, PaymentProvider& provider, Jobs& jobs, Logger& log,
          const PaymentsConfig& config)
      : db_(db), book_(book), provider_(provider), jobs_(jobs), log_(log), config_(config) {}

  enum class Outcome { Accepted, Refused, Unknown };
  struct Sent {
    Refund refund;  // as it stands after the answer
    Outcome outcome = Outcome::Accepted;
  };
  // Asks the provider for `pending` (as createRefund returned it) and records
  // its answer; an unknown outcome schedules a settle run.
  Sent send(const Refund& pending);

  // order.cancelled: the full remainder of the payment that paid the order,
  // once however often the event comes. Nothing for an order never paid.
  void refundCancelledOrder(const std::string& orderId, const std::string& actor);

  // Every pending refund the provider may know more about (with a payment
  // `reference`: that payment's, now). Throws ProviderError when the
  // provider cannot be asked (the job retries).
  SettleResult settle(const std::string& reference = "");

 private:
  Database& db_;
  PaymentBook& book_;
  PaymentProvider& provider_;
  Jobs& jobs_;
  Logger& log_;
  const PaymentsConfig& config_;
};

}  // namespace agape::payments
