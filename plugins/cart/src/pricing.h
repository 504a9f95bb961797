#pragma once
// The totals arithmetic, in integer minor units with half-up rounding.
#include <cstdint>

#include "cart_config.h"

namespace agape::cart {

struct Amounts {
  std::int64_t subtotal = 0;
  std::int64_t discount = 0;
  std::int64_t shipping = 0;
  std::int64_t tax = 0;
  std::int64_t total = 0;
};

// `discount` is capped at `subtotal`. Shipping is the method's price, 0 for
// an empty cart or once subtotal − discount reaches the method's freeFrom.
// Tax is charged on what the shopper pays for (goods after discount, plus
// shipping): added on top when prices exclude it, else the included part,
// taxable × rate / (1 + rate).
Amounts computeAmounts(std::int64_t subtotal, std::int64_t discount, bool empty, const ShippingMethod& method,
                       const TaxRule& tax);

// a × b / c rounded half up, for non-negative a, b and positive c, without
// overflow for amounts below 2^62.
std::int64_t mulDivRound(std::int64_t a, std::int64_t b, std::int64_t c);

}  // namespace agape::cart
