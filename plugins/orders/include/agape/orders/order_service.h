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

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agape {
class Tx;
}

namespace agape::orders {

// An order's life (API.md): pending → paid → processing → shipped →
// delivered; pending → cancelled | expired; paid | processing → cancelled;
// paid…delivered → refunded; cancelled → refunded once its payment's refund
// went through.
enum class OrderStatus { Pending, Paid, Processing, Shipped, Delivered, Cancelled, Expired, Refunded };

// The status as the API, the events and the database write it.
constexpr std::string_view orderStatusName(OrderStatus s) noexcept {
  switch (s) {
    case OrderStatus::Pending: return "pending";
    case OrderStatus::Paid: return "paid";
    case OrderStatus::Processing: return "processing";
    case OrderStatus::Shipped: return "shipped";
    case OrderStatus::Delivered: return "delivered";
    case OrderStatus::Cancelled: return "cancelled";
    case OrderStatus::Expired: return "expired";
    case OrderStatus::Refunded: return "refunded";
  }
  return "unknown";
}

// Paid and not given back: the orders whose money the shop keeps.
constexpr bool isKept(OrderStatus s) noexcept {
  return s == OrderStatus::Paid || s == OrderStatus::Processing || s == OrderStatus::Shipped ||
         s == OrderStatus::Delivered;
}

struct OrderSummary {
  std::string id;
  std::string number;  // "AG-261124-7K3QX9", what the shopper quotes
  std::string userId;
  OrderStatus status = OrderStatus::Pending;
  std::int64_t total = 0;  // minor units
  std::string currency;
  long long version = 0;
};

// A line as sold: copied from the catalogue at checkout, never looked up again.
struct OrderLine {
  std::string variantId;
  std::string productId;
  std::string sku;
  std::string productName;
  std::optional<std::string> size;
  std::optional<std::string> color;
  std::int64_t quantity = 0;
  std::int64_t unitPrice = 0;  // minor units
  std::int64_t lineTotal = 0;
};

// An order as the back office reads it: the summary, when it was placed,
// what was refunded and its lines.
struct OrderRecord {
  OrderSummary order;
  long long createdAt = 0;     // Unix ms
  std::int64_t refunded = 0;   // minor units given back so far
  std::vector<OrderLine> lines;
};

// A walk over orders by placement time, oldest first: [fromMs, toMs), after
// the position of the last record of the previous page.
struct OrderWalk {
  long long fromMs = 0;
  long long toMs = 0;
  long long afterCreatedAt = 0;  // with afterId; both empty/0 for the first page
  std::string afterId;
  std::size_t limit = 500;
  // The next page starts after `last`, the previous page's last record.
  void continueAfter(const OrderRecord& last) {
    afterCreatedAt = last.createdAt;
    afterId = last.order.id;
  }
};

enum class RefundState {
  Pending,   // asked of the provider, no answer yet
  Partial,   // some of the money is back
  Refunded,  // all of it is back
  Failed,    // the provider refused: ask again
};

constexpr std::string_view refundStateName(RefundState s) noexcept {
  switch (s) {
    case RefundState::Pending: return "pending";
    case RefundState::Partial: return "partial";
    case RefundState::Refunded: return "refunded";
    case RefundState::Failed: return "failed";
  }
  return "unknown";
}

struct RefundProgress {
  RefundState status = RefundState::Pending;
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
  // The orders among `ids` with their lines, in no particular order; unknown
  // ids are left out.
  virtual std::vector<OrderRecord> records(Tx& tx, const std::vector<std::string>& ids) const = 0;
  // One page of a walk over every order placed in a window (reports,
  // exports, read models rebuilding themselves), lines included.
  virtual std::vector<OrderRecord> walk(Tx& tx, const OrderWalk& walk) const = 0;
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
  // Any change bumps the order's version and publishes
  // order.refund_changed. Unknown orders are left alone. A second payment's refund (a duplicate,
  // refund_due) must not come here: it never changes the order.
  virtual void refundChanged(Tx& tx, const std::string& orderId, const RefundProgress& progress,
                             const std::string& actor = "system") = 0;
};

}  // namespace agape::orders
