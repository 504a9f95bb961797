#pragma once
// Orders: placing one from the caller's cart (stock reserved and cart emptied
// in the same transaction), reading and listing them, and every status
// change with its stock effect, event and audit entry. Also the
// OrderService the payments plugin calls.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <agape/audit.h>
#include <agape/cart/cart_service.h>
#include <agape/clock.h>
#include <agape/db.h>
#include <agape/events.h>
#include <agape/inventory/stock_service.h>
#include <agape/orders/order_service.h>
#include <agape/schema.h>

#include "coupon_book.h"
#include "order_state.h"
#include "order_wire.h"
#include "orders_config.h"

namespace agape::orders {

struct PlaceInput {
  std::string userId;
  Address shippingAddress;  // validated by the caller
  std::string shippingMethod;
  std::optional<std::string> couponCode;
};

struct ListFilter {
  std::optional<std::string> userId;  // customers: their own
  std::optional<Status> status;
  std::optional<long long> fromMs, toMs;  // [from, to) on created_at
  int page = 1;
  int limit = 20;
};

// A status change as asked: by whom and with what.
struct Change {
  Status to = Status::Pending;
  std::string actor;                         // principal id or "system"
  std::optional<long long> expectedVersion;  // 409 version_conflict when it moved
  std::optional<std::string> trackingNumber; // with shipped
  std::optional<std::string> reason;         // with cancelled, refunded
  std::optional<std::string> reference;      // a payment reference, with paid
};

struct StatsQuery {
  long long fromMs = 0, toMs = 0;  // [from, to) on created_at
  Period period = Period::Day;     // weeks are ISO weeks, from Monday
};

// Crockford's base 32: the characters of an order number's tail.
inline constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
// "AG-261124-7K3QX9": the prefix, the UTC date of `epochMs`, the tail.
std::string orderNumber(const std::string& prefix, long long epochMs, std::string_view tail);

class OrderBook final : public OrderService {
 public:
  OrderBook(const OrdersConfig& config, const Clock& clock, Events& events, Audit& audit)
      : config_(config), clock_(clock), events_(events), audit_(audit) {}
  // Validate: the cart and the stock (both required), and the coupons.
  void use(cart::CartService& carts, inventory::StockService& stock, const CouponBook& coupons) {
    carts_ = &carts;
    stock_ = &stock;
    coupons_ = &coupons;
  }

  // The order placed; Problems: 429 too_many_pending_orders, 422
  // cart_empty, 422 not_purchasable, 409 out_of_stock, 400/422 from the
  // cart's totals.
  Order place(Tx& tx, const PlaceInput& in);
  std::optional<Order> get(Tx& tx, const std::string& id) const;
  Page<Order> list(Tx& tx, const ListFilter& filter) const;
  // Counts and revenue by status, and orders and revenue per period.
  OrderStats stats(Tx& tx, const StatsQuery& query) const;
  // Applies a status change; Problems: 404, 409 invalid_transition, 409
  // version_conflict, 409 reservation_expired (paid after the hold lapsed).
  Order change(Tx& tx, const std::string& id, const Change& change);
  // The expiry of a hold: the order's own ({"order", id}) makes a pending
  // order expired; another kind's is no order's and is left alone.
  bool expireHeld(Tx& tx, const inventory::Holder& holder);
  // Forgets Idempotency-Keys older than the configured ttl; how many.
  long long purgeIdempotencyKeys(Tx& tx) const;

  std::optional<OrderSummary> find(Tx& tx, const std::string& orderId) const override;
  std::vector<OrderRecord> records(Tx& tx, const std::vector<std::string>& ids) const override;
  std::vector<OrderRecord> walk(Tx& tx, const OrderWalk& walk) const override;
  PaidResult markPaid(Tx& tx, const std::string& orderId, const std::string& reference,
                      const std::string& actor) override;
  void refundChanged(Tx& tx, const std::string& orderId, const RefundProgress& progress,
                     const std::string& actor) override;

  // An order's stock is held as {"order", its id}.
  static constexpr std::string_view kHolderKind = "order";
  static inventory::Holder holderOf(const std::string& orderId) {
    return {std::string(kHolderKind), orderId};
  }
  long long nowMs() const { return epochMs(clock_.now()); }
  const OrdersConfig& config() const { return config_; }

 private:
  // `change` applied to `order` (a row of kOrderColumns, locked): false,
  // with nothing written, for a payment whose stock hold has lapsed.
  bool transition(Tx& tx, const Row& order, const Change& change);
  // Problem 429 too_many_pending_orders when the user's pending orders
  // reach the cap.
  void refuseOverPendingCap(Tx& tx, const std::string& userId) const;
  // Publishes "order.<to>" as the event type of that status.
  void publishStatusChange(Tx& tx, const OrderStatusChange& change) const;
  std::string newNumber(long long nowMs) const;
  std::vector<Order> render(Tx& tx, const std::vector<Row>& orders) const;
  std::vector<OrderRecord> recordsOf(Tx& tx, const std::vector<Row>& orders) const;

  const OrdersConfig& config_;
  const Clock& clock_;
  Events& events_;
  Audit& audit_;
  cart::CartService* carts_ = nullptr;
  inventory::StockService* stock_ = nullptr;
  const CouponBook* coupons_ = nullptr;
};

}  // namespace agape::orders
