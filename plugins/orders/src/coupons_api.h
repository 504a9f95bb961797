#pragma once
// The admin's coupon routes (API.md, Orders): create, list, update.
#include <agape/context.h>
#include <agape/http.h>

#include "coupon_book.h"

namespace agape::orders {

class CouponsApi {
 public:
  CouponsApi(Context& ctx, CouponBook& book) : ctx_(ctx), book_(book) {}
  void registerRoutes(Routes& routes);

 private:
  Context& ctx_;
  CouponBook& book_;
};

}  // namespace agape::orders
