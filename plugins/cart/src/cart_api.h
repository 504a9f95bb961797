#pragma once
// The cart's HTTP surface (API.md, Cart): a guest's cart reached by the
// X-Cart-Token it was given, a signed-in user's by their id.
#include <agape/context.h>
#include <agape/http.h>

#include "cart_book.h"

namespace agape::cart {

class CartApi {
 public:
  CartApi(Context& ctx, CartBook& book) : ctx_(ctx), book_(book) {}
  void registerRoutes(Routes& routes);

 private:
  Response get(const Request& req);
  Response addItem(const Request& req);
  Response updateItem(const Request& req);
  Response removeItem(const Request& req);
  Response empty(const Request& req);
  Response merge(const Request& req);
  Response totals(const Request& req);
  Response shippingMethods(const Request& req);
  // 409 out_of_stock unless the stock covers `quantity` (inventory enabled).
  void requireStock(Tx& tx, const catalog::VariantSummary& v, long long quantity) const;

  Context& ctx_;
  CartBook& book_;
};

}  // namespace agape::cart
