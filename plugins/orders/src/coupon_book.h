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
#include <agape/schema.h>

namespace agape::orders {

enum class CouponKind { Percent, Fixed };

// A new coupon, validated by the route (code normalised).
struct NewCoupon {
  std::string code;
  CouponKind kind = CouponKind::Fixed;
  long long value = 0;  // percent: 1-100; fixed: minor units off
  std::optional<long long> maxDiscount;
  long long minOrder = 0;
  std::optional<long long> usageLimit;
  std::optional<long long> perUserLimit;
  std::optional<Timestamp> startsAt, endsAt;
  bool active = true;
};

// A coupon as the admin API shows it.
struct Coupon : NewCoupon {
  std::string id;
  long long timesUsed = 0;
  long long version = 0;
  Timestamp createdAt, updatedAt;
};

// A change: the fields given change (null clears a limit or a date).
struct CouponChange {
  Patch<CouponKind> kind;
  Patch<long long> value;
  Patch<long long> maxDiscount;
  Patch<long long> minOrder;
  Patch<long long> usageLimit;
  Patch<long long> perUserLimit;
  Patch<Timestamp> startsAt, endsAt;
  Patch<bool> active;
  std::optional<long long> version;  // 409 version_conflict when it moved
};

const Names<CouponKind>& couponKindNames();
const Schema<Coupon>& couponSchema();

class CouponBook final : public cart::CouponEvaluator {
 public:
  CouponBook(const Clock& clock, Audit& audit) : clock_(clock), audit_(audit) {}

  cart::CouponDiscount evaluate(Tx& tx, const cart::CouponRequest& request) const override;
  // Takes one use of `code` for `orderId` (inserted already):
  // cart::CouponRefused when the last use went to another order meanwhile or
  // the user has used up theirs.
  void redeem(Tx& tx, const std::string& code, const std::string& userId, const std::string& orderId,
              std::int64_t amount) const;
  // The order's use goes back (a pending order cancelled or expired).
  void release(Tx& tx, const std::string& orderId) const;

  // 409 duplicate for a code in use.
  Coupon create(Tx& tx, const NewCoupon& c, const std::string& actor) const;
  // 404, 409 version_conflict, 400 when the result would not make sense
  // (a percentage over 100, ends before it starts, a limit below the uses).
  Coupon update(Tx& tx, const std::string& id, const CouponChange& c, const std::string& actor) const;
  Page<Coupon> list(Tx& tx, int page, int limit) const;

  // "  sale10 " → "SALE10"; nullopt unless 3 to 32 of A-Z, 0-9, - and _.
  static std::optional<std::string> normalise(std::string_view code);

 private:
  std::optional<Coupon> get(Tx& tx, const std::string& id) const;
  long long nowMs() const { return epochMs(clock_.now()); }

  const Clock& clock_;
  Audit& audit_;
};

}  // namespace agape::orders
