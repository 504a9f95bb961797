#pragma once
// The orders' HTTP surface (API.md, Orders): placing an order from the cart
// with an Idempotency-Key, reading and listing, cancelling, status changes.
#include <agape/auth/user_directory.h>
#include <agape/clock.h>
#include <agape/context.h>
#include <agape/contract.h>
#include <agape/http.h>

#include "invoices.h"
#include "order_book.h"

namespace agape::orders {

// The routes' request bodies and queries (orders_api.cpp).
struct PlaceOrder;
struct ListQuery;
struct StatsRange;
struct CancelOrder;
struct StatusChange;

class OrdersApi {
 public:
  OrdersApi(Context& ctx, OrderBook& book, Invoices& invoices) : ctx_(ctx), book_(book), invoices_(invoices) {}
  void registerRoutes(Routes& routes);
  // From validate, when orders.requireVerifiedEmail is on: only customers
  // whose address `users` has verified may place orders.
  void requireVerifiedEmail(const auth::UserDirectory& users) { users_ = &users; }

 private:
  Response place(Call<PlaceOrder>& call);
  // One transaction: the key's claim, the checks, the order and its reply.
  Response placeOnce(const PlaceInput& in, const std::optional<std::string_view>& key, const std::string& requestHash);
  // Problem 403 email_not_verified.
  void refuseUnverifiedEmail(Tx& tx, const std::string& userId) const;
  // The order `:id` when the caller owns it or is staff; 404 otherwise
  // (another customer's order is not admitted to exist).
  template <class C>
  Order visible(Tx& tx, C& call) const;
  // The order `:id` for its invoice or credit note: its owner, admin or
  // finance (403 for other staff).
  Order documentOwner(Call<>& call) const;
  static Response pdf(std::string body, const std::string& fileName);
  Response invoice(Call<>& call);
  Response creditNote(Call<>& call);
  Page<Order> list(Call<None, ListQuery>& call);
  OrderStats stats(Call<None, StatsRange>& call);
  Order cancel(Call<CancelOrder>& call);
  Order setStatus(Call<StatusChange>& call);

  Context& ctx_;
  OrderBook& book_;
  Invoices& invoices_;
  const auth::UserDirectory* users_ = nullptr;
};

}  // namespace agape::orders
