#pragma once
// The orders' HTTP surface (API.md, Orders): placing an order from the cart
// with an Idempotency-Key, reading and listing, cancelling, status changes.
#include <agape/context.h>
#include <agape/http.h>

#include "order_book.h"

namespace agape::orders {

class OrdersApi {
 public:
  OrdersApi(Context& ctx, OrderBook& book) : ctx_(ctx), book_(book) {}
  void registerRoutes(Routes& routes);

 private:
  Response place(const Request& req);
  Response get(const Request& req);
  Response invoice(const Request& req);
  Response list(const Request& req);
  Response stats(const Request& req);
  Response cancel(const Request& req);
  Response setStatus(const Request& req);

  Context& ctx_;
  OrderBook& book_;
};

// "2026-11-24", "2026-11-24T10:15:00Z" or with an offset ("+01:00") → Unix ms.
std::optional<long long> parseTime(std::string_view text);

}  // namespace agape::orders
