#pragma once
// The orders' HTTP surface (API.md, Orders): placing an order from the cart
// with an Idempotency-Key, reading and listing, cancelling, status changes.
#include <agape/auth/user_directory.h>
#include <agape/clock.h>
#include <agape/context.h>
#include <agape/http.h>

#include "order_book.h"

namespace agape::orders {

class OrdersApi {
 public:
  OrdersApi(Context& ctx, OrderBook& book) : ctx_(ctx), book_(book) {}
  void registerRoutes(Routes& routes);
  // From validate, when orders.requireVerifiedEmail is on: only customers
  // whose address `users` has verified may place orders.
  void requireVerifiedEmail(const auth::UserDirectory& users) { users_ = &users; }

 private:
  Response place(const Request& req);
  // Problem 403 email_not_verified.
  void refuseUnverifiedEmail(Tx& tx, const std::string& userId) const;
  // Problem 429 too_many_pending_orders when the user's pending orders,
  // less the `placed` one(s) this transaction wrote, reach the cap.
  void refuseOverPendingCap(Tx& tx, const std::string& userId, int placed) const;
  Response get(const Request& req);
  Response invoice(const Request& req);
  Response list(const Request& req);
  Response stats(const Request& req);
  Response cancel(const Request& req);
  Response setStatus(const Request& req);

  Context& ctx_;
  OrderBook& book_;
  const auth::UserDirectory* users_ = nullptr;
};

// "2026-11-24", "2026-11-24T10:15:00Z" or with an offset ("+01:00") → Unix ms
// (the SDK's).
using agape::parseTime;

}  // namespace agape::orders
