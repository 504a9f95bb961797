#pragma once
// What other plugins may ask of the cart, inside their own transaction, and
// the one thing they may add to it: coupon rules.
//
// Orders turns the caller's cart into an order in the transaction that
// inserts the order, so that the cart empties if and only if the order is
// written:
//
//   auto& carts = ctx.services().get<agape::cart::CartService>();  // in validate/start
//   db.run([&](agape::Tx& tx) {
//     auto cart = carts.checkout(tx, req.principal->id);            // locked; nullopt: no cart
//     auto totals = carts.totals(tx, *cart, couponCode, shippingMethod);  // CouponRefused, UnknownShippingMethod
//     insertOrder(tx, *cart, totals);
//     carts.clear(tx, cart->id);
//   });
//
// A plugin that owns coupons provides a CouponEvaluator; the cart asks it for
// GET /v1/cart/totals?couponCode=... and in totals(). Without one, every
// coupon code is refused.
// Call these from handlers and jobs, never from a network thread.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <agape/problem.h>

namespace agape {
class Tx;
}

namespace agape::cart {

// One line as the cart shows it now: the catalogue's current state merged
// with what the shopper saw when adding the line.
struct CartLine {
  std::string id;
  std::string variantId;
  std::string productId;    // "" when the variant no longer exists
  std::string productSlug;  // ""  when the variant no longer exists
  std::string productName;  // the catalogue's, else the name when the line was added
  std::string sku;          // likewise
  std::optional<std::string> size;
  std::optional<std::string> color;
  long long quantity = 0;
  std::int64_t unitPrice = 0;     // minor units, when the line was added (or last changed)
  std::int64_t currentPrice = 0;  // minor units, the catalogue's effective price now
  std::int64_t lineTotal = 0;     // quantity × currentPrice; 0 when not purchasable
  // The variant exists, its product is active and the variant is on sale.
  bool purchasable = false;
  // Units that can be bought now, when the inventory plugin is enabled.
  std::optional<long long> available;
};

struct Cart {
  std::string id;
  std::optional<std::string> userId;  // nullopt: a guest cart (reached by its token)
  std::vector<CartLine> lines;        // oldest line first
  long long itemCount = 0;            // units across purchasable lines
  std::int64_t subtotal = 0;          // sum of the line totals
  std::string currency;               // ISO 4217, the store's
  long long updatedAtMs = 0;
};

struct Totals {
  std::int64_t subtotal = 0;
  std::int64_t discount = 0;  // never more than the subtotal
  std::int64_t shipping = 0;
  std::int64_t tax = 0;       // included in total when the store's prices include tax
  std::int64_t total = 0;
  std::string currency;
  std::string shippingMethod;
  std::optional<std::string> couponCode;  // as applied (normalised by the evaluator)
  bool taxInclusive = true;
};

// The errors of totals(), in the cart's terms. The HTTP adapter that took
// the request says them to its client with its own field names
// (couponProblem, shippingProblem below).
//
// A coupon the store does not take for this cart; what() tells the shopper
// why (unknown, expired, used up, minimum order not met).
class CouponRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A shipping method the store does not offer.
class UnknownShippingMethod : public std::runtime_error {
 public:
  UnknownShippingMethod(const std::string& method, std::vector<std::string> offered)
      : std::runtime_error("no shipping method " + method), offered_(std::move(offered)) {}
  const std::vector<std::string>& offered() const { return offered_; }

 private:
  std::vector<std::string> offered_;
};

// API.md's 422 `coupon_invalid`, the reason at `field`.
inline Problem couponProblem(const CouponRefused& e, const std::string& field) {
  return Problem(422, "coupon_invalid", e.what(), {{field, e.what()}});
}

// A 400 `validation_failed` at `field` naming the methods offered.
inline Problem shippingProblem(const UnknownShippingMethod& e, const std::string& field) {
  std::string offered;
  for (const auto& m : e.offered()) offered += (offered.empty() ? "" : ", ") + m;
  return Problem::validation({{field, "must be one of " + offered}});
}

// What a coupon rule sees.
struct CouponRequest {
  std::string code;                   // as the shopper typed it, trimmed
  std::optional<std::string> userId;  // nullopt for a guest
  const Cart* cart = nullptr;
};

struct CouponDiscount {
  std::string code;       // the canonical code, shown back to the shopper
  std::int64_t amount = 0;  // minor units off the subtotal (the cart caps it at the subtotal)
};

class CouponEvaluator {
 public:
  static constexpr std::string_view kServiceId = "agape.cart.CouponEvaluator";
  virtual ~CouponEvaluator() = default;
  // The discount the coupon gives this cart, or throws CouponRefused.
  virtual CouponDiscount evaluate(Tx& tx, const CouponRequest& request) const = 0;
};

class CartService {
 public:
  static constexpr std::string_view kServiceId = "agape.cart.CartService";
  virtual ~CartService() = default;
  // The signed-in user's cart, priced now; nullopt when they have none.
  virtual std::optional<Cart> forUser(Tx& tx, const std::string& userId) const = 0;
  // The same, with the cart locked until `tx` ends: the read a checkout
  // makes, so two checkouts of one cart queue here and the second finds the
  // cart the first emptied (on SQLite every write transaction is alone).
  // The lines' `available` is not read: reserving the stock is the check.
  virtual std::optional<Cart> checkout(Tx& tx, const std::string& userId) const = 0;
  // The cart's totals with an optional coupon and a shipping method ("" for
  // the store's default). Throws UnknownShippingMethod, and CouponRefused
  // for a coupon the evaluator refuses (or any, without an evaluator).
  virtual Totals totals(Tx& tx, const Cart& cart, const std::optional<std::string>& couponCode,
                        const std::string& shippingMethod) const = 0;
  // Removes every line of the cart (the cart itself stays, so a guest keeps
  // its token). False when there is no such cart.
  virtual bool clear(Tx& tx, const std::string& cartId) = 0;
  // Removes every line of the cart checkout() locked in `tx`: nothing to
  // lock or read back, so it is sent with the transaction's next statement.
  virtual void clearCheckedOut(Tx& tx, const std::string& cartId) = 0;
};

}  // namespace agape::cart
