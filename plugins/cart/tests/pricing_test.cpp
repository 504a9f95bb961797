// Totals in integer kobo: discount cap, free shipping threshold, tax included
// in or added to the price, half-up rounding and no overflow.
#include <gtest/gtest.h>

#include "pricing.h"

namespace agape::cart {
namespace {

const ShippingMethod kStandard{"standard", "Standard", 250'000, 5'000'000};
const ShippingMethod kExpress{"express", "Express", 500'000, std::nullopt};

TEST(CartPricing, TaxIncludedIsThePartOfTheTotalThatIsTax) {
  const TaxRule vat{"VAT", 750, true};
  // ₦15,000 dress + ₦2,500 delivery = ₦17,500; 17,500 × 7.5/107.5 = ₦1,220.93
  const Amounts a = computeAmounts(1'500'000, 0, false, kStandard, vat);
  EXPECT_EQ(a.subtotal, 1'500'000);
  EXPECT_EQ(a.shipping, 250'000);
  EXPECT_EQ(a.total, 1'750'000);
  EXPECT_EQ(a.tax, 122'093);  // 122,093.02 kobo
}

TEST(CartPricing, TaxExcludedIsAddedOnTop) {
  const TaxRule vat{"VAT", 750, false};
  const Amounts a = computeAmounts(1'500'000, 100'000, false, kExpress, vat);
  // (15,000 − 1,000 + 5,000) × 7.5 % = ₦1,425
  EXPECT_EQ(a.discount, 100'000);
  EXPECT_EQ(a.tax, 142'500);
  EXPECT_EQ(a.total, 1'400'000 + 500'000 + 142'500);
}

TEST(CartPricing, ShippingIsFreeFromTheThresholdAfterDiscountAndForAnEmptyCart) {
  const TaxRule none{"VAT", 0, true};
  EXPECT_EQ(computeAmounts(5'000'000, 0, false, kStandard, none).shipping, 0);
  EXPECT_EQ(computeAmounts(4'999'999, 0, false, kStandard, none).shipping, 250'000);
  // The discount takes the goods under the threshold: delivery is charged.
  EXPECT_EQ(computeAmounts(5'100'000, 200'000, false, kStandard, none).shipping, 250'000);
  EXPECT_EQ(computeAmounts(0, 0, true, kExpress, none).shipping, 0);
  EXPECT_EQ(computeAmounts(0, 0, true, kExpress, none).total, 0);
}

TEST(CartPricing, DiscountNeverExceedsTheSubtotal) {
  const TaxRule vat{"VAT", 750, true};
  const Amounts a = computeAmounts(300'000, 1'000'000, false, kExpress, vat);
  EXPECT_EQ(a.discount, 300'000);
  EXPECT_EQ(a.total, 500'000);  // the delivery only
  EXPECT_EQ(computeAmounts(300'000, -5, false, kExpress, vat).discount, 0);
}

TEST(CartPricing, RoundsHalfUpAndNeverOverflows) {
  EXPECT_EQ(mulDivRound(1, 1, 2), 1);    // 0.5 → 1
  EXPECT_EQ(mulDivRound(1, 1, 3), 0);    // 0.33 → 0
  EXPECT_EQ(mulDivRound(2, 1, 3), 1);    // 0.67 → 1
  EXPECT_EQ(mulDivRound(5, 750, 10'000), 0);  // 0.375 kobo
  EXPECT_EQ(mulDivRound(7, 750, 10'000), 1);  // 0.525 kobo
  // 10^17 kobo × 750 exceeds 2^63; the quotient does not.
  EXPECT_EQ(mulDivRound(100'000'000'000'000'000, 750, 10'000), 7'500'000'000'000'000);
}

}  // namespace
}  // namespace agape::cart
