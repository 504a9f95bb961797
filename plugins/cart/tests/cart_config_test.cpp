// The cart: section is decoded strictly, with messages naming key and place.
#include <gtest/gtest.h>

#include <agape/testing/config_text.h>

#include "cart_config.h"

namespace agape::cart {
namespace {

CartConfig decode(const std::string& yaml) { return agape::testing::decodeSection(yaml, "cart", decodeCartConfig); }
std::string errorOf(const std::string& yaml) { return agape::testing::sectionError(yaml, "cart", decodeCartConfig); }

TEST(CartConfig, DefaultsWhenAbsent) {
  const CartConfig c = decode("other: 1\n");
  EXPECT_EQ(c.maxQuantityPerLine, 10);
  EXPECT_EQ(c.maxLines, 50);
  EXPECT_EQ(c.guestCartTtl, std::chrono::hours(24 * 30));
  EXPECT_EQ(c.currency, "NGN");
  EXPECT_EQ(c.tax.rateBasisPoints, 750);
  EXPECT_TRUE(c.tax.pricesIncludeTax);
  ASSERT_EQ(c.shippingMethods.size(), 3u);
  EXPECT_EQ(c.defaultShippingMethod, "standard");
  ASSERT_NE(c.shippingMethod("express"), nullptr);
  EXPECT_EQ(c.shippingMethod("drone"), nullptr);
}

TEST(CartConfig, ReadsEveryKey) {
  const CartConfig c = decode(
      "cart:\n"
      "  maxQuantityPerLine: 3\n"
      "  maxLines: 20\n"
      "  guestCartTtl: 7d\n"
      "  currency: GHS\n"
      "  tax: {name: VAT, rate: 15, pricesIncludeTax: false}\n"
      "  shipping:\n"
      "    default: courier\n"
      "    methods:\n"
      "      pickup: {label: Pick up in Yaba, price: 0}\n"
      "      courier: {label: Courier, price: 150000, freeFrom: 2000000}\n");
  EXPECT_EQ(c.maxQuantityPerLine, 3);
  EXPECT_EQ(c.maxLines, 20);
  EXPECT_EQ(c.guestCartTtl, std::chrono::hours(24 * 7));
  EXPECT_EQ(c.currency, "GHS");
  EXPECT_EQ(c.tax.rateBasisPoints, 1500);
  EXPECT_FALSE(c.tax.pricesIncludeTax);
  ASSERT_EQ(c.shippingMethods.size(), 2u);
  EXPECT_EQ(c.shippingMethods[0].id, "pickup");
  EXPECT_FALSE(c.shippingMethods[0].freeFrom.has_value());
  EXPECT_EQ(c.shippingMethods[1].price, 150'000);
  EXPECT_EQ(c.shippingMethods[1].freeFrom, 2'000'000);
  EXPECT_EQ(c.defaultShippingMethod, "courier");
}

TEST(CartConfig, RefusesBadValuesNamingTheKey) {
  EXPECT_NE(errorOf("cart:\n  maxQuantityPerLine: 0\n").find("cart.maxQuantityPerLine"), std::string::npos);
  EXPECT_NE(errorOf("cart:\n  guestCartTtl: 1h\n").find("cart.guestCartTtl: must be between 1d and 366d"),
            std::string::npos);
  EXPECT_NE(errorOf("cart:\n  currency: naira\n").find("cart.currency"), std::string::npos);
  EXPECT_NE(errorOf("cart:\n  tax: {rate: 7.555}\n").find("cart.tax.rate"), std::string::npos);
  EXPECT_NE(errorOf("cart:\n  tax: {rate: 101}\n").find("cart.tax.rate"), std::string::npos);
  EXPECT_NE(errorOf("cart:\n  shipping: {default: drone}\n").find("cart.shipping.default: must name one of"),
            std::string::npos);
  EXPECT_NE(errorOf("cart:\n  shipping: {methods: {Fast!: {label: x, price: 1}}}\n").find("cart.shipping.methods.Fast!"),
            std::string::npos);
  EXPECT_NE(errorOf("cart:\n  shipping: {methods: {fast: {price: 1}}}\n").find("cart.shipping.methods.fast.label"),
            std::string::npos);
  EXPECT_NE(errorOf("cart:\n  shipping: {methods: {fast: {label: x, price: -1}}}\n").find("cart.shipping.methods.fast.price"),
            std::string::npos);
  EXPECT_NE(errorOf("cart:\n  colour: red\n").find("cart.colour: unknown key"), std::string::npos);
  // The location is named too.
  EXPECT_NE(errorOf("cart:\n  maxLines: 0\n").find("/etc/agape/agape.yaml:2"), std::string::npos);
}

}  // namespace
}  // namespace agape::cart
