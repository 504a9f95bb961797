#pragma once
// An order and its statistics as API.md shows them, and their Schemas: the
// routes encode them, the book stores the delivery address through one.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <agape/orders/order_service.h>
#include <agape/schema.h>

#include "order_state.h"

namespace agape::orders {

struct Address {
  std::string fullName;
  std::string phone;
  std::string line1;
  std::optional<std::string> line2;
  std::string city;
  std::string state;
  std::string country = "NG";
  std::optional<std::string> postalCode;
};

struct OrderTotals {
  std::int64_t subtotal = 0;
  std::int64_t discount = 0;
  std::int64_t shipping = 0;
  std::int64_t tax = 0;
  std::int64_t total = 0;
  std::string currency;
  bool taxInclusive = false;
};

struct OrderRefund {
  RefundState status = RefundState::Pending;
  std::int64_t amount = 0;  // minor units given back so far
};

struct Order {
  std::string id;
  std::string number;
  std::string userId;
  Status status = Status::Pending;
  std::vector<OrderLine> items;
  OrderTotals totals;
  std::string shippingMethod;
  Address shippingAddress;
  std::optional<std::string> couponCode;
  std::optional<Timestamp> reservationExpiresAt;  // while pending
  std::optional<std::string> trackingNumber;
  std::optional<OrderRefund> refund;
  long long version = 0;
  Timestamp createdAt, updatedAt;
};

enum class Period { Day, Week, Month };

struct StatusCount {
  long long count = 0;
  std::int64_t total = 0;
};
struct PeriodPoint {
  std::string periodStart;  // the period's first day, YYYY-MM-DD
  long long orders = 0;
  std::int64_t revenue = 0;
};
struct OrderStats {
  Timestamp from, to;
  std::optional<std::string> currency;
  long long orders = 0;
  std::int64_t revenue = 0;
  long long paidOrders = 0;
  std::int64_t averageOrderValue = 0;
  std::map<std::string, StatusCount> byStatus;
  Period period = Period::Day;
  std::vector<PeriodPoint> series;
};

const Names<Period>& periodNames();
// The address as a customer gives it (every rule checked); `stored`: as the
// book reads it back (types only, so an old row always reads).
const Schema<Address>& addressSchema(bool stored = false);
const Schema<Order>& orderSchema();
const Schema<OrderStats>& orderStatsSchema();

}  // namespace agape::orders
