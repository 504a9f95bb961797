#pragma once
// The payments that need someone, looked at once a day: money taken for an
// order that could not take it (`refund_due`) and not refunded in full yet,
// and amounts the provider reported differently from the order's
// (`amount_mismatch`, those changed within payments.attentionLookback, as
// nothing in the API clears them). When there are any, the job publishes
// payments.attention_needed through the outbox; the notifications plugin
// emails the staff.
#include <chrono>
#include <string>

#include <agape/clock.h>
#include <agape/db.h>
#include <agape/events.h>
#include <agape/json.h>
#include <agape/payments/events.h>

namespace agape::payments {

inline constexpr const char* kAttentionQueue = "payments.attention";
inline constexpr int kAttentionListed = 50;

class AttentionCheck {
 public:
  AttentionCheck(const Clock& clock, Events& events, std::chrono::milliseconds lookback)
      : clock_(clock), events_(events), lookback_(lookback) {}

  // {counts: {refundDue, amountMismatch}, payments: [the 50 most recently
  // changed: {id, reference, orderId, status, amount, outstanding, currency,
  // updatedAt}], truncated}; counts of 0 when nothing needs anyone.
  PaymentsAttentionNeeded report(Tx& tx) const;
  // The daily job: publishes payments.attention_needed with the report and
  // `runId` (the job's id: an event a rerun published again is still one
  // email) when there is anything in it. Whether it published.
  bool run(Tx& tx, const std::string& runId) const;

 private:
  const Clock& clock_;
  Events& events_;
  std::chrono::milliseconds lookback_;
};

}  // namespace agape::payments
