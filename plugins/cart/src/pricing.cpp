#include "pricing.h"

#include <algorithm>

namespace agape::cart {

std::int64_t mulDivRound(std::int64_t a, std::int64_t b, std::int64_t c) {
  const __int128 n = static_cast<__int128>(a) * b;
  return static_cast<std::int64_t>((n * 2 + c) / (static_cast<__int128>(c) * 2));
}

Amounts computeAmounts(std::int64_t subtotal, std::int64_t discount, bool empty, const ShippingMethod& method,
                       const TaxRule& tax) {
  Amounts a;
  a.subtotal = subtotal;
  a.discount = std::clamp<std::int64_t>(discount, 0, subtotal);
  const std::int64_t goods = a.subtotal - a.discount;
  const bool free = empty || (method.freeFrom && goods >= *method.freeFrom);
  a.shipping = free ? 0 : method.price;
  const std::int64_t taxable = goods + a.shipping;
  if (tax.pricesIncludeTax) {
    a.tax = mulDivRound(taxable, tax.rateBasisPoints, 10'000 + tax.rateBasisPoints);
    a.total = taxable;
  } else {
    a.tax = mulDivRound(taxable, tax.rateBasisPoints, 10'000);
    a.total = taxable + a.tax;
  }
  return a;
}

}  // namespace agape::cart
