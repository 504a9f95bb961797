#include "refunds.h"

#include <algorithm>
#include <map>

#include <agape/problem.h>

namespace agape::payments {

Refunds::Sent Refunds::send(const Refund& pending) {
  const std::string& refundId = pending.id;
  RefundResult result;
  try {
    result = provider_.refund({pending.reference, pending.amount, pending.reason});
  } catch (const ProviderError& e) {
    log_.warn(e.unavailable() ? "refund: no answer from the provider; settling it later" : "refund refused by the provider",
              {{"refund", refundId}, {"error", e.what()}});
    if (!e.unavailable())
      return {db_.run([&](Tx& tx) {
                book_.refundFailed(tx, refundId, e.what());
                return *book_.findRefund(tx, refundId);
              }),
              Outcome::Refused};
    // It may have reached the provider: pending until the provider is asked,
    // once the call can no longer be in flight.
    return {db_.run([&](Tx& tx) {
              book_.refundUnknown(tx, refundId, e.what());
              jobs_.enqueue(kSettleRefundsQueue, "{}",
                            JobOptions{.runAt = std::chrono::system_clock::now() + config_.refundSettleAfter +
                                                std::chrono::seconds(1)},
                            tx);
              return *book_.findRefund(tx, refundId);
            }),
            Outcome::Unknown};
  }
  return {db_.run([&](Tx& tx) { return book_.refundAnswered(tx, refundId, result); }), Outcome::Accepted};
}

void Refunds::refundCancelledOrder(const std::string& orderId, const std::string& actor) {
  const std::optional<Refund> pending = db_.run([&](Tx& tx) -> std::optional<Refund> {
    const auto paymentId = book_.payingPayment(tx, orderId);
    if (!paymentId) return std::nullopt;
    try {
      return book_.createRefund(tx, RefundAsk{.paymentId = *paymentId, .reason = "order cancelled", .actor = actor,
                                              .origin = "order.cancelled:" + orderId});
    } catch (const Problem& p) {
      // Already refunded in full by finance: nothing left to give back.
      if (p.status() == 409) return std::nullopt;
      throw;
    }
  });
  if (pending) send(*pending);
}

SettleResult Refunds::settle(const std::string& reference) {
  SettleResult out;
  const long long now = book_.nowMs();
  const long long sentBefore = now - static_cast<long long>(config_.refundSettleAfter.count());
  const long long checkedBefore = now - static_cast<long long>(config_.refundCheckEvery.count());
  const auto due = db_.read([&](Tx& tx) { return book_.refundsToSettle(tx, sentBefore, checkedBefore, reference, 500); });
  // One question per transaction, whatever the number of its refunds.
  std::map<std::string, std::vector<ProviderRefund>> known;
  for (const auto& r : due) {
    ++out.checked;
    auto it = known.find(r.reference);
    if (it == known.end()) it = known.emplace(r.reference, provider_.refunds(r.reference, r.transactionId)).first;
    const std::vector<ProviderRefund>& theirs = it->second;
    // What this run does with it; counted after the transaction, which may run twice.
    enum class Step { Nothing, Found, Failed, Resend };
    const Step step = db_.run([&](Tx& tx) {
      if (!r.providerRefundId.empty()) {
        const auto match = std::find_if(theirs.begin(), theirs.end(),
                                        [&](const ProviderRefund& p) { return p.id == r.providerRefundId; });
        if (match != theirs.end()) book_.recordProviderRefund(tx, r.id, *match);
        return Step::Nothing;
      }
      // Never answered: the provider's refund of this amount that none of
      // ours claims yet is this one.
      const auto claimed = book_.providerRefundIds(tx, r.paymentId);
      const auto match = std::find_if(theirs.begin(), theirs.end(), [&](const ProviderRefund& p) {
        return p.amount == r.amount && std::find(claimed.begin(), claimed.end(), p.id) == claimed.end();
      });
      if (match != theirs.end()) {
        book_.recordProviderRefund(tx, r.id, *match);
        return Step::Found;
      }
      if (r.attempts >= kMaxAttempts) {
        book_.refundFailed(tx, r.id, "the provider has no record of this refund after " + std::to_string(r.attempts) +
                                         " attempts; ask for it again");
        return Step::Failed;
      }
      return book_.claimResend(tx, r.id, sentBefore) ? Step::Resend : Step::Nothing;
    });
    if (step == Step::Found) ++out.found;
    if (step == Step::Failed) ++out.failed;
    if (step != Step::Resend) continue;
    // Not at the provider, and no sending of it can be in flight: send it.
    const auto pending = db_.read([&](Tx& tx) { return book_.findRefund(tx, r.id); });
    if (!pending) continue;
    ++out.resent;
    const Sent s = send(*pending);
    // What it answers now is known; its refund list is not current any more.
    known.erase(r.reference);
    if (s.outcome == Outcome::Unknown) break;  // the provider is struggling: the next run goes on
  }
  if (out.found + out.resent + out.failed > 0)
    log_.warn("refunds settled with the provider",
              {{"checked", std::to_string(out.checked)}, {"found", std::to_string(out.found)},
               {"resent", std::to_string(out.resent)}, {"failed", std::to_string(out.failed)}});
  return out;
}

}  // namespace agape::payments
