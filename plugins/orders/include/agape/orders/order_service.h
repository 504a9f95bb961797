#pragma once
// What other plugins may ask of orders, inside their own transaction. The
// payments plugin records a provider's confirmation and marks the order paid
// in one transaction, so a webhook applied once moves the order once:
//
//   auto& orders = ctx.services().get<agape::orders::OrderService>();  // in validate/start
//   db.run([&](agape::Tx& tx) {
//     if (!recordWebhookOnce(tx, event.id)) return;                    // seen before
//     switch (orders.markPaid(tx, orderId, reference)) { ... }
//   });
// Call it from handlers and jobs, never from a network thread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace agape {
class Tx;
}

namespace agape::orders {

struct OrderSummary {
  std::string id;
  std::string number;  // "AG-261124-7K3QX9", what the shopper quotes
  std::string userId;
  std::string status;  // pending paid processing shipped delivered cancelled expired refunded
  std::int64_t total = 0;  // minor units
  std::string currency;
  long long version = 0;
};

struct RefundProgress {
  std::string status;         // pending | partial | refunded | failed (the provider refused: ask again)
  std::int64_t refunded = 0;  // minor units given back so far
  std::string reference;      // the payment's
};

enum class PaidResult {
  Paid,         // the order was pending and is now paid; its stock is sold
  AlreadyPaid,  // it was paid (or has moved on since): nothing changed
  NotPayable,   // cancelled, expired or refunded, or its reservation lapsed: refund the payment
};

class OrderService {
 public:
  static constexpr std::string_view kServiceId = "agape.orders.OrderService";
  virtual ~OrderService() = default;
  virtual std::optional<OrderSummary> find(Tx& tx, const std::string& orderId) const = 0;
  // pending → paid: commits the order's stock reservation, publishes
  // order.paid and audits the change with `actor` and `reference`.
  // Idempotent, never throws for an order in another state (see PaidResult);
  // an unknown order is NotPayable.
  virtual PaidResult markPaid(Tx& tx, const std::string& orderId, const std::string& reference,
                              const std::string& actor = "system") = 0;
  // The refund of the payment that paid the order, as payments sees it:
  // shown on the order (`refund`: status and amount). Fully `refunded` also
  // moves the order to refunded (from paid, processing, shipped, delivered,
  // or cancelled after payment), publishing order.refunded and auditing it.
  // Unknown orders are left alone. A second payment's refund (a duplicate,
  // refund_due) must not come here: it never changes the order.
  virtual void refundChanged(Tx& tx, const std::string& orderId, const RefundProgress& progress,
                             const std::string& actor = "system") = 0;
};

}  // namespace agape::orders
