#include "cart_book.h"

#include <map>
#include <stdexcept>

#include <agape/problem.h>

#include "pricing.h"

namespace agape::cart {

const catalog::VariantDirectory& CartBook::variants() const {
  if (!variants_) throw std::logic_error("cart: the catalogue's VariantDirectory was not set at validate");
  return *variants_;
}

long long CartBook::nowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now().time_since_epoch()).count();
}

Cart CartBook::empty() const {
  Cart c;
  c.currency = config_.currency;
  return c;
}

Cart CartBook::price(Tx& tx, const CartRow& row) const { return price(tx, row, store_.lines(tx, row.id)); }

Cart CartBook::price(Tx& tx, const CartRow& row, const std::vector<LineRow>& rows, bool withAvailability) const {
  Cart cart = empty();
  cart.id = row.id;
  cart.userId = row.userId;
  cart.updatedAtMs = row.updatedAtMs;
  if (rows.empty()) return cart;
  std::vector<std::string> ids;
  for (const auto& r : rows) ids.push_back(r.variantId);
  std::map<std::string, catalog::VariantSummary> found;
  for (auto& v : variants().lookup(tx, ids)) found.emplace(v.id, std::move(v));
  std::map<std::string, long long> available;
  const bool stocked = stock_ && withAvailability;
  if (stocked) available = stock_->available(tx, ids);

  for (const auto& r : rows) {
    CartLine l;
    l.id = r.id;
    l.variantId = r.variantId;
    l.quantity = r.quantity;
    l.unitPrice = r.unitPrice;
    l.productName = r.productName;
    l.sku = r.sku;
    l.currentPrice = r.unitPrice;
    if (auto it = found.find(r.variantId); it != found.end()) {
      const auto& v = it->second;
      l.productId = v.productId;
      l.productSlug = v.productSlug;
      l.productName = v.productName;
      l.sku = v.sku;
      l.size = v.size;
      l.color = v.color;
      l.currentPrice = v.price;
      l.purchasable = v.purchasable;
    }
    if (stocked) {
      const auto a = available.find(r.variantId);
      l.available = a == available.end() ? 0 : a->second;
    }
    if (l.purchasable) {
      l.lineTotal = l.currentPrice * l.quantity;
      cart.subtotal += l.lineTotal;
      cart.itemCount += l.quantity;
    }
    cart.lines.push_back(std::move(l));
  }
  return cart;
}

std::optional<Cart> CartBook::forUser(Tx& tx, const std::string& userId) const {
  auto loaded = store_.load(tx, Owner{userId, std::nullopt});
  if (!loaded) return std::nullopt;
  return price(tx, loaded->cart, loaded->lines);
}

std::optional<Cart> CartBook::checkout(Tx& tx, const std::string& userId) const {
  auto loaded = store_.touchUsersCart(tx, userId, nowMs());
  if (!loaded) return std::nullopt;
  // The stock's reservation that follows is the availability check.
  return price(tx, loaded->cart, loaded->lines, false);
}

Totals CartBook::totals(Tx& tx, const Cart& cart, const std::optional<std::string>& couponCode,
                        const std::string& shippingMethod) const {
  const std::string methodId = shippingMethod.empty() ? config_.defaultShippingMethod : shippingMethod;
  const ShippingMethod* method = config_.shippingMethod(methodId);
  if (!method) {
    std::vector<std::string> offered;
    for (const auto& m : config_.shippingMethods) offered.push_back(m.id);
    throw UnknownShippingMethod(methodId, std::move(offered));
  }
  Totals t;
  t.currency = cart.currency;
  t.shippingMethod = method->id;
  t.taxInclusive = config_.tax.pricesIncludeTax;
  std::int64_t discount = 0;
  if (couponCode) {
    if (!coupons_) throw CouponRefused("Coupons are not offered by this store.");
    const CouponDiscount d = coupons_->evaluate(tx, CouponRequest{*couponCode, cart.userId, &cart});
    t.couponCode = d.code;
    discount = d.amount;
  }
  const Amounts a = computeAmounts(cart.subtotal, discount, cart.itemCount == 0, *method, config_.tax);
  t.subtotal = a.subtotal;
  t.discount = a.discount;
  t.shipping = a.shipping;
  t.tax = a.tax;
  t.total = a.total;
  return t;
}

void CartBook::clearCheckedOut(Tx& tx, const std::string& cartId) { store_.clearLater(tx, cartId); }

bool CartBook::clear(Tx& tx, const std::string& cartId) {
  if (!store_.touch(tx, cartId, nowMs())) return false;
  store_.clear(tx, cartId);
  return true;
}

}  // namespace agape::cart
