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
  Cart get(const Request& req);
  // The cart and, when this call created a guest cart, its new token.
  std::pair<Cart, std::optional<std::string>> addItem(const Request& req, const std::string& variantId,
                                                      long long quantity);
  Cart updateItem(const Request& req, long long quantity);
  void removeItem(const Request& req);
  void empty(const Request& req);
  Cart merge(const std::string& userId, const std::string& token);
  Totals totals(const Request& req, const std::optional<std::string>& coupon, const std::string& method);
  // 409 out_of_stock unless the stock covers `quantity` (inventory enabled).
  void requireStock(Tx& tx, const catalog::VariantSummary& v, long long quantity) const;

  Context& ctx_;
  CartBook& book_;
};

}  // namespace agape::cart
