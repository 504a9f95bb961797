#pragma once
// Catches what a lost webhook would leave behind: asks the provider for the
// successful transactions of a look-back window and applies, once, each one
// this server has not applied yet (the same apply as the webhook's).
#include <agape/clock.h>
#include <agape/db.h>
#include <agape/json.h>
#include <agape/logger.h>

#include "payment_book.h"
#include "provider.h"

namespace agape::payments {

struct ReconcileResult {
  long long checked = 0;  // successful transactions the provider listed
  long long applied = 0;  // of them, applied now (paid or refund due)
  long long unknown = 0;  // not ours (another system on the same account)
};

class Reconciler {
 public:
  Reconciler(Database& db, PaymentBook& book, PaymentProvider& provider, const Clock& clock, Logger& log,
             std::chrono::milliseconds lookback)
      : db_(db), book_(book), provider_(provider), clock_(clock), log_(log), lookback_(lookback) {}
  // Throws ProviderError when the provider cannot be asked.
  ReconcileResult run();

 private:
  Database& db_;
  PaymentBook& book_;
  PaymentProvider& provider_;
  const Clock& clock_;
  Logger& log_;
  std::chrono::milliseconds lookback_;
};

}  // namespace agape::payments
