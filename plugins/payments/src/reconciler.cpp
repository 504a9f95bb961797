#include "reconciler.h"

namespace agape::payments {

ReconcileResult Reconciler::run() {
  const long long to = epochMs(clock_.now());
  const long long from = to - static_cast<long long>(lookback_.count());
  ReconcileResult r;
  for (const Charge& c : provider_.successful(from, to)) {
    ++r.checked;
    // One transaction per charge: one that fails never holds back the others.
    const Applied a = db_.run([&](Tx& tx) { return book_.apply(tx, c); });
    if (a == Applied::Paid || a == Applied::RefundDue || a == Applied::AmountMismatch) ++r.applied;
    if (a == Applied::Unknown) ++r.unknown;
  }
  if (r.applied > 0)
    log_.warn("payments reconciled: results the webhooks had not delivered",
              {{"applied", std::to_string(r.applied)}, {"checked", std::to_string(r.checked)}});
  return r;
}

}  // namespace agape::payments
