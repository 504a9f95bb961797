#pragma once
// The dashboard's read model: every order's figures by the local day it was
// placed, kept from the orders plugin's events (apply, idempotent: an order
// state older than the one recorded changes nothing) and rebuilt from its
// OrderService when the model is new or the time zone changed. Reads are
// sums over a year of days at most, never over the orders themselves.
//
// Revenue counts kept orders (paid, processing, shipped, delivered) at their
// total less what was refunded; cancelled, expired, refunded and pending
// orders bring none. Products sell in kept orders only.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <agape/db.h>
#include <agape/orders/order_service.h>

#include "shop_calendar.h"

namespace agape::admin {

// Inclusive local days.
struct DayRange {
  int from = 0;
  int to = 0;
  int days() const { return to - from + 1; }
};

struct SalesFigures {
  std::map<std::string, long long> ordersByStatus;  // every status, zeros included
  long long orders = 0;         // placed, any status
  long long keptOrders = 0;     // paid, processing, shipped, delivered
  std::int64_t revenue = 0;     // kept orders' totals less refunds
  std::int64_t refunded = 0;    // given back on kept orders (partial refunds)
  long long unitsSold = 0;      // in kept orders
  long long newCustomers = 0;   // first kept order in the range
  long long payingCustomers = 0;
  std::int64_t averageOrderValue() const { return keptOrders ? (revenue + keptOrders / 2) / keptOrders : 0; }
};

struct TrendPoint {
  int start = 0;  // the bucket's first day
  long long orders = 0, keptOrders = 0, unitsSold = 0, newCustomers = 0;
  std::int64_t revenue = 0;
};

struct ProductSales {
  std::string productId;
  std::string variantId;  // one variant sold, to ask the catalogue about the product
  std::string name;       // as sold
  long long units = 0;
  std::int64_t revenue = 0;
};

class SalesBook {
 public:
  SalesBook(const ShopCalendar& calendar, std::string currency) : calendar_(calendar), currency_(std::move(currency)) {}

  // Records an order's current state. Returns false when the model already
  // had this version or a later one.
  bool apply(Tx& tx, const orders::OrderRecord& order) const;
  // Empties the model and notes what it will be rebuilt for (builtForKey)
  // and when (Unix ms) the rebuild began.
  void clear(Tx& tx, long long nowMs) const;
  // What the model was last cleared for; nothing if never built. When it is
  // not builtForKey() (the time zone or the currency changed), the model
  // must be rebuilt.
  std::optional<std::string> builtFor(Tx& tx) const;
  // "Africa/Lagos NGN": the time zone of the model's days, and its currency.
  std::string builtForKey() const { return calendar_.timeZone() + " " + currency_; }
  // When the last rebuild began (Unix ms); 0 if never.
  long long rebuiltAt(Tx& tx) const;

  SalesFigures figures(Tx& tx, const DayRange& range) const;
  // One point per bucket from the one holding range.from to the one holding
  // range.to, empty buckets included.
  std::vector<TrendPoint> trend(Tx& tx, const DayRange& range, Bucket bucket) const;
  // The best sellers by units (or by revenue), ties by the other, then id.
  std::vector<ProductSales> topProducts(Tx& tx, const DayRange& range, bool byRevenue, int limit) const;

  const std::string& currency() const { return currency_; }
  static bool isKept(const std::string& status);

 private:
  const ShopCalendar& calendar_;
  const std::string currency_;
};

}  // namespace agape::admin
