#pragma once
// The CartService other plugins call, and the pricing the HTTP routes share:
// a cart's lines priced against the catalogue (and the stock, when the
// inventory plugin is enabled), and its totals.
#include <agape/cart/cart_service.h>
#include <agape/catalog/variant_directory.h>
#include <agape/clock.h>
#include <agape/inventory/stock_service.h>

#include "cart_config.h"
#include "cart_store.h"

namespace agape::cart {

class CartBook final : public CartService {
 public:
  CartBook(const CartConfig& config, const Clock& clock) : config_(config), clock_(clock) {}

  // Validate: the catalogue (required), the stock and coupons (optional).
  void use(const catalog::VariantDirectory& variants, const inventory::StockService* stock,
           const CouponEvaluator* coupons) {
    variants_ = &variants;
    stock_ = stock;
    coupons_ = coupons;
  }

  std::optional<Cart> forUser(Tx& tx, const std::string& userId) const override;
  std::optional<Cart> checkout(Tx& tx, const std::string& userId) const override;
  Totals totals(Tx& tx, const Cart& cart, const std::optional<std::string>& couponCode,
                const std::string& shippingMethod) const override;
  bool clear(Tx& tx, const std::string& cartId) override;
  void clearCheckedOut(Tx& tx, const std::string& cartId) override;

  // The cart as the shopper sees it now (its lines read here, or given).
  Cart price(Tx& tx, const CartRow& row) const;
  // Without availability, lines' `available` is left empty.
  Cart price(Tx& tx, const CartRow& row, const std::vector<LineRow>& lines, bool withAvailability = true) const;
  // An empty cart without an id, for a caller who has none yet.
  Cart empty() const;

  const CartStore& store() const { return store_; }
  const CartConfig& config() const { return config_; }
  const catalog::VariantDirectory& variants() const;
  const inventory::StockService* stock() const { return stock_; }
  long long nowMs() const;

 private:
  const CartConfig& config_;
  const Clock& clock_;
  CartStore store_;
  const catalog::VariantDirectory* variants_ = nullptr;
  const inventory::StockService* stock_ = nullptr;
  const CouponEvaluator* coupons_ = nullptr;
};

}  // namespace agape::cart
