#pragma once
// The payments' HTTP surface (API.md, Payments): initialize, verify, the
// provider's webhook, reads, the staff's reconciliation; the sandbox checkout
// page when it is the provider.
#include <memory>

#include <agape/context.h>
#include <agape/contract.h>
#include <agape/http.h>
#include <agape/logger.h>
#include <agape/auth/user_directory.h>
#include <agape/orders/order_service.h>

#include "payment_book.h"
#include "payments_config.h"
#include "provider.h"
#include "reconciler.h"
#include "refunds.h"
#include "sandbox_provider.h"

namespace agape::payments {

class PaymentsApi {
 public:
  PaymentsApi(Context& ctx, const PaymentsConfig& config, PaymentBook& book, PaymentProvider& provider,
              Refunds& refunds, Reconciler& reconciler, SandboxProvider* sandbox)
      : ctx_(ctx),
        config_(config),
        book_(book),
        provider_(provider),
        refunds_(refunds),
        reconciler_(reconciler),
        sandbox_(sandbox) {}
  void registerRoutes(Routes& routes);
  // Validate: orders (required), the account directory (optional: the
  // payer's email when the request names none).
  void use(orders::OrderService& orders, const auth::UserDirectory* users) {
    orders_ = &orders;
    users_ = users;
  }

  // Checks the signature on the raw body and applies the event once; the
  // webhook route and the sandbox's "Pay" both come here. Whether the event
  // was new (false: applied before).
  bool webhook(const std::string& rawBody, std::optional<std::string_view> signature);

  struct InitializeBody {
    std::string orderId;
    std::string email;  // "": the account's
  };
  struct RefundBody {
    std::int64_t amount = 0;  // 0: all that is not refunded yet
    std::string reason;
  };

 private:
  // Both answer an agape::Response: a replay under an Idempotency-Key is the
  // stored one.
  Response initialize(Call<InitializeBody>& call);
  Response refund(Call<RefundBody>& call);
  Payment verify(Call<>& call);
  Response sandboxPage(const std::string& reference);
  Response sandboxPay(const std::string& reference);

  Context& ctx_;
  const PaymentsConfig& config_;
  PaymentBook& book_;
  PaymentProvider& provider_;
  Refunds& refunds_;
  Reconciler& reconciler_;
  SandboxProvider* sandbox_;
  orders::OrderService* orders_ = nullptr;
  const auth::UserDirectory* users_ = nullptr;
};

}  // namespace agape::payments
