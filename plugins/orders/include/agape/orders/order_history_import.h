#pragma once
// Bulk loading of order history into an empty order book, for plugins that
// bring their own (the demo plugin's `agape seed orders`): rows only — no
// stock moves, payments or emails — then one orders.seeded event so read
// models (the admin plugin's reports) rebuild themselves.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <agape/orders/order_service.h>

namespace agape {
class Database;
class Tx;
}  // namespace agape

namespace agape::orders {

struct ImportedOrderLine {
  std::string variantId, productId, sku, productName;
  std::optional<std::string> size, color;
  std::int64_t quantity = 0;
  std::int64_t unitPrice = 0;
};

// Amounts in minor units of `currency`; the shipping method is standard,
// prices include tax, and no coupon was used.
struct ImportedOrder {
  std::string id;
  // Gives the order number its tail (the shop's prefix and the day lead):
  // unique per import.
  int sequence = 0;
  std::string userId, currency;
  OrderStatus status = OrderStatus::Pending;
  std::int64_t subtotal = 0, shipping = 0, total = 0;
  std::string shippingAddressJson;
  int version = 1;
  long long createdAtMs = 0, updatedAtMs = 0, reservationExpiresAtMs = 0;
  std::optional<RefundState> refundStatus;
  std::int64_t refundedAmount = 0;
  std::vector<ImportedOrderLine> lines;
};

class OrderHistoryImport {
 public:
  static constexpr std::string_view kServiceId = "agape.orders.OrderHistoryImport";
  virtual ~OrderHistoryImport() = default;

  virtual bool hasOrders(Tx& tx) const = 0;
  virtual void add(Tx& tx, const std::vector<ImportedOrder>& orders) const = 0;
  // After the last add: announces the history (`count` orders placed from
  // `fromMs` to `toMs`) and, on PostgreSQL, refreshes the tables' statistics.
  virtual void finish(Database& db, int count, long long fromMs, long long toMs) const = 0;
};

}  // namespace agape::orders
