#pragma once
// The events orders publishes. Amounts are minor units (kobo).
//
// Every status change publishes "order.<status>" with one payload shape,
// OrderStatusChange; each status's topic is its own type (OrderPaid,
// OrderShipped, ...), so a subscriber names the changes it handles by type
// and the topics stay the ones subscribers already match.

#include <optional>
#include <string>
#include <string_view>

#include <agape/events.h>
#include <agape/orders/order_service.h>
#include <agape/schema.h>

namespace agape::orders {

// The wire names of the service's enums, as orderStatusName and
// refundStateName spell them.
inline const Names<OrderStatus>& orderStatusNames() {
  using S = OrderStatus;
  static const Names<S> names({S::Pending, S::Paid, S::Processing, S::Shipped, S::Delivered, S::Cancelled, S::Expired,
                               S::Refunded},
                              orderStatusName);
  return names;
}

inline const Names<RefundState>& refundStateNames() {
  using R = RefundState;
  static const Names<R> names({R::Pending, R::Partial, R::Refunded, R::Failed}, refundStateName);
  return names;
}

// "order.created": an order was placed from a cart (status pending).
struct OrderCreated {
  static constexpr std::string_view topic = "order.created";
  static constexpr int schemaVersion = 1;
  static const Schema<OrderCreated>& schema() {
    static const auto s = Schema<OrderCreated>()
                              .field("orderId", &OrderCreated::orderId)
                              .field("number", &OrderCreated::number)
                              .field("userId", &OrderCreated::userId)
                              .field("total", &OrderCreated::total)
                              .field("currency", &OrderCreated::currency);
    return s;
  }
  std::string orderId;
  std::string number;  // shown to the customer
  std::string userId;
  long long total = 0;
  std::string currency;
};

// The payload of every "order.<status>" event.
struct OrderStatusChange {
  std::string orderId;
  std::string number;
  std::string userId;
  long long total = 0;
  std::string currency;
  std::string actor;  // who made the change: a user id, "payments", "system"
  OrderStatus from = OrderStatus::Pending;
  OrderStatus to = OrderStatus::Pending;
  std::optional<std::string> trackingNumber;  // given when shipped
  std::optional<std::string> reason;          // a cancellation's or refund's
  std::optional<std::string> reference;       // the payment's, when paid or refunded

  template <class E>
  static Schema<E> schemaAs() {
    return Schema<E>()
        .field("orderId", &OrderStatusChange::orderId)
        .field("number", &OrderStatusChange::number)
        .field("userId", &OrderStatusChange::userId)
        .field("total", &OrderStatusChange::total)
        .field("currency", &OrderStatusChange::currency)
        .field("actor", &OrderStatusChange::actor)
        .field("from", &OrderStatusChange::from, orderStatusNames())
        .field("to", &OrderStatusChange::to, orderStatusNames())
        .field("trackingNumber", &OrderStatusChange::trackingNumber, {.optional = true, .omitWhenNull = true})
        .field("reason", &OrderStatusChange::reason, {.optional = true, .omitWhenNull = true})
        .field("reference", &OrderStatusChange::reference, {.optional = true, .omitWhenNull = true});
  }
};

using OrderPaid = EventOf<OrderStatusChange, "order.paid">;
using OrderProcessing = EventOf<OrderStatusChange, "order.processing">;
using OrderShipped = EventOf<OrderStatusChange, "order.shipped">;
using OrderDelivered = EventOf<OrderStatusChange, "order.delivered">;
using OrderCancelled = EventOf<OrderStatusChange, "order.cancelled">;
using OrderExpired = EventOf<OrderStatusChange, "order.expired">;
using OrderRefunded = EventOf<OrderStatusChange, "order.refunded">;

// "order.refund_changed": the refund of an order's payment moved on.
struct OrderRefundChanged {
  static constexpr std::string_view topic = "order.refund_changed";
  static constexpr int schemaVersion = 1;
  static const Schema<OrderRefundChanged>& schema() {
    static const auto s = Schema<OrderRefundChanged>()
                              .field("orderId", &OrderRefundChanged::orderId)
                              .field("refundStatus", &OrderRefundChanged::refundStatus, refundStateNames())
                              .field("refunded", &OrderRefundChanged::refunded);
    return s;
  }
  std::string orderId;
  RefundState refundStatus = RefundState::Pending;
  long long refunded = 0;    // given back so far
};

}  // namespace agape::orders
