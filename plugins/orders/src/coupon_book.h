#pragma once
// Coupons: the rules the cart asks about (CouponEvaluator), their redemption
// in the order's transaction (a use is taken by a conditional update, so a
// limit holds under any concurrency), giving a use back when a pending
// order is cancelled or expires, and the admin's create/list/update.
#include <optional>
#include <string>

#include <agape/audit.h>
#include <agape/cart/cart_service.h>
#include <agape/clock.h>
#include <agape/db.h>
#include <agape/json.h>

namespace agape::orders {

// A coupon as written by the admin API (already validated); on update the
// fields present in `set` change.
struct CouponFields {
  std::optional<std::string> code;
  std::optional<std::string> kind;  // "percent" | "fixed"
  std::optional<long long> value;
  std::optional<std::optional<long long>> maxDiscount, usageLimit, perUserLimit, startsAt, endsAt;
  std::optional<long long> minOrder;
  std::optional<bool> active;
};

class CouponBook final : public cart::CouponEvaluator {
 public:
  CouponBook(const Clock& clock, Audit& audit) : clock_(clock), audit_(audit) {}

  cart::CouponDiscount evaluate(Tx& tx, const cart::CouponRequest& request) const override;
  // Takes one use of `code` for `orderId` (inserted already): 422
  // coupon_invalid when the last use went to another order meanwhile or the
  // user has used up theirs.
  void redeem(Tx& tx, const std::string& code, const std::string& userId, const std::string& orderId,
              std::int64_t amount) const;
  // The order's use goes back (a pending order cancelled or expired).
  void release(Tx& tx, const std::string& orderId) const;

  Json create(Tx& tx, const CouponFields& f, const std::string& actor) const;
  Json update(Tx& tx, const std::string& id, const CouponFields& f, std::optional<long long> expectedVersion,
              const std::string& actor) const;
  Json list(Tx& tx, int page, int limit) const;

  // "  sale10 " → "SALE10"; nullopt unless 3 to 32 of A-Z, 0-9, - and _.
  static std::optional<std::string> normalise(std::string_view code);

 private:
  std::optional<Json> get(Tx& tx, const std::string& id) const;
  long long nowMs() const { return epochMs(clock_.now()); }

  const Clock& clock_;
  Audit& audit_;
};

}  // namespace agape::orders
